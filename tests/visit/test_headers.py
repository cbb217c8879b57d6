"""The response headers of a visit (storefront.visit.headers)."""

from __future__ import annotations

from storefront.visit import headers


def test_every_response_gets_the_security_headers_and_its_request_id():
    sent = dict(headers.security(https=False, request_id="abc12345", nonce=None, shop=""))
    assert sent["X-Content-Type-Options"] == "nosniff"
    assert sent["X-Frame-Options"] == "DENY"
    assert sent["X-Request-Id"] == "abc12345"
    assert "Content-Security-Policy" not in sent  # no HTML body: no policy
    assert "Strict-Transport-Security" not in sent


def test_an_html_body_over_https_gets_its_policy_and_hsts():
    sent = dict(headers.security(https=True, request_id="abc12345", nonce="N0nce",
                                 shop="http://127.0.0.1:8100"))
    assert "script-src 'self' 'nonce-N0nce'" in sent["Content-Security-Policy"]
    assert "img-src 'self' data: https: http://127.0.0.1:8100" in sent["Content-Security-Policy"]
    assert sent["Strict-Transport-Security"] == headers.HSTS


def test_only_a_shop_over_plain_http_is_named_in_the_policy():
    assert headers.shop_origin("http://127.0.0.1:8100") == "http://127.0.0.1:8100"
    assert headers.shop_origin("brand.myshopify.com") == ""
    assert headers.shop_origin(None) == ""


def test_a_shared_page_is_private_revalidated_and_named_by_its_etag():
    assert headers.page("0123abcd") == [
        ("Cache-Control", "private, no-cache"), ("Vary", "Accept-Encoding, Cookie"),
        ("ETag", '"0123abcd"'),
    ]
    assert headers.page("0123abcd", "gzip")[2] == ("ETag", '"0123abcd-gzip"')
