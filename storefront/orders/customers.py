"""New customers per creator, their later value (LTV) and their repeat rate, from the ledger.

Brands judge a creator by the customers they bring and by what those customers
buy afterwards, whoever is credited for the later orders. The rules:

- A customer is Shopify's customer id, nothing else (no email: the ledger keeps
  none). Orders without one never make a new customer and count for nobody's LTV.
- A customer's first order is their earliest non-cancelled order in the whole
  ledger (backfill included; equal times: the lower order id). A cancelled
  order brought nobody, so the next order is the first. The creator credited
  for that first order (or the brand) brought the customer: a new customer of
  the period [start, end) is one whose first order was created in it.
- LTV at 30, 90 and 365 days: the net sales (refunds off, cancelled orders 0)
  of every order of those customers created in [first order, first order + N
  days), the first order included (as Shopify and affiliate platforms count
  it; `first_order_sales` is there to take it off), whoever was credited. An
  order exactly N days after the first is outside the N-day window.
- Repeat customers at N days: those with at least one later non-cancelled
  order within the same N days. The repeat rate is over 365 days: within a
  fixed window, so an old cohort and a new one compare; "ever" would favour
  old cohorts.
- Everything is as of `now` (injected): orders created from `now` on are left
  out, and a window that has not ended by `now` is partial. `complete` says
  how many customers' N-day windows had ended, so a 2-day-old cohort's 365-day
  value is never read as final. (Refunds and cancellations are as the ledger
  knows them today.)
- Figures are per currency, that of the customer's first order (the shop's
  currency). Their LTV adds only their orders in that currency: should the
  shop's currency ever change, later orders in the new one still make the
  customer a repeat customer but their money is left out, never converted or
  mixed.

One query does the grouping, in the database (SQLite and PostgreSQL alike),
and it scales with the orders of the period's new customers, not with the
ledger: each order of the period is checked against the earlier orders of its
customer, then the first orders are joined to their customers' orders of the
next 365 days and grouped per customer, then per creator; both lookups seek
the (customer_id, created_at) index.
SQLite keeps money as text (tables.Money), whose SUM would go through binary
floats: sums are taken in whole ten-thousandths (the column's scale), exact
integers on both databases (sums.py, shared with the other reports).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import String, and_, case, exists, func, or_, select

from storefront.orders import db, sums
from storefront.orders.money import ROUNDING, ZERO, rounded
from storefront.orders.tables import orders

WINDOWS = (30, 90, 365)
REPEAT_WINDOW = 365
BRAND = ""  # pass as `creator` for the brand's own store only (None: everyone)
BRAND_LABEL = "(brand)"
SCALE = sums.SCALE  # sums are taken in units of 10**-SCALE (sums.py)
RATE_PLACES = Decimal("0.0001")
COLUMNS = ["creator", "currency", "new_customers", "first_order_sales",
           *(f"{what}_{days}" for days in WINDOWS for what in ("ltv", "repeat", "complete")),
           "repeat_rate"]


@dataclass(frozen=True)
class Window:
    """What a creator's new customers did within `days` of their first order."""

    days: int
    net_sales: Decimal  # LTV: every order within the window, the first included
    repeat_customers: int  # customers with a later non-cancelled order in the window
    complete: int  # customers whose window had ended by `now`


@dataclass
class CustomerFigures:
    """The new customers one creator (None: the brand) brought in a period, in one currency."""

    creator: str | None
    currency: str
    new_customers: int = 0
    first_order_sales: Decimal = ZERO  # net sales of their first orders
    windows: dict[int, Window] = field(default_factory=dict)  # by days, for each of WINDOWS

    def window(self, days: int) -> Window:
        return self.windows.get(days) or Window(days, rounded(ZERO, self.currency), 0, 0)

    def ltv(self, days: int) -> Decimal:
        """Net sales of the new customers within `days` of their first order (first included)."""
        return self.window(days).net_sales

    def partial(self, days: int) -> bool:
        """True while some new customer's `days` window has not ended (the figure will grow)."""
        return self.window(days).complete < self.new_customers

    def repeat_rate(self, days: int = REPEAT_WINDOW) -> Decimal | None:
        """Share of the new customers who ordered again within `days` (0.0001 steps), or None."""
        if not self.new_customers:
            return None
        share = Decimal(self.window(days).repeat_customers) / self.new_customers
        return share.quantize(RATE_PLACES, rounding=ROUNDING)

    def as_dict(self) -> dict:
        """The figures as COLUMNS: amounts and the rate as strings (exact), counts as ints."""
        data: dict = {"creator": self.creator or BRAND_LABEL, "currency": self.currency,
                      "new_customers": self.new_customers,
                      "first_order_sales": str(self.first_order_sales)}
        for days in WINDOWS:
            window = self.window(days)
            data[f"ltv_{days}"] = str(window.net_sales)
            data[f"repeat_{days}"] = window.repeat_customers
            data[f"complete_{days}"] = window.complete
        rate = self.repeat_rate()
        data["repeat_rate"] = None if rate is None else str(rate)
        return data


