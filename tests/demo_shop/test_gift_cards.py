"""Gift cards on the demo shop's carts: applied after discounts as a payment, partly used
when worth more than what is left, refused with INVALID (Shopify has no code of its own)
when unknown, expired or disabled, removed by id; judged by the shop's injected clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storefront.demo_shop.carts import SqliteCartStore
from storefront.demo_shop.shop import DemoShop
from tests.demo_shop.conftest import FIXTURE_CATALOG, run

TEE = "gid://shopify/ProductVariant/700105"  # $38, apparel
SOCKS = "gid://shopify/ProductVariant/700801"  # $12
FIFTY = "GIFTFIFTY0001"  # $50 left, never expires
PART = "giftpart0002ab"  # $10 left of $100, usable through 2026-06-30
OLD = "GIFTOLD000003"  # expired on 2026-05-27 (the test clock reads 2026-05-28)
OFF = "GIFTOFF000004"  # disabled
BIG = "GIFTBIG000005"  # $500

CART = """
  id
  appliedGiftCards { id lastCharacters amountUsed { amount currencyCode }
                     presentmentAmountUsed { amount } balance { amount currencyCode } }
  discountAllocations { discountedAmount { amount } }
  cost { subtotalAmount { amount } totalAmount { amount } checkoutChargeAmount { amount } }
  lines(first: 10) { nodes { cost { totalAmount { amount } }
                             discountAllocations { discountedAmount { amount } } } }
