"""Theme loading: theme.toml checks, inheritance of templates and settings."""

from __future__ import annotations

import pytest
from flask import render_template

from storefront.config import ConfigError
from storefront.theming import ThemeError, load_theme
from tests.themes import make_app, write_base, write_theme

CHILD = 'name = "Night"\nparent = "base"\n'
CARD = "<p>{% block body %}base{% endblock %}</p>"


@pytest.fixture
def themes(tmp_path):
    folder = tmp_path / "themes"
    write_base(
        folder,
        templates={
            "layout.html": "<h1>{% include '_header.html' %}</h1>{% block main %}{% endblock %}",
            "_header.html": "base header",
            "page.html": "{% extends 'layout.html' %}{% block main %}base page{% endblock %}",
            "only_base.html": "from base",
        },
    )
    return folder


def render(app, template, **context):
    with app.test_request_context():
        return render_template(template, **context)


def test_child_template_overrides_parent(themes, tmp_path):
    write_theme(themes, "night", CHILD, templates={
        "page.html": "{% extends 'layout.html' %}{% block main %}night page{% endblock %}",
    })
    app = make_app(themes, "night", tmp_path)
    assert render(app, "page.html") == "<h1>base header</h1>night page"


def test_missing_template_falls_back_to_parent(themes, tmp_path):
    write_theme(themes, "night", CHILD)
    app = make_app(themes, "night", tmp_path)
    assert render(app, "only_base.html") == "from base"


def test_parent_templates_use_the_child_partials(themes, tmp_path):
    # Overriding a small partial is enough to change every page that includes it.
    write_theme(themes, "night", CHILD, templates={"_header.html": "night header"})
    app = make_app(themes, "night", tmp_path)
    assert render(app, "page.html") == "<h1>night header</h1>base page"


def test_child_extends_the_parent_version_of_the_same_template(themes, tmp_path):
    write_theme(themes, "base", templates={"card.html": CARD})
    write_theme(themes, "night", CHILD, templates={
        "card.html": (
            '{% extends "base:card.html" %}'
            "{% block body %}night, {{ super() }}{% endblock %}"
        ),
    })
    app = make_app(themes, "night", tmp_path)
    assert render(app, "card.html") == "<p>night, base</p>"


def test_grandchild_chain(themes, tmp_path):
    write_theme(themes, "base", templates={"card.html": CARD})
    write_theme(themes, "night", CHILD, templates={
        "card.html": '{% extends "base:card.html" %}{% block body %}night{% endblock %}',
        "only_night.html": "from night",
    })
    write_theme(themes, "midnight", 'name = "Midnight"\nparent = "night"\n', templates={
        "card.html": (
            '{% extends "night:card.html" %}'
            "{% block body %}mid {{ super() }}{% endblock %}"
        ),
    })
    app = make_app(themes, "midnight", tmp_path)
    theme = app.extensions["theme"]
    assert [t.name for t in theme.chain] == ["midnight", "night", "base"]
    assert theme.template_dirs == [themes / n / "templates" for n in ("midnight", "night", "base")]
    assert render(app, "card.html") == "<p>mid night</p>"
    assert render(app, "only_night.html") == "from night"
    assert render(app, "only_base.html") == "from base"


