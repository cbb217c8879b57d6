"""Order webhooks into the ledger: stored first, once, applied in any order, never lost."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import update

from storefront.orders.tables import deliveries
from tests.orders.conftest import delivery_rows, order_rows, refund_rows
from tests.orders.payloads import CREATED, deliver, order, refund
from tests.support.ports import free_port

LATER = CREATED + timedelta(hours=1)


def test_an_order_is_stored_and_credited(client, ledger):
    reply = deliver(client, "orders/create", order(creator="maya", codes=("MAYA15",)))
    assert reply.status_code == 200
    assert reply.get_json() == {"ok": True, "topic": "orders/create", "purged": []}
    [row] = order_rows(ledger)
    assert row["order_id"] == 820982911946154508 and row["name"] == "#1001"
    assert row["net_sales"] == Decimal("90.00") and row["currency"] == "USD"
    assert (row["creator"], row["credit_rule"]) == ("maya", "attribute")
    assert row["customer_id"] == 115310627314723954
    [delivery] = delivery_rows(ledger)
    assert delivery["status"] == "done" and delivery["topic"] == "orders/create"
    assert delivery["shop_domain"] == "fernwood.myshopify.com"


def test_no_customer_data_is_kept_beyond_the_customer_id(client, ledger):
    deliver(client, "orders/create", order(creator="maya"))
    [delivery] = delivery_rows(ledger)
    kept = json.loads(delivery["body"])
    assert kept["customer"] == {"id": 115310627314723954}
    text = delivery["body"]
    for private in ("jo@example.com", "Jo Doe", "Main St", "+1555", "203.0.113.9",
                    "Happy birthday"):
        assert private not in text
    assert {a["name"] for a in kept["note_attributes"]} == {
        "_creator", "_creator_first", "_creator_clicked_at", "_utm_source"}


def test_a_repeated_webhook_id_is_a_duplicate_and_stored_once(client, ledger):
    first = deliver(client, "orders/create", order(), webhook="whk-a")
    again = deliver(client, "orders/create", order(subtotal="1.00"), webhook="whk-a")
    assert first.status_code == again.status_code == 200
    assert again.get_json() == {"ok": True, "duplicate": True}
    assert len(delivery_rows(ledger)) == 1
    assert order_rows(ledger)[0]["net_sales"] == Decimal("90.00")


def test_the_same_body_on_create_and_paid_counts_for_each_but_once_per_topic(client, ledger):
    data = order(financial_status="paid")
    assert deliver(client, "orders/create", data).get_json()["topic"] == "orders/create"
    assert deliver(client, "orders/paid", data).get_json()["topic"] == "orders/paid"
    assert deliver(client, "orders/paid", data).get_json()["duplicate"] is True
    assert [d["topic"] for d in delivery_rows(ledger)] == ["orders/create", "orders/paid"]
    assert len(order_rows(ledger)) == 1


def test_an_older_update_never_rolls_an_order_back(client, ledger):
    deliver(client, "orders/updated", order(updated=LATER, subtotal="80.00",
                                            financial_status="paid"))
    deliver(client, "orders/create", order(subtotal="90.00"))
    [row] = order_rows(ledger)
    assert row["net_sales"] == Decimal("80.00") and row["financial_status"] == "paid"


def test_a_cancellation_voids_net_sales(client, ledger):
    deliver(client, "orders/create", order())
    deliver(client, "orders/cancelled", order(updated=LATER, cancelled=LATER))
    [row] = order_rows(ledger)
    assert row["net_sales"] == Decimal("0.00") and row["cancelled_at"] is not None


def test_a_refund_before_its_order_waits_and_is_applied_once(client, ledger):
    deliver(client, "refunds/create", refund(77, 820982911946154508, "40.00"))
    assert order_rows(ledger) == [] and len(refund_rows(ledger)) == 1
    deliver(client, "orders/create", order())
    assert order_rows(ledger)[0]["net_sales"] == Decimal("50.00")
    # The order updated after the refund lists it, its current subtotal already reduced:
    # the refund is not taken off twice.
    deliver(client, "orders/updated", order(updated=LATER, subtotal="50.00",
                                            refunds=(refund(77, 820982911946154508, "40.00"),)))
    assert order_rows(ledger)[0]["net_sales"] == Decimal("50.00")
    assert len(refund_rows(ledger)) == 1


def test_refunds_take_off_their_tax_where_prices_include_it(client, ledger):
    deliver(client, "orders/create", order(subtotal="120.00", tax="20.00", taxes_included=True))
    assert order_rows(ledger)[0]["net_sales"] == Decimal("100.00")
    deliver(client, "refunds/create", refund(5, 820982911946154508, "60.00", tax="10.00"))
    assert order_rows(ledger)[0]["net_sales"] == Decimal("50.00")


def test_tax_is_not_taken_off_where_prices_exclude_it(client, ledger):
    deliver(client, "orders/create", order(subtotal="100.00", tax="20.00"))
    assert order_rows(ledger)[0]["net_sales"] == Decimal("100.00")


def test_yen_orders_have_no_minor_unit(client, ledger):
    deliver(client, "orders/create", order(subtotal="12345", currency="JPY"))
    deliver(client, "refunds/create", refund(6, 820982911946154508, "1000", currency="JPY"))
    [row] = order_rows(ledger)
    assert row["currency"] == "JPY" and str(row["net_sales"]) == "11345"


def test_a_failed_delivery_is_kept_answered_200_and_applied_on_retry(app, client, ledger):
    broken = order()
    broken["current_subtotal_price_set"] = {"shop_money": {"amount": "ninety"}}
    del broken["current_subtotal_price"]
    reply = deliver(client, "orders/create", broken)
    assert reply.status_code == 200  # stored: Shopify need not send it again
    [delivery] = delivery_rows(ledger)
    assert delivery["status"] == "failed" and "current_subtotal_price" in delivery["error"]
    assert order_rows(ledger) == []
    assert ledger.failures()[0]["id"] == delivery["id"]
    # The operator fixes the cause (here: the stored body, as a code fix would make it
    # readable) and retries from the command line.
    with ledger.engine.begin() as conn:
        conn.execute(update(deliveries).values(body=json.dumps(order())))
    result = app.test_cli_runner().invoke(args=["orders", "retry"])
    assert result.exit_code == 0, result.output
    assert "1 applied, 0 still failing" in result.output
    assert delivery_rows(ledger)[0]["status"] == "done"
    assert order_rows(ledger)[0]["net_sales"] == Decimal("90.00")


def test_failed_deliveries_are_retried_by_later_deliveries_once_due(client, ledger):
    clock = [CREATED]
    ledger.clock = lambda: clock[0]
    broken = order()
    broken["updated_at"] = "whenever"
    deliver(client, "orders/create", broken)
    [failed] = delivery_rows(ledger)
    assert failed["status"] == "failed" and failed["attempts"] == 1
    deliver(client, "orders/create", order(order_id=2))  # at once: not due yet
    assert delivery_rows(ledger)[0]["attempts"] == 1
    clock[0] = CREATED + timedelta(minutes=5)
    deliver(client, "orders/create", order(order_id=3))  # five minutes later: due
    assert delivery_rows(ledger)[0]["attempts"] == 2


def test_the_failures_command_lists_what_is_not_applied(app, client):
    deliver(client, "refunds/create", {"id": "x", "order_id": 1})
    result = app.test_cli_runner().invoke(args=["orders", "failures"])
    assert result.exit_code == 0 and "refunds/create" in result.output
    assert "not a positive whole number" in result.output


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", b'"text"', b"[" * 100_000])
def test_a_body_that_is_not_a_json_object_is_400_and_not_stored(client, ledger, raw):
    reply = deliver(client, "orders/create", raw)
    assert reply.status_code == 400
    assert reply.get_json() == {"ok": False, "error": "the body is not a JSON object"}
    assert delivery_rows(ledger) == []


@pytest.mark.parametrize("broken", [
    {},
    {"id": True},
    {"id": 5, "updated_at": 12},
    {"id": 5, "created_at": "2026-11-03T10:00:00", "updated_at": "2026-11-03T10:00:00"},
    {**order(), "id": -3},
    {**order(), "created_at": None},
    {**order(), "current_subtotal_price_set": {"shop_money": {"amount": "NaN"}}},
    {**order(), "currency": 12, "current_subtotal_price_set": None},
])
def test_mistyped_payloads_are_recorded_failures_not_errors(client, ledger, broken):
    reply = deliver(client, "orders/updated", broken)
    assert reply.status_code == 200
    [delivery] = delivery_rows(ledger)
    assert delivery["status"] == "failed" and delivery["error"]


def test_a_bad_signature_is_401_and_stores_nothing(client, ledger):
    for signature in ("", "garbage", "c2lnbmVk"):
        assert deliver(client, "orders/create", order(), signature=signature).status_code == 401
    assert delivery_rows(ledger) == [] and order_rows(ledger) == []


def test_an_unreachable_database_is_503_so_shopify_sends_it_again(app, client, tmp_path,
                                                                  database):
    from storefront.orders import Ledger, db

    if database.backend == "sqlite":
        blocker = tmp_path / "a-file"
        blocker.write_text("")
        url = f"sqlite:///{blocker}/orders.db"
    else:  # a port nothing listens on
        url = db.database_url(f"postgresql://shop@127.0.0.1:{free_port()}/orders", str(tmp_path))
    app.extensions["orders"] = Ledger(url, app.extensions["creators"])
    reply = deliver(client, "orders/create", order())
    assert reply.status_code == 503
    assert reply.get_json() == {"ok": False, "error": "the orders database is unavailable"}
