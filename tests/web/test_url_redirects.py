"""A 404 follows the merchant's URL redirect (Shopify's `urlRedirects`) with a 301: the
old links a brand brings from its Liquid theme keep working, query strings and all,
and a target that would send the shopper somewhere unsafe is refused."""

from __future__ import annotations

import logging

import pytest

from storefront import create_app
from storefront.demo_shop.catalog import Redirect
from tests.web.conftest import Recorder


@pytest.fixture
def app(tmp_path):
    return create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "c.sqlite3"),
                       "INSTANCE_DIR": str(tmp_path / "i")})


def with_redirects(app, *pairs: tuple[str, str]):
    """The demo shop serving these redirects (path, target) instead of its own."""
    app.extensions["storefront"].transport.shop.edit_redirects(
        tuple(Redirect(id=9000 + n, path=p, target=t) for n, (p, t) in enumerate(pairs)))
    return app


@pytest.mark.parametrize(("path", "location"), [
    ("/products/linen-shirt-classic", "/products/linen-shirt"),
    ("/pages/about-us", "/pages/about"),
    ("/shop", "/collections/all"),
    # Matched without regard to case, and without the trailing slash.
    ("/Products/Tote-Bag/", "/products/canvas-tote"),
    # Off-site to https is the merchant's choice.
    ("/pages/press", "https://press.fernwood.example/kit"),
])
def test_a_shipped_redirect_answers_301(app, path, location):
    reply = app.test_client().get(path)
    assert reply.status_code == 301
    assert reply.headers["Location"] == location
    assert reply.headers["Cache-Control"] == "private, no-cache"  # a later edit takes effect


def test_the_target_is_served(app):
    client = app.test_client()
    reply = client.get("/products/linen-shirt-classic", follow_redirects=True)
    assert reply.status_code == 200
    assert "Linen Camp Shirt" in reply.get_data(as_text=True)


def test_the_query_string_comes_along(app):
    reply = app.test_client().get("/shop?utm_source=newsletter&utm_campaign=fall&tag=a&tag=b")
    assert reply.status_code == 301
    assert reply.headers["Location"] == (
        "/collections/all?utm_source=newsletter&utm_campaign=fall&tag=a&tag=b")


def test_the_targets_own_query_comes_first(app):
    reply = app.test_client().get("/collections/summer?utm_source=ig")
    assert reply.headers["Location"] == "/collections/sale?sort_by=price-ascending&utm_source=ig"


def test_the_query_string_does_not_choose_the_redirect(app):
    assert app.test_client().get("/shop?x=1").status_code == 301
    assert app.test_client().get("/shopping?x=1").status_code == 404


def test_the_lookup_is_a_cached_query_for_the_path(app):
    sent = Recorder(app.extensions["storefront"].transport)
    client = app.test_client()
    for _ in range(3):
        assert client.get("/pages/About-Us/").status_code == 301
        assert client.get("/no-such-thing").status_code == 404
    asked = [variables["query"] for name, variables in sent.sent if name == "UrlRedirect"]
    assert asked == ['path:"/pages/about-us"', 'path:"/no-such-thing"']


def test_a_missing_product_without_a_redirect_is_still_the_404(app):
    reply = app.test_client().get("/products/never-sold-here")
    assert reply.status_code == 404
    assert "Location" not in reply.headers


def test_only_reads_follow_redirects(app):
    client = app.test_client()
    assert client.head("/shop").status_code == 301
    assert client.post("/shop").status_code in (400, 404, 405)


@pytest.mark.parametrize("target", [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "//evil.example/path",
    "/\\evil.example",
    "ftp://files.example/x",
    "https://evil.example\r\nSet-Cookie: a=b",
    "products/no-leading-slash",
    "/old",  # itself: a loop
])
def test_an_unsafe_target_is_refused(app, target, caplog):
    with_redirects(app, ("/old", target))
    with caplog.at_level(logging.WARNING, logger="storefront.web.redirects"):
        reply = app.test_client().get("/old")
    assert reply.status_code == 404
    assert "Location" not in reply.headers
    assert "URL redirect target refused" in caplog.text


def test_a_path_with_search_syntax_is_never_asked(app):
    sent = Recorder(app.extensions["storefront"].transport)
    reply = app.test_client().get('/pages/a"%20OR%20path:x')
    assert reply.status_code == 404
    assert "UrlRedirect" not in sent.names()


def test_shopify_down_leaves_the_404(app, monkeypatch):
    from storefront.shopify import api
    from storefront.shopify.errors import Unavailable

    def down(client, path):
        raise Unavailable("connection refused", operation="UrlRedirect")

    monkeypatch.setattr(api, "url_redirect", down)
    reply = app.test_client().get("/shop")
    assert reply.status_code == 404