def test_settings_deep_merge_over_the_parent(themes, tmp_path):
    write_theme(themes, "night", """
        name = "Night"
        parent = "base"
        [settings]
        colors = { accent = "#123abc" }
        tagline = "after dark"
    """)
    app = make_app(themes, "night", tmp_path)
    settings = app.extensions["theme"].settings
    assert dict(settings["colors"]) == {"background": "#fff", "accent": "#123abc"}
    assert dict(settings["fonts"]) == {"body": "system-ui", "heading": "Georgia"}
    assert settings["tagline"] == "after dark"
    with pytest.raises(TypeError):
        settings["colors"]["accent"] = "#000"  # shared by every request: read-only
    page = "{{ theme.name }} {{ theme.title }} {{ theme.settings.colors.accent }}"
    write_theme(themes, "night", templates={"t.html": page})
    assert render(app, "t.html") == "night Night #123abc"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('name = "Night"\nparent = "nope"\n',
         "themes/night/theme.toml: parent: no theme named 'nope'"),
        ('name = "Night"\nparent = "base"\ncolour = "red"\n',
         "themes/night/theme.toml: unknown key 'colour'; allowed: description, name, parent, "
         "settings"),
        ('parent = "base"\n[settings]\ncolors = { accent = "red" }\n',
         "themes/night/theme.toml: settings.colors.accent: 'red' is not a colour; "
         "use #rgb or #rrggbb"),
        ('parent = "base"\n[settings]\ncolors = { accent = "#12345" }\n',
         "themes/night/theme.toml: settings.colors.accent: '#12345' is not a colour"),
        ('parent = "base"\n[settings]\nfonts = { body = "\\"</style><script>x\\"" }\n',
         "themes/night/theme.toml: settings.fonts.body: '\"</style><script>x\"' is not a "
         "font-family list"),
        ('parent = "base"\n[settings]\nfonts = { body = "Arial; color: red" }\n',
         "themes/night/theme.toml: settings.fonts.body: 'Arial; color: red' is not a "
         "font-family list"),
        ('parent = "base"\n[settings]\nfonts = "Arial"\n',
         "themes/night/theme.toml: settings.fonts: must be a table"),
        ('parent = "night"\n', "themes/night/theme.toml: parent: 'night' makes a cycle "
         "(night -> night)"),
        ('parent = "Base"\n', "themes/night/theme.toml: parent: 'Base' is not a theme folder name"),
        ('parent = 3\n', "themes/night/theme.toml: parent: must be a string"),
        ('name = "Night\n', "themes/night/theme.toml: not valid TOML"),
        ('parent = "base"\n[settings]\nlogo = "logo.svg"\n',
         "themes/night/theme.toml: settings.logo: no file 'logo.svg' in night/static, base/static"),
    ],
)
def test_theme_toml_errors_name_file_and_key(themes, toml, message):
    write_theme(themes, "night", toml)
    with pytest.raises(ThemeError) as caught:
        load_theme("night", themes)
    assert str(caught.value).startswith(message)


def test_cycle_through_several_themes(themes):
    write_theme(themes, "dawn", 'parent = "dusk"\n')
    write_theme(themes, "dusk", 'parent = "dawn"\n')
    with pytest.raises(ThemeError, match=r"themes/dusk/theme.toml: parent: 'dawn' makes a cycle "
                                         r"\(dawn -> dusk -> dawn\)"):
        load_theme("dawn", themes)


def test_base_without_theme_toml_is_an_error(themes):
    (themes / "base" / "theme.toml").unlink()
    with pytest.raises(ThemeError, match=r"^themes/base/theme.toml: missing"):
        load_theme("base", themes)


@pytest.mark.parametrize("name", ["Night", "../base", "-x", ""])
def test_theme_folder_names_are_checked(themes, name):
    with pytest.raises(ThemeError, match="is not a theme name"):
        load_theme(name, themes)


def test_logo_found_through_the_chain(themes):
    write_theme(themes, "base", static={"logo.svg": "<svg/>"})
    write_theme(themes, "night", 'parent = "base"\n[settings]\nlogo = "logo.svg"\n')
    assert load_theme("night", themes).settings["logo"] == "logo.svg"


def test_broken_theme_stops_the_app_with_a_config_error(themes, tmp_path):
    write_theme(themes, "night", 'parent = "nope"\n')
    with pytest.raises(ConfigError) as caught:
        make_app(themes, "night", tmp_path)
    assert str(caught.value) == (
        "THEME='night': themes/night/theme.toml: parent: no theme named 'nope'"
    )


def test_shipped_base_theme_loads():
    from storefront.config import PROJECT_ROOT

    base = load_theme("base", PROJECT_ROOT / "themes")
    assert base.parent is None
    assert base.settings["colors"]["accent"].startswith("#")
