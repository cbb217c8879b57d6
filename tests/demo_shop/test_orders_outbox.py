"""The demo shop's webhook outbox: signed as Shopify signs, retried with backoff until the
store takes it, resumed after a restart, and applied once by the store's ledger."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from datetime import UTC, datetime

import pytest
import requests
from sqlalchemy import select
from werkzeug.serving import make_server

from storefront import create_app
from storefront.demo_shop.outbox import DELIVERED, FAILED, PENDING, Sender, backoff
from storefront.orders import ledger_for
from storefront.orders.tables import deliveries, orders, refunds
from storefront.web import webhooks
from tests.demo_shop.ordering import SECRET, TARGET, Shop
from tests.support.waiting import until

HEADERS = ("X-Shopify-Topic", "X-Shopify-Hmac-Sha256", "X-Shopify-Webhook-Id",
           "X-Shopify-Event-Id", "X-Shopify-Triggered-At", "X-Shopify-Shop-Domain",
           "X-Shopify-API-Version")


def rows(ledger, table) -> list[dict]:
    with ledger.engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(select(table))]


def states(demo: Shop, order_id: int) -> list[tuple[str, str, int]]:
    return [(d["topic"], d["state"], d["attempts"]) for d in demo.book.deliveries(order_id)]


class Store:
    """The storefront on the demo shop, its /webhooks/shopify reached through its test
    client, at the demo shop's clock; it can be down or answer 500 for a while."""

    def __init__(self, tmp_path, demo: Shop, monkeypatch) -> None:
        self.app = create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "store-carts.sqlite3"),
                               "SHOPIFY_WEBHOOK_SECRET": SECRET})
        self.client = self.app.test_client()
        self.outage: list[str] = []  # what the next posts meet: "down", "500", "lost"
        self.received: list[dict] = []
        monkeypatch.setattr(webhooks, "now", lambda: datetime.fromtimestamp(demo.clock(), UTC))

    def post(self, url: str, body: bytes, headers: dict) -> int:
        assert url == TARGET
        trouble = self.outage.pop(0) if self.outage else None
        if trouble == "down":
            raise requests.ConnectionError("[Errno 111] Connection refused")
        if trouble == "500":
            return 500
        reply = self.client.post("/webhooks/shopify", data=body, headers=headers)
        self.received.append({"headers": headers, "status": reply.status_code,
                              "json": reply.get_json()})
        if trouble == "lost":  # stored by the store, but its answer never came back
            raise requests.Timeout("Read timed out. (read timeout=5.0)")
        return reply.status_code

    @property
    def ledger(self):
        return ledger_for(self.app)


@pytest.fixture
def demo(tmp_path) -> Shop:
    return Shop(tmp_path)


@pytest.fixture
def store(tmp_path, demo, monkeypatch) -> Store:
    store = Store(tmp_path, demo, monkeypatch)
    demo.post = store.post
    return store


def test_each_webhook_carries_shopifys_headers_and_a_signature_of_its_raw_body(demo):
    demo.place()
    demo.sender.run_once()
    (_, create, first), (_, paid, second) = demo.sent
    for body, headers in ((create, first), (paid, second)):
        assert set(HEADERS) <= set(headers)
        expected = base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest())
        assert hmac.compare_digest(headers["X-Shopify-Hmac-Sha256"].encode(), expected)
        assert headers["Content-Type"] == "application/json"
        assert headers["X-Shopify-API-Version"] == "2026-04"
        assert headers["X-Shopify-Shop-Domain"] == "fernwood.example"
        assert datetime.fromisoformat(headers["X-Shopify-Triggered-At"]).timestamp() == (
            demo.clock())
        uuid.UUID(headers["X-Shopify-Webhook-Id"])
    assert (first["X-Shopify-Topic"], second["X-Shopify-Topic"]) == ("orders/create",
                                                                     "orders/paid")
    # One action: one event id shared, a webhook id each.
    assert first["X-Shopify-Event-Id"] == second["X-Shopify-Event-Id"]
    assert first["X-Shopify-Webhook-Id"] != second["X-Shopify-Webhook-Id"]
    assert json.loads(create)["id"] == json.loads(paid)["id"]


