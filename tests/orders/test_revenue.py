"""Orders, net sales, AOV, commission, payable and paid per creator over UTC days (revenue.py).

Orders reach the ledger as deliveries, as in production; `now` is injected.
The shop writes its times at UTC-5 (tests/orders/payloads.py), so an order
placed at 00:00 UTC is on the evening before in the shop: days are UTC days.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from storefront import create_app
from storefront.orders import Delivery, payouts, revenue
from tests.orders.payloads import SECRET, body, order, refund

HOLD = 30
FIRST, LAST = date(2026, 11, 2), date(2026, 11, 4)  # the span: three UTC days
NOV_2 = datetime(2026, 11, 2, tzinfo=UTC)  # the span's first moment
JO, AL, MO, ED, KI = 1001, 1002, 1003, 1004, 1005  # Shopify customer ids
CREATORS = {
    "maya": 'name = "Maya Rivers"\n[commission]\npercent = 15\n',
    "leo": 'name = "Leo Park"\n[commission]\nper_order = "5.00"\n',
}


@pytest.fixture
def app(tmp_path, database):
    folder = tmp_path / "creators"
    folder.mkdir()
    for handle, text in CREATORS.items():
        (folder / f"{handle}.toml").write_text(text)
    return create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3"),
                       "SHOPIFY_WEBHOOK_SECRET": SECRET, "CREATORS_RELOAD_SECONDS": "0",
                       "CREATORS_DIR": str(folder), "COMMISSION_HOLD_DAYS": str(HOLD)})


def put(ledger, order_id: int, at: datetime, subtotal: str, *, creator: str | None = None,
        customer: int | None = JO, currency: str = "USD", cancelled: bool = False) -> None:
    data = order(order_id, customer_id=customer, created=at, creator=creator,
                 subtotal=subtotal, currency=currency)
    assert ledger.receive(Delivery("orders/create", body(data))).error is None
    if cancelled:
        later = at + timedelta(hours=1)
        data = order(order_id, customer_id=customer, created=at, creator=creator,
                     subtotal=subtotal, currency=currency, updated=later, cancelled=later)
        assert ledger.receive(Delivery("orders/cancelled", body(data))).error is None


def give_back(ledger, refund_id: int, order_id: int, subtotal: str, at: datetime) -> None:
    data = refund(refund_id, order_id, subtotal, created=at)
    assert ledger.receive(Delivery("refunds/create", body(data))).error is None


@pytest.fixture
def book(ledger):
    """The span's orders, and one on each side of it."""
    put(ledger, 1, NOV_2, "100.00", creator="maya", customer=JO)  # the first moment
    put(ledger, 2, NOV_2 + timedelta(days=3) - timedelta(seconds=1), "50.00", creator="maya",
        customer=AL)  # the last second
    give_back(ledger, 21, 2, "20.00", NOV_2 + timedelta(days=3))  # net sales 30.00
    put(ledger, 3, NOV_2 + timedelta(days=3), "999.00", creator="maya",
        customer=None)  # the day after
    put(ledger, 4, NOV_2 - timedelta(seconds=1), "777.00", creator="maya",
        customer=None)  # the day before
    put(ledger, 5, NOV_2 + timedelta(days=1, hours=10), "80.00", customer=MO)  # the brand's
    put(ledger, 6, NOV_2 + timedelta(days=1, hours=9), "60.00", creator="leo", customer=KI,
        cancelled=True)
    put(ledger, 7, NOV_2 + timedelta(days=1, hours=12), "7000", creator="maya", customer=ED,
        currency="JPY")
    put(ledger, 8, NOV_2 + timedelta(days=1, hours=10), "40.00", creator="leo", customer=KI)
    return ledger


def figures(ledger, now: datetime, **kwargs) -> dict:
    rows = revenue.figures(ledger.engine, FIRST, LAST, now, HOLD, **kwargs)
    return {(row.creator, row.currency): row for row in rows}


BEFORE_HOLD = datetime(2026, 11, 20, tzinfo=UTC)
DEC_3_NOON = datetime(2026, 12, 3, 12, tzinfo=UTC)  # order 7's holding period ends then


