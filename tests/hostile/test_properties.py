"""Hostile input of every kind: never a 500, and what is refused changes nothing."""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storefront import create_app
from tests.web.conftest import csrf_token

SECRET = "hostile-webhook-secret"
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
anything = st.text(max_size=300)
header_text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=200)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    return create_app({"DEMO_SHOP_CART_DB": str(folder / "carts.sqlite3"),
                       "SHOPIFY_WEBHOOK_SECRET": SECRET})


@SETTINGS
# Empty segments would make "//host" URLs that the test client, not the app, rejects.
@given(path=st.lists(st.text(min_size=1, max_size=100), min_size=1, max_size=4))
def test_any_path(app, path):
    url = "/" + "/".join(quote(part, safe="") for part in path)
    for prefix in ("", "/products", "/collections", "/@", "/pages", "/cart", "/assets"):
        reply = app.test_client().get(prefix + url)
        assert reply.status_code < 500, (prefix + url, reply.status_code)


@SETTINGS
@given(query=st.dictionaries(anything, anything, max_size=5))
def test_any_query_string(app, query):
    client = app.test_client()
    for url in ("/", "/collections/apparel", "/products/organic-cotton-tee", "/search",
                "/search/suggest", "/discount/WELCOME10", "/@maya"):
        assert client.get(url, query_string=query).status_code < 500


@SETTINGS
@given(cookies=st.dictionaries(st.sampled_from(["cart", "cart_count", "referral", "session",
                                                "discount_code"]), header_text, max_size=5))
def test_any_cookies(app, cookies):
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    for url in ("/", "/cart", "/products/organic-cotton-tee", "/checkout"):
        assert client.get(url).status_code < 500


@SETTINGS
@given(form=st.dictionaries(st.sampled_from(["variant_id", "quantity", "line_id", "code", "note",
                                             "gift_card_id", "return_to", "extra"]),
                            anything, max_size=6),
       action=st.sampled_from(["/cart/add", "/cart/update", "/cart/remove", "/cart/discounts",
                               "/cart/discounts/remove", "/cart/gift-cards",
                               "/cart/gift-cards/remove", "/cart/note", "/checkout"]))
def test_any_form_fields_never_500_and_a_refusal_keeps_the_cart(app, form, action):
    client = app.test_client()
    token = csrf_token(client)
    client.post("/cart/add", data={"csrf_token": token, "variant_id": "1003", "quantity": "2"})
    before = client.get("/cart").get_data(as_text=True).count("cart-line__total")
    reply = client.post(action, data={"csrf_token": token, **form})
    assert reply.status_code < 500
    if reply.status_code >= 400:
        after = client.get("/cart").get_data(as_text=True).count("cart-line__total")
        assert after == before


@SETTINGS
@given(headers=st.dictionaries(st.sampled_from(["X-Forwarded-For", "X-Request-Id", "Accept",
                                                "Accept-Language", "If-None-Match", "Referer",
                                                "User-Agent", "Origin"]), header_text, max_size=6))
def test_any_headers(app, headers):
    client = app.test_client()
    for url in ("/", "/collections/apparel", "/cart", "/search/suggest?q=lin"):
        assert client.get(url, headers=headers).status_code < 500


@SETTINGS
@given(body=st.binary(max_size=2000), topic=header_text, signed=st.booleans())
def test_any_webhook_body(app, body, topic, signed):
    digest = base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest()).decode()
    reply = app.test_client().post("/webhooks/shopify", data=body, headers={
        "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": digest if signed else "bogus",
    })
    assert reply.status_code == (200 if signed else 401)
