"""Storefront data through the cache: the same `execute` as the client, asked less.

An entry is keyed by API version, operation, variables (with the @inContext
country and language) and the generations of its tags, and holds the reply
and when it was fetched. Only queries whose document names a policy on its
first line (`# cache: catalog`, see policies.NAMED) are cached; carts and
mutations always go to Shopify, and a failed reply raises before anything
is stored.

Across every process that shares the store:
- a cold key is fetched once: one process takes the fetch lock, the others
  wait for its entry (a little while) rather than asking Shopify too;
- a stale entry is served at once and refreshed in the background by one
  process (`run_later`), so no shopper waits for a refresh;
- after Shopify fails for a key, it is not asked again for that key for
  `BACKOFF_SECONDS`, whether there is an old entry to serve or not;
- an entry lives as long as its use warrants: one nobody asks for again
  after it goes stale is dropped then, one asked for again is kept for the
  whole stale-if-error window.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from storefront.caching import policies
from storefront.caching.store import SafeStore
from storefront.shopify.client import StorefrontClient
from storefront.shopify.errors import (
    NotAsked,
    SecurityRejection,
    ShopUnavailable,
    Throttled,
    Unauthorized,
    Unavailable,
)
from storefront.shopify.waits import asking_shopify

log = logging.getLogger(__name__)

# Failures where the last good data beats an error page for the shopper: the
# shop down, slow, throttling us, closed, or refusing our token or our IP (the
# revoked token is logged as an error on every try, so it is not hidden from
# us). Only a rejected query is not covered: that is a bug to see at once.
SERVE_STALE_ON = (Unavailable, Throttled, ShopUnavailable, Unauthorized, SecurityRejection)


class _Flight:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.result: dict[str, Any] | None = None
        self.error: BaseException | None = None

    def wait(self, timeout: float | None = None) -> dict[str, Any]:
        if not self.done.wait(timeout):
            raise NotAsked("another request's call to Shopify outlasted this page view's time")
        if self.error is not None:
            raise self.error
        return self.result


@dataclass(frozen=True)
class Entry:
    data: dict[str, Any]
    fetched_at: float
    generations: tuple[int, ...]


def _run_in_thread(job: Callable[[], None]) -> None:
    threading.Thread(target=job, name="storefront-refresh", daemon=True).start()


class CachingClient:
    """Wraps a StorefrontClient; answers cached queries from the store."""

    def __init__(
        self,
        client: StorefrontClient,
        store: SafeStore,
        api_version: str,
        clock: Callable[[], float] = time.time,
        observe: Callable[[str], None] | None = None,
        run_later: Callable[[Callable[[], None]], None] = _run_in_thread,
        wait: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.run_later = run_later  # runs a background refresh (the app's: with its context)
        self.wait = wait
        unknown = sorted(f"{op.name} ({op.cache})" for op in client.operations.values()
                         if op.cache is not None and op.cache not in policies.NAMED)
        if unknown:
            raise ValueError(f"documents name no known cache policy: {', '.join(unknown)}")
        # Told of every cached query's outcome: "hit", "stale", "miss", "refresh"...
        self._observe = observe or (lambda outcome: None)
        self.store = store
        self.api_version = api_version
        self.clock = clock
        self.stats = {"hit": 0, "stale": 0, "miss": 0, "refresh": 0, "error_served": 0,
                      "joined": 0, "waited": 0, "backoff": 0}
        # Fetches in flight in this process, by key: concurrent misses for one
        # key (a fresh worker's first requests) wait for one fetch, not N.
        self._flights: dict[str, _Flight] = {}
        self._flights_lock = threading.Lock()

    def _count(self, outcome: str) -> None:
        self.stats[outcome] += 1
        self._observe(outcome)

    @property
    def transport(self):
        return self.client.transport

    @property
    def operations(self):
        return self.client.operations

    def key(self, name: str, variables: Mapping[str, Any] | None) -> str:
        """The entry's key: the version, the operation, and its variables in this
        page view's market (`client.in_context`; the same again for variables that
        already carry it)."""
        material = json.dumps(
            [self.api_version, name, self.client.in_context(name, variables)],
            sort_keys=True, default=str, separators=(",", ":"),
        )
        return "sf:" + hashlib.sha256(material.encode()).hexdigest()

    def execute(self, name: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        policy = policies.NAMED.get(self.client.operations[name].cache)
        if policy is None:
            return self.client.execute(name, variables)
        # The market goes into the variables here, so the key and any later
        # fetch of it (a background refresh, off the request) carry it.
        variables = self.client.in_context(name, variables)
        key = self.key(name, variables)
        generations = self.store.generations(policy.tags)
        entry = self.store.get(key)
        age = self.clock() - entry.fetched_at if isinstance(entry, Entry) else None
        current = age is not None and entry.generations == generations

        if current and age < policy.fresh:
            self._count("hit")
            return entry.data
        if current and age < policy.fresh + policy.stale:
            # Stale: served now. One process (of all sharing the store) refreshes
            # it in the background, unless Shopify failed for it moments ago.
            self._count("stale")
            if (asking_shopify()  # (not from an error page's cached-only frame)
                    and not self._backing_off(key, generations)
                    and self.store.add(f"lock:{key}", 1, timeout=policies.LOCK_SECONDS)):
                self._refresh_later(name, variables, key, policy, generations, entry)
            return entry.data
        self._count("miss")
        fallback = entry if age is not None and age < policy.error else None
        if self._backing_off(key, generations):
            # Shopify failed for this key moments ago: serve the last good data
            # without asking again, or fail at once, rather than hammer a shop
            # that is down (and make the shopper wait for it to fail again).
            if fallback is not None:
                self._count("error_served")
                return fallback.data
            self._count("backoff")
            raise Unavailable(f"{name}: Shopify failed moments ago; not asked again yet")
        return self._fetch(name, variables, key, policy, generations, fallback=fallback)

    def _time_left(self) -> float | None:
        """Seconds this page view may still wait on Shopify (or on another's fetch)."""
        time_left = getattr(self.client, "time_left", None)
        return time_left() if time_left is not None else None

    def _backing_off(self, key: str, generations) -> bool:
        """Whether Shopify failed for this key less than BACKOFF_SECONDS ago."""
        failed_at = self.store.get(f"backoff:{key}:{generations}")
        return isinstance(failed_at, float) and self.clock() - failed_at < policies.BACKOFF_SECONDS

    def _backoff(self, key: str, generations) -> None:
        # When it failed, by our clock (the entry's own expiry is only a bound).
        self.store.set(f"backoff:{key}:{generations}", float(self.clock()),
                       timeout=policies.BACKOFF_SECONDS)

    def _refresh_later(self, name, variables, key, policy, generations, entry: Entry) -> None:
        def refresh() -> None:
            try:
                self._count("refresh")
                self._fetch(name, variables, key, policy, generations, fallback=entry)
            except Exception as error:  # logged; the stale entry keeps serving
                log.warning("background refresh of %s failed: %s", name, error)
            finally:
                self.store.delete(f"lock:{key}")

        try:
            self.run_later(refresh)
        except Exception:  # no thread to be had: the lock expires, another request tries
            log.exception("could not start a background refresh of %s", name)

    def _fetch(self, name, variables, key, policy, generations, fallback: Entry | None):
        """One fetch per key per process at a time; latecomers share its answer."""
        with self._flights_lock:
            flight = self._flights.get(key)
            leader = flight is None
            if leader:
                flight = self._flights[key] = _Flight()
        if not leader:
            self._count("joined")
            return flight.wait(self._time_left())
        try:
            # A fetch that ended between our look at the store and our taking the lead
            # has already answered: asking Shopify again would be a second fetch.
            entry = self.store.get(key)
            if (isinstance(entry, Entry) and entry.generations == generations
                    and self.clock() - entry.fetched_at < policy.fresh):
                self._count("joined")
                flight.result = entry.data
                return flight.result
            flight.result = self._fetch_shared(name, variables, key, policy, generations,
                                               fallback)
            return flight.result
        except BaseException as error:
            flight.error = error
            raise
        finally:
            with self._flights_lock:
                del self._flights[key]
            flight.done.set()

    def _fetch_shared(self, name, variables, key, policy, generations, fallback):
        """One fetch per key across processes: a cold key another process is already
        fetching is waited for (up to FOLLOW_SECONDS), not fetched again."""
        if fallback is not None or self.store.claim(f"fetching:{key}", policies.LOCK_SECONDS):
            try:
                return self._fetch_now(name, variables, key, policy, generations, fallback)
            finally:
                if fallback is None:
                    self.store.delete(f"fetching:{key}")
        waited, pause = 0.0, 0.01
        left = self._time_left()
        patience = policies.FOLLOW_SECONDS if left is None else min(left, policies.FOLLOW_SECONDS)
        while waited < patience:
            self.wait(pause)
            waited += pause
            pause = min(pause * 2, 0.1)
            entry = self.store.get(key)
            if isinstance(entry, Entry) and entry.generations == generations:
                self._count("waited")
                return entry.data
            if self._backing_off(key, generations):
                break  # the other process's fetch failed: try ourselves (and fail likewise)
        return self._fetch_now(name, variables, key, policy, generations, fallback)

    def _fetch_now(self, name, variables, key, policy, generations, fallback: Entry | None):
        try:
            data = self.client.execute(name, variables)
        except NotAsked:
            # We chose not to ask (the page view's time is spent, the worker is
            # busy, an error page's frame): nothing was learnt about Shopify, so
            # no backoff; the last good data if there is any.
            if fallback is None or self.clock() - fallback.fetched_at >= policy.error:
                raise
            self._count("error_served")
            return fallback.data
        except SERVE_STALE_ON as error:
            if fallback is None or self.clock() - fallback.fetched_at >= policy.error:
                self._backoff(key, generations)
                raise
            self._count("error_served")
            # A token or IP refused is ours to fix: an error, even while shoppers
            # still get pages.
            level = logging.ERROR if isinstance(error, Unauthorized | SecurityRejection) else (
                logging.WARNING)
            log.log(level, "serving cached %s after %s", name, error)
            # (A purge changes the generations, so news of a change is tried at once.)
            self._backoff(key, generations)
            return fallback.data
        # Asked for again after its first fetch: worth keeping for the whole
        # stale-if-error window. A first fetch lives until it goes stale, so a
        # search nobody repeats is not kept for a day.
        lifetime = policy.error if fallback is not None else policy.fresh + policy.stale
        self.store.set(key, Entry(data, self.clock(), generations), timeout=lifetime)
        return data