def test_orders_net_sales_aov_and_commission_per_creator_and_currency(book):
    rows = figures(book, BEFORE_HOLD)
    assert set(rows) == {("maya", "USD"), ("maya", "JPY"), ("leo", "USD"), (None, "USD")}
    maya = rows[("maya", "USD")]
    # Orders 1 and 2 only: 3 is on the day after the span, 4 on the day before.
    assert (maya.orders, maya.net_sales, maya.aov, maya.commission) == (
        2, Decimal("130.00"), Decimal("65.00"), Decimal("19.50"))
    yen = rows[("maya", "JPY")]
    assert (yen.orders, yen.net_sales, yen.aov, yen.commission) == (
        1, Decimal("7000"), Decimal("7000"), Decimal("1050"))
    # The cancelled order counts for nothing, and earns nothing.
    leo = rows[("leo", "USD")]
    assert (leo.orders, leo.net_sales, leo.aov, leo.commission) == (
        1, Decimal("40.00"), Decimal("40.00"), Decimal("5.00"))
    brand = rows[(None, "USD")]
    assert (brand.label, brand.orders, brand.net_sales, brand.commission) == (
        "(brand)", 1, Decimal("80.00"), Decimal("0.00"))
    # The most orders first, then the most net sales.
    assert [(r.creator, r.currency) for r in revenue.figures(
        book.engine, FIRST, LAST, BEFORE_HOLD, HOLD)] == [
        ("maya", "USD"), ("maya", "JPY"), (None, "USD"), ("leo", "USD")]


def test_the_days_are_utc_days_and_every_day_is_there(book):
    everyone = revenue.by_day(book.engine, FIRST, LAST)
    assert list(everyone) == ["USD", "JPY"]  # the most orders first
    assert [(d.day, d.orders, d.net_sales) for d in everyone["USD"]] == [
        ("2026-11-02", 1, Decimal("100.00")),
        ("2026-11-03", 2, Decimal("120.00")),  # the brand's and Leo's; the cancelled one is 0
        ("2026-11-04", 1, Decimal("30.00")),
    ]
    assert [(d.day, d.orders) for d in everyone["JPY"]] == [
        ("2026-11-02", 0), ("2026-11-03", 1), ("2026-11-04", 0)]
    brand = revenue.by_day(book.engine, FIRST, LAST, creator=revenue.BRAND)
    assert [d.net_sales for d in brand["USD"]] == [
        Decimal("0.00"), Decimal("80.00"), Decimal("0.00")]
    one_day = revenue.by_day(book.engine, "2026-11-05", "2026-11-05", creator="maya")
    assert [(d.day, d.orders, d.net_sales) for d in one_day["USD"]] == [
        ("2026-11-05", 1, Decimal("999.00"))]
    assert revenue.by_day(book.engine, "2026-11-06", "2026-11-09") == {}


def test_payable_once_the_holding_period_is_over(book):
    assert all(row.payable == 0 for row in figures(book, BEFORE_HOLD).values())
    rows = figures(book, DEC_3_NOON)
    # Payable now: every order up to the span's end whose 30 days are over, the order of
    # the day before the span included (116.55); order 2's are not over until Dec 4.
    assert rows[("maya", "USD")].payable == Decimal("15.00") + Decimal("116.55")
    assert rows[("maya", "JPY")].payable == Decimal("1050")  # its 30 days end at that moment
    assert rows[("leo", "USD")].payable == Decimal("5.00")
    assert rows[(None, "USD")].payable == Decimal("0.00")
    # One minute earlier, order 7's holding period is not over.
    earlier = figures(book, DEC_3_NOON - timedelta(minutes=1))
    assert earlier[("maya", "JPY")].payable == Decimal("0")


def test_payable_and_paid_follow_the_payout_batches(book):
    payouts.mark_paid(book.engine, book.registry, "2026-11", DEC_3_NOON, HOLD)
    rows = figures(book, DEC_3_NOON)
    maya = rows[("maya", "USD")]
    assert (maya.payable, maya.paid) == (Decimal("0.00"), Decimal("15.00"))  # order 4 is
    assert rows[("maya", "JPY")].paid == Decimal("1050")  # outside the span: not its payout
    # A refund after the payout is taken back from what becomes payable next.
    give_back(book, 11, 1, "10.00", datetime(2026, 12, 4, tzinfo=UTC))
    later = figures(book, datetime(2026, 12, 10, tzinfo=UTC))
    assert later[("maya", "USD")].payable == Decimal("4.50") - Decimal("1.50")
    assert later[("maya", "USD")].commission == Decimal("18.00")


