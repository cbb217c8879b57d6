"""Order and refund line items in the ledger: written with each newer version of an order,
kept with each refund once, and filled in by migration 0003 for what the ledger already held.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import update

from storefront.orders import Delivery, db, payload
from storefront.orders.tables import order_lines, orders, refund_lines
from tests.creator_stats.conftest import TEE, TOTE, line, place
from tests.orders.conftest import downgrade, read
from tests.orders.payloads import CREATED, body, money, order, refund


def lines_of(ledger) -> list[tuple]:
    return [(r["order_id"], r["line_item_id"], r["product_id"], r["variant_id"], r["title"],
             r["quantity"], r["net"]) for r in read(ledger, order_lines)]


def refunds_of(ledger) -> list[tuple]:
    return sorted((r["refund_id"], r["order_id"], r["line_item_id"], r["quantity"],
                   r["subtotal"], r["tax"]) for r in read(ledger, refund_lines))


def test_an_order_s_lines_are_those_of_its_newest_version(ledger):
    first = place(ledger, 101, CREATED, [line(1011, TEE, "Tee", 2, "30.00", "6.00"),
                                         line(1012, TOTE, "Tote", 1, "20.00")], creator="maya")
    assert lines_of(ledger) == [(101, 1011, TEE, TEE + 1000, "Tee", 2, Decimal("54.00")),
                                (101, 1012, TOTE, TOTE + 1000, "Tote", 1, Decimal("20.00"))]
    # Edited: the tote removed. A newer version replaces the lines...
    later = CREATED + timedelta(hours=1)
    place(ledger, 101, CREATED, [line(1011, TEE, "Tee", 2, "30.00", "6.00")], creator="maya",
          topic="orders/updated", updated=later)
    assert [row[1] for row in lines_of(ledger)] == [1011]
    # ...and an older one, arriving late, does not.
    assert ledger.receive(Delivery("orders/paid", body(first))).error is None
    assert [row[1] for row in lines_of(ledger)] == [1011]


def test_a_newer_version_with_the_same_items_leaves_the_lines_as_they_are(ledger):
    items = [line(1021, TEE, "Tee", 2, "30.00", "6.00")]
    place(ledger, 103, CREATED, items, creator="maya")
    # A mark no delivery would make: it shows whether the lines were written again.
    with ledger.engine.begin() as conn:
        conn.execute(update(order_lines).values(title="as written"))
    paid = CREATED + timedelta(hours=1)
    place(ledger, 103, CREATED, items, creator="maya", topic="orders/paid", updated=paid)
    assert [row[4] for row in lines_of(ledger)] == ["as written"]  # the same items: kept
    renamed = [line(1021, TEE, "Tee, organic", 2, "30.00", "6.00")]
    place(ledger, 103, CREATED, renamed, creator="maya", topic="orders/updated",
          updated=paid + timedelta(hours=1))
    assert [row[4] for row in lines_of(ledger)] == ["Tee, organic"]
    # An order written before migration 0008 has no digest: its next version writes them.
    with ledger.engine.begin() as conn:
        conn.execute(update(order_lines).values(title="as written"))
        conn.execute(update(orders).values(lines_digest=None))
    place(ledger, 103, CREATED, renamed, creator="maya", topic="orders/updated",
          updated=paid + timedelta(hours=2))
    assert [row[4] for row in lines_of(ledger)] == ["Tee, organic"]


def test_a_line_without_a_product_and_old_bodies_with_total_discount_only(ledger):
    custom = {"id": 1013, "product_id": None, "variant_id": None, "title": "Gift wrap",
              "quantity": 1, "price": "5.00", "price_set": money("5.00"),
              "total_discount": "1.00", "total_discount_set": money("1.00")}
    data = order(102, subtotal="4.00", creator="maya")
    data["line_items"] = [custom]
    assert ledger.receive(Delivery("orders/create", body(data))).error is None
    assert lines_of(ledger) == [(102, 1013, None, None, "Gift wrap", 1, Decimal("4.00"))]


def test_refund_lines_are_kept_once_whichever_way_the_refund_came(ledger):
    data = refund(9001, 101, "27.00", tax="2.00")
    data["refund_line_items"][0]["line_item_id"] = 1011
    assert ledger.receive(Delivery("refunds/create", body(data))).error is None
    # Then the order, listing the same refund: nothing more is kept.
    place(ledger, 101, CREATED, [line(1011, TEE, "Tee", 2, "30.00", "6.00")], creator="maya",
          refunds=(data,))
    expected = [(9001, 101, 1011, 1, Decimal("27.00"), Decimal("2.00"))]
    assert refunds_of(ledger) == expected
    assert ledger.receive(Delivery("refunds/create", body(data), webhook_id="again")).duplicate
    assert refunds_of(ledger) == expected


def test_redaction_keeps_the_amounts_of_discounts_and_taxes_only():
    item = {**line(1011, TEE, "Tee", 1, "30.00", "3.00"), "properties": [
        {"name": "engraving", "value": "For Jo"}],
        "tax_lines": [{"price": "2.00", "price_set": money("2.00"), "rate": 0.07,
                       "title": "State tax", "channel_liable": False}]}
    item["discount_allocations"][0]["note"] = "private"
    kept = payload.redact("orders/create", {**order(101), "line_items": [item]})
    [line_kept] = kept["line_items"]
    assert "properties" not in line_kept
    assert line_kept["discount_allocations"] == [
        {"amount": "3.00", "amount_set": money("3.00")}]
    assert line_kept["tax_lines"] == [{"price": "2.00", "price_set": money("2.00"),
                                       "rate": 0.07}]


def test_bad_line_items_fail_the_delivery_with_a_message(ledger):
    for items, message in (
            ([{"id": 1, "quantity": 1}], "order line item price_set is missing"),
            ([{"id": 1, "quantity": -1, "price": "1.00"}], "quantity is -1"),
            ([{"id": 0, "quantity": 1, "price": "1.00"}], "order line item id is 0"),
            ([line(1, TEE, "Tee", 1, "1.00"), line(1, TEE, "Tee", 1, "1.00")],
             "lists line item 1 twice")):
        data = {**order(103), "line_items": items}
        error = ledger.receive(Delivery("orders/create", body(data))).error
        assert error is not None and message in error, (items, error)
    # What is not a list of line items at all is not kept (payload.redact): no lines.
    assert ledger.receive(Delivery("orders/create", body(
        {**order(104), "line_items": "tee"}))).error is None
    assert lines_of(ledger) == []


def test_migration_0003_fills_in_the_lines_of_what_the_ledger_already_held(database, ledger):
    place(ledger, 101, CREATED, [line(1011, TEE, "Tee", 2, "30.00", "6.00"),
                                 line(1012, TOTE, "Tote", 1, "20.00")], creator="maya")
    # An order body from before discount allocations were kept, with a refund listed...
    listed = refund(9002, 102, "10.00")
    listed["refund_line_items"][0]["line_item_id"] = 1021
    data = order(102, subtotal="10.00", creator="maya", refunds=(listed,))
    data["line_items"] = [{"id": 1021, "product_id": TOTE, "title": "Tote", "quantity": 1,
                           "price": "20.00", "total_discount": "0.00"}]
    assert ledger.receive(Delivery("orders/create", body(data))).error is None
    # ...and a refund of its own delivery.
    alone = refund(9001, 101, "27.00")
    alone["refund_line_items"][0]["line_item_id"] = 1011
    assert ledger.receive(Delivery("refunds/create", body(alone))).error is None
    lines, refunded = lines_of(ledger), refunds_of(ledger)
    assert len(lines) == 3 and len(refunded) == 2

    # The ledger as it was at revision 0002, then brought to head again.
    downgrade(ledger, "0002")
    db.migrate(ledger.engine)
    assert lines_of(ledger) == lines
    assert refunds_of(ledger) == refunded
