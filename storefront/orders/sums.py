"""Exact sums of money columns, taken in the database (SQLite and PostgreSQL alike).

SQLite keeps money as text (tables.Money), and its SUM over text goes through
binary floats (12.10 + 0.20 is not 12.30 there). So every sum is taken in
whole ten-thousandths of the amount (SCALE: the most decimals a stored amount
has): each amount becomes an exact integer, and adding integers is exact on
both databases. `units` is that integer as an SQL expression, `amount` turns
a sum of them back into a Decimal in the currency's minor unit.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import BigInteger, Numeric, cast, func, literal_column, type_coerce

from storefront.orders.money import rounded

SCALE = 4  # decimal places of tables.Money: sums are taken in units of 10**-SCALE


def units(column):
    """`column` (a Money column or expression) as a whole number of 10**-SCALE, in SQL."""
    # round() first: SQLite reads "12.10" as the float 12.1, and 12.1 * 10000 may
    # come out as 120999.99999999999; the nearest integer is the exact amount.
    return cast(func.round(type_coerce(column, Numeric(20, SCALE))
                           * literal_column(str(10 ** SCALE))), BigInteger)


def amount(total, currency: str) -> Decimal:
    """A sum of `units` (None: no rows) as a Decimal in `currency`'s minor unit."""
    return rounded(Decimal(int(total or 0)).scaleb(-SCALE), currency)


def units_of(amount: Decimal) -> int:
    """`amount` (as stored: at most SCALE decimals) as a whole number of 10**-SCALE, in
    Python: what `units` makes of it in SQL."""
    return int(amount.scaleb(SCALE).to_integral_value())