"""
PAYLOAD = f"cart {{ {CART} }} userErrors {{ code field message }} warnings {{ code }}"


@pytest.fixture
def shop(tmp_path, clock) -> DemoShop:
    """The fixture catalog's shop, its carts and what gift cards spent in this test's folder."""
    return DemoShop(FIXTURE_CATALOG, carts=SqliteCartStore(tmp_path / "shop.sqlite3", clock=clock))


def create(shop, lines=((TEE, 1),), codes=(), gift_cards=None):
    cart_input = {"lines": [{"merchandiseId": v, "quantity": q} for v, q in lines],
                  "discountCodes": list(codes)}
    if gift_cards is not None:
        cart_input["giftCardCodes"] = list(gift_cards)
    data = run(shop, f"mutation($i: CartInput) {{ cartCreate(input: $i) {{ {PAYLOAD} }} }}",
               {"i": cart_input})
    return data["cartCreate"]


def gift(shop, name, cart_id, codes):
    argument = "appliedGiftCardIds: [ID!]!" if name == "Remove" else "giftCardCodes: [String!]!"
    key = argument.split(":")[0]
    data = run(shop, f"mutation($cartId: ID!, ${argument}) {{ cartGiftCardCodes{name}("
                     f"cartId: $cartId, {key}: ${key}) {{ {PAYLOAD} }} }}",
               {"cartId": cart_id, key: list(codes)})
    return data[f"cartGiftCardCodes{name}"]


def new_cart(shop, **kwargs) -> str:
    return create(shop, **kwargs)["cart"]["id"]


def cards(cart) -> list[tuple[str, str, str]]:
    """(last characters, amount used, balance) of each applied card."""
    return [(c["lastCharacters"], c["amountUsed"]["amount"], c["balance"]["amount"])
            for c in cart["appliedGiftCards"]]


def costs(cart) -> tuple[str, str, str]:
    cost = cart["cost"]
    return (cost["subtotalAmount"]["amount"], cost["totalAmount"]["amount"],
            cost["checkoutChargeAmount"]["amount"])


def test_a_card_pays_what_is_left_and_keeps_the_rest(shop):
    result = gift(shop, "Add", new_cart(shop), [FIFTY])
    assert result["userErrors"] == [] and result["warnings"] == []
    cart = result["cart"]
    assert cards(cart) == [("0001", "38.0", "12.0")]
    applied = cart["appliedGiftCards"][0]
    assert applied["id"] == "gid://shopify/AppliedGiftCard/810001"
    assert applied["amountUsed"]["currencyCode"] == applied["balance"]["currencyCode"] == "USD"
    assert applied["presentmentAmountUsed"] == {"amount": "38.0"}
    # A payment, not a discount: only the amount still to pay goes down.
    assert costs(cart) == ("38.0", "0.0", "38.0")
    assert cart["discountAllocations"] == []
    assert cart["lines"]["nodes"][0]["cost"]["totalAmount"] == {"amount": "38.0"}


def test_a_smaller_balance_is_used_up_and_the_rest_is_to_pay(shop):
    cart = gift(shop, "Add", new_cart(shop), [PART.upper()])["cart"]  # any case
    assert cards(cart) == [("02AB", "10.0", "0.0")]  # Shopify shows the last four upper-cased
    assert costs(cart) == ("38.0", "28.0", "38.0")


def test_cards_pay_in_the_order_they_were_added(shop):
    cart_id = new_cart(shop, lines=((TEE, 2),))  # $76
    gift(shop, "Add", cart_id, [PART])
    cart = gift(shop, "Add", cart_id, [FIFTY])["cart"]
    assert cards(cart) == [("02AB", "10.0", "0.0"), ("0001", "50.0", "0.0")]
    assert costs(cart)[1] == "16.0"
    cart = gift(shop, "Update", cart_id, [FIFTY, PART, BIG])["cart"]
    assert cards(cart) == [("0001", "50.0", "0.0"), ("02AB", "10.0", "0.0"),
                           ("0005", "16.0", "484.0")]
    assert costs(cart)[1] == "0.0"
    cart = gift(shop, "Update", cart_id, [BIG, FIFTY])["cart"]
    assert cards(cart) == [("0005", "76.0", "424.0"), ("0001", "0.0", "50.0")]


def test_gift_cards_come_off_after_the_discount_codes(shop):
    cart = create(shop, codes=["WELCOME10"], gift_cards=[PART])["cart"]  # $38 less 10%, then $10
    assert cart["discountAllocations"] == [{"discountedAmount": {"amount": "3.8"}}]
    assert cards(cart) == [("02AB", "10.0", "0.0")]
    assert costs(cart) == ("38.0", "24.2", "38.0")
    apparel = create(shop, codes=["APPAREL20"], gift_cards=[FIFTY])["cart"]
    line = apparel["lines"]["nodes"][0]
    assert line["discountAllocations"] == [{"discountedAmount": {"amount": "7.6"}}]
    assert cards(apparel) == [("0001", "30.4", "19.6")]
    assert costs(apparel) == ("30.4", "0.0", "38.0")


@pytest.mark.parametrize(("code", "message"), [
    ("NOSUCHCARD99", "The gift card code is not valid."),
    (OLD, "The gift card has expired."),
    (OFF, "The gift card is disabled."),
    (f" {FIFTY}", "The gift card code is not valid."),  # Shopify trims nothing
    ("", "The gift card code is not valid."),
])
def test_a_code_that_cannot_pay_is_refused_and_the_cart_kept(shop, code, message):
    cart_id = new_cart(shop, gift_cards=[PART])
    for name in ("Add", "Update"):
        result = gift(shop, name, cart_id, [FIFTY, code])
        assert result["userErrors"] == [
            {"code": "INVALID", "field": ["giftCardCodes", "1"], "message": message}]
        assert code.strip() == "" or code.strip().casefold() not in message.casefold()
        assert cards(result["cart"]) == [("02AB", "10.0", "0.0")]  # as it was
    refused = create(shop, gift_cards=[code])
    assert refused["cart"] is None
    assert refused["userErrors"][0]["field"] == ["input", "giftCardCodes", "0"]


def test_expiry_is_judged_by_the_shops_clock(shop, clock):
    clock.now = datetime(2026, 5, 27, 23, 59, tzinfo=UTC).timestamp()  # its last day
    cart_id = new_cart(shop, gift_cards=[OLD])
    assert cards(gift(shop, "Add", cart_id, [])["cart"]) == [("0003", "25.0", "0.0")]
    clock.now = datetime(2026, 5, 28, 0, 0, tzinfo=UTC).timestamp()
    cart = gift(shop, "Add", cart_id, [])["cart"]
    # Applied before it expired: still on the cart, but it pays nothing and is not listed.
    assert cards(cart) == [] and costs(cart)[1] == "38.0"
    assert gift(shop, "Add", cart_id, [OLD])["userErrors"][0]["message"] == (
        "The gift card has expired.")


def test_applying_a_card_twice_applies_it_once(shop):
    cart_id = new_cart(shop, gift_cards=[FIFTY, FIFTY.lower()])
    result = gift(shop, "Add", cart_id, [FIFTY])
    assert result["userErrors"] == []
    assert cards(result["cart"]) == [("0001", "38.0", "12.0")]


def test_remove_by_applied_id(shop):
    cart_id = new_cart(shop, lines=((TEE, 2),), gift_cards=[PART, FIFTY])
    cart = gift(shop, "Remove", cart_id, ["gid://shopify/AppliedGiftCard/810002"])["cart"]
    assert cards(cart) == [("0001", "50.0", "0.0")] and costs(cart)[1] == "26.0"
    for wrong in ("gid://shopify/AppliedGiftCard/810002", "gid://shopify/AppliedGiftCard/1",
                  "gid://shopify/Cart/810001", "garbage"):
        refused = gift(shop, "Remove", cart_id, [wrong])
        assert refused["userErrors"] == [{"code": "INVALID", "field": ["appliedGiftCardIds", "0"],
                                          "message": "The applied gift card does not exist."}]
        assert cards(refused["cart"]) == [("0001", "50.0", "0.0")]
    assert gift(shop, "Update", cart_id, [])["cart"]["appliedGiftCards"] == []


def test_an_unknown_cart_or_too_many_codes(shop):
    unknown = gift(shop, "Add", "gid://shopify/Cart/nope?key=nope", [FIFTY])
    assert unknown["cart"] is None and unknown["userErrors"][0]["field"] == ["cartId"]
    many = gift(shop, "Update", new_cart(shop), [FIFTY] * 251)
    assert many["userErrors"][0]["code"] == "MAXIMUM_EXCEEDED"


def test_an_empty_cart_uses_nothing_of_a_card(shop):
    cart = create(shop, lines=(), gift_cards=[FIFTY])["cart"]
    assert cards(cart) == [("0001", "0.0", "50.0")] and costs(cart)[1] == "0.0"


def test_the_cards_are_in_the_shipped_catalog(tmp_path, clock):
    shipped_shop = DemoShop(carts=SqliteCartStore(tmp_path / "shipped.sqlite3", clock=clock))
    cart = create(shipped_shop, lines=(("gid://shopify/ProductVariant/1003", 2),),
                  gift_cards=["FERNGIFTPART0125", "FERNGIFTFIFTY050"])["cart"]
    assert [c[:2] for c in cards(cart)] == [("0125", "12.5"), ("Y050", "50.0")]
    for code in ("FERNGIFTOLD00025", "FERNGIFTOFF00040"):
        assert create(shipped_shop, gift_cards=[code])["userErrors"][0]["code"] == "INVALID"
