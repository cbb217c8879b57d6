"""The response headers of a visit: security on every response, caching on pages.

The app's after-request hooks (web.security, web.http_caching) and the page
fast path both take their headers from here.
"""

from __future__ import annotations

import re
import secrets

from werkzeug.http import parse_etags

from storefront.compression import BR, GZIP

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
# Any body that may go out compressed (storefront.compression), compressed or not.
ENCODING_VARY = "Accept-Encoding"
# A page's, in the order the app's hooks add them (web.http_caching, then web.referral).
PAGE_VARY = f"{ENCODING_VARY}, {HTML_VARY}"


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


# A request id a client or proxy sends is kept when it looks like one.
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,128}")


def request_id(given: str) -> str:
    """The request's id: `given` (its X-Request-Id) when it looks like one, else a
    new one, 32 hex digits (as uuid4().hex was, from the same random source at a
    third of its cost: no UUID object on every page hit)."""
    return given if REQUEST_ID.fullmatch(given) else secrets.token_hex(16)


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


def page(etag: str, coding: str | None = None,
         varies: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """The caching headers of a shared page whose plain ETag is `etag`, its body in
    `coding` (None: plain); `varies`: the request headers its market suggestion
    reads (`market_varies`), if it has one."""
    return [
        ("Cache-Control", HTML_CACHE_CONTROL),
        ("Vary", ", ".join((ENCODING_VARY, *varies, HTML_VARY))),
        ("ETag", f'"{representation(etag, coding)}"'),
    ]


def market_varies(country_header: str) -> tuple[str, ...]:
    """What a page with a market suggestion also varies by: the browser's languages
    and the CDN's country header (MARKET_COUNTRY_HEADER), when one is set."""
    return ("Accept-Language", country_header) if country_header else ("Accept-Language",)


def representation(etag: str, coding: str | None) -> str:
    """The ETag (unquoted) of the body in `coding` of a response whose plain body's is `etag`.

    A compressed body is other bytes, so it must not share a strong ETag with
    the plain one (a cache could answer a range of one from the other):
    `etag-gzip`, `etag-br`.
    """
    return f"{etag}-{coding}" if coding else etag


def not_modified(if_none_match: str | None, etag: str) -> bool:
    """Whether `If-None-Match` names the response whose plain ETag is `etag`, in any coding.

    The browser sends back the ETag of the copy it keeps; whichever coding that
    copy came in, it is the same content, so it may keep using it (a 304).
    Weak comparison, as RFC 9110 asks for If-None-Match; `*` matches.
    """
    if not if_none_match:
        return False
    tags = parse_etags(if_none_match)
    return any(tags.contains_weak(representation(etag, coding)) for coding in (None, GZIP, BR))
