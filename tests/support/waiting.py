"""Waiting for another process to catch up, by asking it again (never by sleeping)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def until(check: Callable[[], T], within: float) -> tuple[T, float]:
    """Call `check` (a request, a read) until it returns something true or `within`
    seconds have passed; its last answer, and the seconds it took to come true."""
    start = time.monotonic()
    while True:
        answer = check()
        taken = time.monotonic() - start
        if answer or taken >= within:
            return answer, taken
