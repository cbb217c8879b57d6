"""Whole rendered pages, shared by every visitor of the same creator.

A page is keyed by host, path, query (tracking parameters dropped, the rest
sorted), credited creator, theme, API version and the catalog and shop
generations. It is rendered with markers where per-visitor values go (the
cart count, the CSRF token, the CSP nonce) and those are filled in on every
response, so a cached page never carries one visitor's token or cart to another.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable

from flask import current_app, g, request, session
from flask_wtf.csrf import generate_csrf

from storefront.caching import policies, store

TRACKING = re.compile(r"utm_[a-z_]+|gclid|fbclid|ref")
CSRF_MARK = "__sf-csrf-token__"
CART_COUNT_MARK = "__sf-cart-count__"


def key() -> str:
    """This request's page key (see `key_for`)."""
    from storefront.theming.switch import active

    creator = g.get("creator")
    return key_for(
        request.host, request.path, request.args.items(multi=True),
        creator_part(creator), active().theme.name, current_app.config["SHOPIFY_API_VERSION"],
    )


def creator_part(creator) -> str | None:
    """What of the credited creator goes in a page key: who, and which version of their file."""
    return f"{creator.handle}@{creator.revision}" if creator is not None else None


def key_for(host, path, query, creator, theme, api_version) -> str:
    """The page key; the app and the fast path (caching.fastpath) both use this."""
    kept = sorted((k, v) for k, v in query if not TRACKING.fullmatch(k))
    material = json.dumps([
        host.lower(), path, kept, creator, theme, api_version,
        store.generations(policies.PAGE.tags),
    ], separators=(",", ":"))
    return "page:" + hashlib.sha256(material.encode()).hexdigest()


def rendering_shared() -> bool:
    """True while a page is being rendered for the cache (per-visitor parts are markers)."""
    return bool(g.get("render_shared"))


def csrf_token() -> str:
    """The template's `csrf_token()`: a marker in shared pages, the real token otherwise."""
    return CSRF_MARK if rendering_shared() else generate_csrf()


def cached(build: Callable[[], str], count: Callable[[], int]) -> str:
    """The page `build` renders, from the cache when another visitor already had it.

    `count` gives this visitor's cart count. Pages with flashed messages are
    this visitor's alone: rendered directly and not stored.
    """
    if request.method != "GET" or session.get("_flashes"):
        return build()
    page_key = key()
    body = store.get(page_key)
    g.page_cache = "hit" if isinstance(body, str) else "miss"
    if not isinstance(body, str):
        g.render_shared, g.degraded = True, False
        try:
            body = build()
        finally:
            g.render_shared = False
        if not g.get("degraded"):  # a plain frame from an outage is not worth keeping
            store.set(page_key, body, timeout=policies.PAGE.fresh)
    cart_count = count()
    # The ETag names what the visitor sees apart from the per-response nonce and
    # the re-signed (still valid) CSRF token: the shared page and their cart count.
    g.page_etag = etag_for(page_key, cart_count, body)
    return fill(body, cart_count)


def etag_for(page_key: str, cart_count: int, body: str) -> str:
    return hashlib.sha256(f"{page_key}{cart_count}{body}".encode()).hexdigest()[:32]


def fill(body: str, cart_count: int) -> str:
    from storefront.web.security import NONCE_MARK, nonce

    if CSRF_MARK in body:
        body = body.replace(CSRF_MARK, generate_csrf())
    return body.replace(CART_COUNT_MARK, str(cart_count)).replace(NONCE_MARK, nonce())
