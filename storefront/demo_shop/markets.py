"""Shopify Markets in the demo shop: where it sells, in which currency and languages, at
what price.

A market is a group of countries with one currency and its languages (the first is the
default). The catalog lists them (`shop.markets`); the first is the primary market: the
shop's own currency (USD) at a rate of 1, and the market of every country that is in no
market, as Shopify answers a country it does not sell in.

Prices in a market follow one rule, as Shopify's "exchange rate plus rounding" does:

1. A fixed price the market sets for a variant (Shopify's fixed prices in a market's
   price list) is the price, with the compare-at price it gives (none when it gives
   none): no conversion, no rounding.
2. Otherwise the shop's price times the market's exchange rate, rounded up to the
   market's price ending: `0.99` gives the next amount ending in .99 (52.06 becomes
   52.99, 53.00 becomes 53.99), `0.00` the next whole amount (34.96 becomes 35.00).
   Without an ending, to the cent. Compare-at prices follow the same rule; 0 stays 0.
3. Amounts that are not prices (delivery rates, a fixed-amount discount or its minimum
   subtotal, a gift card's balance) are converted at the rate and rounded to the cent,
   without an ending, as Shopify converts them.

Shop money, what the merchant's reports count (an order's `shop_money`), is an amount
in the market's currency divided by the rate, to the cent. Decimals throughout.

A market may leave products out of its catalog (`excludedProducts`, by handle): there
they are not found, listed, searched, recommended or sold.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Protocol

CENT = Decimal("0.01")
ONE = Decimal(1)


class Priced(Protocol):
    id: int
    price: Decimal
    compare_at_price: Decimal | None


@dataclass(frozen=True)
class FixedPrice:
    """A variant's price set by hand in one market."""

    price: Decimal
    compare_at: Decimal | None = None


@dataclass(frozen=True)
class Market:
    handle: str
    name: str
    countries: tuple[str, ...]
    currency: str
    languages: tuple[str, ...]  # the default language first
    rate: Decimal = ONE  # the market's currency per unit of the shop's
    ending: Decimal | None = None  # what converted prices round up to (.99, .00), if anything
    excluded: frozenset[str] = frozenset()  # handles of the products it does not sell
    fixed: Mapping[int, FixedPrice] = field(default_factory=lambda: MappingProxyType({}),
                                            hash=False)

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def language(self, asked: str | None) -> str:
        """The language content comes in: the one asked for when the market has it, else
        its default (Shopify falls back the same way)."""
        return asked if asked in self.languages else self.default_language

    def sells(self, product) -> bool:
        return product.handle not in self.excluded

    def price(self, variant: Priced) -> Decimal:
        fixed = self.fixed.get(variant.id)
        return fixed.price if fixed else self.rounded(variant.price)

    def compare_at(self, variant: Priced) -> Decimal | None:
        fixed = self.fixed.get(variant.id)
        if fixed:
            return fixed.compare_at
        return None if variant.compare_at_price is None else self.rounded(variant.compare_at_price)

    def rounded(self, amount: Decimal) -> Decimal:
        """A shop price in this market: converted, then up to the price ending (rule 2)."""
        converted = amount * self.rate
        if self.ending is None or converted == 0:
            return converted.quantize(CENT, rounding=ROUND_HALF_UP)
        whole = converted.to_integral_value(rounding=ROUND_FLOOR)
        candidate = whole + self.ending
        return (candidate if candidate >= converted else candidate + ONE).quantize(CENT)

    def convert(self, amount: Decimal) -> Decimal:
        """An amount that is not a price, in this market's currency (rule 3)."""
        return (amount * self.rate).quantize(CENT, rounding=ROUND_HALF_UP)

    def to_shop(self, amount: Decimal) -> Decimal:
        """An amount in this market's currency, in the shop's (its shop money)."""
        return (amount / self.rate).quantize(CENT, rounding=ROUND_HALF_UP)


def primary_of(shop_currency: str) -> Market:
    """The market of a catalog that names none: the United States, in English."""
    return Market("us", "United States", ("US",), shop_currency, ("EN",))
