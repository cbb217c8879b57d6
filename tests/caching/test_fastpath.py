"""The fast path for page-cache hits answers exactly as the app would."""

from __future__ import annotations

import re

import pytest

from storefront import create_app
from tests.web.conftest import post

NONCE = re.compile(r"nonce-[A-Za-z0-9_-]+|nonce=\"[A-Za-z0-9_-]+\"")
PAGES = ["/", "/collections/apparel", "/collections/apparel?sort_by=title-ascending&utm_source=x",
         "/search?q=linen", "/pages/about", "/policies/refund-policy", "/collections"]
VARYING = {"X-Request-Id", "Content-Security-Policy", "Date"}


def pair(tmp_path):
    config = {"DEMO_SHOP_CART_DB": str(tmp_path / "c.sqlite3")}
    fast = create_app(config)
    slow = create_app({**config, "PAGE_FAST_PATH": "false"})
    return fast, slow


def normal(reply) -> tuple[int, dict, str]:
    headers = {k: v for k, v in reply.headers.items() if k not in VARYING}
    return reply.status_code, headers, NONCE.sub("nonce", reply.get_data(as_text=True))


@pytest.mark.parametrize("creator", [None, "maya", "leo"])
def test_fast_and_slow_paths_answer_the_same(tmp_path, creator):
    fast, slow = pair(tmp_path)
    served_fast = []
    inner = fast.wsgi_app.wsgi_app

    def counting(environ, start_response):
        served_fast.append(environ["PATH_INFO"])
        return inner(environ, start_response)

    fast.wsgi_app.wsgi_app = counting
    a, b = fast.test_client(), slow.test_client()
    if creator:
        a.get(f"/@{creator}")
        b.get(f"/@{creator}")
    for url in PAGES:
        a.get(url)  # the first view fills the page cache, through the app
        b.get(url)
        served_fast.clear()
        fast_reply, slow_reply = a.get(url), b.get(url)
        assert served_fast == [], f"{url} did not take the fast path"
        assert normal(fast_reply) == normal(slow_reply), url
        assert fast_reply.headers["Content-Security-Policy"].count("nonce-") == 2
        etag = fast_reply.headers["ETag"]
        assert a.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_what_the_fast_path_leaves_to_the_app(tmp_path):
    fast, _ = pair(tmp_path)
    client = fast.test_client()
    client.get("/products/organic-cotton-tee")
    served = []
    inner = fast.wsgi_app.wsgi_app

    def counting(environ, start_response):
        served.append(environ["PATH_INFO"])
        return inner(environ, start_response)

    fast.wsgi_app.wsgi_app = counting
    client.get("/products/organic-cotton-tee")  # a page with a form: the app fills a token
    fresh = fast.test_client()
    fresh.get("/?ref=maya")  # a referral to record
    fresh.set_cookie("referral", "tampered")
    fresh.get("/")  # a cookie to clear
    post(client, "/cart/add", {"variant_id": "1003"})  # a POST always goes to the app
    assert served.count("/") == 2 and "/products/organic-cotton-tee" in served
    assert "/cart/add" in served


def test_a_visitor_with_a_cart_and_a_session_also_gets_the_fast_path(tmp_path):
    fast, slow = pair(tmp_path)
    a, b = fast.test_client(), slow.test_client()
    for client in (a, b):
        post(client, "/cart/add", {"variant_id": "1003", "quantity": 2})
        client.get("/cart")  # shows (and so clears) any flashed message
        client.get("/collections/apparel")
    served = []
    inner = fast.wsgi_app.wsgi_app

    def counting(environ, start_response):
        served.append(environ["PATH_INFO"])
        return inner(environ, start_response)

    fast.wsgi_app.wsgi_app = counting
    fast_reply, slow_reply = a.get("/collections/apparel"), b.get("/collections/apparel")
    assert served == []
    assert 'aria-label="2 items in your cart"' in fast_reply.get_data(as_text=True)
    assert normal(fast_reply) == normal(slow_reply)
    # a pending message sends the visitor through the app, which shows it
    post(a, "/cart/add", {"variant_id": "47001", "return_to": "/collections/apparel"})
    assert "sold out" in a.get("/collections/apparel").get_data(as_text=True).lower()
