"""Storefront data through the cache: the same `execute` as the client, asked less.

An entry is keyed by API version, operation, variables (with the @inContext
country and language) and the generations of its tags, and holds the reply
and when it was fetched. Only queries whose document names a policy on its
first line (`# cache: catalog`, see policies.NAMED) are cached; carts and
mutations always go to Shopify, and a failed reply raises before anything
is stored.
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
    SecurityRejection,
    ShopUnavailable,
    Throttled,
    Unauthorized,
    Unavailable,
)

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

    def wait(self) -> dict[str, Any]:
        self.done.wait()
        if self.error is not None:
            raise self.error
        return self.result


@dataclass(frozen=True)
class Entry:
    data: dict[str, Any]
    fetched_at: float
    generations: tuple[int, ...]


class CachingClient:
    """Wraps a StorefrontClient; answers cached queries from the store."""

    def __init__(
        self,
        client: StorefrontClient,
        store: SafeStore,
        api_version: str,
        clock: Callable[[], float] = time.time,
        observe: Callable[[str], None] | None = None,
    ) -> None:
        self.client = client
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
                      "joined": 0}
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
        context = {k: v for k, v in self.client.context.items()
                   if k in self.client.operations[name].variables}
        material = json.dumps(
            [self.api_version, name, {**context, **(variables or {})}],
            sort_keys=True, default=str, separators=(",", ":"),
        )
        return "sf:" + hashlib.sha256(material.encode()).hexdigest()

    def execute(self, name: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        policy = policies.NAMED.get(self.client.operations[name].cache)
        if policy is None:
            return self.client.execute(name, variables)
        key = self.key(name, variables)
        generations = self.store.generations(policy.tags)
        entry = self.store.get(key)
        age = self.clock() - entry.fetched_at if isinstance(entry, Entry) else None
        current = age is not None and entry.generations == generations

        if current and age < policy.fresh:
            self._count("hit")
            return entry.data
        if current and age < policy.fresh + policy.stale:
            # Stale: one request (across every process sharing the store)
            # refreshes it; the others keep serving the stale data meanwhile.
            if not self.store.add(f"lock:{key}", 1, timeout=policies.LOCK_SECONDS):
                self._count("stale")
                return entry.data
            try:
                self._count("refresh")
                return self._fetch(name, variables, key, policy, generations, fallback=entry)
            finally:
                self.store.delete(f"lock:{key}")
        self._count("miss")
        fallback = entry if age is not None and age < policy.error else None
        if fallback is not None and self.store.get(f"backoff:{key}:{generations}"):
            # Shopify failed for this key moments ago: serve the last good data
            # without asking again, rather than hammer a shop that is down.
            self._count("error_served")
            return fallback.data
        return self._fetch(name, variables, key, policy, generations, fallback=fallback)

    def _fetch(self, name, variables, key, policy, generations, fallback: Entry | None):
        """One fetch per key per process at a time; latecomers share its answer."""
        with self._flights_lock:
            flight = self._flights.get(key)
            leader = flight is None
            if leader:
                flight = self._flights[key] = _Flight()
        if not leader:
            self._count("joined")
            return flight.wait()
        try:
            flight.result = self._fetch_now(name, variables, key, policy, generations, fallback)
            return flight.result
        except BaseException as error:
            flight.error = error
            raise
        finally:
            with self._flights_lock:
                del self._flights[key]
            flight.done.set()

    def _fetch_now(self, name, variables, key, policy, generations, fallback: Entry | None):
        try:
            data = self.client.execute(name, variables)
        except SERVE_STALE_ON as error:
            if fallback is None or self.clock() - fallback.fetched_at >= policy.error:
                raise
            self._count("error_served")
            # A token or IP refused is ours to fix: an error, even while shoppers
            # still get pages.
            level = logging.ERROR if isinstance(error, Unauthorized | SecurityRejection) else (
                logging.WARNING)
            log.log(level, "serving cached %s after %s", name, error)
            # (A purge changes the generations, so news of a change is tried at once.)
            self.store.set(f"backoff:{key}:{generations}", 1, timeout=policies.BACKOFF_SECONDS)
            return fallback.data
        self.store.set(key, Entry(data, self.clock(), generations), timeout=policy.error)
        return data
