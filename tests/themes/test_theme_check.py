"""`flask theme check`: compile errors and render errors reported as file:line.

The store's own pages change as the views grow, so these tests render pages of
their own (a small blueprint added to the checked app) with fake themes.
"""

from __future__ import annotations

import pytest
from flask import Blueprint, render_template

from storefront import theme_cli
from storefront.config import PROJECT_ROOT
from storefront.theming import load_theme
from tests.themes import make_app, write_base, write_theme

# Kept before the fixture below replaces them.
STORE_PAGES = theme_cli.PAGES
STORE_APP = theme_cli.demo_app

pages = Blueprint("check_pages", __name__)


@pages.get("/_check/<name>")
def page(name: str):
    return render_template(f"{name}.html")


@pages.get("/_check-gone")
def gone():
    return "gone", 404


@pytest.fixture(autouse=True)
def test_pages(monkeypatch):
    """Render our own pages instead of the store's."""
    make_demo_app = theme_cli.demo_app

    def demo_app_with_test_pages(*args):
        app = make_demo_app(*args)
        app.register_blueprint(pages)
        return app

    monkeypatch.setattr(theme_cli, "demo_app", demo_app_with_test_pages)
    monkeypatch.setattr(theme_cli, "PAGES", [("/_check/home", 200), ("/_check-gone", 404)])
    monkeypatch.setattr(theme_cli, "JOURNEYS", False)


@pytest.fixture
def themes(tmp_path):
    folder = tmp_path / "themes"
    write_base(folder, templates={
        "layout.html": """\
            <link rel="stylesheet" href="{{ asset_url('site.css') }}">
            {% block main %}{% endblock %}
            {% include "_footer.html" %}
        """,
        "_footer.html": "<footer>{{ theme.title }}</footer>",
        "home.html": "{% extends 'layout.html' %}{% block main %}home{% endblock %}",
    }, static={"site.css": "body {}"})
    write_theme(folder, "night", 'name = "Night"\nparent = "base"\n', templates={
        "home.html": (
            '{% extends "base:home.html" %}'
            "{% block main %}night {{ super() }}{% endblock %}"
        ),
    })
    return folder


def check(themes, tmp_path, *args: str):
    app = make_app(themes, "night", tmp_path)
    return app.test_cli_runner().invoke(args=["theme", "check", *args])


def test_good_theme_passes(themes, tmp_path):
    result = check(themes, tmp_path)
    assert result.output == "theme night: 5 templates compiled, 2 pages rendered, OK\n"
    assert result.exit_code == 0


def test_checks_the_theme_named_on_the_command_line(themes, tmp_path):
    result = check(themes, tmp_path, "base")
    assert result.output == "theme base: 4 templates compiled, 2 pages rendered, OK\n"
    assert result.exit_code == 0


def test_syntax_error_is_reported_at_its_line(themes, tmp_path):
    # Never rendered by any page: the compile step still finds it.
    write_theme(themes, "night", templates={
        "product.html": "<h1>\n  {{ product.title }}\n  {% endif %}\n</h1>\n",
    })
    result = check(themes, tmp_path)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("themes/night/templates/product.html:3: ")
    assert "endif" in lines[0]
    assert lines[-1] == "theme night: 1 problem"


def test_syntax_error_in_a_rendered_template_is_reported_once(themes, tmp_path):
    write_theme(themes, "base", templates={"_footer.html": "<footer>{{ theme.title }</footer>"})
    result = check(themes, tmp_path)
    assert result.exit_code == 1
    assert result.output.count("_footer.html") == 1
    assert result.output.startswith("themes/base/templates/_footer.html:1: ")


def test_render_error_is_reported_at_the_template_line(themes, tmp_path):
    write_theme(themes, "night", templates={
        "home.html": """\
            {% extends "base:home.html" %}
            {% block main %}
              {{ 1 // 0 }}
            {% endblock %}
        """,
    })
    result = check(themes, tmp_path)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "themes/night/templates/home.html:3: ZeroDivisionError: integer division or modulo "
        "by zero (GET /_check/home)"
    )


def test_error_in_a_parent_partial_points_at_the_parent_file(themes, tmp_path):
    write_theme(themes, "base", templates={"_footer.html": "\n<footer>{{ theme.title.nope() }}"})
    result = check(themes, tmp_path)
    assert result.exit_code == 1
    assert result.output.startswith("themes/base/templates/_footer.html:2: UndefinedError: ")
    assert "(GET /_check/home)" in result.output


