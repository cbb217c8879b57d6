"""Sorting the creators table, and the totals above it."""

from __future__ import annotations

from storefront.funnels.rates import FUNNEL, RATES
from storefront.funnels.report import Row


def _main(figure: str, empty=0):
    """How a revenue column reads from a row: its main currency's figure (`empty`
    for a row without orders). Amounts in different currencies compare as numbers."""
    def value(row: Row):
        sales = row.main
        return empty if sales is None else getattr(sales, figure)
    return value


def _ltv_90(row: Row):
    sales = row.main
    return None if sales is None or not sales.new_customers else sales.ltv(90)


def _repeat_rate(row: Row):
    return None if row.main is None else row.main.repeat_rate()


# Column (as in ?sort=) -> how it reads from a row. Counts, amounts and rates
# sort largest first by default, names A to Z; None (nothing to divide by) last.
COLUMNS = {
    "creator": lambda row: row.label.lower(),
    "visits": lambda row: row.visits,
    "unique_visitors": lambda row: row.unique_visitors,
    "product_views": lambda row: row.product_views,
    "add_to_carts": lambda row: row.add_to_carts,
    "checkouts": lambda row: row.checkouts,
    "view_rate": lambda row: row.view_rate,
    "cart_rate": lambda row: row.cart_rate,
    "checkout_rate": lambda row: row.checkout_rate,
    "conversion": lambda row: row.conversion,
    "orders": lambda row: row.orders,
    "order_conversion": lambda row: row.order_conversion,
    "net_sales": _main("net_sales"),
    "aov": _main("aov", None),
    "commission": _main("commission"),
    "payable": _main("payable"),
    "new_customers": lambda row: sum(sales.new_customers for sales in row.sales),
    "repeat_rate": _repeat_rate,
    "ltv_90": _ltv_90,
}
ORDERS = ("asc", "desc")
# The table's columns in order: (sort column or None, heading, a number?).
FUNNEL_HEADERS = (
    ("creator", "Creator", False),
    (None, "Funnel", False),
    ("visits", "Visits", True),
    ("unique_visitors", "Unique visitors", True),
    ("product_views", "Product views", True),
    ("add_to_carts", "Added to cart", True),
    ("checkouts", "Checkouts", True),
    *((key, RATES[key].label, True) for key in FUNNEL),
)
# The orders ledger's: shown when it could be read.
REVENUE_HEADERS = (
    ("orders", "Orders", True),
    ("order_conversion", RATES["order_conversion"].label, True),
    ("net_sales", "Net sales", True),
    ("aov", "AOV", True),
    ("commission", "Commission", True),
    ("payable", "Payable now", True),
    ("new_customers", "New customers", True),
    ("repeat_rate", RATES["repeat_rate"].label, True),
    ("ltv_90", "LTV 90 days", True),
)
LAST_HEADERS = (
    (None, "Code", False),
    (None, "Top products", False),
)
HEADERS = (*FUNNEL_HEADERS, *REVENUE_HEADERS, *LAST_HEADERS)
DEFAULT = ("visits", "desc")


class BadSort(ValueError):
    pass


def headers(revenue: bool) -> tuple:
    """The table's headers, the revenue columns only when the ledger could be read."""
    return HEADERS if revenue else (*FUNNEL_HEADERS, *LAST_HEADERS)


def first_order(column: str) -> str:
    """The order a column sorts in when its header is first clicked."""
    return "asc" if column == "creator" else "desc"


def check(column: str, order: str) -> tuple[str, str]:
    """The sort a request asked for, or BadSort naming what it may ask for."""
    if column not in COLUMNS:
        raise BadSort(f"sort={column!r} is not a column; use one of: {', '.join(COLUMNS)}")
    if order not in ORDERS:
        raise BadSort(f"order={order!r}: use asc or desc")
    return column, order


def sort_rows(rows: list[Row], column: str, order: str) -> list[Row]:
    """Rows by `column`; ties by creator, A to Z; rows without a rate (nothing to
    divide by) last in either order."""
    value = COLUMNS[column]
    by_label = sorted(rows, key=lambda row: row.label.lower())
    known = [row for row in by_label if value(row) is not None]
    unknown = [row for row in by_label if value(row) is None]
    # (Python's sort is stable in reverse too, so ties keep the A-to-Z order.)
    return sorted(known, key=value, reverse=order == "desc") + unknown


def totals(rows: list[Row]) -> Row:
    """One row adding up the four counts of every row (its rates follow from them),
    and their orders and money per currency (orders/revenue.py `totals`).

    Its unique visitors stay 0: a shopper who came through two creators is one
    visitor in each row, so adding the rows up would count them twice.
    """
    total = Row("", "All traffic", "", None)
    for key in ("visits", "product_views", "add_to_carts", "checkouts"):
        setattr(total, key, sum(getattr(row, key) for row in rows))
    sales = [line for row in rows for line in row.sales]
    if sales:  # (only then is the ledger, and SQLAlchemy, loaded)
        from storefront.orders.revenue import totals as money_totals

        total.sales = money_totals(sales)
    return total
