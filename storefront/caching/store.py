"""The cache as the rest of the app uses it: never raising, purged by generation.

A backend that fails (Redis stopped, a full disk) must not take pages down:
every call here catches the error, logs it at most once a minute, and answers
as a miss. Purges bump a per-tag generation number that is part of every key,
so all instances sharing the backend stop using the old entries at once.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from flask_caching import Cache

from storefront.pacing import Every

log = logging.getLogger(__name__)

QUIET_SECONDS = 60.0


class SafeStore:
    def __init__(self, cache: Cache) -> None:
        self._cache = cache
        self._lock = threading.Lock()
        self._complaint = Every(QUIET_SECONDS)
        self.failures = 0

    def _failed(self, action: str, error: Exception) -> None:
        with self._lock:
            self.failures += 1
            if not self._complaint.due():
                return
            count, self.failures = self.failures, 0
        log.error("cache %s failed (%d failures in the last minute at most): %r",
                  action, count, error)

    def get(self, key: str) -> Any:
        try:
            return self._cache.get(key)
        except Exception as error:  # any backend error is a miss
            self._failed("get", error)
            return None

    def get_many(self, *keys: str) -> list[Any]:
        try:
            return list(self._cache.get_many(*keys))
        except Exception as error:
            self._failed("get_many", error)
            return [None] * len(keys)

    def set(self, key: str, value: Any, timeout: int) -> bool:
        try:
            return bool(self._cache.set(key, value, timeout=timeout))
        except Exception as error:
            self._failed("set", error)
            return False

    def add(self, key: str, value: Any, timeout: int) -> bool:
        """Set only if absent; True when this call set it (atomic on Redis)."""
        try:
            return bool(self._cache.add(key, value, timeout=timeout))
        except Exception as error:
            self._failed("add", error)
            return False

    def delete(self, key: str) -> None:
        try:
            self._cache.delete(key)
        except Exception as error:
            self._failed("delete", error)

    # Generations ---------------------------------------------------------------

    def generations(self, tags: tuple[str, ...]) -> tuple[int, ...]:
        values = self.get_many(*(f"gen:{tag}" for tag in tags))
        return tuple(int(v or 0) for v in values)

    def purge(self, tag: str) -> None:
        """Invalidate everything tagged `tag`, for every process sharing the backend."""
        # A new, never-reused number (not inc: a counter that expired and
        # restarted at 0 could bring back entries from before a purge).
        # timeout=0: kept until the backend is flushed.
        try:
            self._cache.set(f"gen:{tag}", time.time_ns(), timeout=0)
        except Exception as error:
            self._failed("purge", error)
