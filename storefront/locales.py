"""The locale the store writes money, numbers and rates in: SHOPIFY_LANGUAGE and
SHOPIFY_COUNTRY as a Babel locale. Pages, the dashboard and the CLI reports share it,
so a figure reads the same everywhere."""

from __future__ import annotations

from flask import current_app

from storefront.markets import babel_locale


def shopper_locale() -> str:
    """The locale money and numbers are written in: this page view's market (its
    language and country), else the configured ones."""
    from storefront.current import visit_if_any

    state = visit_if_any()
    if state is not None and state.market is not None:
        return state.market.locale
    # (Babel has no fr_US: French in the United States is written as French.)
    config = current_app.config
    return babel_locale(config["SHOPIFY_LANGUAGE"], config["SHOPIFY_COUNTRY"])
