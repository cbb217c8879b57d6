"""Doing something at most once every so many seconds, from the first time on.

A "last time" that starts at 0 and is compared with `time.monotonic()` waits
out the machine's uptime instead: monotonic counts from boot, so for the first
interval after a boot the action never runs. "Never" is None here, and the
clock is a parameter so tests can stand at any uptime.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Every:
    """`due()` is True on its first call, then at most once every `seconds`."""

    def __init__(self, seconds: float, clock: Callable[[], float] | None = None) -> None:
        self.seconds = seconds
        self.clock = clock or time.monotonic
        self._last: float | None = None
        self._lock = threading.Lock()

    def due(self) -> bool:
        with self._lock:
            now = self.clock()
            if self._last is not None and now - self._last < self.seconds:
                return False
            self._last = now
            return True
