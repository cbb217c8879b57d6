"""Orders, net sales, AOV and commission per creator (and the brand) over a span of days.

What `flask creators report` and /admin show beside each creator's funnel,
and what a creator's own page shows of them. The span is the funnel's: whole
UTC days, first to last included (funnels/recorder.py counts by UTC day), so
the orders of a span are those created in [first 00:00 UTC, the day after
last 00:00 UTC), and an order belongs to the day its created_at (naive UTC in
the ledger) falls on. Per creator (None: the brand's own store) and currency:

- orders: the span's orders, cancelled ones left out;
- net sales: their net sales (refunds already off; a cancelled order's is 0);
- AOV: net sales per order, in the currency's minor unit (money.average);
- commission: what the span's orders earned (a cancelled order earns 0);
- payable and paid, as of `now` (the ledger's clock): payouts.balances, the
  rules of `flask creators payouts` (payable: owed now on every order up to
  the span's end whose holding period is over; paid: what batches paid so far
  for the span's orders);
- customers: the new customers of the span, their LTV and repeat rate as of
  `now` (customers.figures).

By day: orders and net sales per day and currency, every day of the span.

Each figure set is one GROUP BY in the database (SQLite and PostgreSQL alike),
seeking the created_at index, so the cost follows the span's orders, and the
Python side handles a row per creator and currency, never one per order.
Amounts are summed exactly (sums.py).

Entry points: `figures` (every creator, or one), `by_day`, and `for_creator`
(one creator or the brand: their figures and their days, for a page about them).
"""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import Date, case, cast, func, select

from storefront.orders import customers, db, payouts, sums
from storefront.orders.customers import BRAND, BRAND_LABEL, CustomerFigures, Window
from storefront.orders.money import ZERO, average, rounded
from storefront.orders.tables import orders

__all__ = ["BRAND", "BRAND_LABEL", "CreatorRevenue", "Day", "Sales", "by_day", "figures",
           "for_creator", "span", "totals"]


@dataclass
class Sales:
    """One creator's (None: the brand's) orders and commission in one currency, over a span."""

    creator: str | None
    currency: str
    orders: int = 0
    net_sales: Decimal = ZERO
    commission: Decimal = ZERO  # earned by the span's orders
    payable: Decimal = ZERO  # owed now, holding period over (payouts.balances)
    paid: Decimal = ZERO  # paid so far for the span's orders
    customers: CustomerFigures | None = None  # the span's new customers; None: none

    def __post_init__(self) -> None:
        if self.customers is None:
            self.customers = CustomerFigures(self.creator, self.currency)

    @property
    def label(self) -> str:
        return self.creator or BRAND_LABEL

    @property
    def aov(self) -> Decimal | None:
        """Net sales per order; None without orders."""
        return average(self.net_sales, self.orders, self.currency)

    @property
    def new_customers(self) -> int:
        return self.customers.new_customers

    def repeat_rate(self) -> Decimal | None:
        return self.customers.repeat_rate()

    def ltv(self, days: int) -> Decimal:
        return self.customers.ltv(days)

    def as_dict(self) -> dict:
        """The figures as JSON takes them: amounts and rates as exact strings, counts as ints.

        `ltv_partial` lists the windows (days) some new customer's has not ended yet.
        """
        def text(value):
            return None if value is None else str(value)

        return {
            "currency": self.currency, "orders": self.orders,
            "net_sales": str(self.net_sales), "aov": text(self.aov),
            "commission": str(self.commission), "payable": str(self.payable),
            "paid": str(self.paid), "new_customers": self.new_customers,
            "repeat_rate": text(self.repeat_rate()),
            **{f"ltv_{days}": str(self.ltv(days)) for days in customers.WINDOWS},
            "ltv_partial": [days for days in customers.WINDOWS if self.customers.partial(days)],
        }


@dataclass(frozen=True)
class Day:
    day: str  # YYYY-MM-DD, a UTC day
    orders: int
    net_sales: Decimal


@dataclass
class CreatorRevenue:
    """One creator's (or the brand's) figures over a span: per currency, and per day."""

    creator: str | None
    sales: list[Sales] = field(default_factory=list)  # per currency, most orders first
    days: dict[str, list[Day]] = field(default_factory=dict)  # currency -> every day


def span(first: date | str, last: date | str) -> tuple[datetime, datetime]:
    """[first 00:00, the day after last 00:00), naive UTC: the orders of UTC days first..last.

    Raises ValueError when a day is not a date or `last` is before `first`.
    """
    first, last = _date(first), _date(last)
    if last < first:
        raise ValueError(f"the span's last day ({last}) is before its first ({first})")
    return datetime.combine(first, time()), datetime.combine(last + timedelta(days=1), time())


