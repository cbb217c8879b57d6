"""Whole rendered pages, shared by every visitor of the same creator.

A page is keyed by scheme, host, path, query (tracking parameters dropped, and
never printed; the rest sorted by name), credited creator, theme, API version
and the catalog and shop generations.

Per-visitor values (the CSRF token, the CSP nonce, the cart count) are slots:
while a page renders for the cache each is an unguessable placeholder, new for
every render, and the page is cut at them once and stored as a `Page` (the text
between, and which value goes where). Every response joins the text with its own
values, so a cached page never carries one visitor's token or cart to another,
and nothing a page shows (a product description, a creator's link, a search) can
be mistaken for a slot: filling a page never searches it.

A page is also kept compressed: each part deflated once when it is stored, so
a gzip response joins those pieces with its own values (`gzipped`) instead of
compressing the page again (storefront.compression).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Callable, Mapping
from typing import NamedTuple

from flask import current_app, request, session

from storefront import compression
from storefront.caching import policies, store
from storefront.current import visit
from storefront.visit import headers, market_hint
from storefront.visit import session as sessions
from storefront.visit.referral import LINK_PARAMETERS
from storefront.web.security import nonce

# Query parameters left out of the page key. What is not in the key must not be
# in the page either (the first visitor's values would reach everyone), so the
# code that prints links and forms (web.filters.url_with) drops the same ones.
# attribution.campaign_from still reads them for the referral cookie, and a GET
# with a creator's link parameter (`ref`, `sca_ref`, ...) is redirected without it
# before any page is looked up (storefront.visit.referral).
TRACKING = re.compile("|".join((r"utm_[a-z_]+", "gclid", "fbclid",
                                *map(re.escape, LINK_PARAMETERS))))
SLOTS = ("csrf", "nonce", "cart_count", "market_hint")


class Page(NamedTuple):
    """A page as the cache keeps it: parts with a per-visitor slot between each two."""

    # The parts as text: empty in pages kept now, whose text is kept once, as `encoded`
    # (holding both doubled every page in memory and in the shared tier).
    parts: tuple[str, ...]
    slots: tuple[str, ...]  # what goes between parts[i] and parts[i + 1]: one of SLOTS
    digest: str  # of parts and slots: names the shared page in ETags, hashed once
    # Each part deflated on its own (compression.deflate_part), for gzip responses;
    # None for a page too small to be worth it (or kept before pages were).
    deflated: tuple[bytes, ...] | None = None
    # A page with a `market_hint` slot keeps a banner per other market to pick from.
    hints: market_hint.Hints | None = None
    # The parts as UTF-8 (one more than slots), so a response joins bytes: encoding a
    # page with any character beyond Latin-1 (a "€", a French description) would cost
    # as much as the rest of a hit. None in pages kept before (their text is `parts`).
    encoded: tuple[bytes, ...] | None = None

    def has(self, kind: str) -> bool:
        return kind in self.slots


def key() -> str:
    """This request's page key (see `key_for`)."""
    from storefront.theming.switch import active

    return key_for(
        # The whole path: a market's prefix (SCRIPT_NAME, storefront.markets) is in it.
        request.scheme, request.host, request.script_root + request.path,
        request.args.items(multi=True),
        creator_part(visit().creator), active().theme.name,
        current_app.config["SHOPIFY_API_VERSION"],
    )


def creator_part(creator) -> str | None:
    """What of the credited creator goes in a page key: who, and which version of their file."""
    return f"{creator.handle}@{creator.revision}" if creator is not None else None


def key_for(scheme, host, path, query, creator, theme, api_version, app=None) -> str:
    """The page key; the app and the fast path (web.fastpath, which passes `app`)
    both use this.

    Everything a page may print is in it: the scheme and host (canonical and
    Open Graph URLs; Werkzeug writes the host in lower case), and the query but
    for TRACKING, sorted by name only so repeated parameters keep their order
    (views read the first).
    """
    kept = tuple(sorted(((k, v) for k, v in query if not TRACKING.fullmatch(k)),
                        key=lambda kv: kv[0]))
    inputs = (scheme, host.lower(), path, kept, creator, theme, api_version,
              store.generations(policies.PAGE.tags, app))
    known = _KEYS.get(inputs)
    if known is None:
        material = json.dumps(inputs, separators=(",", ":"))
        known = "page:" + hashlib.sha256(material.encode()).hexdigest()
        if len(_KEYS) >= KEYS_KEPT:
            _KEYS.clear()  # crude but bounded; the hot pages come back at once
        _KEYS[inputs] = known
    return known