def test_the_store_checks_the_signature_and_credits_the_order(demo, store):
    placed = demo.place()
    assert demo.sender.run_once() == 2
    assert [r["status"] for r in store.received] == [200, 200]
    [order] = rows(store.ledger, orders)
    assert order["order_id"] == placed.order["id"] and order["name"] == "#1001"
    assert (order["creator"], order["credit_rule"]) == ("maya", "attribute")
    assert str(order["net_sales"]) == "104.20" and order["financial_status"] == "paid"
    assert {(d["topic"], d["status"]) for d in rows(store.ledger, deliveries)} == {
        ("orders/create", "done"), ("orders/paid", "done")}


def test_a_wrong_secret_is_refused_and_retried(demo, store):
    demo.sender.secret = "not-the-stores"
    placed = demo.place()
    demo.sender.run_once()
    assert [r["status"] for r in store.received] == [401, 401]
    assert states(demo, placed.order["id"]) == [("orders/create", PENDING, 1),
                                                ("orders/paid", PENDING, 1)]
    assert rows(store.ledger, orders) == []


def test_a_store_that_answers_500_or_is_down_gets_it_later_and_applies_it_once(demo, store):
    store.outage = ["down", "500", "500", "lost"]
    placed = demo.place()
    order_id = placed.order["id"]
    demo.sender.run_once()  # create: refused; paid: 500
    assert states(demo, order_id) == [("orders/create", PENDING, 1), ("orders/paid", PENDING, 1)]
    [create, paid] = demo.book.deliveries(order_id)
    assert "Connection refused" in create["last_error"] and paid["last_error"] == (
        "answered HTTP 500")
    assert demo.sender.run_once() == 0  # not due before its backoff
    demo.clock.now += 1
    demo.sender.run_once()  # create: 500 again; paid: stored, answer lost
    assert states(demo, order_id) == [("orders/create", PENDING, 2), ("orders/paid", PENDING, 2)]
    demo.clock.now += 2
    demo.sender.run_once()
    assert states(demo, order_id) == [("orders/create", DELIVERED, 3),
                                      ("orders/paid", DELIVERED, 3)]
    # paid reached the store twice with the same webhook id: the second is a duplicate.
    paid_tries = [r for r in store.received if r["headers"]["X-Shopify-Topic"] == "orders/paid"]
    assert len({r["headers"]["X-Shopify-Webhook-Id"] for r in paid_tries}) == 1
    assert [r["json"].get("duplicate", False) for r in paid_tries] == [False, True]
    assert len(rows(store.ledger, orders)) == 1
    assert sorted(d["topic"] for d in rows(store.ledger, deliveries)) == [
        "orders/create", "orders/paid"]
    page = demo.book.deliveries(order_id)
    assert all(d["last_error"] is None and d["delivered_at"] for d in page)


def test_refund_and_cancel_reach_the_ledger_and_net_sales_go_to_zero(demo, store):
    placed = demo.place()
    order_id = placed.order["id"]
    demo.clock.now += 60
    demo.book.refund(order_id, placed.key, placed.order["line_items"][1]["id"], TARGET)
    demo.sender.run_once()
    [order] = rows(store.ledger, orders)
    assert str(order["net_sales"]) == "86.88"  # 104.20 less the tote's 17.32
    assert [str(r["subtotal"]) for r in rows(store.ledger, refunds)] == ["17.32"]
    demo.clock.now += 60
    demo.book.cancel(order_id, placed.key, TARGET)
    demo.sender.run_once()
    [order] = rows(store.ledger, orders)
    assert order["cancelled_at"] is not None and str(order["net_sales"]) == "0.00"
    assert [r["status"] for r in store.received] == [200] * 6
    assert {d["status"] for d in rows(store.ledger, deliveries)} == {"done"}


