"""`/webhooks/shopify`: signatures, rotation, repeats, replays, stale deliveries, topics,
and the purge it causes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from storefront import create_app
from storefront.web import webhooks
from tests.web.conftest import Recorder

SECRET = "whsec-current"
PREVIOUS = "whsec-previous"
NOW = datetime(2026, 5, 4, 12, 0, 0, tzinfo=UTC)  # this server's clock, in every test
_ids = itertools.count(1)


def sign(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def shopify_time(moment: datetime) -> str:
    """A time as Shopify writes X-Shopify-Triggered-At: UTC, nanoseconds, `Z`."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "123Z"


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr(webhooks, "now", lambda: NOW)


@pytest.fixture
def app(tmp_path):
    return create_app({
        "DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3"),
        "SHOPIFY_WEBHOOK_SECRET": SECRET,
        "SHOPIFY_WEBHOOK_SECRET_PREVIOUS": PREVIOUS,
    })


def deliver(client, topic: str, body: bytes = b'{"id": 1, "handle": "organic-cotton-tee"}',
            signature: str | None = None, event: str | None = "evt-1",
            webhook: str | None = "new", triggered: str | None = shopify_time(NOW)):
    """POST a delivery as Shopify sends it: a new X-Shopify-Webhook-Id unless one is given;
    None leaves a header out."""
    headers = {
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": sign(body) if signature is None else signature,
        "X-Shopify-Shop-Domain": "fernwood.myshopify.com",
        "X-Shopify-Event-Id": event,
        "X-Shopify-Webhook-Id": f"whk-{next(_ids)}" if webhook == "new" else webhook,
        "X-Shopify-Triggered-At": triggered,
    }
    return client.post("/webhooks/shopify", data=body,
                       headers={k: v for k, v in headers.items() if v is not None})


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


def test_a_repeated_delivery_is_ignored(app):
    # Shopify's retry of a delivery keeps its X-Shopify-Webhook-Id: the id alone
    # is enough, even with a body never seen before.
    client = app.test_client()
    first = deliver(client, "products/update", webhook="whk-9")
    assert first.get_json()["purged"] == ["catalog"]
    sent = Recorder(app.extensions["storefront"].transport)
    warm(client, sent)
    again = deliver(client, "products/update", b'{"id": 2}', webhook="whk-9")
    assert again.status_code == 200 and again.get_json()["duplicate"] is True
    client.get("/products/organic-cotton-tee")
    assert sent.names() == []


@pytest.mark.parametrize(("event", "webhook", "topic"), [
    ("evt-2", "whk-new", "products/update"),  # new ids
    (None, None, "products/update"),  # no ids at all
    ("evt-1", "whk-new", "collections/update"),  # another catalog topic
])
def test_a_replayed_body_purges_once_whatever_its_headers_say(app, event, webhook, topic):
    client = app.test_client()
    assert deliver(client, "products/update").get_json()["purged"] == ["catalog"]
    sent = Recorder(app.extensions["storefront"].transport)
    warm(client, sent)
    replay = deliver(client, topic, event=event, webhook=webhook)
    assert replay.status_code == 200 and replay.get_json() == {"ok": True, "duplicate": True}
    client.get("/products/organic-cotton-tee")
    assert sent.names() == []  # nothing purged: the cached page is still served


def test_one_event_on_two_topics_is_acted_on_for_each(app):
    # One merchant action shares X-Shopify-Event-Id across topics: it is not a
    # de-duplication key.
    client = app.test_client()
    sent = Recorder(app.extensions["storefront"].transport)
    warm(client, sent)
    product = deliver(client, "products/update", b'{"id": 1}', event="evt-7")
    assert product.get_json()["purged"] == ["catalog"]
    client.get("/products/organic-cotton-tee")
    assert sent.names() == ["ProductPage"]
    sent.clear()
    collection = deliver(client, "collections/update", b'{"id": 40}', event="evt-7")
    assert collection.get_json()["purged"] == ["catalog"]
    client.get("/products/organic-cotton-tee")
    assert sent.names() == ["ProductPage"]  # purged again


def test_the_same_body_on_two_other_topics_is_acted_on_for_each(app):
    # orders/create and orders/paid of one checkout may carry the same order.
    client = app.test_client()
    order = json.dumps({"id": 5, "financial_status": "paid"}).encode()
    for topic in ("orders/create", "orders/paid"):
        reply = deliver(client, topic, order, event="evt-8")
        assert reply.get_json() == {"ok": True, "topic": topic, "purged": []}
    assert deliver(client, "orders/paid", order, event="evt-8").get_json()["duplicate"] is True


@pytest.mark.parametrize("ago", [
    timedelta(hours=5, seconds=1),  # past Shopify's last retry, about 4 hours in
    timedelta(days=30),
])
def test_a_stale_delivery_is_acknowledged_and_purges_nothing(app, ago):
    sent = Recorder(app.extensions["storefront"].transport)
    client = app.test_client()
    warm(client, sent)
    reply = deliver(client, "products/update", triggered=shopify_time(NOW - ago))
    # 200, so Shopify stops retrying something that could never become fresh.
    assert reply.status_code == 200 and reply.get_json() == {"ok": True, "ignored": "stale"}
    client.get("/products/organic-cotton-tee")
    assert sent.names() == []


@pytest.mark.parametrize("triggered", [
    shopify_time(NOW - timedelta(hours=4, minutes=59)),  # Shopify's last retries
    shopify_time(NOW),
    shopify_time(NOW + timedelta(minutes=4)),  # the sender's clock a little ahead of ours
    (NOW - timedelta(hours=1)).astimezone(timezone(timedelta(hours=-4))).isoformat(),  # any zone
    None,  # older senders send none
])
def test_a_fresh_delivery_is_acted_on(app, triggered):
    sent = Recorder(app.extensions["storefront"].transport)
    client = app.test_client()
    warm(client, sent)
    reply = deliver(client, "products/update", triggered=triggered)
    assert reply.status_code == 200 and reply.get_json()["purged"] == ["catalog"]
    client.get("/products/organic-cotton-tee")
    assert sent.names() == ["ProductPage"]


@pytest.mark.parametrize(("triggered", "error"), [
    (shopify_time(NOW + timedelta(minutes=6)), "X-Shopify-Triggered-At is in the future"),
    ("yesterday", "unreadable X-Shopify-Triggered-At"),
    ("2026-05-04T12:00:00", "unreadable X-Shopify-Triggered-At"),  # no zone: ambiguous
])
def test_a_future_or_unreadable_triggered_at_is_400_and_purges_nothing(app, triggered, error):
    sent = Recorder(app.extensions["storefront"].transport)
    client = app.test_client()
    warm(client, sent)
    reply = deliver(client, "products/update", triggered=triggered)
    assert reply.status_code == 400 and reply.get_json() == {"ok": False, "error": error}
    client.get("/products/organic-cotton-tee")
    assert sent.names() == []


def test_webhook_replies_are_never_stored(app):
    client = app.test_client()
    for reply in (deliver(client, "products/update"), deliver(client, "products/update"),
                  deliver(client, "products/update", signature="garbage"),
                  deliver(client, "products/update", triggered="yesterday")):
        assert reply.headers["Cache-Control"] == "no-store"


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
