"""Carts in markets: a cart is in its buyer's country's market, answers in its currency
whatever @inContext says, moves to another market with cartBuyerIdentityUpdate (priced
anew, lines the market does not sell removed), and checks out and orders in it, with
the order's shop money in USD.

On the fixture catalog with markets (market_catalog.py): Canada at 1.37 up to .99 (the
tee 52.99, the tote fixed at 24.00), France at 0.92 up to whole euros (the tee 35.00, the
tote fixed at 15.00, no soy candle).
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from storefront.demo_shop.web import create_http_app
from storefront.orders import payload as ledger_payload
from tests.demo_shop.conftest import run
from tests.demo_shop.market_catalog import (
    CANDLE_CEDAR,
    HOODIE_M,
    TEE_M_OAT,
    TOTE,
    gid,
    write_market_catalog,
)
from tests.demo_shop.ordering import TARGET, Shop

CART = """
  id checkoutUrl buyerIdentity { countryCode }
  discountCodes { code applicable }
  discountAllocations { discountedAmount { amount currencyCode }
    ... on CartCodeDiscountAllocation { code discountApplication {
      value { ... on MoneyV2 { amount currencyCode } } } } }
  cost { subtotalAmount { amount currencyCode } totalAmount { amount currencyCode }
         checkoutChargeAmount { amount currencyCode } }
  appliedGiftCards { amountUsed { amount currencyCode } balance { amount currencyCode }
                     presentmentAmountUsed { amount currencyCode } }
  lines(first: 10) { nodes { id quantity
    merchandise { ... on ProductVariant { id price { amount currencyCode }
      product { handle title priceRange { minVariantPrice { amount currencyCode } } } } }
    cost { amountPerQuantity { amount currencyCode }
           compareAtAmountPerQuantity { amount currencyCode }
           subtotalAmount { amount currencyCode } totalAmount { amount currencyCode } }
    discountAllocations { discountedAmount { amount currencyCode } } } }
