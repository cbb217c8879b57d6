"""The cache as the rest of the app uses it: two tiers, never raising, purged by generation.

- In front, per process: `LocalTier` (local.py), a few MB of recent entries,
  so a hot page costs no round trip.
- Behind, shared: the flask-caching backend (`CACHE_TYPE`): the SQLite file
  of this machine's workers by default, Redis across machines. `add` (locks,
  webhooks seen once) and purges go there only, so they hold across workers.

A shared tier that fails (Redis stopped or frozen, a locked file) must not
take pages down: every call catches the error, logs it at most once a minute
and answers as a miss, and after a failure the tier is left alone for
`breaker_seconds` (the circuit breaker), so a hung Redis costs each worker one
timeout per interval, not one per request. Purges bump a per-tag generation
number that is part of every key; each process re-reads the generations at
most `GENERATIONS_SECONDS` apart and keeps the last ones it read while the
shared tier is down (zeros would turn every page into a miss at once).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from flask import current_app, has_app_context
from flask_caching import Cache

from storefront.caching.local import LocalTier
from storefront.pacing import Every

log = logging.getLogger(__name__)

QUIET_SECONDS = 60.0
# A purge reaches every worker within this (plus a request). The goal is a
# second; 0.5 left too little for the page's new render on a busy machine
# (1.3 s once in a full test run). A re-read is one small shared-tier read.
GENERATIONS_SECONDS = 0.25


class Breaker:
    """Open after a failure: the shared tier is skipped until `seconds` have passed,
    then one call tries it again (the others still skip it meanwhile)."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock
        self._open_until: float | None = None
        self._lock = threading.Lock()

    def allows(self) -> bool:
        if self._open_until is None:
            return True
        with self._lock:
            now = self.clock()
            if self._open_until is None or now >= self._open_until:
                if self._open_until is not None:
                    self._open_until = now + self.seconds  # this call is the one trial
                return True
            return False

    def failed(self) -> None:
        self._open_until = self.clock() + self.seconds

    def succeeded(self) -> None:
        self._open_until = None

    @property
    def is_open(self) -> bool:
        return self._open_until is not None


