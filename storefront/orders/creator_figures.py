"""What a creator's own page reads from the ledger beside revenue.py: sales by product,
and earnings by day.

The span and its days are revenue.py's (whole UTC days, an order on the day its
created_at falls on), and so are the rules: a cancelled order counts for
nothing; refunds come off.

By product, per currency: the lines of the creator's orders created in the
span (order_lines: as their latest version lists them), less the refunded
lines known in the ledger (refund_lines, joined to their order line), so
that the quantity and net sales of a product are what the shopper kept. A
refund line's net is its subtotal less its tax where the order's prices
include tax, as money.net_sales takes refunds off. Products are told apart
by Shopify's product id, or by title for a line without one (a custom item);
a product renamed meanwhile shows the title most of its units were sold under. Orders with no
lines in the ledger (those imported from Shopify's order export, whose
bodies carry none) are in the totals but not by product, so the products
may add up to less than the net sales; shipping is in neither.

Sums are taken in the database, exactly (sums.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Date, and_, case, cast, func, select

from storefront.orders import db, revenue, sums
from storefront.orders.tables import order_lines, orders, refund_lines


@dataclass
class ProductSales:
    product_id: int | None
    title: str
    quantity: int
    net_sales: Decimal


def _credited(creator: str, first: date | str, last: date | str):
    start, end = revenue.span(first, last)
    return (orders.c.creator == creator, orders.c.created_at >= start,
            orders.c.created_at < end, orders.c.cancelled_at.is_(None))


def by_product(engine, creator: str, first: date | str,
               last: date | str) -> dict[str, list[ProductSales]]:
    """Per currency, the creator's products over the span: the highest net sales first."""
    where = _credited(creator, first, last)
    key = (order_lines.c.product_id, order_lines.c.title, orders.c.currency)
    sold = select(*key, func.sum(order_lines.c.quantity).label("quantity"),
                  func.sum(sums.units(order_lines.c.net)).label("units")) \
        .join(orders, orders.c.order_id == order_lines.c.order_id) \
        .where(*where).group_by(*key)
    refunded_units = sums.units(refund_lines.c.subtotal) - case(
        (orders.c.taxes_included, sums.units(refund_lines.c.tax)), else_=0)
    returned = select(*key, func.sum(refund_lines.c.quantity).label("quantity"),
                      func.sum(refunded_units).label("units")) \
        .join(order_lines, and_(order_lines.c.order_id == refund_lines.c.order_id,
                                order_lines.c.line_item_id == refund_lines.c.line_item_id)) \
        .join(orders, orders.c.order_id == refund_lines.c.order_id) \
        .where(*where).group_by(*key)
    # (product or title, currency) -> title -> [quantity kept, units kept, quantity sold]
    found: dict[tuple, dict[str, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0, 0]))
    with db.reading(engine) as conn:
        for sign, query in ((1, sold), (-1, returned)):
            for row in conn.execute(query):
                figures = found[(row.product_id or row.title or "", row.currency)][
                    row.title or ""]
                figures[0] += sign * int(row.quantity or 0)
                figures[1] += sign * int(row.units or 0)
                if sign > 0:
                    figures[2] += int(row.quantity or 0)
    result: dict[str, list[ProductSales]] = defaultdict(list)
    for (product, currency), titles in found.items():
        title = max(titles, key=lambda t: (titles[t][2], t))
        result[currency].append(ProductSales(
            product if isinstance(product, int) else None, title,
            sum(figures[0] for figures in titles.values()),
            sums.amount(sum(figures[1] for figures in titles.values()), currency)))
    return {currency: sorted(products, key=lambda p: (-p.net_sales, -p.quantity, p.title))
            for currency, products in result.items()}


def earnings_by_day(engine, creator: str, first: date | str,
                    last: date | str) -> dict[str, dict[str, Decimal]]:
    """Per currency, the commission the creator's orders of each day earned (days with
    orders only; a cancelled order earns 0)."""
    start, end = revenue.span(first, last)
    if engine.dialect.name == "sqlite":  # times kept as text, "YYYY-MM-DD HH:MM:SS..."
        day = func.substr(orders.c.created_at, 1, 10)
    else:
        day = cast(orders.c.created_at, Date)
    query = select(day.label("day"), orders.c.currency,
                   func.sum(sums.units(orders.c.commission)).label("units")) \
        .where(orders.c.creator == creator, orders.c.created_at >= start,
               orders.c.created_at < end) \
        .group_by(day, orders.c.currency)
    found: dict[str, dict[str, Decimal]] = defaultdict(dict)
    with db.reading(engine) as conn:
        for row in conn.execute(query):
            key = row.day if isinstance(row.day, str) else row.day.isoformat()
            found[row.currency][key] = sums.amount(row.units, row.currency)
    return dict(found)

