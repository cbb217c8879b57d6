"""Links in a market's pages stay in that market: the store serves a market under a path
prefix by putting it in SCRIPT_NAME (request.script_root), and every internal link and
form of the themes goes through `localize`. Theme assets keep their one address."""

from __future__ import annotations

import re

import pytest
from flask import render_template_string

from storefront import create_app
from storefront.web.filters import local_url, localize, url_with

MARKET = {"SCRIPT_NAME": "/fr-ca"}
# Where a page links to, or sends a form: every href, action and data-* URL of ours.
_LINK = re.compile(r'\b(?:href|action|data-suggest|data-recommendations)="([^"]*)"')
_ALTERNATE = re.compile(r'<link rel="alternate" hreflang="[^"]+" href="[^"]+">')
_SELECTOR = re.compile(r'<form class="market-selector".*?</form>', re.S)
_RETURN_TO = re.compile(r'name="return_to" value="([^"]*)"')
# Rich text from Shopify (descriptions, pages, articles) is the shop's own HTML, as it wrote it.
_RICH_TEXT = re.compile(r'<div class="[^"]*\brte\b[^"]*">.*?</div>', re.S)


@pytest.fixture
def app(tmp_path):
    # A cache of its own: a page rendered under the prefix must not answer another app.
    return create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3"),
                       "CACHE_TYPE": "SimpleCache"})


def test_localize_puts_the_market_prefix_on_store_paths(app):
    with app.test_request_context("/cart", environ_overrides=MARKET):
        assert localize("/cart") == "/fr-ca/cart"
        assert localize("/") == "/fr-ca/"
        assert localize("/products/tee?variant=1") == "/fr-ca/products/tee?variant=1"
        assert localize("/fr-ca/cart") == "/fr-ca/cart"  # (twice does no harm)
        for other in ("https://shop.example/x", "//cdn.example/x", "#main", "?variant=1",
                      "mailto:hello@example.com", ""):
            assert localize(other) == other
        assert localize(None) == ""
        assert render_template_string("{{ '/search'|localize }}") == "/fr-ca/search"
    with app.test_request_context("/cart"):
        assert localize("/cart") == "/cart"
    with app.app_context():
        assert localize("/cart") == "/cart"  # (no request: no market)


def test_menu_links_and_this_pages_address_are_in_the_market(app):
    with app.test_request_context("/collections/apparel?sort_by=price-ascending&utm_source=x",
                                  environ_overrides=MARKET, base_url="https://shop.example"):
        assert local_url("https://shop.example/collections/bags") == "/fr-ca/collections/bags"
        assert local_url("/pages/about") == "/fr-ca/pages/about"
        assert local_url("https://elsewhere.example/") == "https://elsewhere.example/"
        assert local_url("javascript:alert(1)") == "#"
        assert url_with(after="abc") == (
            "/fr-ca/collections/apparel?after=abc&sort_by=price-ascending")


def links(response) -> list[str]:
    """The site's own paths a page links to or posts to (not https://, //, # or ?), outside
    the shop's rich text."""
    html = _RICH_TEXT.sub("", response.get_data(as_text=True))
    # The market selector sends the page's address in no market: it adds the chosen one.
    html = _SELECTOR.sub("", html)
    found = _LINK.findall(html) + _RETURN_TO.findall(html)
    return [url for url in found if url.startswith("/") and not url.startswith("//")]


PAGES = [
    "/", "/collections", "/collections/apparel", "/products/organic-cotton-tee",
    "/search?q=linen", "/search?q=no-such-thing-at-all", "/search?q=linen&type=article",
    "/blogs/journal", "/blogs/journal/how-to-care-for-linen", "/policies", "/@maya",
    "/cart", "/no-such-page",
]


def test_every_link_of_a_markets_page_stays_in_the_market(app):
    client = app.test_client()
    page = client.get("/fr-ca/products/organic-cotton-tee")
    token = re.search(r'name="csrf-token" content="([^"]*)"', page.get_data(as_text=True))
    added = client.post("/fr-ca/cart/add", data={
        "csrf_token": token.group(1), "variant_id": "1003", "quantity": "1",
        "return_to": "/fr-ca/products/organic-cotton-tee"})
    assert added.headers["Location"] == "/fr-ca/products/organic-cotton-tee"
    seen = set()
    for url in PAGES:  # (the cart now has a line: its forms are there too)
        response = client.get("/fr-ca" + url)  # (through the app's own market prefix layer)
        assert response.status_code == (404 if url == "/no-such-page" else 200), url
        for link in links(response):
            seen.add(link)
            if "/assets/" in link:
                assert link.startswith("/assets/"), (url, link)  # one address per file
            else:
                assert link == "/fr-ca" or link.startswith("/fr-ca/"), (url, link)
    # The header, menus, cards, pagination, forms, creator and article links all took part.
    for expected in ("/fr-ca/", "/fr-ca/cart", "/fr-ca/search", "/fr-ca/cart/update",
                     "/fr-ca/cart/discounts", "/fr-ca/checkout", "/fr-ca/@maya",
                     "/fr-ca/products/organic-cotton-tee/recommendations",
                     "/fr-ca/blogs/journal/how-to-care-for-linen"):
        assert expected in seen, expected
    assert any(link.startswith("/fr-ca/collections/") for link in seen)
    assert any(link.startswith("/fr-ca/blogs/journal/tagged/") for link in seen)
    header = client.get("/fr-ca/").get_data(as_text=True)
    assert 'data-root="/fr-ca"' in header  # storefront.js prefixes suggestions with it


def test_a_redirect_to_this_page_keeps_the_market(app):
    moved = app.test_client().get("/fr-ca/collections/apparel?sort_by=bogus")
    assert moved.status_code == 302 and moved.headers["Location"] == "/fr-ca/collections/apparel"


def test_the_primary_markets_links_are_as_they_were(app):
    client = app.test_client()
    for url in PAGES:
        response = client.get(url)
        # (but for the alternates in every market, which name each market's address)
        body = _ALTERNATE.sub("", response.get_data(as_text=True))
        assert "/fr-ca" not in body, url
        assert 'data-root=""' in body, url
    home = client.get("/").get_data(as_text=True)
    for expected in ('href="/cart"', 'action="/search"', 'data-suggest="/search/suggest"',
                     'href="/collections/'):
        assert expected in home
