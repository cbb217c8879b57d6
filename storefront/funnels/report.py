"""Funnel figures per creator over a period: what the CLI report and /admin show.

Visits are landings through a creator's link (`/@handle`, a deep link or
`?ref=`); for the brand's own store, arrivals from elsewhere with no creator
credited. Product views, add-to-carts and checkouts started are credited to the
creator the visitor's referral names at that moment.

Beside the funnel, each row carries the orders ledger's figures for the same
UTC days (storefront/orders/revenue.py: orders, net sales, AOV, commission,
payable, new customers, LTV, repeat rate), one `revenue.Sales` per currency,
the one with the most orders first (a shop has one currency; more only if it
changed, and amounts in two currencies are never added up). The order
conversion is orders per visit, whatever the currency; the funnel's
`conversion` stays checkouts per visit. What each rate divides and how it is
written are rates.py's, for the CLI and the dashboard alike.
The ledger (and SQLAlchemy) is loaded only when `revenue_of` is called.

Products are counted by handle; `with_titles` gives the rows their names
(titles.py) for the top products, the handle standing in for one not known.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from storefront import listing
from storefront.funnels.rates import FUNNEL, RATES, divide
from storefront.spreadsheet import safe_cell

BRAND = ""  # the brand's own store, in the store's keys
BRAND_LABEL = "(brand)"
FUNNEL_COLUMNS = ["creator", "name", "status", "code", "visits", "unique_visitors",
                  "product_views", "add_to_carts", "checkouts", "view_rate", "cart_rate",
                  "checkout_rate", "conversion"]
# Of the main currency (a line per other currency follows in CSV and the table);
# order_conversion is orders per visit, all currencies together.
REVENUE_COLUMNS = ["orders", "order_conversion", "currency", "net_sales", "aov", "commission",
                   "payable", "new_customers", "repeat_rate", "ltv_90", "ltv_90_partial"]
COLUMNS = [*FUNNEL_COLUMNS, *REVENUE_COLUMNS, "top_products"]
TEXT_COLUMNS = ("creator", "name", "status", "code", "currency", "top_products")
_SINCE = re.compile(r"(\d{1,4})d")


class BadPeriod(ValueError):
    pass


class RevenueUnavailable(Exception):
    """The orders ledger could not be read; the message says which database and why."""


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
    sales: list = field(default_factory=list)  # revenue.Sales per currency; [] no orders
    titles: Mapping[str, str] = field(default_factory=dict)  # product titles by handle, if known

    @property
    def label(self) -> str:
        return self.creator or BRAND_LABEL

    @property
    def main(self):
        """The revenue.Sales of the currency with the most orders, or None."""
        return self.sales[0] if self.sales else None

    @property
    def orders(self) -> int:  # every currency's
        return sum(sales.orders for sales in self.sales)

    @property
    def order_conversion(self) -> float | None:  # orders per visit
        return divide(self.orders, self.visits)

    @property
    def view_rate(self) -> float | None:  # product views per visit
        return divide(self.product_views, self.visits)

    @property
    def cart_rate(self) -> float | None:  # add-to-carts per product view
        return divide(self.add_to_carts, self.product_views)

    @property
    def checkout_rate(self) -> float | None:  # checkouts started per add-to-cart
        return divide(self.checkouts, self.add_to_carts)

    @property
    def conversion(self) -> float | None:  # checkouts started per visit
        return divide(self.checkouts, self.visits)

    def top_products(self, limit: int = 3) -> list[dict]:
        """The most viewed products: handle, title (None when not known), views and adds."""
        ranked = sorted(self.products.items(),
                        key=lambda item: (-item[1]["view"], -item[1]["add"], item[0]))
        return [{"product": handle, "title": self.titles.get(handle), "views": c["view"],
                 "add_to_carts": c["add"]} for handle, c in ranked[:limit]]

    def as_dict(self, revenue: bool = True) -> dict:
        """The funnel, then the revenue of the main currency (amounts and rates
        as exact strings), and `other_currencies` (usually empty). `revenue`
        False: the ledger could not be read, and its figures are all None."""
        if not revenue:
            sales = {"order_conversion": None, **dict.fromkeys(_NO_SALES), "other_currencies": []}
        else:
            sales = {"order_conversion": self.order_conversion,
                     **(self.main.as_dict() if self.main else _NO_SALES),
                     "other_currencies": [line.as_dict() for line in self.sales[1:]]}
        return {
            "creator": self.label, "name": self.name, "status": self.status, "code": self.code,
            "visits": self.visits, "unique_visitors": self.unique_visitors,
            "product_views": self.product_views, "add_to_carts": self.add_to_carts,
            "checkouts": self.checkouts, "view_rate": self.view_rate,
            "cart_rate": self.cart_rate, "checkout_rate": self.checkout_rate,
            "conversion": self.conversion, "top_products": self.top_products(),
            **sales,
        }


# A row without orders: no currency to write amounts in.
_NO_SALES = {"currency": None, "orders": 0, "net_sales": None, "aov": None, "commission": None,
             "payable": None, "paid": None, "new_customers": 0, "repeat_rate": None,
             "ltv_30": None, "ltv_90": None, "ltv_365": None, "ltv_partial": []}


def product_name(product: dict) -> str:
    """How a top product (Row.top_products) is named: its title, else its handle."""
    return product["title"] or product["product"]


def product_handles(report: list[Row], limit: int = 3) -> list[str]:
    """The handles of the rows' `limit` top products, each once: the titles to look up."""
    return list(dict.fromkeys(p["product"] for row in report for p in row.top_products(limit)))