# Keys already worked out, by what they are made of: a hit then hashes nothing.
KEYS_KEPT = 20_000
_KEYS: dict[tuple, str] = {}


def rendering_shared() -> bool:
    """True while a page is being rendered for the cache (per-visitor values are slots)."""
    return visit().slot_token is not None


def slot(kind: str) -> str:
    """The placeholder for `kind` (one of SLOTS) in the page now rendering for the cache."""
    return f"__sf-{visit().slot_token}-{kind}__"


def csrf_token() -> str:
    """The templates' `csrf_token()`: a slot in shared pages, the real token otherwise."""
    return slot("csrf") if rendering_shared() else token()


def token() -> str:
    """This visitor's CSRF token, as Flask-WTF makes and checks it (one per response):
    "" on a first visit (see storefront.visit.session.csrf_token)."""
    state = visit()
    if state.csrf_token is None:
        state.csrf_token, _ = csrf_for(current_app, session)  # Flask saves a changed session
    return state.csrf_token


def issue_token() -> None:
    """Give this visitor's session its raw CSRF token (Flask saves a changed session)."""
    visit().csrf_token, _ = csrf_for(current_app, session, issue=True)


def csrf_for(app, session, issue: bool = False) -> tuple[str, bool]:
    """The signed CSRF token for `session` with `app`'s Flask-WTF settings, and
    whether the session changed (see storefront.visit.session.csrf_token)."""
    config = app.config
    return sessions.csrf_token(
        session, config.get("WTF_CSRF_SECRET_KEY") or app.secret_key,
        config.get("WTF_CSRF_FIELD_NAME") or "csrf_token", issue=issue,
    )


def csp_nonce() -> str:
    """The templates' `csp_nonce()`: a slot in shared pages, the response's nonce otherwise."""
    return slot("nonce") if rendering_shared() else nonce()


def cart_count(count: Callable[[], int]) -> str | int:
    """The header's cart count: a slot in shared pages, `count()` otherwise."""
    return slot("cart_count") if rendering_shared() else count()


def cached(build: Callable[[], str], count: Callable[[], int]) -> str:
    """The page `build` renders, from the cache when another visitor already had it.

    `count` gives this visitor's cart count. Pages with flashed messages are
    this visitor's alone: rendered directly and not stored. HEAD is answered
    like GET (the body is dropped on the way out).
    """
    if request.method not in ("GET", "HEAD") or not sessions.shareable(session):
        return build()
    state = visit()
    page_key = key()
    page = store.get(page_key)
    # Anything else under a page key (a str from before slots) is a miss.
    state.page_cache = "hit" if isinstance(page, Page) else "miss"
    if not isinstance(page, Page):
        page = render(build)
        if not state.degraded:  # a plain frame from an outage is not worth keeping
            store.set(page_key, page, timeout=policies.PAGE.fresh)
    cart_count = count()
    values = {
        "csrf": token() if page.has("csrf") else "",
        "nonce": nonce(),
        "cart_count": str(cart_count),
        "market_hint": hint_for(page, request.environ, current_app.config, request.cookies),
    }
    # The ETag names what the visitor sees apart from the per-response nonce and
    # the re-signed (still valid) CSRF token: the shared page, their cart count
    # and the market suggested to them.
    state.page_etag = etag_for(page_key, cart_count, page, values["market_hint"])
    state.page_filled = (page, values)  # web.http_caching compresses it from its pieces
    return fill(page, values)


