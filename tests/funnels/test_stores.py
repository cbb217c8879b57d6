"""SQLite and Redis keep the same counts; the recorder keeps counts while a store is down."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sqlite3
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

import pytest

from storefront.funnels.recorder import Recorder, day_of
from storefront.funnels.stores import RedisStore, SqliteStore
from tests.support import processes
from tests.support.ports import free_port

TODAY = datetime.now(UTC).date().isoformat()
YESTERDAY = (date.fromisoformat(TODAY) - timedelta(days=1)).isoformat()


@pytest.fixture(scope="module")
def redis_url():
    if shutil.which("redis-server") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is missing (apt-get install redis-server)")
        pytest.skip("redis-server is not installed")
    port = free_port()
    server = processes.redis_server(port)
    yield f"redis://127.0.0.1:{port}/0"
    server.stop()


@pytest.fixture(params=["sqlite", "redis"])
def store(request, tmp_path):
    if request.param == "sqlite":
        return SqliteStore(tmp_path / "funnels.sqlite3", retention_days=30)
    url = request.getfixturevalue("redis_url")
    return RedisStore(url, f"test-{tmp_path.name}:", retention_days=30)


def test_counts_add_up_across_writes_and_days(store):
    store.add(Counter({(TODAY, "maya", "view", "tee"): 2, (TODAY, "", "visit", ""): 1}),
              {(TODAY, "maya", "v1"), (TODAY, "", "v2")})
    store.add(Counter({(TODAY, "maya", "view", "tee"): 3, (YESTERDAY, "maya", "visit", ""): 4}),
              {(TODAY, "maya", "v1"), (YESTERDAY, "maya", "v3"), (TODAY, "maya", "v4")})
    assert store.counts(YESTERDAY, TODAY) == Counter({
        (TODAY, "maya", "view", "tee"): 5, (TODAY, "", "visit", ""): 1,
        (YESTERDAY, "maya", "visit", ""): 4,
    })
    assert store.counts(TODAY, TODAY)[(YESTERDAY, "maya", "visit", "")] == 0
    assert store.unique_visitors(YESTERDAY, TODAY) == {"maya": 3, "": 1}
    assert store.unique_visitors(TODAY, TODAY) == {"maya": 2, "": 1}
    assert store.daily_unique_visitors(YESTERDAY, TODAY) == {
        (TODAY, "maya"): 2, (TODAY, ""): 1, (YESTERDAY, "maya"): 1}


def test_unique_visitors_are_close_for_many(store):
    ids = {(TODAY, "maya", f"visitor-{i}") for i in range(5000)}
    store.add(Counter({(TODAY, "maya", "visit", ""): 5000}), ids)
    assert abs(store.unique_visitors(TODAY, TODAY)["maya"] - 5000) <= 100  # Redis: HyperLogLog


@pytest.mark.parametrize("uptime", [5.0, 7200.0, 1e7])
def test_sqlite_drops_visitor_ids_past_the_retention_keeps_counts(tmp_path, uptime):
    # The monotonic clock counts from boot: the first write prunes on a machine
    # that booted seconds ago as much as on one up for months.
    store = SqliteStore(tmp_path / "f.sqlite3", retention_days=7, clock=lambda: uptime)
    old = (date.fromisoformat(TODAY) - timedelta(days=8)).isoformat()
    store.add(Counter({(old, "maya", "visit", ""): 2}), {(old, "maya", "a"), (TODAY, "maya", "b")})
    with sqlite3.connect(tmp_path / "f.sqlite3") as db:
        days = {row[0] for row in db.execute("SELECT day FROM visitors")}
    assert days == {TODAY}
    assert store.counts(old, TODAY)[(old, "maya", "visit", "")] == 2


def test_redis_visitor_ids_expire_after_the_retention(redis_url, tmp_path):
    store = RedisStore(redis_url, f"ttl-{tmp_path.name}:", retention_days=7)
    store.add(Counter({(TODAY, "maya", "visit", "")}), {(TODAY, "maya", "a")})
    ttl = store.client.ttl(f"ttl-{tmp_path.name}:funnels:visitors:{TODAY}:maya")
    assert 6 * 86400 < ttl <= 7 * 86400
    assert store.client.ttl(f"ttl-{tmp_path.name}:funnels:counts:{TODAY}") == -1  # kept


def _write_from_a_process(path: str, rounds: int, day: str) -> None:
    # (`day` from the parent: a spawned process imports this module again, maybe after
    # midnight.)
    store = SqliteStore(path, retention_days=30)
    for i in range(rounds):
        visitor = f"{os.getpid()}-{i}"
        store.add(Counter({(day, "maya", "view", "tee"): 1}), {(day, "maya", visitor)})


def test_several_processes_write_one_sqlite_file_without_losing_counts(tmp_path):
    path = str(tmp_path / "shared.sqlite3")
    SqliteStore(path, retention_days=30)
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_write_from_a_process, args=(path, 60, TODAY))
               for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    store = SqliteStore(path, retention_days=30)
    assert store.counts(TODAY, TODAY)[(TODAY, "maya", "view", "tee")] == 240
    assert store.unique_visitors(TODAY, TODAY) == {"maya": 240}


class Failing:
    def __init__(self) -> None:
        self.down = True
        self.written: list = []

    def add(self, counts, visitors) -> None:
        if self.down:
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6399. Connection refused.")
        self.written.append((Counter(counts), set(visitors)))


def test_counts_wait_while_the_store_is_down_and_are_written_once_it_is_back(caplog):
    store = Failing()
    recorder = Recorder(store, "k" * 32, flush_seconds=3600)
    visitor = recorder.visitor("203.0.113.9", "Firefox")
    recorder.record("view", "maya", visitor, "tee")
    assert recorder.flush() is False
    recorder.record("view", "maya", visitor, "tee")
    assert recorder.flush() is False
    complaints = [r for r in caplog.records if "funnel counts not written" in r.getMessage()]
    assert len(complaints) == 1  # said once, not on every try
    store.down = False
    assert recorder.flush() is True
    day = day_of(recorder.clock())
    assert store.written == [(Counter({(day, "maya", "view", "tee"): 2}), {(day, "maya", visitor)})]
    assert recorder.flush() is True and len(store.written) == 1  # nothing twice


def test_visitor_ids_are_keyed_hashes_not_addresses():
    one = Recorder(Failing(), "a" * 32, 60)
    other = Recorder(Failing(), "b" * 32, 60)
    visitor = one.visitor("203.0.113.9", "Firefox")
    assert "203.0.113.9" not in visitor and len(visitor) == 16
    assert visitor == one.visitor("203.0.113.9", "Firefox")
    assert visitor != one.visitor("203.0.113.10", "Firefox")
    assert visitor != other.visitor("203.0.113.9", "Firefox")  # another store's key


def test_a_forked_worker_writes_its_own_counts_not_its_parents(tmp_path):
    store = SqliteStore(tmp_path / "fork.sqlite3", retention_days=30)
    noon = datetime.combine(date.fromisoformat(TODAY), time(12), UTC).timestamp()
    recorder = Recorder(store, "k" * 32, flush_seconds=3600, clock=lambda: noon)
    recorder.record("view", "maya", "parent", "tee")
    child = os.fork()
    if child == 0:  # the worker: one view of its own, written as it exits
        try:
            recorder.record("view", "maya", "child", "tee")
            recorder.flush()
        finally:
            os._exit(0)
    os.waitpid(child, 0)
    recorder.flush()
    assert store.counts(TODAY, TODAY)[(TODAY, "maya", "view", "tee")] == 2
    assert store.unique_visitors(TODAY, TODAY) == {"maya": 2}
