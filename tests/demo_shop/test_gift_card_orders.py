"""Gift cards at the demo checkout: an order spends their balances for good (in the shop's
database, read under the order's lock), its webhooks show them as a payment as Shopify's
do (total unchanged, "gift_card" among the gateways), refunds give them back."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from storefront.demo_shop.carts import SqliteCartStore
from storefront.demo_shop.shop import DemoShop
from storefront.demo_shop.web import create_http_app
from storefront.orders import payload as ledger_payload
from tests.demo_shop.conftest import FIXTURE_CATALOG, run
from tests.demo_shop.ordering import TARGET, TEE, TOTE, Shop

FIFTY, PART = "GIFTFIFTY0001", "giftpart0002ab"  # $50, and $10 left of $100


@pytest.fixture
def demo(tmp_path) -> Shop:
    return Shop(tmp_path)


def applied(shop: DemoShop, code: str) -> dict:
    """What a new $38 cart is told when `code` is added: the card's use, or the error."""
    data = run(shop, "mutation($i: CartInput) { cartCreate(input: $i) { cart {"
                     " appliedGiftCards { amountUsed { amount } balance { amount } } }"
                     " userErrors { message } } }",
               {"i": {"lines": [{"merchandiseId": f"gid://shopify/ProductVariant/{TEE}"}],
                      "giftCardCodes": [code]}})["cartCreate"]
    if data["userErrors"]:
        return {"error": data["userErrors"][0]["message"]}
    [card] = data["cart"]["appliedGiftCards"]
    return {"used": card["amountUsed"]["amount"], "balance": card["balance"]["amount"]}


def place(demo: Shop, lines, gift_cards, codes=()) -> dict:
    demo.place(lines=lines, codes=codes, attributes=(), gift_cards=gift_cards)
    demo.sender.run_once()
    [order] = demo.bodies("orders/paid")[-1:]
    return order


def test_an_order_spends_the_card_and_its_total_keeps_the_whole_amount(demo):
    order = place(demo, ((TEE, 1),), [PART], codes=("TAKE5",))  # $33.00: $10 by gift card
    assert order["payment_gateway_names"] == ["gift_card", "bogus"]
    assert (order["total_price"], order["subtotal_price"], order["total_discounts"]) == (
        "33.00", "33.00", "5.00")
    assert order["current_total_price"] == "33.00" and order["financial_status"] == "paid"
    assert order["discount_codes"] == [{"code": "TAKE5", "amount": "5.00",
                                        "type": "fixed_amount"}]
    # The store's ledger counts the sale in full: a gift card pays, it does not discount.
    assert ledger_payload.order(ledger_payload.redact("orders/paid", order)).subtotal == (
        Decimal("33.00"))
    assert applied(demo.shop, PART) == {"error": "There is nothing left on the gift card."}


def test_a_card_covering_everything_is_the_only_gateway_and_keeps_its_rest(demo):
    order = place(demo, ((TEE, 1),), [FIFTY])
    assert order["payment_gateway_names"] == ["gift_card"] and order["total_price"] == "38.00"
    assert applied(demo.shop, FIFTY) == {"used": "12.0", "balance": "0.0"}


def test_spent_balances_outlive_the_shop(demo):
    place(demo, ((TEE, 1),), [FIFTY])
    again = DemoShop(FIXTURE_CATALOG, carts=SqliteCartStore(demo.path, clock=demo.clock))
    assert applied(again, FIFTY) == {"used": "12.0", "balance": "0.0"}


def test_two_carts_with_one_card_spend_it_once(demo):
    first = demo.cart(lines=((TEE, 1),), codes=(), attributes=(), gift_cards=[PART])
    second = demo.cart(lines=((TOTE, 1),), codes=(), attributes=(), gift_cards=[PART])
    demo.book.place(*first, None, TARGET)
    placed = demo.book.place(*second, None, TARGET)  # the card was spent meanwhile
    assert placed.order["payment_gateway_names"] == ["bogus"]
    assert placed.order["total_price"] == "18.00"
    assert demo.book.gift_card_payments(placed.order["id"]) == []


def test_refunds_go_back_to_the_gateway_first_then_to_the_cards(demo):
    placed = demo.place(lines=((TEE, 1), (TOTE, 1)), codes=(), attributes=(),
                        gift_cards=[FIFTY])  # $56: $50 by gift card, $6 charged
    order = placed.order
    tee, tote = order["line_items"]
    after = demo.book.refund(order["id"], placed.key, tote["id"], None)
    refund = after["refunds"][0]
    assert [(t["gateway"], t["amount"]) for t in refund["transactions"]] == [
        ("bogus", "6.00"), ("gift_card", "12.00")]
    assert applied(demo.shop, FIFTY) == {"used": "12.0", "balance": "0.0"}
    cancelled = demo.book.cancel(order["id"], placed.key, None)
    last = cancelled["refunds"][-1]
    assert [(t["gateway"], t["amount"]) for t in last["transactions"]] == [
        ("gift_card", "38.00")]
    assert applied(demo.shop, FIFTY) == {"used": "38.0", "balance": "12.0"}
    # What the cards paid stays on the order's page, as paid.
    assert demo.book.gift_card_payments(order["id"]) == [("0001", Decimal("50.00"))]


def test_the_checkout_charges_the_rest_and_the_order_page_shows_the_card(demo):
    app = create_http_app(demo.shop, "token", webhook_url=TARGET, webhook_secret="s",
                          orders=demo.book, sender=demo.sender)
    client = app.test_client()
    token, key = demo.cart(lines=((TEE, 2),), codes=("TAKE5",), attributes=(),
                           gift_cards=[PART])  # $76 less $5, then $10 by gift card
    page = client.get(f"/demo-shop/checkouts/{token}?key={key}").get_data(as_text=True)
    assert re.search(r"Gift card ••••02AB \(\$0\.00 left on it\)</td>\s*"
                     r'<td class="amount">−\$10\.00', page)
    assert re.search(r'After discounts</td><td class="amount">\$71\.00', page)
    footer = page[page.index("<tfoot>"):page.index("</tfoot>")]
    assert "to pay after gift cards" in footer and "$61.00" in footer
    assert "Charged to the test gateway: $61.00" in page
    order_page = client.post(f"/demo-shop/checkouts/{token}/order", data={"key": key})
    text = client.get(order_page.headers["Location"]).get_data(as_text=True)
    assert re.search(r'Gift card ••••02AB</td><td class="amount">\$10\.00', text)
    assert re.search(r'Card \(test gateway\)</td><td class="amount">\$61\.00', text)
    assert "gift_card, bogus" in text
    for shown in (page, text):
        assert PART.casefold() not in shown.casefold()  # never the whole code
