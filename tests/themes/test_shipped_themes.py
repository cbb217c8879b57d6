"""The shipped child theme overrides what it says and falls back for the rest."""

from __future__ import annotations

import re

import pytest

from storefront import create_app


@pytest.fixture
def atelier(tmp_path):
    app = create_app({"THEME": "atelier", "DEMO_SHOP_CART_DB": str(tmp_path / "c.sqlite3")})
    return app.test_client()


def test_atelier_extends_base_layout_with_its_own_stylesheet(atelier):
    page = atelier.get("/").get_data(as_text=True)
    assert re.search(r'href="/assets/base\.[0-9a-f]{10}\.css"', page)  # (below the fold)
    head = page.split("</head>")[0]
    # The first screen's CSS is in the page: base's critical part, then atelier's.
    assert head.index(":root{--color-background:") < head.index(".theme-atelier .site-header")
    assert 'class="theme-atelier"' in page
    assert "--color-ink: #16181d;" in page  # its own settings
    assert "--color-border: #d6d0c4;" in page  # overriding base's
    # Fonts reach the browser as CSS: HTML escaping is not undone inside <style>.
    assert '--font-body: "Helvetica Neue", Arial, sans-serif;' in page
    assert '--font-heading: "Didot", "Bodoni 72", Georgia, serif;' in page
    assert "&#34;" not in page.split("<style", 1)[1].split("</style>", 1)[0]


def test_atelier_overrides_the_hero_and_keeps_base_sections(atelier):
    page = atelier.get("/").get_data(as_text=True)
    assert "atelier-hero" in page and 'class="hero"' not in page
    assert "Best sellers" in page  # its settings.home.featured
    assert 'aria-labelledby="collection-stationery"' in page  # base's collections block


def test_atelier_card_is_used_everywhere_and_other_pages_come_from_base(atelier):
    collection = atelier.get("/collections/apparel").get_data(as_text=True)
    assert "atelier-card__frame" in collection
    cart = atelier.get("/cart").get_data(as_text=True)
    assert "Your cart is empty" in cart  # base's cart.html
    assert atelier.get("/nope").status_code == 404


def test_fonts_are_preloaded_only_where_the_theme_uses_them(atelier, tmp_path):
    from storefront import create_app

    base = create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3"), "THEME": "base"})
    page = base.test_client().get("/").get_data(as_text=True)
    assert page.count('as="font" type="font/woff2" crossorigin>') == 2
    assert "font-display: swap" in page
    assert 'as="font"' not in atelier.get("/").get_data(as_text=True)  # its own font stacks
