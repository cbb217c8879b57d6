"""The data every page's frame shows: shop, brand and menus, cached long.

Fetched with its own document (Layout.graphql), once per LAYOUT_SECONDS for
all visitors; if Shopify cannot be reached and nothing is cached, pages still
render with a plain frame rather than failing.
"""

from __future__ import annotations

import logging

from flask import current_app, g

from storefront.cache import LAYOUT_SECONDS, cache
from storefront.shopify import api
from storefront.shopify import models as m
from storefront.shopify.errors import StorefrontError
from storefront.web.context import storefront

log = logging.getLogger(__name__)


def _key() -> str:
    cfg = current_app.config
    return ":".join([
        "layout", cfg["SHOPIFY_API_VERSION"], cfg["SHOPIFY_COUNTRY"], cfg["SHOPIFY_LANGUAGE"],
        cfg["MAIN_MENU"], cfg["FOOTER_MENU"],
    ])


def _fallback() -> m.Layout:
    shop = m.Shop(
        id="", name="Store", description=None, money_format=None, domain_host="", domain_url="",
        brand=None,
    )
    return m.Layout(shop=shop, main_menu=None, footer_menu=None)


def layout() -> m.Layout:
    """This request's layout data (one lookup per request)."""
    if "layout" not in g:
        g.layout = _load()
    return g.layout


def _load() -> m.Layout:
    key = _key()
    found = cache.get(key)
    if found is not None:
        return found
    cfg = current_app.config
    try:
        fresh = api.layout(storefront(), cfg["MAIN_MENU"], cfg["FOOTER_MENU"])
    except StorefrontError as error:
        log.warning("layout unavailable, using a plain frame: %s", error)
        return _fallback()
    cache.set(key, fresh, timeout=LAYOUT_SECONDS)
    return fresh
