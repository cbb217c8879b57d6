"""The locale the store writes money, numbers and rates in: SHOPIFY_LANGUAGE and
SHOPIFY_COUNTRY as a Babel locale. Pages, the dashboard and the CLI reports share it,
so a figure reads the same everywhere."""

from __future__ import annotations

from babel.core import Locale, UnknownLocaleError
from flask import current_app


def shopper_locale() -> str:
    """The locale money and numbers are written in: this page view's market (its
    language and country), else the configured ones."""
    from storefront.current import visit_if_any

    state = visit_if_any()
    if state is not None and state.market is not None:
        return state.market.locale
    language = current_app.config["SHOPIFY_LANGUAGE"].lower().replace("-", "_")
    tag = f"{language}_{current_app.config['SHOPIFY_COUNTRY']}"
    try:
        return str(Locale.parse(tag))
    except (ValueError, UnknownLocaleError):
        return "en_US"
