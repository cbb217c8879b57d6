"""The layout audit (storefront.layout_audit) in headless Chromium: what it finds, and
that no creator page has any of it, in every shipped theme, at 390, 768 and 1280 px.

The creators are the shipped demo creators plus one generated file for each kind of
creator file the rules allow: only a name; everything at its longest with a light
accent; a hero without an image and no avatar; an avatar and no hero; a dark store.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from storefront.config import PROJECT_ROOT
from storefront.creators import Registry
from storefront.layout_audit import BRAND_PAGES, SCRIPT, audit_page, creator_pages
from tests.browser import Browser, store_with

WIDTHS = (390, 768, 1280)
THEMES = sorted(p.parent.name for p in (PROJECT_ROOT / "themes").glob("*/theme.toml"))
LONG_WORD = "Featherstonehaugh-Wolfeschlegelsteinhausenbergerdorff"
LONG_BIO = ("I test everything I recommend on long days outside, and keep only what earns "
            "its weight. " * 11)[:1000].strip()
LONG_NOTE = ("Soft, light, and it dries overnight on a line strung between two trees. "
             * 7)[:500].strip()

GENERATED = {
    "only-a-name": 'name = "Noor"\n',
    "everything": f"""\
name = "Maximiliana {LONG_WORD}"
avatar = "maya.svg"
bio = "{LONG_BIO}"
[hero]
title = "Everything {LONG_WORD} picked, tested and packed for a whole season away"
subtitle = "{'A long subtitle that keeps going and going. ' * 6}"
image = "maya-hero.svg"
cta_label = "Shop every single one of the picks in this list right now"
cta_url = "/collections/apparel"
[discount]
code = "WELCOME10"
label = "10% off your first order, on everything in the store, for a limited time only"
[[collections]]
handle = "apparel"
title = "Clothes I wear on every trip, in every season, whatever the weather"
[[collections]]
handle = "bags"
title = "Bags"
[notes]
organic-cotton-tee = "{LONG_NOTE}"
[theme_settings]
accent = "#ffee00"
[social]
instagram = "https://www.instagram.com/a.very.long.handle.for.a.creator.demo"
tiktok = "https://www.tiktok.com/@a.very.long.handle.demo"
youtube = "https://www.youtube.com/@averylonghandledemo"
x = "https://x.com/averylonghandle"
pinterest = "https://www.pinterest.com/averylonghandle"
website = "https://averylonghandle.example.com/about/me"
""",
    "hero-without-image": """\
name = "Ines Okafor"
[hero]
title = "Picked by Ines"
subtitle = "Slow things for a small flat."
cta_url = "/collections/home"
[theme_settings]
accent = "#111111"
""",
    "avatar-no-hero": """\
name = "Kai"
avatar = "kit.svg"
bio = "Ceramics."
[notes]
linen-shirt = "Mine is five summers old."
[theme_settings]
accent = "#c46a2b"
""",
    "dark-store": """\
name = "Vera Night"
bio = "After dark."
[hero]
title = "Night shift"
image = "june-hero.svg"
[discount]
code = "TAKE5"
[theme_settings]
background = "#1d1f24"
surface = "#2a2d33"
text = "#f3f1ec"
accent = "#ff9f43"
""",
}

BROKEN = """<!doctype html><html><body style="margin:0;background:#fff">
<div class="wide" style="width:600px">too wide</div>
<a href="/a" style="position:absolute;left:10px;top:100px;width:80px;height:30px">One</a>
<button style="position:absolute;left:50px;top:110px;width:80px;height:30px">Two</button>
<p style="color:#bbbbbb">pale text</p>
<p style="color:#767676">just enough</p>
<div style="opacity:0.6"><span style="color:#767676">faded</span></div>
<div style="overflow-x:auto;width:300px">
  <table style="width:900px"><tr><td>own scroll</td></tr></table></div>
<p style="position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);
          color:#fff">x</p>
