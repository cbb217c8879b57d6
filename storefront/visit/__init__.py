"""The visit: what is decided about one shopper's request, once, without Flask.

A request is answered one of two ways: by the Flask app, or, for a page-cache
hit, below Flask (web.fastpath). Both call this package to decide the visit:

- `referral.decide`: the credited creator, the referral cookie to set, keep or
  clear, the redirect a `?ref=` link earns, and the theme;
- `session`: the visitor's session as Flask signs it, whether a shared page
  may be served with it, and the CSRF token as Flask-WTF makes and checks it;
- `cart_count`: the count the header shows;
- `parsed`: the cookies and query of a request, parsed once per distinct one;
- `headers`: the response headers (security, HTML caching).

It imports nothing of Flask (an import contract checks this), so what it
decides cannot depend on which path asked. `Visit` is the typed record the app
keeps for the request (web.current): the decision plus what rendering and
logging note along the way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from storefront.attribution import Referral


def cart_count(raw: str | None) -> int:
    """The header's cart count from the `cart_count` cookie: a small number, else 0."""
    raw = raw or ""
    return int(raw) if raw.isdigit() and len(raw) <= 5 else 0


@dataclass
class Visit:
    """One request's state in the app, in one place (instead of names on `flask.g`)."""

    # Set when the request starts (observability, web.context).
    request_id: str = ""
    started: float = 0.0
    buyer_ip: str | None = None
    shopify_deadline: float | None = None  # by when (client clock) Shopify must have answered
    market: Any = None  # the storefront.markets.Market this page view runs in
    # The referral decision (referral.decide).
    referral: Referral | None = None
    creator: Any = None  # the credited active creators.Creator, or None
    followed: Any = None  # the creator whose link was followed on this request
    referral_cookie: str = "keep"  # "set", "clear" or "keep"
    theme_name: str | None = None  # the theme rendering this request
    # Per-response values, made on first use.
    csp_nonce: str | None = None
    csrf_token: str | None = None
    # Page rendering and the page cache (web.pages, web.layout).
    layout: Any = None  # the frame's data, fetched once
    slot_token: str | None = None  # while a page renders for the cache
    market_hints: Any = None  # visit.market_hint.Hints of the page rendering for the cache
    degraded: bool = False  # rendered without some data: not worth keeping
    page_cache: str = "none"  # "hit" or "miss" when the page cache was asked
    page_etag: str | None = None
    page_filled: Any = None  # (Page, its slot values) of a shared page's body, to compress it
    # Logged with the request (observability).
    storefront_calls: int = 0
    storefront_ms: float = 0.0
    data_cache: dict[str, int] = field(default_factory=dict)
