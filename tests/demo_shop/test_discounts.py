"""Discount allocation arithmetic, on hand-made lines."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from storefront.demo_shop.catalog import load_catalog
from storefront.demo_shop.discounts import PricedLine, price_cart
from tests.demo_shop.conftest import FIXTURE_CATALOG

CATALOG = load_catalog(FIXTURE_CATALOG)


def priced(key: str, price: str, quantity: int = 1, handle: str = "organic-cotton-socks"):
    product = CATALOG.product(handle)
    variant = dataclasses.replace(product.variants[0], price=Decimal(price))
    return PricedLine(key, variant, product, quantity)


def amounts(pricing, key):
    """Every code's share of a line, whether reported on the line or on the cart."""
    return [a.amount for a in pricing.shares[key]]


def test_percentage_rounds_half_up_on_each_line():
    pricing = price_cart(CATALOG, [priced("a", "0.05"), priced("b", "0.15")], ["WELCOME10"])
    assert amounts(pricing, "a") == [Decimal("0.01")]  # 0.005 rounds up, not to even
    assert amounts(pricing, "b") == [Decimal("0.02")]  # 0.015 rounds up


def test_fixed_amount_shares_add_up_exactly():
    lines = [priced("a", "10.00"), priced("b", "10.00"), priced("c", "10.00", 2)]
    pricing = price_cart(CATALOG, lines, ["TAKE5"])
    shares = {key: sum(amounts(pricing, key)) for key in "abc"}
    assert shares == {"a": Decimal("1.25"), "b": Decimal("1.25"), "c": Decimal("2.50")}
    thirds = price_cart(CATALOG, [priced(k, "1.00") for k in "xyz"], ["TAKE5"])
    # $3 of goods: the code is capped at $3, a dollar each.
    assert [sum(amounts(thirds, k)) for k in "xyz"] == [Decimal("1.00")] * 3
    uneven = price_cart(
        CATALOG, [priced("p", "7.00"), priced("q", "7.00"), priced("r", "7.00")], ["TAKE5"]
    )
    assert [sum(amounts(uneven, k)) for k in "pqr"] == [
        Decimal("1.68"),
        Decimal("1.66"),
        Decimal("1.66"),
    ]
    assert uneven.total == Decimal("16.00")


def test_several_codes_never_discount_a_line_below_zero():
    lines = [priced("a", "4.00")]
    pricing = price_cart(CATALOG, lines, ["WELCOME10", "TAKE5"])
    assert amounts(pricing, "a") == [Decimal("0.40"), Decimal("3.60")]
    assert pricing.total == Decimal("0.00")


def test_statuses_in_the_shoppers_order():
    pricing = price_cart(CATALOG, [priced("a", "10.00")], ["x", "summer24", "Take5"])
    assert [(s.code, s.applicable, s.warning) for s in pricing.codes] == [
        ("x", False, "DISCOUNT_NOT_FOUND"),
        ("summer24", False, "DISCOUNT_CURRENTLY_INACTIVE"),
        ("Take5", True, None),
    ]


def test_order_codes_are_reported_on_the_cart_and_product_codes_on_lines():
    tee = priced("t", "40.00", handle="organic-cotton-tee")
    candle = priced("s", "10.00", handle="soy-candle")
    pricing = price_cart(CATALOG, [tee, candle], ["APPAREL20", "WELCOME10"])
    assert [(a.code, a.amount) for a in pricing.allocations["t"]] == [("APPAREL20", 8)]
    assert pricing.allocations["s"] == ()
    assert [(a.code, a.amount) for a in pricing.cart_allocations] == [("WELCOME10", 5)]
    assert (pricing.merchandise, pricing.subtotal, pricing.total) == (50, 42, 37)
