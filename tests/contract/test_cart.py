"""Cart flows behave the same in-process and over HTTP, with Shopify's semantics."""

from __future__ import annotations

from decimal import Decimal

import pytest

from storefront.shopify import api
from storefront.shopify.models import Variant


def catalog_variants(client) -> list[Variant]:
    variants = []
    for collection in api.collections(client, first=250).items:
        for card in api.collection_page(client, collection.handle, first=250).products.items:
            variants += api.product(client, card.handle).variants
    return variants


_CATALOG: dict[type, list[Variant]] = {}


@pytest.fixture
def variants(client):
    kind = type(client.transport)  # the catalog is the same for both shops; read it once each
    if kind not in _CATALOG:
        _CATALOG[kind] = catalog_variants(client)
    found = {v.id: v for v in _CATALOG[kind]}
    in_stock = sorted((v for v in found.values() if (v.quantity_available or 0) >= 5),
                      key=lambda v: v.id)
    return {
        "a": in_stock[0],
        "b": in_stock[1],
        "low": min((v for v in found.values() if v.available), key=lambda v: v.quantity_available),
        "sold_out": next(v for v in found.values() if not v.available),
    }


def line(variant: Variant, quantity: int = 1) -> dict:
    return {"merchandiseId": variant.id, "quantity": quantity}


def new_cart(client, *variants_and_quantities):
    result = api.cart_create(client, lines=[line(v, q) for v, q in variants_and_quantities])
    assert result.user_errors == []
    return result.cart


def test_create_add_update_remove(client, variants):
    cart = new_cart(client, (variants["a"], 1))
    assert cart.total_quantity == 1 and cart.checkout_url

    added = api.cart_lines_add(client, cart.id, [line(variants["b"], 2), line(variants["a"], 1)])
    assert added.user_errors == []
    by_variant = {ln.variant.id: ln for ln in added.cart.lines}
    assert by_variant[variants["a"].id].quantity == 2  # same variant: one line
    assert by_variant[variants["b"].id].quantity == 2

    b_line = by_variant[variants["b"].id]
    updated = api.cart_lines_update(client, cart.id, [{"id": b_line.id, "quantity": 3}])
    assert {ln.variant.id: ln.quantity for ln in updated.cart.lines}[variants["b"].id] == 3

    removed = api.cart_lines_remove(client, cart.id, [b_line.id])
    assert [ln.variant.id for ln in removed.cart.lines] == [variants["a"].id]

    read = api.cart(client, cart.id)
    assert read.total_quantity == 2
    assert read.subtotal.amount == variants["a"].price.amount * 2


def test_costs_add_up_to_the_cent(client, variants):
    cart = new_cart(client, (variants["a"], 3), (variants["b"], 1))
    for ln in cart.lines:
        assert ln.subtotal.amount == ln.unit_price.amount * ln.quantity
    # The cart's subtotal is after line (product) discounts, before cart (order) ones.
    assert cart.subtotal.amount == sum(ln.total.amount for ln in cart.lines)
    assert cart.total.amount == cart.subtotal.amount - sum(
        d.amount.amount for d in cart.discounts
    )


def test_discount_codes_are_case_insensitive_and_allocated(client, variants):
    cart = new_cart(client, (variants["a"], 2), (variants["b"], 1))
    result = api.cart_discount_codes_update(client, cart.id, ["welcome10"])
    assert result.user_errors == []
    cart = result.cart
    assert [(c.code.upper(), c.applicable) for c in cart.discount_codes] == [("WELCOME10", True)]
    # An order discount is reported on the cart, as Shopify does since 2022-07.
    assert all(ln.discounts == [] and ln.total == ln.subtotal for ln in cart.lines)
    assert [d.code.upper() for d in cart.discounts] == ["WELCOME10"]
    expected = (cart.subtotal.amount * Decimal("0.10")).quantize(Decimal("0.01"))
    assert cart.discounts[0].amount.amount == expected
    assert cart.total.amount == cart.subtotal.amount - expected


def test_collection_codes_are_allocated_to_entitled_lines(client, variants):
    cart = new_cart(client, (variants["a"], 1), (variants["b"], 1))
    cart = api.cart_discount_codes_update(client, cart.id, ["APPAREL20"]).cart
    assert cart.discounts == []
    discounted = [ln for ln in cart.lines if ln.discounts]
    assert discounted and all(d.code == "APPAREL20" for ln in discounted for d in ln.discounts)
    for ln in discounted:
        expected = (ln.subtotal.amount * Decimal("0.20")).quantize(Decimal("0.01"))
        assert ln.total.amount == ln.subtotal.amount - expected
    assert cart.total.amount == sum(ln.total.amount for ln in cart.lines)


