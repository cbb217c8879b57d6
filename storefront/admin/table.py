"""Sorting the creators table, and the totals above it."""

from __future__ import annotations

from storefront.funnels.report import Row

# Column (as in ?sort=) -> how it reads from a row. Counts and rates sort
# largest first by default, names A to Z.
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
}
ORDERS = ("asc", "desc")
# The table's columns in order: (sort column or None, heading, a number?).
HEADERS = (
    ("creator", "Creator", False),
    (None, "Funnel", False),
    ("visits", "Visits", True),
    ("unique_visitors", "Unique visitors", True),
    ("product_views", "Product views", True),
    ("add_to_carts", "Added to cart", True),
    ("checkouts", "Checkouts", True),
    ("view_rate", "Views per visit", True),
    ("cart_rate", "Carts per view", True),
    ("checkout_rate", "Checkouts per cart", True),
    ("conversion", "Conversion", True),
    (None, "Code", False),
    (None, "Top products", False),
)
DEFAULT = ("visits", "desc")


class BadSort(ValueError):
    pass


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
    """One row adding up the four counts of every row (its rates follow from them).

    Its unique visitors stay 0: a shopper who came through two creators is one
    visitor in each row, so adding the rows up would count them twice.
    """
    total = Row("", "All traffic", "", None)
    for key in ("visits", "product_views", "add_to_carts", "checkouts"):
        setattr(total, key, sum(getattr(row, key) for row in rows))
    return total
