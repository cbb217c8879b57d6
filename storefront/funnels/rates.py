"""The rates of the creator report, each defined once: what it divides and how it reads.

`flask creators report` (report.as_table) and the dashboard (storefront/admin) take
a rate's figure from one function (`divide`, through report.Row's properties, or the
orders ledger's repeat rate) and its words from here, so the terminal and the page
show the same string for the same data:

- a ratio, views per visit, as a number with two decimals: 1.44 (a visitor who saw
  one product and a half is not "144%" of anything);
- a conversion from one step to a later one, as a percentage with one decimal: 12.5%.

Both in the store's locale (Babel), as the dashboard writes every number. CSV and
JSON carry the fraction itself (to 4 decimals), for spreadsheets and scripts.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import format_decimal, format_percent

PERCENT = "#,##0.0%"
RATIO = "#,##0.00"
PLACES = 4  # a rate's decimals in CSV and JSON


def divide(part: int, whole: int) -> float | None:
    """`part` per `whole`, to PLACES decimals; None when there is nothing to divide by."""
    return round(part / whole, PLACES) if whole else None


@dataclass(frozen=True)
class Rate:
    key: str  # report.Row's property, and the CSV and JSON column
    label: str  # the dashboard's heading
    short: str  # the CLI table's heading
    means: str  # what it divides, in words
    pattern: str  # PERCENT or RATIO

    def text(self, value: float | Decimal | None, locale: str) -> str | None:
        """The rate as both the CLI and the dashboard write it; None when there is no
        figure (nothing to divide by): each writes its own dash for that."""
        if value is None:
            return None
        if self.pattern == PERCENT:
            return format_percent(value, self.pattern, locale=locale)
        return format_decimal(value, self.pattern, locale=locale)


RATES = {rate.key: rate for rate in (
    Rate("view_rate", "Views per visit", "view/visit", "product views per visit", RATIO),
    Rate("cart_rate", "Carts per view", "cart/view", "add-to-carts per product view", PERCENT),
    Rate("checkout_rate", "Checkouts per cart", "checkout/cart",
         "checkouts started per add-to-cart", PERCENT),
    Rate("conversion", "Conversion", "conversion", "checkouts per visit", PERCENT),
    Rate("order_conversion", "Orders per visit", "orders/visit", "orders per visit", PERCENT),
    Rate("repeat_rate", "Repeat rate", "repeat rate",
         "new customers who ordered again within 365 days", PERCENT),
)}
FUNNEL = ("view_rate", "cart_rate", "checkout_rate", "conversion")  # in the funnel's order


def text(key: str, value: float | Decimal | None, locale: str) -> str | None:
    """RATES[key].text(value, locale)."""
    return RATES[key].text(value, locale)
