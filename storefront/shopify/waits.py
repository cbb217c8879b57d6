"""How many wait on Shopify, and when nothing is to be asked of it at all.

- `Gate`: a worker lets only so many of its threads wait on Shopify at once,
  so one is always free for pages answered from the cache; a call that finds
  the gate full while Shopify is slow fails at once with Busy.
- `cached_only()`: inside it the client sends nothing (an error page after
  Shopify failed takes its frame from the cache, or goes without).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from storefront.shopify.errors import Busy

# A Storefront call normally takes well under this; one inside the gate for
# longer means Shopify is slow, and nobody waits behind it (see Gate).
PATIENCE_SECONDS = 1.0

_cached_only: ContextVar[bool] = ContextVar("storefront_cached_only", default=False)


@contextmanager
def cached_only() -> Iterator[None]:
    """Inside this block the client asks Shopify nothing: every call fails at once
    with NotAsked, so a data cache in front answers from what it holds or the
    caller does without (an error page after Shopify failed)."""
    token = _cached_only.set(True)
    try:
        yield
    finally:
        _cached_only.reset(token)


def asking_shopify() -> bool:
    """False inside `cached_only()` (for a cache deciding whether to refresh)."""
    return not _cached_only.get()


class Gate:
    """At most `size` calls waiting on Shopify at once in this process.

    A call that finds the gate full waits for a place only while Shopify is
    answering normally: until the oldest call inside has taken `patience`
    seconds (a Shopify answering in less frees a place by then), and never
    past its own deadline. Once a call inside has taken longer, Shopify is
    slow and a call finding the gate full fails at once with Busy: waiting
    behind calls that take seconds would only hold the thread it runs on,
    which is what the gate keeps free.
    """

    def __init__(self, size: int, *, patience: float = PATIENCE_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if size < 1:
            raise ValueError("a gate needs room for one call at least")
        self.size = size
        self.patience = patience
        self.clock = clock
        self._changed = threading.Condition()
        self._inside: dict[int, float] = {}  # ticket -> when it got in
        self._tickets = itertools.count()
        self._waiting = 0

    @contextmanager
    def place(self, deadline: float | None, operation: str | None = None) -> Iterator[None]:
        """Hold a place for one call; raise Busy when none can be had in time."""
        ticket = self._enter(deadline, operation)
        try:
            yield
        finally:
            with self._changed:
                del self._inside[ticket]
                self._changed.notify()

    @property
    def inside(self) -> int:
        """Calls holding a place now."""
        return len(self._inside)

    @property
    def waiting(self) -> int:
        """Calls waiting for a place now."""
        return self._waiting

    def _enter(self, deadline: float | None, operation: str | None) -> int:
        with self._changed:
            while len(self._inside) >= self.size:
                give_up_at = min(self._inside.values()) + self.patience
                if deadline is not None:
                    give_up_at = min(give_up_at, deadline)
                left = give_up_at - self.clock()
                if left <= 0:
                    raise Busy(f"{self.size} Storefront calls already waiting in this "
                               "process", operation=operation)
                self._waiting += 1
                try:
                    self._changed.wait(left)
                finally:
                    self._waiting -= 1
            ticket = next(self._tickets)
            self._inside[ticket] = self.clock()
            return ticket
