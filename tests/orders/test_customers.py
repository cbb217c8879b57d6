"""New customers per creator, their LTV at 30/90/365 days and the repeat rate (customers.py).

Orders reach the ledger as deliveries, as in production; `now` is injected.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from storefront.orders import Delivery
from storefront.orders.customers import BRAND, COLUMNS, figures
from tests.orders.payloads import CREATED, body, order, refund

DAY = timedelta(days=1)
NOVEMBER = (datetime(2026, 11, 1), datetime(2026, 12, 1))
LONG_AFTER = datetime(2028, 6, 1)  # every November 2026 window has ended
JO, AL, MO = 1001, 1002, 1003  # Shopify customer ids


def put(ledger, order_id: int, customer: int | None, at: datetime = CREATED, *,
        creator: str | None = None, subtotal: str = "90.00", currency: str = "USD",
        cancelled: bool = False) -> None:
    """An order (orders/create) of `customer` at `at`; cancelled by a later orders/cancelled."""
    data = order(order_id, customer_id=customer, created=at, creator=creator,
                 subtotal=subtotal, currency=currency)
    assert ledger.receive(Delivery("orders/create", body(data))).error is None
    if cancelled:
        later = at + timedelta(hours=1)
        data = order(order_id, customer_id=customer, created=at, creator=creator,
                     subtotal=subtotal, currency=currency, updated=later, cancelled=later)
        assert ledger.receive(Delivery("orders/cancelled", body(data))).error is None


def by_creator(rows) -> dict:
    return {(row.creator, row.currency): row for row in rows}


def november(ledger, now: datetime = LONG_AFTER, **kwargs) -> dict:
    return by_creator(figures(ledger.engine, *NOVEMBER, now, **kwargs))


def test_first_and_repeat_orders_across_creators(ledger):
    put(ledger, 1, JO, CREATED, creator="maya", subtotal="100.00")
    # Jo's later orders: credited to leo, then to the brand; both are Maya's customer's value.
    put(ledger, 2, JO, CREATED + 10 * DAY, creator="leo", subtotal="40.00")
    put(ledger, 3, JO, CREATED + 60 * DAY, subtotal="30.00")
    put(ledger, 4, AL, CREATED + DAY, creator="leo", subtotal="50.00")
    put(ledger, 5, MO, CREATED + 2 * DAY, creator="maya", subtotal="20.00")
    put(ledger, 6, MO, CREATED + 5 * DAY, creator="maya", subtotal="10.00")

    rows = november(ledger)
    assert set(rows) == {("maya", "USD"), ("leo", "USD")}
    maya = rows[("maya", "USD")]
    assert maya.new_customers == 2
    assert maya.first_order_sales == Decimal("120.00")
    assert (maya.ltv(30), maya.ltv(90), maya.ltv(365)) == (
        Decimal("170.00"), Decimal("200.00"), Decimal("200.00"))
    assert maya.window(30).repeat_customers == 2
    assert maya.repeat_rate() == Decimal("1.0000")
    # Jo's order credited to Leo is Leo's sale, not Leo's new customer.
    leo = rows[("leo", "USD")]
    assert leo.new_customers == 1
    assert leo.ltv(365) == Decimal("50.00")
    assert leo.repeat_rate() == Decimal("0.0000")
    assert not maya.partial(365) and not leo.partial(365)


def test_one_creator_only(ledger):
    put(ledger, 1, JO, CREATED, creator="maya", subtotal="100.00")
    put(ledger, 2, JO, CREATED + DAY, creator="leo", subtotal="40.00")
    put(ledger, 3, AL, CREATED, creator="leo", subtotal="50.00")
    assert list(november(ledger, creator="maya")) == [("maya", "USD")]
    assert november(ledger, creator="maya")[("maya", "USD")].ltv(30) == Decimal("140.00")
    leo = november(ledger, creator="leo")
    assert list(leo) == [("leo", "USD")] and leo[("leo", "USD")].new_customers == 1
    assert november(ledger, creator="ava") == {}


def test_a_first_order_credited_to_the_brand_makes_a_brand_customer(ledger):
    put(ledger, 1, JO, CREATED, subtotal="35.00")  # no creator: the brand
    put(ledger, 2, JO, CREATED + DAY, creator="maya", subtotal="60.00")
    rows = november(ledger)
    assert list(rows) == [(None, "USD")]
    brand = rows[(None, "USD")]
    assert (brand.new_customers, brand.ltv(30)) == (1, Decimal("95.00"))
    assert brand.as_dict()["creator"] == "(brand)"
    assert list(november(ledger, creator=BRAND)) == [(None, "USD")]
    assert november(ledger, creator="maya") == {}


def test_the_first_order_is_the_first_in_the_whole_ledger_whenever_it_arrived(ledger):
    put(ledger, 1, JO, CREATED, creator="maya", subtotal="100.00")
    # Backfilled afterwards: Jo had ordered in October, through Leo.
    put(ledger, 2, JO, datetime(2026, 10, 20, 12, 0, tzinfo=UTC), creator="leo",
        subtotal="25.00")
    assert november(ledger) == {}
    october = by_creator(figures(ledger.engine, datetime(2026, 10, 1), datetime(2026, 11, 1),
                                 LONG_AFTER))
    leo = october[("leo", "USD")]
    assert leo.new_customers == 1
    assert leo.ltv(30) == Decimal("125.00")
    assert leo.window(30).repeat_customers == 1


def test_equal_times_the_lower_order_id_is_first(ledger):
    put(ledger, 7, JO, CREATED, creator="leo", subtotal="10.00")
    put(ledger, 5, JO, CREATED, creator="maya", subtotal="20.00")
    rows = november(ledger)
    assert list(rows) == [("maya", "USD")]
    assert rows[("maya", "USD")].ltv(30) == Decimal("30.00")
    assert rows[("maya", "USD")].window(30).repeat_customers == 1


def test_windows_are_30_90_and_365_days_an_order_exactly_on_the_day_is_in_the_next(ledger):
    second = timedelta(seconds=1)
    put(ledger, 1, JO, CREATED, creator="maya", subtotal="100.00")
    put(ledger, 2, JO, CREATED + 30 * DAY - second, subtotal="1.00")
    put(ledger, 3, JO, CREATED + 30 * DAY, subtotal="2.00")
    put(ledger, 4, JO, CREATED + 90 * DAY, subtotal="4.00")
    put(ledger, 5, JO, CREATED + 365 * DAY - second, subtotal="8.00")
    put(ledger, 6, JO, CREATED + 365 * DAY, subtotal="16.00")
    # Al's only repeat comes exactly 30 days on: a repeat at 90 days, not at 30.
    put(ledger, 7, AL, CREATED, creator="maya", subtotal="50.00")
    put(ledger, 8, AL, CREATED + 30 * DAY, creator="maya", subtotal="5.00")

    maya = november(ledger)[("maya", "USD")]
    assert maya.ltv(30) == Decimal("151.00")
    assert maya.ltv(90) == Decimal("158.00")
    assert maya.ltv(365) == Decimal("170.00")
    assert [maya.window(days).repeat_customers for days in (30, 90, 365)] == [1, 2, 2]
    assert maya.repeat_rate(30) == Decimal("0.5000")


def test_a_cancelled_first_order_makes_the_next_order_the_first(ledger):
    put(ledger, 1, JO, CREATED, creator="maya", subtotal="100.00", cancelled=True)
    put(ledger, 2, JO, CREATED + DAY, creator="leo", subtotal="40.00")
    rows = november(ledger)
    assert list(rows) == [("leo", "USD")]
    assert rows[("leo", "USD")].ltv(30) == Decimal("40.00")


def test_a_cancelled_later_order_is_no_repeat_and_worth_nothing(ledger):
    put(ledger, 1, JO, CREATED, creator="maya", subtotal="100.00")
    put(ledger, 2, JO, CREATED + DAY, creator="leo", subtotal="40.00", cancelled=True)
    maya = november(ledger)[("maya", "USD")]
    assert maya.ltv(365) == Decimal("100.00")
    assert maya.window(365).repeat_customers == 0
    assert maya.repeat_rate() == Decimal("0.0000")


def test_refunds_reduce_the_value(ledger):
    put(ledger, 1, JO, CREATED, creator="maya", subtotal="100.00")
    put(ledger, 2, JO, CREATED + DAY, creator="leo", subtotal="80.00")
    ledger.receive(Delivery("refunds/create", body(refund(91, 2, "30.00"))))
    ledger.receive(Delivery("refunds/create", body(refund(92, 1, "15.50"))))
    maya = november(ledger)[("maya", "USD")]
    assert maya.first_order_sales == Decimal("84.50")
    assert maya.ltv(30) == Decimal("134.50")


def test_orders_without_a_customer_id_bring_no_customer_and_no_value(ledger):
    put(ledger, 1, None, CREATED, creator="maya", subtotal="100.00")
    assert november(ledger) == {}
    put(ledger, 2, JO, CREATED + DAY, creator="maya", subtotal="20.00")
    put(ledger, 3, None, CREATED + 2 * DAY, creator="maya", subtotal="70.00")
    maya = november(ledger)[("maya", "USD")]
    assert (maya.new_customers, maya.ltv(365), maya.window(365).repeat_customers) == (
        1, Decimal("20.00"), 0)


def test_windows_not_ended_by_now_are_partial_and_later_orders_wait(ledger):
    put(ledger, 1, JO, CREATED, creator="maya", subtotal="100.00")
    put(ledger, 2, AL, CREATED + DAY, creator="maya", subtotal="50.00")
    put(ledger, 3, JO, CREATED + 10 * DAY, creator="leo", subtotal="40.00")

    two_days_on = november(ledger, now=CREATED + 2 * DAY)[("maya", "USD")]
    assert two_days_on.new_customers == 2
    assert [two_days_on.window(days).complete for days in (30, 90, 365)] == [0, 0, 0]
    assert two_days_on.partial(30) and two_days_on.partial(365)
    # As of two days on, Jo's order of day 10 has not happened yet.
    assert two_days_on.ltv(365) == Decimal("150.00")
    assert two_days_on.repeat_rate() == Decimal("0.0000")

    # Exactly 30 days after Jo's first order (aware times are taken as UTC): Jo's
    # 30-day window has ended, Al's (a day younger) has not.
    month_on = november(ledger, now=(CREATED + 30 * DAY).astimezone(UTC))[("maya", "USD")]
    assert [month_on.window(days).complete for days in (30, 90, 365)] == [1, 0, 0]
    assert month_on.partial(30)
    assert month_on.ltv(30) == Decimal("190.00")
    assert month_on.repeat_rate() == Decimal("0.5000")

    settled = november(ledger)[("maya", "USD")]
    assert [settled.window(days).complete for days in (30, 90, 365)] == [2, 2, 2]
    assert not settled.partial(365)


def test_figures_are_per_currency(ledger):
    put(ledger, 1, JO, CREATED, creator="maya", subtotal="100.00")
    put(ledger, 2, AL, CREATED, creator="maya", subtotal="80.00", currency="EUR")
    put(ledger, 3, AL, CREATED + DAY, creator="leo", subtotal="20.00", currency="EUR")
    put(ledger, 4, MO, CREATED, creator="maya", subtotal="3000", currency="JPY")
    # Were the shop's currency to change, Al's order in the new one is a repeat,
    # but its money is not added to euros.
    put(ledger, 5, AL, CREATED + 2 * DAY, creator="maya", subtotal="7.00", currency="USD")
    rows = november(ledger)
    assert set(rows) == {("maya", "USD"), ("maya", "EUR"), ("maya", "JPY")}
    assert rows[("maya", "USD")].ltv(365) == Decimal("100.00")
    assert rows[("maya", "USD")].new_customers == 1
    assert rows[("maya", "EUR")].ltv(365) == Decimal("100.00")
    assert rows[("maya", "EUR")].new_customers == 1
    assert rows[("maya", "EUR")].window(30).repeat_customers == 1
    assert rows[("maya", "JPY")].ltv(365) == Decimal("3000")
    assert rows[("maya", "JPY")].as_dict()["ltv_30"] == "3000"


def test_rows_as_plain_columns(ledger):
    put(ledger, 1, JO, CREATED, creator="maya", subtotal="100.00")
    put(ledger, 2, AL, CREATED, creator="maya", subtotal="50.00")
    put(ledger, 3, JO, CREATED + 40 * DAY, subtotal="12.10")
    (maya,) = figures(ledger.engine, *NOVEMBER, LONG_AFTER)
    data = maya.as_dict()
    assert list(data) == COLUMNS
    assert data == {"creator": "maya", "currency": "USD", "new_customers": 2,
                    "first_order_sales": "150.00",
                    "ltv_30": "150.00", "repeat_30": 0, "complete_30": 2,
                    "ltv_90": "162.10", "repeat_90": 1, "complete_90": 2,
                    "ltv_365": "162.10", "repeat_365": 1, "complete_365": 2,
                    "repeat_rate": "0.5000"}


def test_a_period_must_have_a_start_before_its_end(ledger):
    with pytest.raises(ValueError, match="not before its end"):
        figures(ledger.engine, NOVEMBER[1], NOVEMBER[0], LONG_AFTER)
