"""The data every page's frame shows: shop, brand and menus; and `page()`, which
renders a whole page with it.

Fetched with its own document (Layout.graphql), which the data cache keeps
long (policies.SHOP); if Shopify cannot be reached and nothing is cached,
pages still render with a plain frame rather than failing. An error page
after Shopify failed asks for it `cached_only`: from the data cache, or the
plain frame, and never from Shopify.
"""

from __future__ import annotations

import logging
from contextlib import nullcontext

from flask import current_app
from flask_babel import gettext

from storefront.current import visit
from storefront.shopify import api
from storefront.shopify import models as m
from storefront.shopify.errors import NotAsked, StorefrontError
from storefront.shopify.waits import cached_only as shopify_cached_only
from storefront.theming import render
from storefront.web import cart_cookie, pages
from storefront.web.context import storefront

log = logging.getLogger(__name__)


def _fallback() -> m.Layout:
    shop = m.Shop(
        id="", name=gettext("Store"), description=None, money_format=None, domain_host="",
        domain_url="", brand=None,
    )
    return m.Layout(shop=shop, main_menu=None, footer_menu=None)


def layout(cached_only: bool = False) -> m.Layout:
    """This request's layout data (one lookup per request).

    `cached_only`: from the data cache or not at all (the plain frame); no
    Storefront request is made.
    """
    state = visit()
    if state.layout is None:
        state.layout = _load(cached_only)
    return state.layout


def _load(cached_only: bool) -> m.Layout:
    cfg = current_app.config
    try:
        with shopify_cached_only() if cached_only else nullcontext():
            return api.layout(storefront(), cfg["MAIN_MENU"], cfg["FOOTER_MENU"])
    except StorefrontError as error:
        # Not asked (an error page, a spent budget): the failure that led
        # here is logged already.
        level = logging.INFO if isinstance(error, NotAsked) else logging.WARNING
        log.log(level, "layout unavailable, using a plain frame: %s", error)
        visit().degraded = True  # keeps this page out of the page cache
        return _fallback()


def frame(cached_only: bool = False) -> dict:
    """What the page frame (layout.html) shows: shop, brand, menus, cart count."""
    data = layout(cached_only)
    return {
        "demo_shop": current_app.config.get("DEMO_SHOP", False),
        "shop": data.shop,
        "main_menu": data.main_menu,
        "footer_menu": data.footer_menu,
        # In a page rendered for the cache, a slot filled in per visitor.
        "cart_count": pages.cart_count(cart_cookie.count),
    }


def page(template: str, *, cached_only: bool = False, **context) -> str:
    """A whole page: `template` rendered inside the frame, whose data this fetches
    (only from the cache with `cached_only`, for error pages).

    Views call this for pages (and `theming.render` for fragments and XML), so
    the Layout query runs because a page asked for it, not for every template.
    """
    return render(template, **frame(cached_only), **context)