class Tiers:
    """One app's per-process cache state (apps in one process don't share it)."""

    def __init__(self, local: LocalTier | None, breaker: Breaker, shared: bool,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.local = local
        self.breaker = breaker
        self.shared = shared  # False: the backend lives in this process (SimpleCache)
        self.clock = clock
        # tag -> (generation, when read); the authority itself when not shared
        self.generations: dict[str, tuple[int, float]] = {}
        self.last_error: str | None = None


class SafeStore:
    def __init__(self, cache: Cache) -> None:
        self._cache = cache
        self._lock = threading.Lock()
        self._complaint = Every(QUIET_SECONDS)
        self.failures = 0

    @staticmethod
    def _tiers(app=None) -> Tiers | None:
        if app is None:
            if not has_app_context():
                return None
            app = current_app
        return app.extensions.get("cache_tiers")

    def _backend(self, app):
        """The shared tier's backend: `app`'s own (the page fast path runs without an
        app context, and pushing one costs more than the lookup), else the current app's."""
        if app is None:
            return self._cache
        return app.extensions.get("cache", {}).get(self._cache, self._cache)

    def _failed(self, action: str, error: Exception, tiers: Tiers | None) -> None:
        if tiers is not None:
            tiers.breaker.failed()
            tiers.last_error = f"{action}: {type(error).__name__}"
        with self._lock:
            self.failures += 1
            if not self._complaint.due():
                return
            count, self.failures = self.failures, 0
        log.error("cache %s failed (%d failures in the last minute at most): %r",
                  action, count, error)

    def _shared(self, action: str, call: Callable[[], Any], default: Any, app=None) -> Any:
        """`call()` on the shared tier, or `default` when it fails or its breaker is open."""
        tiers = self._tiers(app)
        if tiers is not None and not tiers.breaker.allows():
            return default
        try:
            result = call()
        except Exception as error:  # any backend error is a miss
            self._failed(action, error, tiers)
            return default
        if tiers is not None and tiers.breaker.is_open:
            tiers.breaker.succeeded()
            tiers.last_error = None
        return result

    def state(self) -> str:
        """"ok", or why the shared tier is being skipped (for /readyz)."""
        tiers = self._tiers()
        if tiers is None or not tiers.breaker.is_open:
            return "ok"
        return f"failing ({tiers.last_error})" if tiers.last_error else "failing"

    # Entries ------------------------------------------------------------------

    def get(self, key: str, app=None) -> Any:
        """The value under `key`, or None. `app`: the app whose cache to read when
        there is no app context (the page fast path)."""
        tiers = self._tiers(app)
        local = tiers.local if tiers is not None else None
        if local is not None:
            value = local.get(key)
            if value is not None:
                return value
        backend = self._backend(app)
        value = self._shared("get", lambda: backend.get(key), None, app)
        if value is not None and local is not None:
            local.set(key, value)
        return value

    def get_many(self, *keys: str) -> list[Any]:
        return self._shared("get_many", lambda: list(self._cache.get_many(*keys)),
                            [None] * len(keys))

    def set(self, key: str, value: Any, timeout: int) -> bool:
        tiers = self._tiers()
        if tiers is not None and tiers.local is not None:
            tiers.local.set(key, value, timeout or None)
        return bool(self._shared("set", lambda: self._cache.set(key, value, timeout=timeout),
                                 False))

    def add(self, key: str, value: Any, timeout: int) -> bool:
        """Set only if absent, in the shared tier; True when this call set it (atomic
        in SQLite and Redis: one worker wins)."""
        return bool(self._shared("add", lambda: self._cache.add(key, value, timeout=timeout),
                                 False))

    def claim(self, key: str, timeout: int) -> bool:
        """`add` for work only one process should do (a cold fetch): True when this
        call set it, and also when the shared tier can't say (then do the work
        rather than wait for a holder that may not exist)."""
        return bool(self._shared("add", lambda: self._cache.add(key, 1, timeout=timeout), True))

    def delete(self, key: str) -> None:
        tiers = self._tiers()
        if tiers is not None and tiers.local is not None:
            tiers.local.delete(key)
        self._shared("delete", lambda: self._cache.delete(key), None)

    # Generations ---------------------------------------------------------------

    def generations(self, tags: tuple[str, ...], app=None) -> tuple[int, ...]:
        tiers = self._tiers(app)
        if tiers is None:
            values = self.get_many(*(f"gen:{tag}" for tag in tags))
            return tuple(int(v or 0) for v in values)
        known = tiers.generations
        if not tiers.shared:
            return tuple(known.get(tag, (0, 0.0))[0] for tag in tags)
        now = tiers.clock()
        if all(tag in known and now - known[tag][1] < GENERATIONS_SECONDS for tag in tags):
            return tuple(known[tag][0] for tag in tags)
        missing = object()
        backend = self._backend(app)
        values = self._shared("get_many", lambda: list(backend.get_many(
            *(f"gen:{tag}" for tag in tags))), [missing] * len(tags), app)
        for tag, value in zip(tags, values, strict=True):
            if value is not missing:
                known[tag] = (int(value or 0), now)
            elif tag not in known:
                known[tag] = (0, now)  # never read, the tier down: retried next time
        return tuple(known[tag][0] for tag in tags)

    def purge(self, tag: str) -> None:
        """Invalidate everything tagged `tag`, for every process sharing the backend."""
        # A new, never-reused number (not inc: a counter that expired and
        # restarted at 0 could bring back entries from before a purge).
        # timeout=0: kept until the backend is flushed (never pruned for room).
        generation = time.time_ns()
        tiers = self._tiers()
        if tiers is not None:
            tiers.generations[tag] = (generation, tiers.clock())
            if not tiers.shared:
                return  # this process's own cache: the dict above is the record
        self._shared("purge", lambda: self._cache.set(f"gen:{tag}", generation, timeout=0),
                     None)