def figures(engine, first: date | str, last: date | str, now: datetime, hold_days: int,
            creator: str | None = None) -> list[Sales]:
    """Per creator (None: the brand) and currency, the span's figures as of `now`.

    `creator`: a handle for that creator only, BRAND for the brand's own store,
    None for everyone. A creator appears when the span has an order, a new
    customer, or commission payable or paid for them. The most orders first.
    """
    start, end = span(first, last)
    found: dict[tuple[str | None, str], Sales] = {}

    def row(handle: str | None, currency: str) -> Sales:
        key = (handle or None, currency)
        if key not in found:
            found[key] = Sales(key[0], currency, net_sales=rounded(ZERO, currency),
                               commission=rounded(ZERO, currency),
                               payable=rounded(ZERO, currency), paid=rounded(ZERO, currency))
        return found[key]

    query = select(
        orders.c.creator, orders.c.currency,
        func.sum(case((orders.c.cancelled_at.is_(None), 1), else_=0)).label("orders"),
        func.sum(sums.units(orders.c.net_sales)).label("net_sales"),
        func.sum(sums.units(orders.c.commission)).label("commission"),
    ).where(orders.c.created_at >= start, orders.c.created_at < end) \
        .group_by(orders.c.creator, orders.c.currency)

    def sales():
        with db.reading(engine) as conn:
            return conn.execute(_only(query, creator)).all()

    # Three independent reads at once, each on a connection of its own (db.reading;
    # on SQLite too, where the module lets go of the GIL while SQLite works): the
    # figures then take about as long as the longest, the new customers.
    with ThreadPoolExecutor(max_workers=3,
                            thread_name_prefix="revenue") as pool:
        sold = pool.submit(sales)
        balances = (pool.submit(payouts.balances, engine, start, end, now, hold_days,
                                creator=creator)
                    if creator != BRAND else None)  # (the brand earns no commission)
        brought_by = pool.submit(customers.figures, engine, start, end, now, creator=creator)
    for found_row in sold.result():
        line = row(found_row.creator, found_row.currency)
        line.orders = int(found_row.orders or 0)
        line.net_sales = sums.amount(found_row.net_sales, found_row.currency)
        line.commission = sums.amount(found_row.commission, found_row.currency)
    if balances is not None:
        for (handle, currency), balance in balances.result().items():
            if balance.payable or balance.paid:
                line = row(handle, currency)
                line.payable, line.paid = balance.payable, balance.paid
    for brought in brought_by.result():
        row(brought.creator, brought.currency).customers = brought
    return sorted(found.values(), key=lambda s: (-s.orders, -s.net_sales, s.creator or "",
                                                 s.currency))


def by_day(engine, first: date | str, last: date | str,
           creator: str | None = None) -> dict[str, list[Day]]:
    """Orders and net sales per UTC day of the span, per currency (every day, 0 when none).

    `creator` as in `figures`; None adds up everyone. A currency appears when the
    span has an order in it; the currency with the most orders comes first.
    """
    start, end = span(first, last)
    day = _day_of(engine.dialect.name)
    query = select(
        day.label("day"), orders.c.currency,
        func.sum(case((orders.c.cancelled_at.is_(None), 1), else_=0)).label("orders"),
        func.sum(sums.units(orders.c.net_sales)).label("net_sales"),
    ).where(orders.c.created_at >= start, orders.c.created_at < end) \
        .group_by(day, orders.c.currency)
    totals_by: dict[str, dict[str, Day]] = defaultdict(dict)
    with db.reading(engine) as conn:
        for found in conn.execute(_only(query, creator)):
            key = found.day if isinstance(found.day, str) else found.day.isoformat()
            totals_by[found.currency][key] = Day(
                key, int(found.orders or 0), sums.amount(found.net_sales, found.currency))
    days = [(start.date() + timedelta(days=i)).isoformat() for i in range((end - start).days)]
    ranked = sorted(totals_by, key=lambda c: (-sum(d.orders for d in totals_by[c].values()),
                                              c))
    return {currency: [totals_by[currency].get(d) or Day(d, 0, rounded(ZERO, currency))
                       for d in days]
            for currency in ranked}


def for_creator(engine, creator: str, first: date | str, last: date | str, now: datetime,
                hold_days: int) -> CreatorRevenue:
    """One creator's (BRAND: the brand's own store's) figures and days over the span."""
    if creator is None:
        raise ValueError("for_creator takes a handle, or BRAND for the brand's own store")
    return CreatorRevenue(creator or None,
                          figures(engine, first, last, now, hold_days, creator=creator),
                          by_day(engine, first, last, creator=creator))


def totals(rows: list[Sales]) -> list[Sales]:
    """Every row added up, per currency, the most orders first (creator "": all together).

    New customers add up (each customer is new for one creator only), and so
    do their LTVs and repeat customers; the rates follow from the sums.
    """
    found: dict[str, Sales] = {}
    for row in rows:
        total = found.get(row.currency)
        if total is None:
            total = found[row.currency] = Sales("", row.currency, net_sales=rounded(
                ZERO, row.currency), commission=rounded(ZERO, row.currency),
                payable=rounded(ZERO, row.currency), paid=rounded(ZERO, row.currency))
        total.orders += row.orders
        total.net_sales += row.net_sales
        total.commission += row.commission
        total.payable += row.payable
        total.paid += row.paid
        mine, theirs = total.customers, row.customers
        mine.new_customers += theirs.new_customers
        mine.first_order_sales += theirs.first_order_sales
        for days in customers.WINDOWS:
            a, b = mine.window(days), theirs.window(days)
            mine.windows[days] = Window(days, a.net_sales + b.net_sales,
                                        a.repeat_customers + b.repeat_customers,
                                        a.complete + b.complete)
    return sorted(found.values(), key=lambda s: (-s.orders, s.currency))


def _only(query, creator: str | None):
    if creator == BRAND:
        return query.where(orders.c.creator.is_(None))
    if creator is not None:
        return query.where(orders.c.creator == creator)
    return query


def _day_of(dialect: str):
    """The UTC day of created_at, in SQL this database runs (naive UTC times in the ledger)."""
    if dialect == "sqlite":
        # SQLAlchemy keeps SQLite times as text, "YYYY-MM-DD HH:MM:SS.ffffff".
        return func.substr(orders.c.created_at, 1, 10)
    return cast(orders.c.created_at, Date)


def _date(value: date | str) -> date:
    if isinstance(value, datetime):
        raise ValueError(f"{value!r}: give a day (a date or YYYY-MM-DD), not a time")
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(f"{value!r} is not a day like 2026-11-03") from None
