"""Security headers, and a Content-Security-Policy that allows no inline code but by nonce."""

from __future__ import annotations

import re

import pytest

from tests.support import STRONG_KEY
from tests.web.conftest import text

PAGES = ["/", "/collections/apparel", "/products/organic-cotton-tee", "/cart", "/search?q=tee",
         "/pages/about", "/@maya", "/no-such-page"]


def nonce_of(reply) -> str:
    return re.search(r"script-src 'self' 'nonce-([^']+)'", reply.headers["Content-Security-Policy"]
                     ).group(1)


@pytest.mark.parametrize("url", PAGES)
def test_every_page_has_the_headers_and_no_inline_code_without_the_nonce(client, url):
    reply = client.get(url, follow_redirects=True)
    headers = reply.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Frame-Options"] == "DENY"
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    nonce = nonce_of(reply)
    page = text(reply)
    assert " style=" not in page  # inline style attributes would need 'unsafe-inline'
    for tag in re.findall(r"<(?:script|style)\b[^>]*>", page):
        assert "src=" in tag or f'nonce="{nonce}"' in tag, tag


def test_the_nonce_is_new_for_every_response_even_from_the_page_cache(client):
    first, second = client.get("/products/organic-cotton-tee"), client.get(
        "/products/organic-cotton-tee")
    assert nonce_of(first) != nonce_of(second)
    assert f'nonce="{nonce_of(second)}"' in text(second)
    assert "__sf-" not in text(second)


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_a_304_keeps_the_policy_of_the_copy_the_browser_has(client):
    etag = client.get("/collections/apparel").headers["ETag"]
    again = client.get("/collections/apparel", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert "Content-Security-Policy" not in again.headers


def test_trusted_hosts_refuse_other_host_names(tmp_path, caplog):
    from storefront import create_app

    app = create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "c.sqlite3"),
                      "TRUSTED_HOSTS": "shop.example, localhost"})
    client = app.test_client()
    assert client.get("/", base_url="http://shop.example").status_code == 200
    reply = client.get("/", base_url="http://evil.example")
    assert reply.status_code == 400 and "evil.example" not in text(reply)
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"SECRET_KEY": "short"}, "SECRET_KEY is too weak"),
        ({"SECRET_KEY": STRONG_KEY, "DEBUG": "true"}, "DEBUG=true with a real shop"),
    ],
)
def test_a_real_shop_refuses_weak_keys_and_debug(settings, message):
    from storefront.config import ConfigError, load

    with pytest.raises(ConfigError, match=message):
        load({"SHOPIFY_STORE_DOMAIN": "shop.myshopify.com", "SHOPIFY_STOREFRONT_TOKEN": "t",
              **settings})


def test_previous_secret_keys_still_verify_cookies(tmp_path):
    from storefront import create_app

    old = create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "c.sqlite3"), "SECRET_KEY": "a" * 40})
    client = old.test_client()
    client.get("/@maya")
    cookie = client.get_cookie("referral").value
    rotated = create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "c.sqlite3"),
                          "SECRET_KEY": "b" * 40, "SECRET_KEY_FALLBACKS": "a" * 40})
    fresh = rotated.test_client()
    fresh.set_cookie("referral", cookie)
    assert "You're shopping" in text(fresh.get("/"))
    unrelated = create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "c.sqlite3"),
                            "SECRET_KEY": "c" * 40})
    stranger = unrelated.test_client()
    stranger.set_cookie("referral", cookie)
    assert "You're shopping" not in text(stranger.get("/"))


def test_oversized_requests_are_refused_and_the_cart_kept(client):
    from tests.web.conftest import post

    post(client, "/cart/add", {"variant_id": "1003"})
    huge = post(client, "/cart/note", {"note": "x" * 100_000})
    assert huge.status_code in (400, 413) and "Something's not right" in text(huge)
    body = client.post("/webhooks/shopify", data=b"x" * (3 * 1024 * 1024))
    assert body.status_code == 413
    assert "Organic Cotton Tee" in text(client.get("/cart"))


def test_the_session_cookie_is_secure_over_https(client):
    # A first view makes no session; the first form posted does.
    assert "Set-Cookie" not in client.get("/products/organic-cotton-tee").headers
    plain = client.post("/cart/add", data={"variant_id": "1003"},
                        headers={"Sec-Fetch-Site": "same-origin"})
    session = next(c for c in plain.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in session and "SameSite=Lax" in session and "Secure" not in session
    secure_client = client.application.test_client()
    secure = secure_client.post("/cart/add", data={"variant_id": "1003"},
                                base_url="https://localhost",
                                headers={"Origin": "https://localhost"})
    session = next(c for c in secure.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "Secure" in session


def test_a_shop_over_plain_http_may_serve_images_and_checkout():
    """The demo shop as its own server (README) is http://: its images and checkout
    must not be blocked by the policy; an https shop adds nothing (https: covers it)."""
    from storefront import create_app

    app = create_app({"SHOPIFY_STORE_DOMAIN": "http://127.0.0.1:9",
                      "SHOPIFY_STOREFRONT_TOKEN": "t", "SECRET_KEY": STRONG_KEY})
    csp = app.test_client().get("/no-such-page").headers["Content-Security-Policy"]
    assert "img-src 'self' data: https: http://127.0.0.1:9;" in csp
    assert "form-action 'self' https: http://127.0.0.1:9;" in csp
    demo = create_app({})
    csp = demo.test_client().get("/no-such-page").headers["Content-Security-Policy"]
    assert "img-src 'self' data: https:;" in csp and "http://" not in csp
