"""What the demo shop's order webhooks carry: Shopify's REST order and refund shapes,
with the cart's lines, codes, amounts and attributes, and nothing of the shopper."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from storefront.demo_shop import payloads
from storefront.demo_shop.orders import Refused
from storefront.orders import payload as ledger_payload
from tests.demo_shop.ordering import TEE, TOTE, Shop

ORDER_FIELDS = ("id", "name", "created_at", "updated_at", "currency", "financial_status",
                "line_items", "discount_codes", "discount_applications", "note_attributes",
                "landing_site", "subtotal_price", "subtotal_price_set", "current_subtotal_price",
                "current_subtotal_price_set", "total_tax", "total_tax_set", "taxes_included",
                "refunds", "customer")


@pytest.fixture
def demo(tmp_path) -> Shop:
    return Shop(tmp_path)


def money(amount: str, currency: str = "USD") -> dict:
    return {"shop_money": {"amount": amount, "currency_code": currency},
            "presentment_money": {"amount": amount, "currency_code": currency}}


def sent_order(demo: Shop, **cart) -> tuple[dict, dict]:
    demo.place(**cart)
    demo.sender.run_once()
    [created] = demo.bodies("orders/create")
    [paid] = demo.bodies("orders/paid")
    return created, paid


def test_an_order_has_shopifys_fields_and_the_carts_money(demo):
    order, paid = sent_order(demo)
    assert set(ORDER_FIELDS) <= set(order)
    assert isinstance(order["id"], int) and 10**12 <= order["id"] < 2**53
    assert (order["name"], order["order_number"], order["currency"]) == ("#1001", 1001, "USD")
    assert (order["financial_status"], paid["financial_status"]) == ("pending", "paid")
    # 3 tees at 38.00 less APPAREL20 (22.80) and a share of TAKE5; a tote at 18.00.
    assert order["total_line_items_price_set"] == money("132.00")
    assert (order["subtotal_price"], order["subtotal_price_set"]) == ("104.20", money("104.20"))
    assert order["current_subtotal_price_set"] == money("104.20")
    assert order["total_discounts"] == "27.80" and order["total_price"] == "104.20"
    assert (order["total_tax"], order["total_tax_set"], order["taxes_included"]) == (
        "0.00", money("0.00"), False)
    assert order["refunds"] == [] and order["cancelled_at"] is None
    # Both webhooks describe the same order at the same moment.
    assert paid["id"] == order["id"] and paid["updated_at"] == order["updated_at"]


def test_times_are_iso_8601_with_an_offset(demo):
    order, _ = sent_order(demo)
    for field in ("created_at", "updated_at", "processed_at"):
        moment = datetime.fromisoformat(order[field])
        assert moment.utcoffset() is not None
        assert moment.timestamp() == int(demo.clock())


def test_discount_codes_applications_and_line_allocations(demo):
    order, _ = sent_order(demo)
    # Only the codes that apply reach the order, in the cart's order.
    assert order["discount_codes"] == [
        {"code": "APPAREL20", "amount": "22.80", "type": "percentage"},
        {"code": "TAKE5", "amount": "5.00", "type": "fixed_amount"},
    ]
    apparel, take5 = order["discount_applications"]
    assert (apparel["type"], apparel["code"], apparel["value"], apparel["value_type"]) == (
        "discount_code", "APPAREL20", "20.0", "percentage")
    assert (apparel["target_selection"], take5["target_selection"]) == ("entitled", "all")
    assert (take5["value"], take5["value_type"]) == ("5.0", "fixed_amount")
    tee, tote = order["line_items"]
    assert (tee["variant_id"], tee["product_id"], tee["quantity"]) == (TEE, 7001, 3)
    assert (tee["price"], tee["price_set"]) == ("38.00", money("38.00"))
    assert [(a["discount_application_index"], a["amount"], a["amount_set"])
            for a in tee["discount_allocations"]] == [
        (0, "22.80", money("22.80")), (1, "4.32", money("4.32"))]
    assert [(a["discount_application_index"], a["amount"]) for a in tote["discount_allocations"]
            ] == [(1, "0.68")]
    assert tote["variant_id"] == TOTE and tote["title"] == "Canvas Tote"


def test_cart_attributes_become_note_attributes_and_the_landing_site(demo, tmp_path):
    order, _ = sent_order(demo)
    assert {"name": "_creator", "value": "maya"} in order["note_attributes"]
    assert {"name": "_utm_source", "value": "instagram"} in order["note_attributes"]
    assert order["landing_site"] == "/@maya?utm_source=instagram"
    (tmp_path / "plain").mkdir()
    plain, _ = sent_order(Shop(tmp_path / "plain"), attributes=(), codes=())
    assert plain["note_attributes"] == [] and plain["landing_site"] == "/"


def test_the_ledger_reads_the_order_as_shopifys(demo):
    order, paid = sent_order(demo)
    read = ledger_payload.order(ledger_payload.redact("orders/paid", paid))
    assert read.id == order["id"] and read.attributes["_creator"] == "maya"
    assert read.subtotal == Decimal("104.20") and read.currency == "USD"
    assert read.discount_codes == ("APPAREL20", "TAKE5")
    assert read.customer_id == order["customer"]["id"]


def test_the_shopper_is_a_customer_id_and_nothing_more(demo, tmp_path):
    first, _ = sent_order(demo, note=None)
    demo.sent.clear()
    again = demo.place(email="Jo@Example.com")
    also = demo.place(email="jo@example.com ")
    other = demo.place(email="sam@example.com")
    guest = demo.place()
    ids = [o.order["customer"]["id"] for o in (again, also, other, guest)]
    assert ids[0] == ids[1]  # one shopper, one customer
    assert len({ids[0], ids[2], ids[3], first["customer"]["id"]}) == 4
    assert all(set(o.order["customer"]) == {"id"} for o in (again, guest))
    demo.sender.run_once()
    raw = b"".join(body for _, body, _ in demo.sent)
    assert b"example.com" not in raw.lower() and b"email" not in raw
    for stored in demo.path.parent.glob("shop.sqlite3*"):  # the database, its WAL too
        assert b"example.com" not in stored.read_bytes().lower()


def test_an_email_the_cart_carries_names_the_customer_too(demo):
    guest = demo.place()
    from_cart = demo.place(buyer_email="jo@example.com")
    typed = demo.place(email="JO@example.com")
    assert from_cart.order["customer"] == typed.order["customer"] != guest.order["customer"]


def test_orders_are_numbered_in_turn(demo):
    names = [demo.place().order["name"] for _ in range(3)]
    assert names == ["#1001", "#1002", "#1003"]


def test_a_refund_returns_one_unit_and_the_order_follows(demo):
    placed = demo.place()
    demo.clock.now += 60
    tee = placed.order["line_items"][0]
    order = demo.book.refund(placed.order["id"], placed.key, tee["id"], None)
    demo.sent.clear()
    refund = order["refunds"][0]
    assert refund["order_id"] == order["id"] and isinstance(refund["id"], int)
    [item] = refund["refund_line_items"]
    # A tee paid 86.88 for 3 (after both codes): 28.96 each.
    assert (item["line_item_id"], item["quantity"]) == (tee["id"], 1)
    assert item["subtotal"] == 28.96 and item["subtotal_set"] == money("28.96")
    assert item["total_tax_set"] == money("0.00")
    assert refund["transactions"][0]["amount"] == "28.96"
    assert order["current_subtotal_price_set"] == money("75.24")
    assert order["subtotal_price"] == "104.20"  # the original amounts stay
    assert order["financial_status"] == "partially_refunded"
    assert order["line_items"][0]["current_quantity"] == 2
    assert order["updated_at"] > placed.order["updated_at"]
    read = ledger_payload.refund(ledger_payload.redact("refunds/create", refund))
    assert read.subtotal == Decimal("28.96")


def test_refunding_every_unit_returns_exactly_what_was_paid(demo):
    placed = demo.place(lines=((TEE, 3),), codes=("TAKE5",), attributes=())  # 109.00 for 3
    order = placed.order
    for _ in range(3):
        order = demo.book.refund(order["id"], placed.key, order["line_items"][0]["id"], None)
    amounts = [r["refund_line_items"][0]["subtotal_set"]["shop_money"]["amount"]
               for r in order["refunds"]]
    assert amounts == ["36.34", "36.33", "36.33"]
    assert order["current_subtotal_price"] == "0.00" and order["financial_status"] == "refunded"
    with pytest.raises(Refused) as refused:
        demo.book.refund(order["id"], placed.key, order["line_items"][0]["id"], None)
    assert refused.value.status == 409


def test_cancelling_refunds_what_is_left_then_cancels(demo):
    placed = demo.place()
    tee, tote = placed.order["line_items"]
    demo.book.refund(placed.order["id"], placed.key, tee["id"], None)
    demo.clock.now += 60
    order = demo.book.cancel(placed.order["id"], placed.key, None)
    assert order["cancelled_at"] == order["updated_at"] and order["cancel_reason"] == "customer"
    assert order["financial_status"] == "refunded"
    assert order["current_subtotal_price"] == "0.00"
    last = order["refunds"][-1]
    assert {(i["line_item_id"], i["quantity"]) for i in last["refund_line_items"]} == {
        (tee["id"], 2), (tote["id"], 1)}
    assert sum(Decimal(r["transactions"][0]["amount"]) for r in order["refunds"]) == Decimal(
        "104.20")
    assert ledger_payload.order(order).cancelled_at is not None
    for change in (lambda: demo.book.cancel(order["id"], placed.key, None),
                   lambda: demo.book.refund(order["id"], placed.key, tee["id"], None)):
        with pytest.raises(Refused) as refused:
            change()
        assert refused.value.status == 409


def test_units_split_to_the_cent():
    assert payloads.units(Decimal("10.00"), 3) == [Decimal("3.34"), Decimal("3.33"),
                                                   Decimal("3.33")]
    assert payloads.units(Decimal("0.00"), 2) == [Decimal("0.00"), Decimal("0.00")]
    assert sum(payloads.units(Decimal("86.89"), 7)) == Decimal("86.89")


@pytest.mark.parametrize(("attributes", "landing"), [
    ((), "/"),
    ((("_creator", "leo"),), "/"),
    ((("_creator_first", "leo"), ("_utm_medium", "social"), ("_gclid", "g1")),
     "/@leo?utm_medium=social&gclid=g1"),
    ((("_creator_first", "../../etc"),), "/"),
    ((("_utm_source", "a&b=c"),), "/?utm_source=a%26b%3Dc"),
])
def test_the_landing_site_from_the_carts_attributes(attributes, landing):
    assert payloads.landing_site(attributes) == landing
