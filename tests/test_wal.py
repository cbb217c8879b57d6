"""Every SQLite file the workers of a machine share is switched to WAL by whichever opens it
first: processes that open a fresh one at once all start (SQLite answers "database is
locked" at once, without its busy timeout, to the others)."""

from __future__ import annotations

import multiprocessing

import pytest

from storefront.demo_shop.carts import SqliteCartStore
from storefront.funnels.stores import SqliteStore
from storefront.orders import db


def _funnels(path: str) -> None:
    SqliteStore(path, retention_days=30)


def _carts(path: str) -> None:
    SqliteCartStore(path)


def _orders(path: str) -> None:
    engine = db.make_engine(f"sqlite:///{path}")
    with engine.connect():
        pass


def _open(opener, path: str, barrier) -> None:
    barrier.wait()
    opener(path)


@pytest.mark.parametrize("opener", [_funnels, _carts, _orders], ids=["funnels", "carts", "orders"])
def test_processes_opening_a_fresh_file_at_once_all_start(tmp_path, opener):
    # forkserver, not fork: a test worker (pytest-xdist) runs threads, and a child
    # forked while one of them holds a lock (its output's, say) can hang for good.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])  # (its imports once, not in every child)
    failed = 0
    for round_number in range(6):
        path = str(tmp_path / f"file-{round_number}.sqlite3")
        barrier = context.Barrier(6)
        workers = [context.Process(target=_open, args=(opener, path, barrier))
                   for _ in range(6)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
        failed += sum(worker.exitcode != 0 for worker in workers)
    assert failed == 0
