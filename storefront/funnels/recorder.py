"""Counting funnel events in memory and writing them out in the background.

A request only adds to a dict and a set under a lock; a thread of the worker
writes the totals to the store every FUNNELS_FLUSH_SECONDS (and when the
worker exits), so no page waits on SQLite or Redis. If the store is down, the
totals are kept and written on a later try.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import os
import threading
import time
import weakref
from collections import Counter
from datetime import UTC, date, datetime

from storefront.pacing import Every

log = logging.getLogger(__name__)

EVENTS = ("visit", "view", "add", "checkout")
# Visitor ids waiting to be written; past this, new ones are dropped (the
# counts are still kept) so a long outage of the store cannot eat the memory.
MAX_PENDING_VISITORS = 200_000
_recorders: weakref.WeakSet[Recorder] = weakref.WeakSet()


def day_of(moment: float) -> str:
    """The UTC day of a time.time() value, as YYYY-MM-DD (what the store keys by)."""
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%d")


class Recorder:
    def __init__(self, store, secret: str, flush_seconds: float, clock=time.time) -> None:
        self.store = store
        self.flush_seconds = flush_seconds
        self.clock = clock
        # Visitor ids are keyed hashes: the store never holds an address, and
        # the ids cannot be matched with another site's.
        self._key = hashlib.sha256(b"funnels\0" + secret.encode()).digest()[:32]
        self._lock = threading.Lock()
        self._counts: Counter[tuple[str, str, str, str]] = Counter()
        self._visitors: set[tuple[str, str, str]] = set()
        self._writing = False  # a writer thread runs in this process
        self._day, self._day_ends = "", 0.0
        self._wake = threading.Event()
        self._complaint = Every(60.0)  # a store that stays down is said once a minute
        _recorders.add(self)

    def visitor(self, address: str, user_agent: str) -> str:
        material = f"{address}\n{user_agent}".encode()
        return hashlib.blake2b(material, key=self._key, digest_size=8).hexdigest()

    def record(self, event: str, creator: str | None, visitor: str, product: str = "") -> None:
        """Count one event for `creator` (None: the brand's own store) today."""
        day = self._today()
        who = creator or ""
        with self._lock:
            self._counts[(day, who, event, product)] += 1
            if len(self._visitors) < MAX_PENDING_VISITORS:
                self._visitors.add((day, who, visitor))
        if not self._writing:
            self._start()

    def today(self) -> date:
        """The UTC day this recorder counts into now (its clock's): the last day of a
        report read beside it."""
        return date.fromisoformat(self._today())

    def _today(self) -> str:
        now = self.clock()
        if now >= self._day_ends or now < self._day_ends - 86400:
            self._day = day_of(now)
            self._day_ends = (now // 86400 + 1) * 86400  # the next UTC midnight
        return self._day

    def flush(self) -> bool:
        """Write what was counted; False (and kept for later) when the store refused."""
        with self._lock:
            counts, visitors = self._counts, self._visitors
            self._counts, self._visitors = Counter(), set()
        if not counts and not visitors:
            return True
        try:
            self.store.add(counts, visitors)
        except Exception as error:  # the store is down: keep the totals, say so now and then
            with self._lock:
                self._counts.update(counts)
                room = MAX_PENDING_VISITORS - len(self._visitors)
                self._visitors.update(list(visitors)[:max(room, 0)])
            if self._complaint.due():
                log.error("funnel counts not written, kept for the next try: %s", error)
            return False
        return True

    def _start(self) -> None:
        """One writer thread per process (a forked worker starts its own)."""
        with self._lock:
            if self._writing:
                return
            self._writing = True
        thread = threading.Thread(target=self._run, name="funnels-writer", daemon=True)
        thread.start()

    def _run(self) -> None:
        while True:
            self._wake.wait(self.flush_seconds)
            self._wake.clear()
            self.flush()


def _after_fork() -> None:
    # A forked worker has none of its parent's threads: it starts its own
    # writer. What the parent counted is the parent's to write, not twice.
    for recorder in list(_recorders):
        recorder._writing = False
        recorder._lock = threading.Lock()
        recorder._wake = threading.Event()
        recorder._counts, recorder._visitors = Counter(), set()


os.register_at_fork(after_in_child=_after_fork)


def flush_all() -> None:
    """Write every recorder's counts: at exit, and from gunicorn's worker_exit hook."""
    for recorder in list(_recorders):
        recorder.flush()


atexit.register(flush_all)