def with_titles(report: list[Row], titles: Mapping[str, str]) -> list[Row]:
    """`report`'s rows, their top products named by `titles` (by handle)."""
    for row in report:
        row.titles = titles
    return report


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


def revenue_of(ledger, span: Period, hold_days: int) -> list:
    """The ledger's figures (revenue.Sales) for `span`'s UTC days as of the ledger's clock.

    Raises RevenueUnavailable when the database cannot be opened or read.
    """
    try:
        from storefront.orders import revenue

        return revenue.figures(ledger.engine, span.first, span.last, ledger.clock(), hold_days)
    except Exception as error:  # unreachable, unreadable, not migratable: say which and why
        from storefront.orders.db import shown  # (a password in the URL as ***)

        raise RevenueUnavailable(f"cannot read the orders database ({shown(ledger.url)}): "
                                 f"{_first_line(error)}") from error


def with_revenue(report: list[Row], sales: list, registry) -> list[Row]:
    """`report`'s rows with their sales (revenue.Sales) attached; a creator with
    sales but no funnel activity gets a row of its own (the brand always has one).
    Sorted as `rows` sorts, then by orders."""
    by_creator = {row.creator: row for row in report}
    for line in sales:
        key = line.creator or BRAND
        if key not in by_creator:
            by_creator[key] = _row_for(key, registry)
        by_creator[key].sales.append(line)
    for row in by_creator.values():
        row.sales.sort(key=lambda line: (-line.orders, -line.net_sales, line.currency))
    return sorted(by_creator.values(), key=lambda row: (row.creator != BRAND, -row.visits,
                                                        -row.orders, row.creator))


def _first_line(error: Exception) -> str:
    # SQLAlchemy appends the statement and a link to its docs: the first line says it.
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


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
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.4f}"
    if isinstance(value, list):
        return "; ".join(_product_cell(p) for p in value)
    return str(value)


def _product_cell(p: dict) -> str:
    """"Organic Cotton Tee (organic-cotton-tee, 6 views, 2 adds)"; without a title, as
    before titles were known: "organic-cotton-tee (6 views, 2 adds)"."""
    views, adds = p["views"], p["add_to_carts"]
    counts = f"{views} view{'' if views == 1 else 's'}, {adds} add{'' if adds == 1 else 's'}"
    if p["title"]:
        return f"{p['title']} ({p['product']}, {counts})"
    return f"{p['product']} ({counts})"


def _csv_lines(row: Row, revenue: bool) -> list[dict]:
    """A row's lines: the funnel with the main currency's revenue, then a line per
    other currency (its funnel cells empty: the funnel is counted once)."""
    data = row.as_dict(revenue)
    data["ltv_90_partial"] = (90 in data["ltv_partial"]) if data["currency"] else None
    lines = [data]
    for other in data["other_currencies"]:
        line = {key: data[key] for key in ("creator", "name", "status", "code")}
        line.update(other, ltv_90_partial=90 in other["ltv_partial"])
        lines.append(line)
    return lines


