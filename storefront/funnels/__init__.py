"""Creator funnels: landings, product views, add-to-carts and checkouts, per creator and day.

Counted where they happen (the app's views and hooks, and the page fast path
for cached pages), for shoppers only: requests from crawlers, link-preview
fetchers, scripts and prefetches are left out. See recorder.py for how counting
stays off the request's way, stores.py for where counts live and report.py for
what is reported.
"""

from __future__ import annotations

import functools
import re

from flask import Flask, current_app, request

from storefront.current import visit
from storefront.funnels.recorder import Recorder
from storefront.funnels.stores import open_store
from storefront.shared_pages import is_shared

# Link previews (chat apps, social networks) fetch a creator's link when it is
# posted; counting them would credit creators with visits nobody made.
NOT_SHOPPERS = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|embedly|headless|"
    r"python-|curl|wget|httpclient|okhttp|go-http|java/|monitor|lighthouse",
    re.IGNORECASE,
)
PRODUCT = re.compile(r"/products/([^/]+)")


def store_for(app: Flask):
    """The store FUNNELS_URL names, or None when funnels are off."""
    url = app.config["FUNNELS_URL"]
    if url == "off":
        return None
    if url is None:
        redis_cache = app.config["CACHE_TYPE"].startswith("Redis")
        url = app.config["CACHE_REDIS_URL"] if redis_cache else "sqlite:///funnels.sqlite3"
    return open_store(url, app.instance_path, app.config["CACHE_KEY_PREFIX"],
                      app.config["FUNNELS_RETENTION_DAYS"])


def init_app(app: Flask) -> None:
    store = store_for(app)
    if store is None:
        return
    app.extensions["funnels"] = Recorder(store, app.secret_key, app.config["FUNNELS_FLUSH_SECONDS"])
    app.after_request(_after_request)


@functools.lru_cache(maxsize=8192)
def _browser(agent: str) -> bool:
    # Cached: the same few thousand User-Agent strings come back all day, and
    # the pattern costs more than the rest of the counting together.
    return bool(agent) and NOT_SHOPPERS.search(agent) is None


def shopper(environ) -> bool:
    if not _browser(environ.get("HTTP_USER_AGENT", "")[:512]):
        return False
    purpose = environ.get("HTTP_SEC_PURPOSE") or environ.get("HTTP_PURPOSE") or ""
    return "prefetch" not in purpose.lower()


def visitor_of(recorder: Recorder, environ) -> str:
    return recorder.visitor(environ.get("REMOTE_ADDR", ""), environ.get("HTTP_USER_AGENT", ""))


def observe_page(recorder: Recorder, creator: str | None, environ) -> None:
    """A catalog page was shown: a product view, and for the brand an arrival from elsewhere."""
    if not shopper(environ):
        return
    product = PRODUCT.fullmatch(environ.get("PATH_INFO", ""))
    arrived = creator is None and _from_elsewhere(environ)
    if not (product or arrived):
        return
    visitor = visitor_of(recorder, environ)
    if arrived:
        recorder.record("visit", None, visitor)
    if product:
        recorder.record("view", creator, visitor, product.group(1))


def _from_elsewhere(environ) -> bool:
    referer = environ.get("HTTP_REFERER", "")
    host = environ.get("HTTP_HOST", "")
    # the Referer's host part, without parsing the whole URL on every page view
    start = referer.find("//")
    referer_host = referer[start + 2:].split("/", 1)[0] if start >= 0 else ""
    return referer_host.lower() != host.lower()


def count(event: str, product: str = "") -> None:
    """Count `event` for this request's credited creator (or the brand)."""
    recorder = current_app.extensions.get("funnels")
    if recorder is None or not shopper(request.environ):
        return
    creator = visit().creator
    recorder.record(event, creator.handle if creator is not None else None,
                    visitor_of(recorder, request.environ), product)


def _after_request(response):
    if request.method != "GET" or response.status_code >= 400:
        return response
    recorder = current_app.extensions["funnels"]
    followed = visit().followed
    if followed is not None and shopper(request.environ):
        recorder.record("visit", followed.handle, visitor_of(recorder, request.environ))
    elif response.status_code in (200, 304) and is_shared(current_app, request.endpoint):
        # A shared page: the fast path answers its hits, and counts them the same way.
        creator = visit().creator
        observe_page(recorder, creator.handle if creator is not None else None, request.environ)
    return response
