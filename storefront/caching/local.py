"""The per-process cache tier in front of the shared one: small, short-lived, no I/O.

A page-cache hit then costs no round trip to Redis or the shared file. It is
safe to keep copies here because what could change under them is in their
keys or checked on use: page keys carry the purge generations, data entries
carry theirs, and the generations themselves are re-read from the shared tier
at most `GENERATIONS_SECONDS` apart (store.py). Bounded by bytes, least
recently used out first; entries live `seconds` at most.
"""

from __future__ import annotations

import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any


def size_of(value: Any) -> int:
    """About how many bytes `value` holds (its pickled size; a page's text length)."""
    parts = getattr(value, "parts", None)
    if isinstance(parts, tuple):  # a web.pages.Page: cheaper than pickling it
        # Its text, as UTF-8 (or, kept before, as text), then its gzip pieces, if any.
        text = (getattr(value, "encoded", None) or ()) + parts
        deflated = getattr(value, "deflated", None) or ()
        return (sum(len(part) for part in text) + sum(len(piece) for piece in deflated)
                + 64 * len(text))
    try:
        return len(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
    except Exception:  # not picklable: the shared tier could not hold it either
        return 1 << 30


class LocalTier:
    def __init__(self, max_bytes: int, seconds: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_bytes = max_bytes
        self.seconds = seconds
        self.clock = clock
        self.used = 0
        self._entries: OrderedDict[str, tuple[Any, float, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        found = self._entries.get(key)
        if found is None:
            return None
        value, expires, _ = found
        if expires <= self.clock():
            self.delete(key)
            return None
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
        return value

    def set(self, key: str, value: Any, seconds: float | None = None) -> None:
        size = size_of(value)
        if size > self.max_bytes // 8:
            self.delete(key)  # one entry may not push out most of the others
            return
        lifetime = self.seconds if seconds is None else min(seconds, self.seconds)
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.used -= old[2]
            self._entries[key] = (value, self.clock() + lifetime, size)
            self.used += size
            while self.used > self.max_bytes:
                _, (_, _, dropped) = self._entries.popitem(last=False)
                self.used -= dropped

    def delete(self, key: str) -> None:
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.used -= old[2]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.used = 0

    def __len__(self) -> int:
        return len(self._entries)