def test_retries_back_off_from_a_second_to_five_minutes_and_give_up_after_four_hours(demo):
    assert [backoff(n) for n in (1, 2, 3, 4, 9, 10, 30)] == [1, 2, 4, 8, 256, 300, 300]
    demo.post = lambda *args: 503
    placed = demo.place(lines=((700103, 1),))
    started, tries = demo.clock(), 0
    while states(demo, placed.order["id"])[0][1] == PENDING:
        due = demo.book.outbox.next_due()
        demo.clock.now = max(demo.clock.now, due)
        demo.sender.run_once()
        tries += 1
    assert states(demo, placed.order["id"])[0][1] == FAILED
    assert 40 < tries < 60  # many tries,
    assert demo.clock() - started <= 4 * 3600  # within Shopify's four hours
    assert demo.book.outbox.next_due() is None


def test_pending_webhooks_are_sent_after_a_restart(tmp_path, demo, store):
    store.outage = ["down", "down"]
    placed = demo.place()
    demo.sender.run_once()
    assert [s for _, s, _ in states(demo, placed.order["id"])] == [PENDING, PENDING]
    # The process ends; another starts on the same file and resumes.
    again = Shop(tmp_path, post=store.post, clock=demo.clock)
    demo.clock.now += 1
    assert again.sender.run_once() == 2
    assert [s for _, s, _ in states(again, placed.order["id"])] == [DELIVERED, DELIVERED]
    assert len(rows(store.ledger, orders)) == 1


def test_a_webhook_being_sent_by_one_process_is_not_sent_by_another(tmp_path, demo):
    demo.place()
    other = Shop(tmp_path, clock=demo.clock)
    claimed = demo.book.outbox.claim(demo.clock())
    assert len(claimed) == 2 and other.sender.run_once() == 0
    demo.clock.now += 61  # the lease ran out (that process died mid-send)
    assert other.sender.run_once() == 2
    assert len({h["X-Shopify-Webhook-Id"] for _, _, h in other.sent}) == 2


def test_without_a_secret_nothing_is_sent_and_the_order_page_says_why(demo):
    demo.sender.secret = None
    placed = demo.place()
    demo.sender.run_once()
    assert demo.sent == []
    assert all("SHOPIFY_WEBHOOK_SECRET" in d["last_error"]
               for d in demo.book.deliveries(placed.order["id"]))


class Receiver:
    """A store stand-in over real HTTP: answers 500 `failures` times, then 200."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.got: list[tuple[dict, bytes]] = []
        self.changed = threading.Condition()
        self.server = make_server("127.0.0.1", 0, self, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}/webhooks/shopify"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def __call__(self, environ, start_response):
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        headers = {k[5:].replace("_", "-").title(): v for k, v in environ.items()
                   if k.startswith("HTTP_")}
        with self.changed:
            self.got.append((headers, body))
            failing = self.failures > 0
            self.failures -= 1
            self.changed.notify_all()
        start_response("500 Oops" if failing else "200 OK", [("Content-Length", "0")])
        return [b""]


def test_the_sender_thread_posts_over_http_and_retries(tmp_path):
    receiver = Receiver(failures=1)
    try:
        demo = Shop(tmp_path)
        demo.book.clock = time.time
        demo.sender = Sender(demo.book.outbox, secret=SECRET, shop_domain="fernwood.example",
                             api_version="2026-04")  # the real clock, HTTP and thread
        placed = demo.book.place(*demo.cart(), None, receiver.url)
        demo.sender.kick()
        done, _ = until(lambda: [s for _, s, _ in states(demo, placed.order["id"])] == [
            DELIVERED, DELIVERED], within=15)
        assert done, states(demo, placed.order["id"])
        topics = [h["X-Shopify-Topic"] for h, _ in receiver.got]
        assert sorted(topics) == ["orders/create", "orders/create", "orders/paid"]
        for headers, body in receiver.got:
            signature = base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest())
            assert headers["X-Shopify-Hmac-Sha256"].encode() == signature
        first, retried = [h for h, _ in receiver.got if h["X-Shopify-Topic"] == "orders/create"]
        assert first["X-Shopify-Webhook-Id"] == retried["X-Shopify-Webhook-Id"]
        # Nothing left: the thread ends by itself.
        stopped, _ = until(lambda: demo.sender._thread is None, within=5)
        assert stopped
    finally:
        receiver.server.shutdown()