def test_fixed_amount_code_spreads_exactly_over_lines(client, variants):
    cart = new_cart(client, (variants["a"], 1), (variants["b"], 1))
    cart = api.cart_discount_codes_update(client, cart.id, ["TAKE5"]).cart
    allocated = sum(d.amount.amount for ln in cart.lines for d in ln.discounts) + sum(
        d.amount.amount for d in cart.discounts
    )
    assert allocated == Decimal("5.00")
    assert cart.total.amount == cart.subtotal.amount - Decimal("5.00")


def test_unknown_and_inactive_codes_stay_with_a_warning(client, variants):
    cart = new_cart(client, (variants["a"], 1))
    result = api.cart_discount_codes_update(client, cart.id, ["NOPE-123", "SUMMER24"])
    assert result.user_errors == []
    assert {(c.code, c.applicable) for c in result.cart.discount_codes} == {
        ("NOPE-123", False), ("SUMMER24", False)
    }
    codes = {w.code for w in result.warnings}
    assert {"DISCOUNT_NOT_FOUND", "DISCOUNT_CURRENTLY_INACTIVE"} <= codes
    assert result.cart.total.amount == result.cart.subtotal.amount


def test_discount_codes_update_replaces_the_list(client, variants):
    cart = new_cart(client, (variants["a"], 1))
    api.cart_discount_codes_update(client, cart.id, ["WELCOME10"])
    result = api.cart_discount_codes_update(client, cart.id, ["TAKE5"])
    assert [c.code for c in result.cart.discount_codes] == ["TAKE5"]
    cleared = api.cart_discount_codes_update(client, cart.id, [])
    assert cleared.cart.discount_codes == []


def test_invalid_merchandise_is_a_user_error_and_leaves_the_cart(client, variants):
    cart = new_cart(client, (variants["a"], 1))
    bogus = {"merchandiseId": "gid://shopify/ProductVariant/999999999", "quantity": 1}
    result = api.cart_lines_add(client, cart.id, [bogus])
    assert [e.code for e in result.user_errors] == ["INVALID_MERCHANDISE_LINE"]
    after = api.cart(client, cart.id)
    assert [(ln.variant.id, ln.quantity) for ln in after.lines] == [(variants["a"].id, 1)]


def test_quantity_above_stock_is_reduced_with_a_warning(client, variants):
    low = variants["low"]
    cart = new_cart(client, (variants["a"], 1))
    result = api.cart_lines_add(client, cart.id, [line(low, low.quantity_available + 5)])
    quantities = {ln.variant.id: ln.quantity for ln in result.cart.lines}
    assert quantities[low.id] == low.quantity_available
    assert "MERCHANDISE_NOT_ENOUGH_STOCK" in {w.code for w in result.warnings}


def test_sold_out_variant_is_not_added(client, variants):
    cart = new_cart(client, (variants["a"], 1))
    result = api.cart_lines_add(client, cart.id, [line(variants["sold_out"])])
    assert variants["sold_out"].id not in {ln.variant.id for ln in result.cart.lines}
    assert "MERCHANDISE_OUT_OF_STOCK" in {w.code for w in result.warnings}


def test_attributes_note_and_buyer_identity(client, variants):
    cart = new_cart(client, (variants["a"], 1))
    api.cart_attributes_update(client, cart.id, {"_creator": "maya", "_utm_source": "ig"})
    result = api.cart_attributes_update(client, cart.id, {"_creator": "leo"})
    assert result.cart.attributes == {"_creator": "leo"}  # the whole list is replaced
    assert api.cart_note_update(client, cart.id, "Gift <wrap>").cart.note == "Gift <wrap>"
    identity = api.cart_buyer_identity_update(client, cart.id, {"countryCode": "CA"})
    assert identity.cart.buyer_country == "CA"


@pytest.mark.parametrize(
    "cart_id",
    ["garbage", "gid://shopify/Cart/unknown?key=nope", "gid://shopify/Cart/", ""],
)
def test_garbage_cart_ids_mean_no_cart(client, cart_id):
    assert api.cart(client, cart_id) is None


def test_right_token_wrong_key_is_no_cart(client, variants):
    cart = new_cart(client, (variants["a"], 1))
    token = cart.id.split("?")[0]
    assert api.cart(client, f"{token}?key=wrong") is None
    result = api.cart_lines_add(client, f"{token}?key=wrong", [line(variants["b"])])
    assert result.cart is None and result.user_errors
