"""Per-request context the layers below need, set by one request hook.

The Storefront client asks for the buyer IP through `buyer_ip()`, so nothing
below the views touches `request` or `g`.
"""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request

from storefront.shopify.client import StorefrontClient


def buyer_ip() -> str | None:
    """The shopper's IP for Shopify's bot protection, or None outside a request."""
    if not has_request_context():
        return None
    return g.get("buyer_ip")


def storefront() -> StorefrontClient:
    """The app's Storefront API client."""
    return current_app.extensions["storefront"]


def _remember_buyer_ip() -> None:
    # ProxyFix (installed when TRUSTED_PROXY_COUNT > 0) has already replaced
    # remote_addr with the client address the trusted proxies reported.
    g.buyer_ip = request.remote_addr


def init_app(app: Flask) -> None:
    app.before_request(_remember_buyer_ip)
