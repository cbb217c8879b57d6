"""Security headers on every response, with a fresh CSP nonce per response.

The Content-Security-Policy allows scripts and styles only from this site or
carrying this response's nonce: no inline script or style otherwise. A page
served from the page cache has a slot where the nonce goes, filled in per
response like the CSRF token (see web.pages).
"""

from __future__ import annotations

import secrets

from flask import Flask, current_app, g, request

HSTS = "max-age=31536000; includeSubDomains"


def nonce() -> str:
    """This response's nonce (made on first use)."""
    value = g.get("csp_nonce")
    if value is None:
        value = g.csp_nonce = secrets.token_urlsafe(18)
    return value


def policy(value: str, shop: str = "") -> str:
    """The Content-Security-Policy for a response with nonce `value`.

    `shop` is the origin of a shop served over plain HTTP (`shop_origin`), else "".
    """
    extra = f" {shop}" if shop else ""
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'nonce-{value}'",
        f"style-src 'self' 'nonce-{value}'",
        # Product images come from Shopify's CDN, creators' pictures from anywhere https.
        f"img-src 'self' data: https:{extra}",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        # /checkout answers a form post with a redirect to Shopify's checkout.
        f"form-action 'self' https:{extra}",
        "frame-ancestors 'none'",
    ])


def shop_origin(app: Flask) -> str:
    """The shop's origin when it is served over plain HTTP (the demo shop as its own
    server, `SHOPIFY_STORE_DOMAIN=http://127.0.0.1:8100`): its images and checkout
    live there, and `https:` in the policy does not cover them. "" otherwise."""
    domain = app.config.get("SHOPIFY_STORE_DOMAIN") or ""
    return domain if domain.startswith("http://") else ""


# On every response (the page fast path sends the same).
ALWAYS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)


def _headers(response):
    headers = response.headers
    for name, value in ALWAYS:
        headers.setdefault(name, value)
    if response.mimetype == "text/html" and response.status_code != 304:
        shop = current_app.extensions["csp_shop"]
        headers.setdefault("Content-Security-Policy", policy(nonce(), shop))
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    app.extensions["csp_shop"] = shop_origin(app)
    app.after_request(_headers)
