"""Property: any arrival order of an order's deliveries, repeats included, ends in the
ledger that delivering them in order makes."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from storefront.orders import Delivery, Ledger
from tests.orders.conftest import order_rows, refund_rows
from tests.orders.payloads import CREATED, body, order, refund

ORDER_ID = 4401


def lifecycle(subtotal: Decimal, first: Decimal, second: Decimal, cancel: bool,
              currency: str) -> list[tuple[str, dict]]:
    """An order's deliveries in the order things happened."""
    hour = timedelta(hours=1)
    one = refund(901, ORDER_ID, str(first), currency=currency)
    two = refund(902, ORDER_ID, str(second), currency=currency)
    after = str(subtotal - first)
    events = [
        ("orders/create", order(ORDER_ID, subtotal=str(subtotal), currency=currency,
                                creator="maya")),
        ("orders/paid", order(ORDER_ID, subtotal=str(subtotal), currency=currency,
                              creator="maya", financial_status="paid", updated=CREATED + hour)),
        ("refunds/create", one),
        ("orders/updated", order(ORDER_ID, subtotal=after, currency=currency, creator="maya",
                                 financial_status="partially_refunded",
                                 updated=CREATED + 2 * hour, refunds=(one,))),
        # Only ever seen as refunds/create: no later order version lists it.
        ("refunds/create", two),
    ]
    if cancel:
        events.append(("orders/cancelled", order(
            ORDER_ID, subtotal=after, currency=currency, creator="maya",
            financial_status="partially_refunded", updated=CREATED + 3 * hour,
            cancelled=CREATED + 3 * hour, refunds=(one,))))
    return events


def ledger_after(registry, url, deliveries) -> tuple[list[dict], list[dict]]:
    ledger = Ledger(url, registry)
    for topic, data, webhook in deliveries:
        ledger.receive(Delivery(topic=topic, body=body(data), webhook_id=webhook))
    assert ledger.failures() == []

    def strip(rows):  # which delivery brought a row first depends on the order, by design
        return [{k: v for k, v in row.items() if k != "delivery_id"} for row in rows]

    found = strip(order_rows(ledger)), strip(refund_rows(ledger))
    ledger.engine.dispose()
    return found


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999.99"), places=2)


# Each example makes two databases: on PostgreSQL, each a CREATE DATABASE.
EXAMPLES = {"sqlite": 30, "postgresql": 12}


def test_any_delivery_order_ends_in_the_same_ledger(app, database):
    registry = app.extensions["creators"]

    @settings(max_examples=EXAMPLES[database.backend], deadline=None)
    @given(data=st.data(), subtotal=amounts, cancel=st.booleans(),
           currency=st.sampled_from(["USD", "JPY"]))
    def check(data, subtotal, cancel, currency):
        if currency == "JPY":
            subtotal = subtotal.quantize(Decimal(1)) or Decimal(1)
        first = data.draw(st.decimals(min_value=0, max_value=subtotal,
                                      places=0 if currency == "JPY" else 2), label="first refund")
        second = data.draw(st.decimals(min_value=0, max_value=subtotal - first,
                                       places=0 if currency == "JPY" else 2),
                           label="second refund")
        events = lifecycle(subtotal, first, second, cancel, currency)
        in_order = [(topic, payload, f"whk-{i}") for i, (topic, payload) in enumerate(events)]
        shuffled = data.draw(st.permutations(in_order), label="arrival order")
        repeats = data.draw(st.lists(st.sampled_from(in_order), max_size=3), label="repeats")
        expected = ledger_after(registry, database.fresh(), in_order)
        assert ledger_after(registry, database.fresh(), shuffled + repeats) == expected
        [row] = expected[0]
        net = Decimal(0) if cancel else subtotal - first - second
        assert row["net_sales"] == net and row["creator"] == "maya"

    check()