def as_csv(report: list[Row], revenue: bool = True) -> str:
    """One line per row (and per other currency of a row); `revenue` False: the
    ledger was unavailable, its columns are empty."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in report:
        for line in _csv_lines(row, revenue):
            # Text comes from files anyone may edit; numbers are ours (a
            # negative payable stays a number).
            writer.writerow([safe_cell(_cell(line.get(c))) if c in TEXT_COLUMNS
                             else _cell(line.get(c)) for c in COLUMNS])
    return out.getvalue()


def as_json(report: list[Row], span: Period, revenue_error: str | None = None) -> str:
    """`revenue_error`: why the ledger's figures are missing (their keys are then null)."""
    return listing.dumps({"since": span.first, "until": span.last,
                          "revenue_error": revenue_error,
                          "creators": [row.as_dict(revenue_error is None) for row in report]},
                         "creators")


FUNNEL_HEADER = ["creator", "visits", "unique", "views", "carts", "checkouts",
                 *(RATES[key].short for key in FUNNEL)]
REVENUE_HEADER = ["orders", RATES["order_conversion"].short, "net sales", "AOV", "commission",
                  "payable", "new customers", RATES["repeat_rate"].short, "LTV 90", "currency"]


def as_table(report: list[Row], span: Period, revenue_error: str | None = None,
             locale: str = "en_US") -> str:
    """The funnel, then the ledger's figures (left out, and why, with `revenue_error`).

    Rates are written in `locale` as the dashboard writes them (rates.py)."""
    def rate(key: str, value) -> str:
        return RATES[key].text(value, locale) or "-"

    def funnel(row: Row) -> list[str]:
        return [row.label, str(row.visits), str(row.unique_visitors), str(row.product_views),
                str(row.add_to_carts), str(row.checkouts),
                *(rate(key, getattr(row, key)) for key in FUNNEL)]

    def money(sales, orders: str, conversion: str) -> list[str]:
        if sales is None:
            return [orders, conversion, *["-"] * 7, "-"]
        ltv = f"{sales.ltv(90)}{'*' if sales.customers.partial(90) else ''}"
        return [orders, conversion, str(sales.net_sales),
                "-" if sales.aov is None else str(sales.aov), str(sales.commission),
                str(sales.payable), str(sales.new_customers),
                rate("repeat_rate", sales.repeat_rate()), ltv, sales.currency]

    def tail(row: Row) -> list[str]:
        return [row.code or "-", ", ".join(f"{product_name(p)} ({p['views']})"
                                           for p in row.top_products()) or "-"]

    revenue = revenue_error is None
    header = [*FUNNEL_HEADER, *(REVENUE_HEADER if revenue else []), "code", "top products"]
    lines = []
    for row in report:
        if not revenue:
            lines.append([*funnel(row), *tail(row)])
            continue
        orders = str(row.main.orders if row.main else 0)
        lines.append([*funnel(row), *money(row.main, orders,
                                           rate("order_conversion", row.order_conversion)),
                      *tail(row)])
        for other in row.sales[1:]:  # another currency: its money only
            lines.append([row.label, *[""] * (len(FUNNEL_HEADER) - 1),
                          *money(other, str(other.orders), ""), "", ""])
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(len(header))]
    numeric = set(range(1, len(FUNNEL_HEADER) + (len(REVENUE_HEADER) - 1 if revenue else 0)))

    def fmt(line):
        return "  ".join(cell.rjust(w) if i in numeric else cell.ljust(w)
                         for i, (cell, w) in enumerate(zip(line, widths, strict=True))).rstrip()

    title = f"Creator funnels {span.first} to {span.last} (UTC days)"
    notes = []
    if not revenue:
        notes = ["", f"Orders, net sales and commission are unavailable: {revenue_error}"]
    elif any(sales.customers.partial(90) for row in report for sales in row.sales):
        notes = ["", "* partial: some of these new customers' first 90 days are not over yet"]
    return "\n".join([title, "", fmt(header), fmt(["-" * w for w in widths]),
                      *map(fmt, lines), *notes]) + "\n"