@pytest.mark.parametrize("now", [BEFORE_HOLD, DEC_3_NOON, datetime(2027, 1, 15, tzinfo=UTC)])
def test_payable_and_paid_are_what_the_payouts_statement_says(book, now):
    # Over a whole month, the dashboard's figures are the payouts command's.
    put(book, 9, datetime(2026, 11, 20, tzinfo=UTC), "10.00", creator="leo")
    if now > DEC_3_NOON:
        payouts.mark_paid(book.engine, book.registry, "2026-11", DEC_3_NOON, HOLD)
        give_back(book, 12, 8, "40.00", datetime(2026, 12, 20, tzinfo=UTC))
    statement = payouts.statement(book.engine, book.registry, "2026-11", now, HOLD)
    rows = {(row.creator, row.currency): row for row in revenue.figures(
        book.engine, "2026-11-01", "2026-11-30", now, HOLD)}
    assert statement.rows
    for line in statement.rows:
        assert (rows[(line.creator, line.currency)].payable,
                rows[(line.creator, line.currency)].paid) == (line.payable, line.paid)
        assert rows[(line.creator, line.currency)].commission == line.earned


def test_new_customers_ltv_and_repeat_rate_come_with_the_figures(book):
    put(book, 10, datetime(2026, 12, 10, tzinfo=UTC), "25.00", creator="leo", customer=JO)
    rows = figures(book, datetime(2028, 1, 1, tzinfo=UTC))
    maya = rows[("maya", "USD")]
    assert maya.new_customers == 2  # Jo and Al (order 4 had no customer)
    assert maya.repeat_rate() == Decimal("0.5000")  # Jo came back, through Leo
    assert maya.ltv(90) == Decimal("155.00")
    assert rows[("maya", "JPY")].new_customers == 1
    assert rows[(None, "USD")].new_customers == 1
    # Kim's first order was cancelled: order 8 is the first that counts.
    assert rows[("leo", "USD")].new_customers == 1
    # As of the span's end, the windows have not ended: partial.
    soon = figures(book, datetime(2026, 11, 5, tzinfo=UTC))[("maya", "USD")]
    assert soon.as_dict()["ltv_partial"] == [30, 90, 365]
    assert soon.as_dict()["repeat_rate"] == "0.0000"


def test_one_creator_and_the_brand(book):
    maya = revenue.for_creator(book.engine, "maya", FIRST, LAST, DEC_3_NOON, HOLD)
    assert maya.creator == "maya"
    assert [(s.currency, s.orders) for s in maya.sales] == [("USD", 2), ("JPY", 1)]
    assert [d.net_sales for d in maya.days["USD"]] == [
        Decimal("100.00"), Decimal("0.00"), Decimal("30.00")]
    brand = revenue.for_creator(book.engine, revenue.BRAND, FIRST, LAST, DEC_3_NOON, HOLD)
    assert brand.creator is None
    assert [(s.creator, s.orders, s.payable) for s in brand.sales] == [
        (None, 1, Decimal("0.00"))]
    nobody = revenue.for_creator(book.engine, "ava", FIRST, LAST, DEC_3_NOON, HOLD)
    assert nobody.sales == [] and nobody.days == {}


def test_totals_add_up_per_currency(book):
    rows = revenue.figures(book.engine, FIRST, LAST, datetime(2028, 1, 1, tzinfo=UTC), HOLD)
    usd, yen = revenue.totals(rows)
    assert (usd.currency, usd.orders, usd.net_sales, usd.aov, usd.commission) == (
        "USD", 4, Decimal("250.00"), Decimal("62.50"), Decimal("24.50"))
    assert (usd.new_customers, usd.repeat_rate()) == (4, Decimal("0.0000"))
    assert (yen.currency, yen.orders, yen.net_sales) == ("JPY", 1, Decimal("7000"))


@pytest.mark.parametrize("first, last", [("2026-11-05", "2026-11-04"), ("yesterday", "2026-11-04"),
                                         (datetime(2026, 11, 2), "2026-11-04")])
def test_a_span_that_is_not_days_in_order_is_refused(book, first, last):
    with pytest.raises(ValueError):
        revenue.figures(book.engine, first, last, DEC_3_NOON, HOLD)
