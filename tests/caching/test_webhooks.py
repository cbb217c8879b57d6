"""`/webhooks/shopify`: signatures, rotation, repeats, topics, and the purge it causes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from storefront import create_app
from tests.web.conftest import Recorder

SECRET = "whsec-current"
PREVIOUS = "whsec-previous"


def sign(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


@pytest.fixture
def app(tmp_path):
    return create_app({
        "DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3"),
        "SHOPIFY_WEBHOOK_SECRET": SECRET,
        "SHOPIFY_WEBHOOK_SECRET_PREVIOUS": PREVIOUS,
    })


def deliver(client, topic: str, body: bytes = b'{"id": 1, "handle": "organic-cotton-tee"}',
            signature: str | None = None, event: str = "evt-1"):
    return client.post("/webhooks/shopify", data=body, headers={
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": sign(body) if signature is None else signature,
        "X-Shopify-Event-Id": event,
        "X-Shopify-Shop-Domain": "fernwood.myshopify.com",
    })


def warm(client, sent) -> None:
    client.get("/products/organic-cotton-tee")
    client.get("/pages/about")
    sent.clear()


@pytest.mark.parametrize("topic", [
    "products/create", "products/update", "products/delete",
    "collections/create", "collections/update", "collections/delete",
])
def test_catalog_topics_purge_catalog_pages_and_data(app, topic):
    sent = Recorder(app.extensions["storefront"].transport)
    client = app.test_client()
    warm(client, sent)
    reply = deliver(client, topic)
    assert reply.status_code == 200 and reply.get_json()["purged"] == ["catalog"]
    client.get("/products/organic-cotton-tee")
    assert sent.names() == ["ProductPage"]  # asked again: the product may have changed
    sent.clear()
    client.get("/pages/about")
    assert "PageByHandle" not in sent.names()  # shop content was not purged


def test_a_bad_signature_is_401_and_purges_nothing(app):
    sent = Recorder(app.extensions["storefront"].transport)
    client = app.test_client()
    warm(client, sent)
    body = b'{"id": 1}'
    for signature in ("", "garbage", sign(body, "wrong-secret"), sign(b'{"id": 2}')):
        assert deliver(client, "products/update", body, signature).status_code == 401
    client.get("/products/organic-cotton-tee")
    assert sent.names() == []


def test_the_previous_secret_works_during_a_rotation(app):
    body = b'{"id": 7}'
    reply = deliver(app.test_client(), "products/update", body, sign(body, PREVIOUS))
    assert reply.status_code == 200 and reply.get_json()["purged"] == ["catalog"]


def test_a_repeated_event_is_ignored(app):
    client = app.test_client()
    assert deliver(client, "products/update", event="evt-9").get_json()["purged"] == ["catalog"]
    sent = Recorder(app.extensions["storefront"].transport)
    warm(client, sent)
    again = deliver(client, "products/update", event="evt-9")
    assert again.status_code == 200 and again.get_json()["duplicate"] is True
    client.get("/products/organic-cotton-tee")
    assert sent.names() == []


def test_unknown_topics_are_acknowledged_and_do_nothing(app):
    sent = Recorder(app.extensions["storefront"].transport)
    client = app.test_client()
    warm(client, sent)
    reply = deliver(client, "orders/create", json.dumps({"id": 5}).encode())
    assert reply.status_code == 200 and reply.get_json()["purged"] == []
    client.get("/products/organic-cotton-tee")
    assert sent.names() == []


def test_without_a_configured_secret_nothing_is_accepted(tmp_path):
    app = create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "c.sqlite3")})
    assert deliver(app.test_client(), "products/update").status_code == 401
