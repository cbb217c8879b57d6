"""The response headers of a visit: security on every response, caching on pages.

The app's after-request hooks (web.security, web.http_caching) and the page
fast path both take their headers from here.
"""

from __future__ import annotations

HSTS = "max-age=31536000; includeSubDomains"

# On every response.
ALWAYS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)

# HTTP caching of HTML pages: personal to the visitor (creator, cart count,
# CSRF token), so never in a shared cache, and revalidated by the browser with
# the page's ETag.
HTML_CACHE_CONTROL = "private, no-cache"
HTML_VARY = "Cookie"  # the referral and session cookies choose the page


def policy(nonce: str, shop: str = "") -> str:
    """The Content-Security-Policy for a response with `nonce`.

    `shop` is the origin of a shop served over plain HTTP (`shop_origin`), else "".
    """
    extra = f" {shop}" if shop else ""
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        f"style-src 'self' 'nonce-{nonce}'",
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


def shop_origin(store_domain: str | None) -> str:
    """The shop's origin when it is served over plain HTTP (the demo shop as its own
    server, `SHOPIFY_STORE_DOMAIN=http://127.0.0.1:8100`): its images and checkout
    live there, and `https:` in the policy does not cover them. "" otherwise."""
    domain = store_domain or ""
    return domain if domain.startswith("http://") else ""


def security(
    *, https: bool, request_id: str, nonce: str | None, shop: str
) -> list[tuple[str, str]]:
    """The headers of any response. `nonce` is given for an HTML body (not a 304,
    whose browser keeps the policy and nonce of the copy it reuses)."""
    headers = [*ALWAYS, ("X-Request-Id", request_id)]
    if nonce is not None:
        headers.append(("Content-Security-Policy", policy(nonce, shop)))
    if https:
        headers.append(("Strict-Transport-Security", HSTS))
    return headers


def page(etag: str) -> list[tuple[str, str]]:
    """The caching headers of a shared page whose ETag is `etag`."""
    return [("Cache-Control", HTML_CACHE_CONTROL), ("Vary", HTML_VARY), ("ETag", f'"{etag}"')]
