"""Money: exact decimals, the currency's minor unit, halves to even."""

from __future__ import annotations

from decimal import Decimal

import pytest

from storefront.orders.money import BadAmount, amount, average, net_sales, rounded


@pytest.mark.parametrize(("value", "expected"), [
    ("12.50", Decimal("12.50")), (" 3 ", Decimal(3)), (7, Decimal(7)),
    (Decimal("0.10"), Decimal("0.10")),
])
def test_amounts_are_read_exactly(value, expected):
    assert amount(value) == expected


@pytest.mark.parametrize("value", ["ten", "NaN", "Infinity", "", None, True, 1.5, [1]])
def test_anything_else_is_not_an_amount(value):
    with pytest.raises(BadAmount):
        amount(value)


@pytest.mark.parametrize(("value", "currency", "expected"), [
    ("0.125", "USD", "0.12"), ("0.135", "USD", "0.14"),  # halves to the even cent
    ("1234.5", "JPY", "1234"), ("1235.5", "JPY", "1236"),  # no minor unit
    ("1.2345", "KWD", "1.234"),  # three decimals
])
def test_rounding_is_half_even_to_the_minor_unit(value, currency, expected):
    assert str(rounded(Decimal(value), currency)) == expected


def test_average_order_value_splits_three_ways_and_rounds_once():
    assert average(Decimal("100.00"), 3, "USD") == Decimal("33.33")
    assert average(Decimal("100"), 3, "JPY") == Decimal("33")
    assert average(Decimal("0"), 0, "USD") is None


def test_net_sales():
    later = [(Decimal("10.00"), Decimal("2.00"))]
    assert net_sales(Decimal("100.00"), Decimal("20.00"), False, False, later, "USD") == \
        Decimal("90.00")
    assert net_sales(Decimal("120.00"), Decimal("20.00"), True, False, later, "USD") == \
        Decimal("92.00")
    assert net_sales(Decimal("100.00"), Decimal("0"), False, True, later, "USD") == 0
