"""Workers that boot together on a fresh cache file all start: none fails on the file's
first switch to WAL ("database is locked"), which SQLite reports without waiting."""

from __future__ import annotations

import multiprocessing

from storefront.caching.sqlite import SQLiteCache


def _boot(directory: str, barrier) -> None:
    barrier.wait()
    cache = SQLiteCache(directory)
    cache.set("booted", True)


def test_eight_processes_opening_a_fresh_cache_at_once_all_start(tmp_path):
    # forkserver, not fork: a test worker (pytest-xdist) runs threads, and a child
    # forked while one of them holds a lock can hang for good.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])  # (its imports once, not in every child)
    failed = 0
    for round_number in range(10):
        directory = str(tmp_path / f"cache-{round_number}")
        barrier = context.Barrier(8)
        workers = [context.Process(target=_boot, args=(directory, barrier)) for _ in range(8)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
        failed += sum(worker.exitcode != 0 for worker in workers)
        assert SQLiteCache(directory).get("booted") is True
    assert failed == 0
