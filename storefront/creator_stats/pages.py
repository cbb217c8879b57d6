"""Rendering the creator page's own templates (storefront/creator_stats/templates).

Like the admin's, these pages do not use the shop's themes: a theme's layout
asks Shopify for menus, and a theme must not be able to change what a
creator is shown about their money. One small Jinja environment, escaping
everything, with nothing in it but what `render` passes.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from storefront.web.filters import shopper_locale
from storefront.web.security import nonce

_env = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


class Formats:
    """Numbers, money and dates in the store's locale."""

    def __init__(self, locale: str) -> None:
        self.locale = locale

    def number(self, value: int | None) -> str:
        return "–" if value is None else format_decimal(value, locale=self.locale)

    def money(self, value: Decimal, currency: str) -> str:
        return format_currency(value, currency, locale=self.locale)

    def day(self, iso_day: str) -> str:
        # The weekday and the day: the month is in the heading, and a phone has little room.
        return format_date(date.fromisoformat(iso_day), "EEE d", locale=self.locale)

    def month(self, period: str) -> str:
        return format_date(date.fromisoformat(f"{period}-01"), "LLLL y", locale=self.locale)


def render(template: str, **context) -> str:
    return _env.get_template(template).render(nonce=nonce(), fmt=Formats(shopper_locale()),
                                              **context)
