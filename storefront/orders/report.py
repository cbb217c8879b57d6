"""`flask orders report`: orders, net sales and average order value per creator and the brand.

A month of orders by their created_at (UTC), in the shop's currency (a row
per currency should the shop's have changed). Cancelled orders are left out
of the count (their net sales are 0); refunds are already in net sales.
`conflicts` counts orders whose link and code named different creators
(ORDERS_CONFLICT decided). Commission and payouts are `flask creators payouts`
(payouts.py); the same figures over any span of UTC days, beside each creator's
funnel, are revenue.py's (`flask creators report`, /admin/creators).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, case, func, select

from storefront import listing
from storefront.orders import db, sums
from storefront.orders.money import ZERO, average
from storefront.orders.tables import orders
from storefront.spreadsheet import safe_cell

BRAND = "(brand)"
COLUMNS = ["creator", "name", "currency", "orders", "net_sales", "aov", "conflicts"]


class BadPeriod(ValueError):
    pass


def month(text: str) -> tuple[datetime, datetime]:
    """[first moment, first moment of the next month) of YYYY-MM."""
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        raise BadPeriod(f"{text!r} is not a month like 2026-11")
    year, number = map(int, text.split("-"))
    start = datetime(year, number, 1)
    end = datetime(year + number // 12, number % 12 + 1, 1)
    return start, end


@dataclass
class Row:
    creator: str | None
    name: str
    currency: str
    orders: int = 0
    net_sales: Decimal = ZERO
    conflicts: int = 0

    @property
    def aov(self) -> Decimal | None:
        return average(self.net_sales, self.orders, self.currency)

    def as_dict(self) -> dict:
        return {"creator": self.creator or BRAND, "name": self.name, "currency": self.currency,
                "orders": self.orders, "net_sales": str(self.net_sales),
                "aov": None if self.aov is None else str(self.aov), "conflicts": self.conflicts}


def rows(engine, registry, start: datetime, end: datetime) -> list[Row]:
    """One row per credited creator (and the brand) and currency, biggest net sales first.

    Added up in the database, one GROUP BY (a month of a large shop is too many
    orders to read one by one), exactly: net sales in sums.units. Every order's
    net sales are already in the currency's minor unit (money.net_sales), so
    their sum back in that unit is the sum of the amounts as stored.
    """
    linked, coded = orders.c.link_creator, orders.c.code_creator
    # (Empty handles count as none, as they would in Python: neither is ever stored.)
    conflict = and_(linked != "", coded != "", linked != coded)  # NULL: no conflict
    query = select(orders.c.creator, orders.c.currency,
                   func.sum(case((orders.c.cancelled_at.is_(None), 1), else_=0)).label("orders"),
                   func.sum(sums.units(orders.c.net_sales)).label("net_sales"),
                   func.sum(case((conflict, 1), else_=0)).label("conflicts")) \
        .where(orders.c.created_at >= start, orders.c.created_at < end) \
        .group_by(orders.c.creator, orders.c.currency)
    with db.reading(engine) as conn:
        totals = conn.execute(query).all()
    found = []
    for total in totals:
        handle, currency = total.creator, total.currency
        creator = registry.get(handle) if handle else None
        found.append(Row(
            handle, creator.name if creator else ("the brand's own store" if not handle else ""),
            currency, orders=int(total.orders), net_sales=sums.amount(total.net_sales, currency),
            conflicts=int(total.conflicts)))
    return sorted(found, key=lambda r: (-r.net_sales, r.creator or "", r.currency))


def as_csv(report: list[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in report:
        data = row.as_dict()
        # Text cells may start with = + - @ (names come from files); amounts are ours.
        writer.writerow([safe_cell(str(data[c])) if c in ("creator", "name") else
                         ("" if data[c] is None else data[c]) for c in COLUMNS])
    return out.getvalue()


def as_json(report: list[Row], period: str) -> str:
    return listing.dumps({"period": period, "creators": [row.as_dict() for row in report]},
                         "creators")


def as_table(report: list[Row], period: str) -> str:
    header = ["creator", "name", "currency", "orders", "net sales", "AOV", "conflicts"]
    lines = [[row.creator or BRAND, row.name, row.currency, str(row.orders),
              str(row.net_sales), "-" if row.aov is None else str(row.aov), str(row.conflicts)]
             for row in report]
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(len(header))]

    def fmt(line):
        return "  ".join(cell.rjust(w) if i >= 3 else cell.ljust(w)
                         for i, (cell, w) in enumerate(zip(line, widths, strict=True))).rstrip()

    title = f"Orders {period} (UTC), by credited creator"
    body = [fmt(header), fmt(["-" * w for w in widths]), *map(fmt, lines)] if lines \
        else ["no orders"]
    return "\n".join([title, "", *body]) + "\n"
