"""The data every page's frame shows: shop, brand and menus; and `page()`, which
renders a whole page with it.

Fetched with its own document (Layout.graphql), which the data cache keeps
long (policies.SHOP); if Shopify cannot be reached and nothing is cached,
pages still render with a plain frame rather than failing.
"""

from __future__ import annotations

import logging

from flask import current_app

from storefront.current import visit
from storefront.shopify import api
from storefront.shopify import models as m
from storefront.shopify.errors import StorefrontError
from storefront.theming import render
from storefront.web import cart_cookie, pages
from storefront.web.context import storefront

log = logging.getLogger(__name__)


def _fallback() -> m.Layout:
    shop = m.Shop(
        id="", name="Store", description=None, money_format=None, domain_host="", domain_url="",
        brand=None,
    )
    return m.Layout(shop=shop, main_menu=None, footer_menu=None)


def layout() -> m.Layout:
    """This request's layout data (one lookup per request)."""
    state = visit()
    if state.layout is None:
        state.layout = _load()
    return state.layout


def _load() -> m.Layout:
    cfg = current_app.config
    try:
        return api.layout(storefront(), cfg["MAIN_MENU"], cfg["FOOTER_MENU"])
    except StorefrontError as error:
        log.warning("layout unavailable, using a plain frame: %s", error)
        visit().degraded = True  # keeps this page out of the page cache
        return _fallback()


def frame() -> dict:
    """What the page frame (layout.html) shows: shop, brand, menus, cart count."""
    data = layout()
    return {
        "demo_shop": current_app.config.get("DEMO_SHOP", False),
        "shop": data.shop,
        "main_menu": data.main_menu,
        "footer_menu": data.footer_menu,
        # In a page rendered for the cache, a slot filled in per visitor.
        "cart_count": pages.cart_count(cart_cookie.count),
    }


def page(template: str, **context) -> str:
    """A whole page: `template` rendered inside the frame, whose data this fetches.

    Views call this for pages (and `theming.render` for fragments and XML), so
    the Layout query runs because a page asked for it, not for every template.
    """
    return render(template, **frame(), **context)