<div style="position:sticky;bottom:0"><a href="/b">Bar</a></div>
</body></html>"""


def test_the_audit_finds_overflow_overlap_and_contrast(browser: Browser):
    page = browser.new_page(viewport={"width": 390, "height": 800})
    try:
        page.set_content(BROKEN)
        found = {(item["kind"], item["element"]) for item in page.evaluate(SCRIPT)}
    finally:
        page.close()
    assert found == {
        ("overflow", 'div.wide "too wide"'),
        ("overlap", 'a "One"'),
        ("contrast", 'p "pale text"'),
        ("contrast", 'span "faded"'),  # 4.54:1 until faded by its parent
    }


@pytest.fixture(scope="module", params=THEMES)
def themed_store(request, tmp_path_factory) -> Iterator[tuple[str, str, dict[str, list[str]]]]:
    """(theme, the store's URL, each creator's pages) with the demo and generated creators."""
    root = tmp_path_factory.mktemp(f"audit-{request.param}")
    creators = root / "creators"
    shutil.copytree(PROJECT_ROOT / "creators", creators)  # the shipped demo creators
    for handle, text in GENERATED.items():
        (creators / f"{handle}.toml").write_text(text)
    registry = Registry(creators, log_problems=False)
    registry.load()
    assert registry.problems == []
    pages = dict(creator_pages(registry))
    with store_with(root, creators, request.param) as url:
        yield request.param, url, pages


def _shipped_active() -> list[str]:
    shipped = Registry(PROJECT_ROOT / "creators", log_problems=False)
    shipped.load()
    return [creator.handle for creator in shipped if creator.is_active]


@pytest.mark.parametrize("handle", _shipped_active() + list(GENERATED))
def test_no_creator_page_overflows_overlaps_or_fades(browser: Browser, themed_store, handle):
    theme, url, pages = themed_store
    context = browser.new_context(base_url=url)  # a follower of theirs alone
    try:
        page = context.new_page()
        findings = [finding for width in WIDTHS for path in pages[handle]
                    for finding in audit_page(page, path, width, handle)]
    finally:
        context.close()
    assert not findings, f"theme {theme}, creator {handle}:\n" + "\n".join(map(str, findings))


def test_no_brand_page_overflows_overlaps_or_fades(browser: Browser, themed_store):
    theme, url, _ = themed_store
    context = browser.new_context(base_url=url)
    try:
        page = context.new_page()
        page.goto("/products/organic-cotton-tee")  # (so the cart has a line)
        page.locator("form.buy button[type=submit]").first.click()
        page.wait_for_selector(".added")
        findings = [finding for width in WIDTHS for path in BRAND_PAGES
                    for finding in audit_page(page, path, width)]
    finally:
        context.close()
    assert not findings, f"theme {theme}:\n" + "\n".join(map(str, findings))


def test_theme_check_audit_reports_theme_creator_width_and_element(browser, tmp_path,
                                                                    monkeypatch):
    """`flask theme check --audit`: a child theme whose logo is too wide for a phone."""
    from storefront import theme_cli
    from storefront.theming import load_theme

    themes = tmp_path / "themes"
    (themes / "wide" / "templates").mkdir(parents=True)
    (themes / "wide" / "static").mkdir()
    shutil.copytree(PROJECT_ROOT / "themes" / "base", themes / "base")
    (themes / "wide" / "theme.toml").write_text('name = "Wide"\nparent = "base"\n')
    (themes / "wide" / "templates" / "layout.html").write_text(
        '{% extends "base:layout.html" %}{% block head %}'
        "<link rel=\"stylesheet\" href=\"{{ asset_url('wide.css') }}\">{% endblock %}")
    (themes / "wide" / "static" / "wide.css").write_text(".site-header__logo { min-width: 700px; }")
    creators = tmp_path / "creators"
    creators.mkdir()
    (creators / "nora.toml").write_text('name = "Nora Lind"\n')
    monkeypatch.setenv("CREATORS_DIR", str(creators))
    monkeypatch.setenv("INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.setenv("FUNNELS_URL", "off")
    report = theme_cli.check_theme(load_theme("wide", themes), themes, audit=True)
    assert "themes/wide: 390px GET /: overflow: a.site-header__logo" in "\n".join(report.problems)
    assert any(line.startswith("themes/wide: creator nora (creators/nora.toml): 390px GET /@nora: "
                               "overflow: a.site-header__logo") for line in report.problems)
    assert not any("1280px" in line for line in report.problems)  # it fits a desktop
