"""Funnel figures per creator over a period: what the CLI report and /admin show.

Visits are landings through a creator's link (`/@handle`, a deep link or
`?ref=`); for the brand's own store, arrivals from elsewhere with no creator
credited. Product views, add-to-carts and checkouts started are credited to the
creator the visitor's referral names at that moment.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from storefront.spreadsheet import safe_cell

BRAND = ""  # the brand's own store, in the store's keys
BRAND_LABEL = "(brand)"
COLUMNS = ["creator", "name", "status", "code", "visits", "unique_visitors", "product_views",
           "add_to_carts", "checkouts", "view_rate", "cart_rate", "checkout_rate",
           "conversion", "top_products"]
_SINCE = re.compile(r"(\d{1,4})d")


class BadPeriod(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    first: str
    last: str

    @property
    def days(self) -> list[str]:
        start, end = date.fromisoformat(self.first), date.fromisoformat(self.last)
        return [(start + timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]


def period(since: str, today: date) -> Period:
    """`7d` (today and the 6 days before it) or a start date like 2026-11-01."""
    since = since.strip()
    match = _SINCE.fullmatch(since)
    if match:
        days = int(match.group(1))
        if not 1 <= days <= 3660:
            raise BadPeriod(f"{since!r}: the number of days goes from 1d to 3660d")
        return Period((today - timedelta(days=days - 1)).isoformat(), today.isoformat())
    try:
        start = date.fromisoformat(since)
    except ValueError:
        raise BadPeriod(f"{since!r}: use a number of days like 7d, "
                        "or a date like 2026-11-01") from None
    if start > today:
        raise BadPeriod(f"{since}: that date is in the future")
    return Period(start.isoformat(), today.isoformat())


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@dataclass
class Row:
    creator: str
    name: str
    status: str
    code: str | None
    visits: int = 0
    unique_visitors: int = 0
    product_views: int = 0
    add_to_carts: int = 0
    checkouts: int = 0
    products: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))

    @property
    def label(self) -> str:
        return self.creator or BRAND_LABEL

    @property
    def view_rate(self) -> float | None:  # product views per visit
        return _rate(self.product_views, self.visits)

    @property
    def cart_rate(self) -> float | None:  # add-to-carts per product view
        return _rate(self.add_to_carts, self.product_views)

    @property
    def checkout_rate(self) -> float | None:  # checkouts started per add-to-cart
        return _rate(self.checkouts, self.add_to_carts)

    @property
    def conversion(self) -> float | None:  # checkouts started per visit
        return _rate(self.checkouts, self.visits)

    def top_products(self, limit: int = 3) -> list[dict]:
        ranked = sorted(self.products.items(),
                        key=lambda item: (-item[1]["view"], -item[1]["add"], item[0]))
        return [{"product": handle, "views": c["view"], "add_to_carts": c["add"]}
                for handle, c in ranked[:limit]]

    def as_dict(self) -> dict:
        return {
            "creator": self.label, "name": self.name, "status": self.status, "code": self.code,
            "visits": self.visits, "unique_visitors": self.unique_visitors,
            "product_views": self.product_views, "add_to_carts": self.add_to_carts,
            "checkouts": self.checkouts, "view_rate": self.view_rate,
            "cart_rate": self.cart_rate, "checkout_rate": self.checkout_rate,
            "conversion": self.conversion, "top_products": self.top_products(),
        }


_FIELDS = {"visit": "visits", "view": "product_views", "add": "add_to_carts",
           "checkout": "checkouts"}


def rows(store, registry, span: Period, everyone: bool = False) -> list[Row]:
    """A row for the brand and each creator with activity in `span`.

    With `everyone`, also a row of zeros for each active or paused creator.
    """
    found: dict[str, Row] = {BRAND: Row(BRAND, "Brand store", "-", None)}
    if everyone:
        for creator in registry:
            if creator.status != "archived":
                found[creator.handle] = _row_for(creator.handle, registry)
    for (_, who, event, product), n in store.counts(span.first, span.last).items():
        row = found.get(who) or found.setdefault(who, _row_for(who, registry))
        setattr(row, _FIELDS[event], getattr(row, _FIELDS[event]) + n)
        if product and event in ("view", "add"):
            row.products[product][event] += n
    for who, n in store.unique_visitors(span.first, span.last).items():
        if who in found:
            found[who].unique_visitors = n
    # The brand first, then the creators who brought the most visits.
    return sorted(found.values(), key=lambda row: (row.creator != BRAND, -row.visits, row.creator))


def _row_for(handle: str, registry) -> Row:
    creator = registry.get(handle)
    if creator is None:
        return Row(handle, "(no creator file)", "unknown", None)
    code = creator.discount.code if creator.discount else None
    return Row(creator.handle, creator.name, creator.status, code)


def daily(store, span: Period, creator: str | None = None) -> list[dict]:
    """Per day: the four counts and unique visitors, for one creator or all together.

    All together, unique visitors are a sum over creators (a shopper who came
    through two creators is two): an upper bound, not a count.
    """
    totals = {day: Counter() for day in span.days}
    for (day, who, event, _), n in store.counts(span.first, span.last).items():
        if creator is None or who == creator:
            totals[day][_FIELDS[event]] += n
    for (day, who), n in store.daily_unique_visitors(span.first, span.last).items():
        if creator is None or who == creator:
            totals[day]["unique_visitors"] += n
    return [{"day": day, **{k: totals[day][k] for k in (*_FIELDS.values(), "unique_visitors")}}
            for day in span.days]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}"
    if isinstance(value, list):
        return "; ".join(f"{p['product']} ({p['views']} views, {p['add_to_carts']} adds)"
                         for p in value)
    return str(value)


def as_csv(report: list[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in report:
        data = row.as_dict()
        writer.writerow([safe_cell(_cell(data[c])) for c in COLUMNS])
    return out.getvalue()



def as_json(report: list[Row], span: Period) -> str:
    return json.dumps({"since": span.first, "until": span.last,
                       "creators": [row.as_dict() for row in report]}, indent=2)


def as_table(report: list[Row], span: Period) -> str:
    def percent(value):
        return "-" if value is None else f"{value * 100:.1f}%"

    header = ["creator", "visits", "unique", "views", "carts", "checkouts", "view/visit",
              "cart/view", "checkout/cart", "conversion", "code", "top products"]
    lines = [[row.label, str(row.visits), str(row.unique_visitors), str(row.product_views),
              str(row.add_to_carts), str(row.checkouts),
              "-" if row.view_rate is None else f"{row.view_rate:.2f}",
              percent(row.cart_rate), percent(row.checkout_rate), percent(row.conversion),
              row.code or "-",
              ", ".join(f"{p['product']} ({p['views']})" for p in row.top_products()) or "-"]
             for row in report]
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(len(header))]
    numeric = set(range(1, 10))

    def fmt(line):
        return "  ".join(cell.rjust(w) if i in numeric else cell.ljust(w)
                         for i, (cell, w) in enumerate(zip(line, widths, strict=True))).rstrip()

    title = f"Creator funnels {span.first} to {span.last} (UTC days)"
    return "\n".join([title, "", fmt(header), fmt(["-" * w for w in widths]),
                      *map(fmt, lines)]) + "\n"
