"""Where we may send a shopper: back to a path on this site, or on through a
URL redirect the merchant set up in Shopify."""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote, urlencode, urlsplit, urlunsplit

log = logging.getLogger(__name__)

# Printable ASCII path characters only: no backslashes, no control characters
# (a browser treats `/\evil.example` and `/<TAB>/evil.example` like `//evil.example`).
_SAFE = re.compile(r"/(?![/\\])[A-Za-z0-9\-._~!$&'()*+,;=:@/%?]*")
# What a redirect may be asked about: a path a shopper could have followed, without
# the characters Shopify's search syntax would read as syntax.
_ASKABLE = re.compile(r"/[^\s\"\\\x00-\x1f\x7f]{0,1023}")
# Off-site targets: only these schemes (never javascript:, data:, or a bare `//host`).
_SCHEMES = frozenset({"http", "https"})
_HOST = re.compile(r"[A-Za-z0-9.-]+(:[0-9]{1,5})?")


def same_origin_path(target: str | None, default: str = "/") -> str:
    """`target` when it is a path on this site, else `default`.

    Checked raw and once decoded, so `%2F%2Fevil.example` and `%5C` tricks fail too.
    """
    if not target or len(target) > 2048:
        return default
    for candidate in (target, unquote(target)):
        if not _SAFE.fullmatch(candidate):
            return default
        parts = urlsplit(candidate)
        if parts.scheme or parts.netloc:
            return default
    return target


def redirect_key(path: str) -> str | None:
    """The path a URL redirect is looked up by, or None when none could match.

    As Shopify's storefronts ask: lowercased (redirects match without regard to
    case) and without trailing slashes (the admin refuses them). The query string
    takes no part: `/old?utm_source=x` follows the redirect from `/old`.
    """
    key = path.lower().rstrip("/")
    return key if _ASKABLE.fullmatch(key) else None


def redirect_location(target: str, path: str, args: list[tuple[str, str]]) -> str | None:
    """Where a merchant's redirect `target` sends a request for `path` with `args`.

    The request's query string is kept, after any the target has of its own, as
    Shopify does (a campaign link's `utm_*` survive the move). None for a target
    we must not send a shopper to: another scheme than http(s), a protocol-relative
    or malformed address, or the very path asked (a loop).
    """
    if len(target) > 2048 or any(c.isspace() or ord(c) < 32 for c in target):
        return _refused(target, "control characters or spaces")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        if parts.scheme.lower() not in _SCHEMES or not _HOST.fullmatch(parts.netloc):
            return _refused(target, "not an http(s) address")
    elif same_origin_path(target, default="") != target:
        return _refused(target, "not a path on this store")
    elif redirect_key(parts.path) == redirect_key(path):
        return _refused(target, "a redirect to itself")
    query = "&".join(filter(None, (parts.query, urlencode(args))))
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", query, parts.fragment))


def _refused(target: str, why: str) -> None:
    # The merchant's data, not the shopper's doing: worth an operator's look.
    log.warning("URL redirect target refused (%s): %r", why, target[:200])
    return None