def test_missing_asset_is_reported_at_the_template_line(themes, tmp_path):
    write_theme(themes, "night", templates={
        "home.html": "{% extends 'layout.html' %}\n{% block main %}\n"
                     "<img src=\"{{ asset_url('nope.png') }}\">{% endblock %}",
    })
    result = check(themes, tmp_path)
    assert result.exit_code == 1
    assert result.output.startswith(
        "themes/night/templates/home.html:3: ThemeError: asset 'nope.png' is not in themes "
        "night, base"
    )


def test_unexpected_status_is_reported(themes, tmp_path, monkeypatch):
    monkeypatch.setattr(theme_cli, "PAGES", [("/_check-gone", 200)])
    result = check(themes, tmp_path)
    assert result.exit_code == 1
    assert "themes/night: GET /_check-gone answered 404, expected 200" in result.output


def test_bad_theme_toml_is_reported(themes, tmp_path):
    write_theme(themes, "dusk", 'parent = "base"\n[settings]\ncolors = { accent = "teal" }\n')
    result = check(themes, tmp_path, "dusk")
    assert result.exit_code == 1
    assert result.output == (
        "themes/dusk/theme.toml: settings.colors.accent: 'teal' is not a colour; "
        "use #rgb or #rrggbb\n"
    )


def test_a_broken_stylesheet_is_reported_at_its_line(themes, tmp_path):
    write_theme(themes, "night", static={
        "site.css": 'body { color: red }\nh1 { content: "open\n}\n}\n',
        "fine.css": "a { color: blue }",
    })
    result = check(themes, tmp_path)
    said = "(the browser drops part of it; served unminified)"
    assert (result.exit_code, result.output) == (1, (
        f"themes/night/static/site.css:2: Bad string token {said}\n"
        f"themes/night/static/site.css:4: Unmatched }} {said}\n"
        "theme night: 2 problems\n"))


def test_default_pages_cover_the_store():
    urls = dict(STORE_PAGES)
    assert urls["/"] == 200
    assert urls["/no-such-page"] == 404
    assert {"/cart", "/sitemap.xml", "/robots.txt", "/products/organic-cotton-tee"} <= set(urls)


SHIPPED = sorted(p.parent.name for p in (PROJECT_ROOT / "themes").glob("*/theme.toml"))


def test_base_and_a_child_theme_ship():
    assert "base" in SHIPPED and len(SHIPPED) >= 2


NORA = 'name = "Nora Lind"\n[notes]\nlinen-shirt = "Mine is five summers old."\n'


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_theme_renders_every_store_page(monkeypatch, tmp_path, name):
    """Every page type: the brand's, a cart with lines and codes, search with and without
    results, 404 and 503, and each active creator's landing and product pages."""
    creators = tmp_path / "creators"
    creators.mkdir()
    (creators / "nora.toml").write_text(NORA)
    (creators / "olaf.toml").write_text('name = "Olaf"\nstatus = "paused"\n')
    monkeypatch.setenv("CREATORS_DIR", str(creators))
    monkeypatch.setenv("INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.setattr(theme_cli, "PAGES", STORE_PAGES)
    monkeypatch.setattr(theme_cli, "JOURNEYS", True)
    monkeypatch.setattr(theme_cli, "demo_app", STORE_APP)
    themes = PROJECT_ROOT / "themes"
    report = theme_cli.check_theme(load_theme(name, themes), themes)
    assert report.problems == []
    assert report.pages == [*STORE_PAGES, ("/cart", 200), ("/pages/shipping", 503),
                            ("/@nora", 200), ("/products/linen-shirt", 200), ("/cart", 200),
                            ("/no-such-page", 404)]
    assert ("/search?q=no-such-thing-at-all", 200) in STORE_PAGES


def test_text_colours_below_4_5_to_1_are_refused(themes, tmp_path):
    write_theme(themes, "dusk", 'parent = "base"\n[settings]\n'
                'colors = { text = "#999999", background = "#ffffff", accent = "#ffcc00" }\n')
    result = check(themes, tmp_path, "dusk")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "themes/dusk/theme.toml: settings.colors: text #999999 on background #ffffff reads at "
        "2.85:1; text needs at least 4.5:1",
        "themes/dusk/theme.toml: settings.colors: text #999999 on surface #ffffff reads at "
        "2.85:1; text needs at least 4.5:1",
        "theme dusk: 2 problems",
    ]  # (a light accent is no problem: the page derives a readable one)


def test_the_verdict_is_clean_and_logs_show_only_when_asked(themes, tmp_path):
    quiet = check(themes, tmp_path)
    assert quiet.output == "theme night: 5 templates compiled, 2 pages rendered, OK\n"
    loud = check(themes, tmp_path, "--verbose")
    assert loud.exit_code == 0 and loud.output.endswith("2 pages rendered, OK\n")
