"""Money in the ledger: Decimal only, in the shop's currency, rounded one documented way.

Shopify writes amounts as strings ("12.50"); `amount` reads them (and the
JSON numbers a refund's line items also carry) without passing through a
float. Net sales only add and subtract such amounts, so they stay exact; a
division (an average order value now, commission later) is rounded to the
currency's minor unit (2 decimals for USD, 0 for JPY, 3 for KWD, from CLDR
through Babel) with ROUND_HALF_EVEN: halves go to the even digit, so over
thousands of orders the rounding neither pays creators more nor less than
the exact figure on average (HALF_UP would, a little, always up).
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import lru_cache

from babel.numbers import get_currency_precision

ROUNDING = ROUND_HALF_EVEN
ZERO = Decimal(0)


class BadAmount(ValueError):
    """An amount that is not a finite decimal number."""


def amount(value: object) -> Decimal:
    """A Shopify money value ("12.50", 12.5 read as Decimal, or 12) as a Decimal."""
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise BadAmount(f"{value!r} is not an amount")
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise BadAmount(f"{value!r} is not an amount") from None
    if not number.is_finite():
        raise BadAmount(f"{value!r} is not an amount")
    return number


@lru_cache(maxsize=512)
def places(currency: str) -> int:
    """Decimal places of `currency`'s minor unit (2 when the code is unknown)."""
    return get_currency_precision(currency)


@lru_cache(maxsize=512)
def _minor_unit(currency: str) -> Decimal:
    # Kept: a report rounds hundreds of thousands of amounts, and asking Babel
    # each time was a third of a 10,000-creator report's formatting.
    return Decimal(1).scaleb(-places(currency))


def rounded(value: Decimal, currency: str) -> Decimal:
    """`value` to `currency`'s minor unit, halves to even."""
    return value.quantize(_minor_unit(currency), rounding=ROUNDING)


def average(total: Decimal, count: int, currency: str) -> Decimal | None:
    """total / count in `currency`'s minor unit, or None for no orders."""
    return rounded(total / count, currency) if count else None


def net_sales(subtotal: Decimal, tax: Decimal, taxes_included: bool, cancelled: bool,
              later_refunds: list[tuple[Decimal, Decimal]], currency: str) -> Decimal:
    """An order's net sales: after discounts, without shipping or tax, less refunds; 0 if cancelled.

    `subtotal` and `tax` are the order's current_* amounts, which already
    reflect the refunds the order lists; `later_refunds` are (subtotal, tax)
    of refunds the ledger knows and that version of the order does not list
    yet (a refunds/create ahead of the orders/updated that follows it).
    Where prices include tax, the subtotals do too, and their tax comes off.
    """
    if cancelled:
        return rounded(ZERO, currency)
    net = subtotal - (tax if taxes_included else ZERO)
    for refunded, refunded_tax in later_refunds:
        net -= refunded - (refunded_tax if taxes_included else ZERO)
    return rounded(net, currency)
