"""Money as Shopify's Storefront API shows it: Decimal amounts, never floats."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Money:
    """A MoneyV2: an amount in the shop's currency."""

    amount: Decimal
    currency_code: str = "USD"


def round_cents(amount: Decimal) -> Decimal:
    """Round half up to the cent, as a price shown to a shopper is."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def floor_cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_DOWN)


def cents(amount: Decimal) -> int:
    """Whole cents, for sort keys and cursors (which must compare exactly)."""
    return int(amount.quantize(CENT) * 100)


def format_decimal(amount: Decimal) -> str:
    """Shopify's serialisation of a Decimal: "38.0", "12.5", "4.99" (never "38" or "38.00")."""
    text = format(amount.quantize(CENT), "f")
    return text[:-1] if text.endswith("0") else text
