"""Caching: Storefront data, and the shared store beneath it and the page cache.

(Rendered pages are the web layer's: storefront/web/pages.py and, for hits
answered below Flask, storefront/web/fastpath.py.)

flask-caching provides the backend (SimpleCache for one process; Redis or the
file system when several workers or instances share it). Everything goes
through `store`, which survives a backend that is down: pages then render
without the cache instead of failing.
"""

from __future__ import annotations

from flask import Flask
from flask_caching import Cache

from storefront.caching.store import SafeStore

cache = Cache()
store = SafeStore(cache)


def init_app(app: Flask) -> None:
    cache.init_app(app)
