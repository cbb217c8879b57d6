"""One creator's month, as their own page shows it: visits (the funnels), and from the
orders ledger their orders, net sales, earnings, payable and paid, by day and by product.

A month is a calendar month in UTC days, like the funnels and the payouts; the
current month runs to today. Totals, payable and paid are revenue.py's
(`for_creator`: the rules of `flask creators payouts`), orders and net sales
by day too; earnings by day and sales by product are creator_figures.py's.
Amounts in more than one currency are never added up: one block per currency,
the one with the most orders first; visits go with the first.

Visits are optional: with funnels off, or their store unreadable, the page
says so and shows the rest. The ledger is not: its errors reach the caller.
The ledger (and SQLAlchemy) is imported when `read` is called, not before.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

log = logging.getLogger(__name__)

_MONTH = re.compile(r"(\d{4})-(\d{2})")
FIRST_YEAR = 2000


class BadMonth(ValueError):
    """A period that is not a month of the ledger's time; the message says what to give."""


@dataclass(frozen=True)
class Month:
    period: str  # YYYY-MM
    first: date
    last: date  # the month's last day, or today in the current month
    previous: str | None  # YYYY-MM, or None before FIRST_YEAR
    next: str | None  # YYYY-MM, or None for the current month

    @property
    def days(self) -> list[str]:
        return [(self.first + timedelta(days=i)).isoformat()
                for i in range((self.last - self.first).days + 1)]


def month(text: str | None, today: date) -> Month:
    """The month `text` names (YYYY-MM; None: today's); raises BadMonth."""
    if text is None:
        year, number = today.year, today.month
    else:
        found = _MONTH.fullmatch(text.strip()) if isinstance(text, str) else None
        if found is None:
            raise BadMonth(f"{text[:20]!r} is not a month: give one like "
                           f"{today:%Y-%m}")
        year, number = int(found[1]), int(found[2])
        if not 1 <= number <= 12:
            raise BadMonth(f"{text}: months go from 01 to 12")
        if year < FIRST_YEAR or (year, number) > (today.year, today.month):
            raise BadMonth(f"{text}: give a month from {FIRST_YEAR}-01 to {today:%Y-%m}")
    first = date(year, number, 1)
    following = date(year + number // 12, number % 12 + 1, 1)
    last = min(following - timedelta(days=1), today)
    before = first - timedelta(days=1)
    return Month(f"{first:%Y-%m}", first, last,
                 f"{before:%Y-%m}" if before.year >= FIRST_YEAR else None,
                 f"{following:%Y-%m}" if following <= today else None)


@dataclass(frozen=True)
class DayRow:
    day: str  # YYYY-MM-DD
    visits: int | None  # None: not known (funnels off or unreadable; other currencies)
    orders: int
    net_sales: Decimal
    earnings: Decimal


@dataclass
class CurrencyFigures:
    currency: str
    orders: int
    net_sales: Decimal
    earnings: Decimal  # the commission this month's orders earned
    payable: Decimal  # owed now, holding period over, on orders up to the month's end
    paid: Decimal  # paid so far for this month's orders
    days: list[DayRow] = field(default_factory=list)  # the most recent first
    products: list = field(default_factory=list)  # creator_figures.ProductSales


@dataclass
class Figures:
    month: Month
    visits: int | None
    visits_problem: str | None  # why visits are missing, for the page
    currencies: list[CurrencyFigures]  # the most orders first; none: no orders, nothing owed
    visit_days: list[DayRow]  # visits by day when there is no currency block to carry them


def read(ledger, recorder, handle: str, when: Month, hold_days: int) -> Figures:
    """`handle`'s figures for `when`, as of the ledger's clock.

    `recorder` is the app's funnels Recorder, or None when funnels are off.
    """
    from storefront.orders import creator_figures, revenue
    from storefront.orders.money import ZERO, rounded

    visits, problem = _visits(recorder, handle, when)
    engine = ledger.engine
    found = revenue.for_creator(engine, handle, when.first, when.last, ledger.clock(),
                                hold_days)
    earned = creator_figures.earnings_by_day(engine, handle, when.first, when.last)
    products = creator_figures.by_product(engine, handle, when.first, when.last)
    blocks = []
    for position, sales in enumerate(found.sales):
        days = {day.day: day for day in found.days.get(sales.currency, ())}
        zero = rounded(ZERO, sales.currency)
        rows = [DayRow(
            day, visits.get(day) if position == 0 and visits is not None else None,
            days[day].orders if day in days else 0,
            days[day].net_sales if day in days else zero,
            earned.get(sales.currency, {}).get(day, zero)) for day in reversed(when.days)]
        blocks.append(CurrencyFigures(
            sales.currency, sales.orders, sales.net_sales, sales.commission, sales.payable,
            sales.paid, rows, products.get(sales.currency, [])))
    visit_days = [] if blocks or visits is None else [
        DayRow(day, visits.get(day, 0), 0, Decimal(0), Decimal(0))
        for day in reversed(when.days)]
    total = None if visits is None else sum(visits.values())
    return Figures(when, total, problem, blocks, visit_days)


def _visits(recorder, handle: str, when: Month) -> tuple[dict[str, int] | None, str | None]:
    """Visits by day through the creator's links, or None and why not."""
    if recorder is None:
        return None, "Visits are not recorded on this store."
    from storefront.funnels import report

    try:
        recorder.flush()  # this worker's latest counts (the others' follow within seconds)
        days = report.daily(recorder.store, report.Period(when.first.isoformat(),
                                                          when.last.isoformat()), handle)
    except Exception:  # an unreadable store costs the visits, not the page
        log.exception("funnel counts could not be read from %s", recorder.store.describe())
        return None, "Visits cannot be read just now; the other figures are complete."
    return {row["day"]: row["visits"] for row in days}, None
