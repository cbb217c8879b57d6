"""Caching: Storefront data, and the two-tier store beneath it and the page cache.

(Rendered pages are the web layer's: storefront/web/pages.py and, for hits
answered below Flask, storefront/web/fastpath.py.)

flask-caching provides the shared tier (`CACHE_TYPE`): `SQLiteCache` (a file
every worker of this machine opens; the default), `RedisCache` across
machines, or `SimpleCache` for one process alone. In front of a shared tier
each process keeps a small `LocalTier`. Everything goes through `store`,
which survives a shared tier that is down: pages then render from the local
tier or from Shopify instead of failing.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from flask import Flask
from flask_caching import Cache

from storefront.caching.local import LocalTier
from storefront.caching.store import Breaker, SafeStore, Tiers

cache = Cache()
store = SafeStore(cache)

# Backends that live inside one process: nothing to share, no tier in front.
PER_PROCESS = {"SimpleCache", "NullCache"}
OURS = {"SQLiteCache": "storefront.caching.sqlite.SQLiteCache"}


def init_app(app: Flask) -> None:
    config = app.config
    overrides: dict = {"CACHE_TYPE": OURS.get(config["CACHE_TYPE"], config["CACHE_TYPE"])}
    if config["CACHE_TYPE"].startswith("Redis"):
        # (Imported here: redis is a tenth of a second of every start, and of every
        # command, that most stores without Redis would pay for nothing.)
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        # Fail fast: without timeouts a frozen Redis holds every page as long as it
        # is frozen; redis-py's own retries would multiply the wait.
        seconds = config["CACHE_TIMEOUT_MS"] / 1000
        overrides["CACHE_OPTIONS"] = {
            "socket_timeout": seconds, "socket_connect_timeout": seconds,
            "retry": Retry(NoBackoff(), 0), "retry_on_timeout": False,
            **(config.get("CACHE_OPTIONS") or {}),
        }
    cache.init_app(app, config=overrides)
    shared = config["CACHE_TYPE"] not in PER_PROCESS
    local = None
    if shared and config["CACHE_LOCAL_BYTES"] > 0:
        local = LocalTier(config["CACHE_LOCAL_BYTES"], config["CACHE_LOCAL_SECONDS"])
    app.extensions["cache_tiers"] = Tiers(local, Breaker(config["CACHE_BREAKER_SECONDS"]), shared)


REFRESH_THREADS = 2  # background refreshes at once, per process; the rest queue


def refresher(app: Flask) -> Callable[[Callable[[], None]], None]:
    """Runs the data cache's background refreshes in a small pool, in `app`'s context
    (so they update this process's tier in front too). A pool per process: its
    threads don't survive a fork."""
    held: dict = {}
    lock = threading.Lock()

    def run_later(job: Callable[[], None]) -> None:
        with lock:
            if held.get("pid") != os.getpid():
                held["pid"] = os.getpid()
                held["pool"] = ThreadPoolExecutor(REFRESH_THREADS,
                                                  thread_name_prefix="storefront-refresh")
            pool = held["pool"]

        def in_context() -> None:
            with app.app_context():
                job()

        pool.submit(in_context)

    return run_later