def render(build: Callable[[], str]) -> Page:
    """Render `build` for the cache: placeholders for per-visitor values, then cut at them."""
    marker = secrets.token_hex(16)  # 128 random bits: no content can hold a placeholder
    state = visit()
    state.slot_token, state.degraded, state.market_hints = marker, False, None
    try:
        body = build()
    finally:
        state.slot_token = None
    pieces = re.split(f"__sf-{marker}-({'|'.join(SLOTS)})__", body)
    parts, slots = tuple(pieces[0::2]), tuple(pieces[1::2])
    shown = [parts, slots]
    if state.market_hints is not None:  # its banners are part of what visitors see
        shown.append(state.market_hints.banners)
    digest = hashlib.sha256(json.dumps(shown).encode()).hexdigest()
    encoded = [part.encode() for part in parts]
    deflated = None
    if sum(map(len, encoded)) >= compression.MINIMUM:
        deflated = tuple(compression.deflate_part(part) for part in encoded)
    return Page((), slots, digest, deflated, state.market_hints, tuple(encoded))


def etag_for(page_key: str, cart_count: int, page: Page, hint: str = "") -> str:
    material = f"{page_key}:{cart_count}:{page.digest}"
    if hint:  # (a page without a suggestion keeps the ETag it always had)
        material += ":" + hashlib.sha256(hint.encode()).hexdigest()
    return hashlib.sha256(material.encode()).hexdigest()[:32]


def hint_for(page: Page, environ: Mapping, config: Mapping, cookies: Mapping) -> str:
    """The market suggestion for the visitor of `environ` with `cookies` (the app's
    request and the fast path both ask this), "" for none."""
    if not page.has("market_hint") or market_hint.COOKIE in cookies:
        return ""  # (a visitor who chose a market is not asked: no more work)
    return market_hint.banner(
        page.hints, environ.get("HTTP_ACCEPT_LANGUAGE"),
        environ.get(market_hint.country_header(config["MARKET_COUNTRY_HEADER"])), None,
    )


def varies(page: Page, config: Mapping) -> tuple[str, ...]:
    """The request headers `page` varies by beyond every page's (web.http_caching)."""
    if not page.has("market_hint"):
        return ()
    return headers.market_varies(config["MARKET_COUNTRY_HEADER"])


def fill(page: Page, values: Mapping[str, str]) -> str:
    """The page with `values` (one for each slot kind it has) in its slots."""
    if page.encoded is not None:
        return filled_bytes(page, values).decode()
    pieces = [page.parts[0]]
    for kind, part in zip(page.slots, page.parts[1:], strict=True):
        pieces += (values[kind], part)
    return "".join(pieces)


def filled_bytes(page: Page, values: Mapping[str, str]) -> bytes:
    """`fill(page, values)` as UTF-8, joined from the page's encoded parts."""
    if page.encoded is None:  # (a page kept before pages kept them: its text is `parts`)
        return fill(page, values).encode()
    encoded = {kind: value.encode() for kind, value in values.items()}  # once per kind
    pieces = [page.encoded[0]]
    for kind, part in zip(page.slots, page.encoded[1:], strict=True):
        pieces += (encoded[kind], part)
    return b"".join(pieces)


def coding_for(page: Page, accept_encoding: str | None) -> str | None:
    """The Content-Encoding of `page` for a request's Accept-Encoding: gzip when the
    client takes it and the page keeps deflated parts, else None (plain). Never
    Brotli: it would mean compressing the whole page per response (see
    storefront.compression)."""
    if page.deflated is None:
        return None
    return compression.choose(accept_encoding, compression.PAGES)


def gzipped(page: Page, values: Mapping[str, str]) -> bytes:
    """`fill(page, values)` as gzip: the page's parts as they were deflated when it
    was stored, `values` between them. For a page whose `coding_for` is gzip."""
    encoded = {kind: value.encode() for kind, value in values.items()}  # once per kind
    between = {kind: compression.stored_value(value) for kind, value in encoded.items()}
    pieces = [page.deflated[0]]
    for kind, part in zip(page.slots, page.deflated[1:], strict=True):
        pieces += (between[kind], part)
    if page.encoded is None:  # (a page kept before pages kept their bytes)
        return compression.gzip_joined(pieces, [fill(page, values).encode()])
    plain = [page.encoded[0]]
    for kind, part in zip(page.slots, page.encoded[1:], strict=True):
        plain += (encoded[kind], part)
    return compression.gzip_joined(pieces, plain)