def figures(engine, start: datetime, end: datetime, now: datetime,
            creator: str | None = None) -> list[CustomerFigures]:
    """Per creator (None: the brand) and currency, the new customers of [start, end) as of `now`.

    Times are UTC (naive, or aware and converted). `creator`: a handle for that
    creator only, BRAND for the brand's own store, None for everyone. Rows with
    the most new customers come first. Raises ValueError for an empty period.
    """
    start, end, now = _utc(start), _utc(end), _utc(now)
    if start >= end:
        raise ValueError(f"the period's start ({start}) is not before its end ({end})")
    # The first orders are found first, then joined to what their customers bought:
    # PostgreSQL would otherwise join every order of the year to the span's orders
    # before leaving out those that are not first (MATERIALIZED keeps it from folding
    # the CTE in; SQLite already reads it this way).
    first = _first_orders(start, end, now, creator).cte("first") \
        .prefix_with("MATERIALIZED", dialect="postgresql")
    query = _per_creator(first, start, now, _plus_days(engine.dialect.name))
    with db.reading(engine) as conn:
        found = conn.execute(query).all()
    rows = []
    for row in found:
        columns = row._mapping
        rows.append(CustomerFigures(
            row.creator, row.currency, int(row.customers),
            sums.amount(row.first_units, row.currency),
            {days: Window(days, sums.amount(columns[f"units_{days}"], row.currency),
                          int(columns[f"repeat_{days}"] or 0),
                          int(columns[f"complete_{days}"] or 0))
             for days in WINDOWS}))
    return sorted(rows, key=lambda r: (-r.new_customers, -r.ltv(REPEAT_WINDOW), r.creator or "",
                                       r.currency))


def _utc(moment: datetime) -> datetime:
    # The ledger keeps naive UTC; an aware time is converted, a naive one taken as UTC.
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _plus_days(dialect: str):
    """A function (time column, days) -> that time plus so many days, in SQL this database runs."""
    if dialect == "sqlite":
        # SQLAlchemy keeps SQLite times as text, "YYYY-MM-DD HH:MM:SS.ffffff", which
        # compares in time order. Move the date and keep the fraction (from the
        # 20th character): the result compares exactly with stored times, so an
        # order exactly 30 days on falls in the 90-day window, never in both.
        def plus(moment, days: int):
            return func.strftime("%Y-%m-%d %H:%M:%S", moment, f"+{days} days",
                                 type_=String).concat(func.substr(moment, 20))
    else:
        def plus(moment, days: int):
            return moment + timedelta(days=days)
    return plus


def _first_orders(start: datetime, end: datetime, now: datetime, creator: str | None):
    """Orders in [start, end), before `now`, that are their customer's first non-cancelled one."""
    earlier = orders.alias("earlier")
    query = select(orders.c.order_id, orders.c.customer_id,
                   orders.c.created_at.label("first_at"), orders.c.creator,
                   orders.c.currency).where(
        orders.c.customer_id.is_not(None),
        orders.c.cancelled_at.is_(None),
        orders.c.created_at >= start, orders.c.created_at < end, orders.c.created_at < now,
        ~exists().where(
            earlier.c.customer_id == orders.c.customer_id,
            earlier.c.cancelled_at.is_(None),
            # (<= as well as the OR: a range the index can seek)
            earlier.c.created_at <= orders.c.created_at,
            or_(earlier.c.created_at < orders.c.created_at,
                earlier.c.order_id < orders.c.order_id)))
    if creator == BRAND:
        query = query.where(orders.c.creator.is_(None))
    elif creator is not None:
        query = query.where(orders.c.creator == creator)
    return query


def _per_creator(first, start: datetime, now: datetime, plus_days):
    """The figures per creator and currency: first orders joined to their customers' orders
    of the next 365 days (before `now`), grouped per customer, then per creator."""
    value = orders.alias("value")
    units = sums.units(value.c.net_sales)
    same_currency = value.c.currency == first.c.currency
    last = max(WINDOWS)

    def total(*conditions):
        return func.sum(case((and_(same_currency, *conditions), units), else_=0))

    later = and_(value.c.cancelled_at.is_(None),
                 or_(value.c.created_at > first.c.first_at,
                     value.c.order_id > first.c.order_id))
    customer = select(
        first.c.creator, first.c.currency, first.c.first_at,
        total(value.c.order_id == first.c.order_id).label("first_units"),
        *[total(*([] if days == last else
                  [value.c.created_at < plus_days(first.c.first_at, days)]))
          .label(f"units_{days}") for days in WINDOWS],
        # When the customer came back first (None: not within the year, or not yet).
        func.min(case((later, value.c.created_at), else_=None)).label("next_at"),
    ).select_from(first.join(value, and_(
        value.c.customer_id == first.c.customer_id,
        value.c.created_at >= first.c.first_at,  # the first order is always among them
        # (implied, as every first order is in the period: a bound the planner can use)
        value.c.created_at >= start,
        value.c.created_at < plus_days(first.c.first_at, last),
        value.c.created_at < now,
    ))).group_by(first.c.order_id, first.c.creator, first.c.currency, first.c.first_at) \
        .subquery("customer")

    def count(condition):
        return func.sum(case((condition, 1), else_=0))

    columns = [func.count().label("customers"),
               func.sum(customer.c.first_units).label("first_units")]
    for days in WINDOWS:
        columns += [
            func.sum(customer.c[f"units_{days}"]).label(f"units_{days}"),
            count(customer.c.next_at < plus_days(customer.c.first_at, days))
            .label(f"repeat_{days}"),
            # The bound computed here (now - N days): the database compares stored times only.
            count(customer.c.first_at <= now - timedelta(days=days)).label(f"complete_{days}"),
        ]
    return select(customer.c.creator, customer.c.currency, *columns) \
        .group_by(customer.c.creator, customer.c.currency)
