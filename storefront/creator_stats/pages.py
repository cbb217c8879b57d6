"""Rendering the creator page's own templates (storefront/creator_stats/templates).

Like the admin's, these pages do not use the shop's themes: a theme's layout
asks Shopify for menus, and a theme must not be able to change what a
creator is shown about their money. One small Jinja environment, escaping
everything, with nothing in it but what `render` passes.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from storefront.admin import pages as admin_pages
from storefront.locales import shopper_locale
from storefront.web.security import nonce

_env = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


class Formats(admin_pages.Formats):
    """The admin's numbers and money in the store's locale, with the page's own days."""

    def day(self, iso_day: str, pattern: str = "EEE d") -> str:
        # The weekday and the day: the month is in the heading, and a phone has little room.
        return super().day(iso_day, pattern)

    def month(self, period: str) -> str:
        return format_date(date.fromisoformat(f"{period}-01"), "LLLL y", locale=self.locale)


def render(template: str, **context) -> str:
    return _env.get_template(template).render(nonce=nonce(), fmt=Formats(shopper_locale()),
                                              **context)
