"""Per-request context the layers below need, set by one request hook.

The Storefront client asks for the buyer IP through `buyer_ip()` and for the
page view's deadline through `shopify_deadline()`, so nothing below the views
touches `request` or `g`.
"""

from __future__ import annotations

from flask import Flask, current_app, request

from storefront import markets
from storefront.current import visit, visit_if_any
from storefront.markets import Market
from storefront.shopify.client import StorefrontClient


def buyer_ip() -> str | None:
    """The shopper's IP for Shopify's bot protection, or None outside a request."""
    state = visit_if_any()
    return state.buyer_ip if state is not None else None


def shopify_deadline() -> float | None:
    """By when this page view must be done with Shopify, or None outside a request."""
    state = visit_if_any()
    return state.shopify_deadline if state is not None else None


def market_context() -> dict[str, str] | None:
    """This page view's `@inContext` country and language, or None outside a request."""
    state = visit_if_any()
    return state.market.context if state is not None and state.market is not None else None


def primary_market(app: Flask) -> Market:
    """The market of unprefixed addresses: the configured country and language."""
    return markets.primary(app.config)


def current_market() -> Market:
    """This request's market (the primary one outside a request)."""
    state = visit_if_any()
    if state is not None and state.market is not None:
        return state.market
    return primary_market(current_app)


def storefront() -> StorefrontClient:
    """The app's Storefront API client."""
    return current_app.extensions["storefront"]


def _start_visit() -> None:
    state = visit()
    # ProxyFix (installed when TRUSTED_PROXY_COUNT > 0) has already replaced
    # remote_addr with the client address the trusted proxies reported.
    state.buyer_ip = request.remote_addr
    state.market = markets.of_environ(request.environ, primary_market(current_app))
    # The page view's time for Shopify (SHOPIFY_BUDGET_SECONDS), retries
    # included, runs from here, on the client's own clock.
    state.shopify_deadline = current_app.extensions["storefront_client"].deadline()


def init_app(app: Flask) -> None:
    app.before_request(_start_visit)