"""
PAYLOAD = (f"cart {{ {CART} }} userErrors {{ code field message }}"
           " warnings { code message target }")


@pytest.fixture
def demo(tmp_path) -> Shop:
    return Shop(tmp_path, catalog=write_market_catalog(tmp_path))


@pytest.fixture
def shop(demo):
    return demo.shop


def create(shop, context: str = "", **cart_input) -> dict:
    return run(shop, f"mutation($input: CartInput) {context} {{ cartCreate(input: $input) {{"
                     f" {PAYLOAD} }} }}", {"input": cart_input})["cartCreate"]


def mutate(shop, call: str, variables: dict, context: str = "") -> dict:
    """`call` is a mutation with its arguments, e.g. 'cartLinesAdd(cartId: $id, lines: $l)'."""
    types = {"id": "ID!", "l": "[CartLineInput!]!", "u": "[CartLineUpdateInput!]!",
             "b": "CartBuyerIdentityInput!"}
    params = ", ".join(f"${name}: {types[name]}" for name in variables)
    name = call.split("(")[0]
    return run(shop, f"mutation({params}) {context} {{ {call} {{ {PAYLOAD} }} }}",
               variables)[name]


def read(shop, cart_id: str, context: str = "") -> dict:
    return run(shop, f"query($id: ID!) {context} {{ cart(id: $id) {{ {CART} }} }}",
               {"id": cart_id})["cart"]


def money(amount: str, currency: str) -> dict:
    return {"amount": amount, "currencyCode": currency}


def currencies_in(value) -> set[str]:
    """Every currencyCode anywhere in a reply."""
    if isinstance(value, dict):
        found = {value["currencyCode"]} if "currencyCode" in value else set()
        return found.union(*(currencies_in(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(currencies_in(v) for v in value))
    return set()


def canadian_cart(shop, **extra) -> dict:
    return create(shop, buyerIdentity={"countryCode": "CA"},
                  lines=[{"merchandiseId": gid(TEE_M_OAT), "quantity": 2},
                         {"merchandiseId": gid(TOTE)}],
                  discountCodes=["APPAREL20", "TAKE5"], **extra)


def test_a_cart_created_in_canada_is_in_cad_throughout(shop):
    created = canadian_cart(shop)
    assert created["userErrors"] == [] and created["warnings"] == []
    cart = created["cart"]
    assert cart["buyerIdentity"] == {"countryCode": "CA"}
    assert currencies_in(cart) == {"CAD"}
    tee, tote = cart["lines"]["nodes"]
    assert tee["merchandise"]["price"] == money("52.99", "CAD")  # 38 x 1.37 up to .99
    assert tee["cost"]["subtotalAmount"] == money("105.98", "CAD")
    assert tote["cost"]["amountPerQuantity"] == money("24.0", "CAD")  # Canada's fixed price
    # APPAREL20 takes 20% of the tees (21.20); TAKE5 is 5 USD converted: 6.85 CAD.
    assert tee["discountAllocations"] == [{"discountedAmount": money("21.2", "CAD")}]
    [take5] = cart["discountAllocations"]
    assert take5["discountedAmount"] == money("6.85", "CAD")
    assert take5["discountApplication"]["value"] == money("6.85", "CAD")
    assert cart["cost"] == {"checkoutChargeAmount": money("129.98", "CAD"),
                            "subtotalAmount": money("108.78", "CAD"),
                            "totalAmount": money("101.93", "CAD")}


def test_in_context_country_does_not_set_or_change_a_carts_market(shop):
    # As Shopify's documentation says: cart queries and mutations ignore @inContext's
    # country; only the buyer identity puts a cart in a market.
    created = create(shop, "@inContext(country: CA)",
                     lines=[{"merchandiseId": gid(TEE_M_OAT)}])["cart"]
    assert created["buyerIdentity"] == {"countryCode": None}
    assert created["cost"]["totalAmount"] == money("38.0", "USD")
    canadian = canadian_cart(shop)["cart"]
    again = read(shop, canadian["id"], "@inContext(country: FR, language: FR)")
    assert currencies_in(again) == {"CAD"}
    # The language is @inContext's, where the cart's market has it: Canada speaks French.
    assert again["lines"]["nodes"][0]["merchandise"]["product"]["title"] == (
        "T-shirt en coton bio")
    assert read(shop, canadian["id"])["lines"]["nodes"][0]["merchandise"]["product"][
        "title"] == "Organic Cotton Tee"


def test_moving_the_cart_to_france_keeps_it_and_prices_it_in_euros(shop):
    cart = canadian_cart(shop)["cart"]
    moved = mutate(shop, "cartBuyerIdentityUpdate(cartId: $id, buyerIdentity: $b)",
                   {"id": cart["id"], "b": {"countryCode": "FR"}})
    assert moved["userErrors"] == [] and moved["warnings"] == []
    after = moved["cart"]
    assert after["id"] == cart["id"] and after["checkoutUrl"] == cart["checkoutUrl"]
    assert [line["id"] for line in after["lines"]["nodes"]] == [
        line["id"] for line in cart["lines"]["nodes"]]
    assert currencies_in(after) == {"EUR"}
    tee, tote = after["lines"]["nodes"]
    assert tee["cost"]["amountPerQuantity"] == money("35.0", "EUR")  # 34.96 up to 35
    assert tote["cost"]["amountPerQuantity"] == money("15.0", "EUR")  # France's fixed price
    assert tote["cost"]["compareAtAmountPerQuantity"] == money("19.0", "EUR")
    assert after["cost"]["totalAmount"] == money("66.4", "EUR")  # 85 - 14 - 4.60
    assert read(shop, cart["id"])["cost"] == after["cost"]  # kept, not just answered
    # And back: the same cart, in CAD again.
    back = mutate(shop, "cartBuyerIdentityUpdate(cartId: $id, buyerIdentity: $b)",
                  {"id": cart["id"], "b": {"countryCode": "CA"}})["cart"]
    assert back["cost"] == cart["cost"]


def test_lines_a_market_does_not_sell_leave_the_cart_when_it_moves_there(shop):
    cart = create(shop, buyerIdentity={"countryCode": "CA"},
                  lines=[{"merchandiseId": gid(CANDLE_CEDAR)},
                         {"merchandiseId": gid(HOODIE_M)}])["cart"]
    moved = mutate(shop, "cartBuyerIdentityUpdate(cartId: $id, buyerIdentity: $b)",
                   {"id": cart["id"], "b": {"countryCode": "FR"}})
    assert [line["merchandise"]["product"]["handle"]
            for line in moved["cart"]["lines"]["nodes"]] == ["hemp-hoodie"]
    [warning] = moved["warnings"]
    assert warning["code"] == "MERCHANDISE_OUT_OF_STOCK" and warning["target"] == gid(
        CANDLE_CEDAR)
    assert "isn't sold in FR" in warning["message"]


def test_adding_what_the_carts_market_does_not_sell_fails_like_unknown_merchandise(shop):
    cart = create(shop, buyerIdentity={"countryCode": "FR"},
                  lines=[{"merchandiseId": gid(HOODIE_M)}])["cart"]
    added = mutate(shop, "cartLinesAdd(cartId: $id, lines: $l)",
                   {"id": cart["id"], "l": [{"merchandiseId": gid(CANDLE_CEDAR)}]})
    assert added["userErrors"] == [{
        "code": "INVALID_MERCHANDISE_LINE", "field": ["lines", "0", "merchandiseId"],
        "message": "The merchandise line was not found in the cart or is not valid."}]
    assert added["cart"]["lines"]["nodes"] == cart["lines"]["nodes"]  # unchanged
    line_id = cart["lines"]["nodes"][0]["id"]
    swapped = mutate(shop, "cartLinesUpdate(cartId: $id, lines: $u)",
                     {"id": cart["id"], "u": [{"id": line_id, "merchandiseId": gid(CANDLE_CEDAR)}]})
    assert swapped["userErrors"][0]["code"] == "INVALID_MERCHANDISE_LINE"
    refused = create(shop, buyerIdentity={"countryCode": "FR"},
                     lines=[{"merchandiseId": gid(CANDLE_CEDAR)}])
    assert refused["cart"] is None and refused["userErrors"][0]["field"] == [
        "input", "lines", "0", "merchandiseId"]
    # The same candle is fine in a Canadian cart.
    assert create(shop, buyerIdentity={"countryCode": "CA"},
                  lines=[{"merchandiseId": gid(CANDLE_CEDAR)}])["userErrors"] == []


def test_a_country_in_no_market_buys_in_the_primary_market(shop):
    cart = create(shop, buyerIdentity={"countryCode": "DE"},
                  lines=[{"merchandiseId": gid(TEE_M_OAT)}])["cart"]
    assert cart["buyerIdentity"] == {"countryCode": "DE"}
    assert cart["cost"]["totalAmount"] == money("38.0", "USD")


TWO_TEES = ((TEE_M_OAT, 2),)
TEE_AND_TOTE = ((TEE_M_OAT, 1), (TOTE, 1))


@pytest.mark.parametrize(("country", "lines", "subtotal", "applicable", "total"), [
    ("US", TWO_TEES, "76.0", True, "64.6"),  # 76 >= 75: 15% off
    # FERN15's minimum is 75 USD: 102.75 CAD. 76.99 CAD would pass an unconverted 75.
    ("CA", TEE_AND_TOTE, "76.99", False, "76.99"),
    ("CA", TWO_TEES, "105.98", True, "90.08"),
    ("FR", TWO_TEES, "70.0", True, "59.5"),  # 70 >= 75 x 0.92 = 69
])
def test_a_minimum_subtotal_is_converted_to_the_carts_currency(shop, country, lines, subtotal,
                                                                applicable, total):
    cart = create(shop, buyerIdentity={"countryCode": country},
                  lines=[{"merchandiseId": gid(v), "quantity": q} for v, q in lines],
                  discountCodes=["FERN15"])["cart"]
    assert cart["cost"]["checkoutChargeAmount"]["amount"] == subtotal
    assert cart["discountCodes"] == [{"code": "FERN15", "applicable": applicable}]
    assert cart["cost"]["totalAmount"]["amount"] == total


def test_delivery_rates_are_converted_to_the_carts_currency(shop):
    cart = canadian_cart(shop)["cart"]
    toronto = {"address1": "1 Front St", "city": "Toronto", "countryCode": "CA"}
    added = run(shop, "mutation($id: ID!, $a: [CartSelectableAddressInput!]!) {"
                      " cartDeliveryAddressesAdd(cartId: $id, addresses: $a) { cart {"
                      " deliveryGroups(first: 1) { nodes { deliveryOptions { handle"
                      " estimatedCost { amount currencyCode } } } } } } }",
                {"id": cart["id"], "a": [{"address": {"deliveryAddress": toronto},
                                          "selected": True}]})
    [group] = added["cartDeliveryAddressesAdd"]["cart"]["deliveryGroups"]["nodes"]
    assert group["deliveryOptions"] == [  # 12.00 USD x 1.37
        {"handle": "standard", "estimatedCost": money("16.44", "CAD")}]


def test_a_gift_card_pays_a_canadian_cart_at_the_markets_rate(shop):
    # A 50 USD card is worth 68.50 CAD: it pays that much of the 101.93 and is used up.
    cart = canadian_cart(shop, giftCardCodes=["GIFTFIFTY0001"])["cart"]
    assert cart["appliedGiftCards"] == [{"amountUsed": money("50.0", "USD"),
                                         "balance": money("0.0", "USD"),
                                         "presentmentAmountUsed": money("68.5", "CAD")}]
    assert cart["cost"]["totalAmount"] == money("33.43", "CAD")
    # Paying part of a cart takes its worth in USD from the card: 52.99 CAD is 38.68 USD.
    small = create(shop, buyerIdentity={"countryCode": "CA"}, giftCardCodes=["GIFTFIFTY0001"],
                   lines=[{"merchandiseId": gid(TEE_M_OAT)}])["cart"]
    assert small["appliedGiftCards"] == [{"amountUsed": money("38.68", "USD"),
                                          "balance": money("11.32", "USD"),
                                          "presentmentAmountUsed": money("52.99", "CAD")}]
    assert small["cost"]["totalAmount"] == money("0.0", "CAD")


# Checkout and order ------------------------------------------------------------------------


@pytest.fixture
def client(demo):
    app = create_http_app(demo.shop, "token", webhook_url=TARGET, webhook_secret="s",
                          orders=demo.book, sender=demo.sender)
    return app.test_client()


CANADIAN = {"country": "CA", "lines": ((TEE_M_OAT, 2), (TOTE, 1)),
            "codes": ("APPAREL20", "TAKE5")}


def test_the_checkout_of_a_canadian_cart_shows_cad(demo, client):
    token, key = demo.cart(**CANADIAN)
    page = client.get(f"/demo-shop/checkouts/{token}?key={key}").get_data(as_text=True)
    assert "Prices in CAD (buyer's country: CA)" in page
    for amount in ("CA$52.99", "CA$105.98", "CA$24.00", "CA$21.20", "CA$6.85", "CA$101.93"):
        assert amount in page, amount
    assert "$101.93" not in page.replace("CA$101.93", "")  # never shown as USD


def test_an_order_from_canada_is_presented_in_cad_and_counted_in_usd(demo):
    demo.place(**CANADIAN)
    demo.sender.run_once()
    [order] = demo.bodies("orders/create")
    assert (order["currency"], order["presentment_currency"]) == ("USD", "CAD")

    def both(shop_amount: str, presentment_amount: str) -> dict:
        return {"shop_money": {"amount": shop_amount, "currency_code": "USD"},
                "presentment_money": {"amount": presentment_amount, "currency_code": "CAD"}}

    # Shop money is the CAD amount over 1.37, to the cent; plain fields are shop money.
    assert order["total_price_set"] == both("74.40", "101.93")
    assert order["current_subtotal_price_set"] == both("74.40", "101.93")
    assert order["total_line_items_price_set"] == both("94.88", "129.98")
    assert order["total_price"] == "74.40" and order["subtotal_price"] == "74.40"
    tee, tote = order["line_items"]
    assert tee["price_set"] == both("38.68", "52.99") and tee["price"] == "38.68"
    assert tote["price_set"] == both("17.52", "24.00")
    assert [a["amount_set"]["presentment_money"]["amount"]
            for a in tee["discount_allocations"]] == ["21.20", "5.59"]
    # The store's ledger counts shop money.
    counted = ledger_payload.order(order)
    assert (counted.currency, counted.subtotal) == ("USD", Decimal("74.40"))


def test_a_refund_of_a_canadian_order_returns_cad(demo, client):
    token, key = demo.cart(**CANADIAN)
    order_page = client.post(f"/demo-shop/checkouts/{token}/order",
                             data={"key": key}).headers["Location"]
    order_id = int(re.search(r"/orders/(\d+)", order_page).group(1))
    order_key = order_page.split("key=")[1]
    page = client.get(order_page).get_data(as_text=True)
    assert "CA$101.93" in page and "$74.40" in page  # what the buyer paid; the shop's reports
    tee_item = demo.book.get(order_id, order_key)["line_items"][0]["id"]
    client.post(f"/demo-shop/orders/{order_id}/refund",
                data={"key": order_key, "line_item_id": str(tee_item)})
    demo.sender.run_once()
    [refund] = demo.bodies("refunds/create")
    # The tees cost 105.98 less 21.20 and 5.59 of discounts: 79.19, 39.60 and 39.59 a unit.
    [item] = refund["refund_line_items"]
    assert item["subtotal_set"] == {
        "shop_money": {"amount": "28.91", "currency_code": "USD"},
        "presentment_money": {"amount": "39.60", "currency_code": "CAD"}}
    assert item["subtotal"] == 28.91
    assert [(t["amount"], t["currency"]) for t in refund["transactions"]] == [("39.60", "CAD")]
    [updated] = demo.bodies("orders/updated")
    assert updated["current_subtotal_price_set"]["presentment_money"]["amount"] == "62.33"


def test_a_gift_card_pays_a_canadian_order_in_cad_and_spends_usd(demo, client):
    token, key = demo.cart(gift_cards=("GIFTFIFTY0001",), **CANADIAN)
    order_page = client.post(f"/demo-shop/checkouts/{token}/order",
                             data={"key": key}).headers["Location"]
    page = client.get(order_page).get_data(as_text=True)
    assert "CA$68.50" in page and "CA$33.43" in page  # the card, then the test gateway
    assert "$50.00 taken from it" in page
    balance = demo.shop.gift_cards.balances([demo.shop.catalog.gift_card("GIFTFIFTY0001")])
    assert list(balance.values()) == [Decimal("0.00")]
