"""Security headers, and a Content-Security-Policy that allows no inline code but by nonce."""

from __future__ import annotations

import re

import pytest

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
