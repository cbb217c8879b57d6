"""Where a form comes from, as the browser tells it: this store, another site, or unsaid.

A visitor's first view of a page makes no session, so its forms carry no CSRF
token (storefront.web.csrf_check). A form sent without one is judged by what
a browser adds to every POST and no page can forge: `Sec-Fetch-Site` (Fetch
Metadata, in browsers since 2020-2023) or, from a browser without it, `Origin`
(on every cross-origin POST since 2019-2020). A request with neither comes from
a program or a very old browser; SameSite=Lax keeps this store's cookies off
another site's POSTs there too.
"""

from __future__ import annotations

SAME, OTHER, UNSAID = "same", "other", "unsaid"
_DEFAULT_PORTS = {"http": ":80", "https": ":443"}


def where_from(fetch_site: str | None, origin: str | None, scheme: str, host: str) -> str:
    """SAME when the browser says the request comes from this store's own pages
    (`scheme`://`host`, as the request reached it), OTHER when it says anything
    else (another site, a sibling subdomain, an opaque "null" origin), UNSAID
    when it says nothing."""
    if fetch_site:
        return SAME if fetch_site.strip().lower() == "same-origin" else OTHER
    if origin:
        return SAME if _plain(origin.strip()) == _plain(f"{scheme}://{host}") else OTHER
    return UNSAID


def _plain(origin: str) -> str:
    # Browsers leave the default port out of Origin; a Host header may name it.
    origin = origin.lower().rstrip("/")
    scheme = origin.partition("://")[0]
    port = _DEFAULT_PORTS.get(scheme)
    return origin[: -len(port)] if port and origin.endswith(port) else origin
