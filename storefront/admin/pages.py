"""Rendering the admin's own templates (storefront/admin/templates).

The admin does not use the shop's themes: its pages must not depend on
Shopify (a theme's layout fetches the shop's menus), and a theme must not be
able to replace them. So it has its own small Jinja environment, escaping
everything, with no template globals but what `render` passes.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from babel.dates import format_date
from babel.numbers import format_compact_currency, format_currency, format_decimal
from flask import url_for
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from storefront.admin import charts
from storefront.funnels import rates
from storefront.locales import shopper_locale
from storefront.web.security import nonce

_env = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


class Formats:
    """Numbers, money, rates and days written in the store's locale."""

    def __init__(self, locale: str) -> None:
        self.locale = locale

    def number(self, value: int | None) -> str:
        return "–" if value is None else format_decimal(value, locale=self.locale)

    def rate(self, key: str, value: float | Decimal | None) -> str:
        """The rate `key` (funnels/rates.py) as `flask creators report` writes it: 1.44
        views per visit, 12.5% conversion; a dash when there was nothing to divide by."""
        return rates.text(key, value, self.locale) or "–"

    def money(self, value: Decimal | None, currency: str) -> str:
        """An amount in its currency ($1,234.50, 7 000 ¥...); a dash for None."""
        if value is None:
            return "–"
        return format_currency(value, currency, locale=self.locale)

    def money_short(self, value: int | Decimal, currency: str) -> str:
        """A chart's axis label: $50, $1.5K, ￥125万."""
        return format_compact_currency(value, currency, locale=self.locale, fraction_digits=1)

    def day(self, iso_day: str, pattern: str = "MMM d") -> str:
        return format_date(date.fromisoformat(iso_day), pattern, locale=self.locale)


def render(template: str, **context) -> str:
    return _env.get_template(template).render(
        nonce=nonce(), url_for=url_for, fmt=Formats(shopper_locale()), steps=charts.STEPS,
        rates=rates.RATES, funnel_rates_keys=rates.FUNNEL,
        **context,
    )
