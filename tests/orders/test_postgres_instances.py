"""Two gunicorn instances, two workers each, writing one PostgreSQL ledger at the same time.

Shopify delivers at least once and in any order, and behind a load balancer
the deliveries of one order reach different instances: here every delivery
of some orders goes to both instances (duplicates), those of other orders
are split between them (with a copy under a new webhook id), all at once
from many connections. Each delivery must be stored once, and the ledger
must end exactly as delivering each once, in order, makes it.
"""

from __future__ import annotations

import hashlib
import random
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import requests

from storefront import create_app
from storefront.orders import Delivery, Ledger, db
from tests.orders.conftest import delivery_rows, order_rows, refund_rows
from tests.orders.payloads import CREATED, SECRET, body, deliver, order, refund
from tests.support import processes

pytestmark = [pytest.mark.slow,
              pytest.mark.parametrize("database", ["postgresql"], indirect=True)]
ORDERS = 12
HOUR = timedelta(hours=1)


class Remote:
    """A server over real HTTP, with the test client's post() (for payloads.deliver)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def post(self, path: str, data: bytes, headers: dict) -> requests.Response:
        return requests.post(self.url + path, data=data, headers=headers, timeout=30)


def lifecycle(order_id: int) -> list[tuple[str, dict, str]]:
    """One order's deliveries in the order things happened: (topic, body, webhook id)."""
    credit = {"creator": "maya"} if order_id % 3 == 0 else \
        {"codes": ("LEO5",)} if order_id % 3 == 1 else {"landing_site": "/@maya"}
    first = refund(order_id * 10 + 1, order_id, "20.00")
    second = refund(order_id * 10 + 2, order_id, "5.00")
    events = [
        ("orders/create", order(order_id, subtotal="100.00", **credit)),
        ("orders/paid", order(order_id, subtotal="100.00", financial_status="paid",
                              updated=CREATED + HOUR, **credit)),
        ("refunds/create", first),
        ("orders/updated", order(order_id, subtotal="80.00",
                                 financial_status="partially_refunded",
                                 updated=CREATED + 2 * HOUR, refunds=(first,), **credit)),
        ("refunds/create", second),
    ]
    if order_id % 4 == 0:
        events.append(("orders/cancelled", order(
            order_id, subtotal="80.00", financial_status="partially_refunded",
            updated=CREATED + 3 * HOUR, cancelled=CREATED + 3 * HOUR, refunds=(first,),
            **credit)))
    return [(topic, data, f"whk-{order_id}-{i}") for i, (topic, data) in enumerate(events)]


def sends(deliveries: list[tuple[str, dict, str]], order_id: int) -> list[tuple[int, tuple]]:
    """(instance 0 or 1, (topic, body, webhook id)) for each HTTP request to make."""
    if order_id % 2 == 0:  # every delivery to both instances
        return [(instance, one) for one in deliveries for instance in (0, 1)]
    # Split across the two, and each sent again to the other under a new id
    # (the same body on the same topic: the same information twice).
    return [pair for i, (topic, data, webhook) in enumerate(deliveries)
            for pair in ((i % 2, (topic, data, webhook)),
                         (1 - i % 2, (topic, data, webhook + "-again")))]


def no_delivery_ids(rows: list[dict]) -> list[dict]:
    # Which of the copies brought a row first depends on who was quicker, by design.
    return [{k: v for k, v in row.items() if k != "delivery_id"} for row in rows]


@pytest.fixture
def instances(tmp_path, database):
    servers = []
    try:
        for name in ("one", "two"):
            servers.append(processes.gunicorn("wsgi:app", env={
                "DATABASE_URL": database.url,
                "INSTANCE_DIR": str(tmp_path / name / "instance"),
                "CACHE_DIR": str(tmp_path / name / "cache"),
                "SHOPIFY_WEBHOOK_SECRET": SECRET,
                "WEB_CONCURRENCY": "2",
                "FUNNELS_URL": "off",
            }))
        for server in servers:
            server.wait_for("Booting worker", count=2)
        yield [Remote(server.url) for server in servers]
    finally:
        for server in servers:
            server.stop()
    for server in servers:
        assert "Traceback" not in server.log(), server.log()


def test_two_instances_store_each_delivery_once_and_agree_with_one_in_order(
        instances, database, tmp_path):
    lifecycles = {order_id: lifecycle(order_id) for order_id in range(1, ORDERS + 1)}
    requests_to_make = [pair for order_id, deliveries in lifecycles.items()
                        for pair in sends(deliveries, order_id)]
    random.Random(16).shuffle(requests_to_make)

    def send(pair):
        instance, (topic, data, webhook) = pair
        return deliver(instances[instance], topic, data, webhook=webhook)

    # Sixteen at once: as many as the two instances' workers have threads.
    with ThreadPoolExecutor(max_workers=16) as pool:
        replies = list(pool.map(send, requests_to_make))
    assert [reply.status_code for reply in replies] == [200] * len(replies)
    distinct = [one for deliveries in lifecycles.values() for one in deliveries]
    assert sum(not reply.json().get("duplicate") for reply in replies) == len(distinct)

    registry = create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3")}) \
        .extensions["creators"]
    shared = Ledger(db.database_url(database.url, str(tmp_path)), registry)
    stored = delivery_rows(shared)
    assert len(stored) == len(distinct)
    assert {row["status"] for row in stored} == {"done"}
    assert sorted((row["topic"], row["body_sha256"]) for row in stored) == sorted(
        (topic, hashlib.sha256(body(data)).hexdigest())
        for topic, data, _ in distinct)

    in_order = Ledger(database.fresh(), registry)
    for topic, data, webhook in distinct:
        in_order.receive(Delivery(topic=topic, body=body(data), webhook_id=webhook))
    assert in_order.failures() == []
    assert no_delivery_ids(order_rows(shared)) == no_delivery_ids(order_rows(in_order))
    assert no_delivery_ids(refund_rows(shared)) == no_delivery_ids(refund_rows(in_order))
    assert len(order_rows(shared)) == ORDERS and len(refund_rows(shared)) == 2 * ORDERS
    shared.engine.dispose()
    in_order.engine.dispose()
