"""Deliveries that arrive together are committed together (group commit).

Each webhook must be stored durably before Shopify gets its 200, and a durable
commit costs a flush to disk: about 1.7 ms on SQLite, which lets one writer
in at a time, so one commit per delivery caps a machine at a few hundred
deliveries a second however many workers it runs. So the threads of a
process hand their deliveries to whichever of them is committing: it takes
every delivery queued by then into one transaction and wakes each thread
with its own outcome once the commit is done. Nothing waits for company: a
delivery that arrives alone is committed alone, at once.

No thread of its own: the first thread to arrive leads, and when its batch
is committed it hands the lead to the oldest delivery still queued (so a
thread answers its own request as soon as its delivery is committed, rather
than committing everyone else's for as long as they keep coming).

The leader takes its batch once its `turn` has come (db.write_turn: the other
processes writing the same SQLite file commit one at a time): whatever its
process's threads handed in while it waited for the others goes in too.
Taken before the wait, with four workers most batches held one delivery,
and each paid a whole flush.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

MAX_BATCH = 64  # a bound on one transaction's length, and on the wait of its last delivery


class Job:
    """One delivery in the queue: the caller's `work`, then its `result` or `error`."""

    __slots__ = ("work", "result", "error", "_woken", "_leads")

    def __init__(self, work: Any) -> None:
        self.work = work
        self.result: Any = None
        self.error: BaseException | None = None
        self._woken = threading.Event()
        self._leads = False


class Together:
    """Runs `commit(jobs)` on batches of jobs submitted by any thread of this process.

    `commit` sets each job's `result` (or `error`); if it raises, every job of
    the batch without an outcome gets that exception.
    """

    def __init__(self, commit: Callable[[list[Job]], None],
                 turn: Callable[[], AbstractContextManager] = nullcontext) -> None:
        self._commit = commit
        self._turn = turn
        self._lock = threading.Lock()
        self._queue: list[Job] = []
        self._busy = False

    def submit(self, work: Any) -> Any:
        """Queue `work`, wait until it is committed, and return its result (or raise)."""
        job = Job(work)
        with self._lock:
            self._queue.append(job)
            leads = not self._busy
            self._busy = True
        if not leads:
            job._woken.wait()
            leads = job._leads
        if leads:
            self._lead()
        if job.error is not None:
            raise job.error
        return job.result

    def _take(self) -> list[Job]:
        with self._lock:
            # The leader's own job is first in the queue: it arrived first, or was
            # handed the lead as the oldest waiting.
            batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
        return batch

    def _lead(self) -> None:
        batch: list[Job] = []
        try:
            with self._turn():
                batch = self._take()
                self._commit(batch)
        except BaseException as problem:  # every job is answered, whatever happened
            batch = batch or self._take()  # (the turn itself failed)
            for job in batch:
                if job.result is None and job.error is None:
                    job.error = problem
        finally:
            with self._lock:
                if self._queue:
                    following = self._queue[0]
                    following._leads = True
                    following._woken.set()
                else:
                    self._busy = False
            for job in batch:
                job._woken.set()
