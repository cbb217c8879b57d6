"""Security headers on every response, with a fresh CSP nonce per response.

The Content-Security-Policy allows scripts and styles only from this site or
carrying this response's nonce: no inline script or style otherwise. A page
served from the page cache has a slot where the nonce goes, filled in per
response like the CSRF token (see web.pages). The headers themselves come from
storefront.visit.headers, as the page fast path's do.
"""

from __future__ import annotations

import secrets

from flask import Flask, current_app, request

from storefront.current import visit
from storefront.machines import for_machines
from storefront.visit import headers


def nonce() -> str:
    """This response's nonce (made on first use)."""
    state = visit()
    if state.csp_nonce is None:
        state.csp_nonce = secrets.token_urlsafe(18)
    return state.csp_nonce


def _headers(response):
    html = response.mimetype == "text/html" and response.status_code != 304
    for name, value in headers.security(
        https=request.is_secure, request_id=visit().request_id,
        nonce=nonce() if html else None, shop=current_app.extensions["csp_shop"],
    ):
        response.headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
    app.extensions["csp_shop"] = headers.shop_origin(app.config.get("SHOPIFY_STORE_DOMAIN"))
    app.after_request(for_machines(_headers))
