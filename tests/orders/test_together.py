"""Group commit: deliveries handed in together are committed in one transaction, each
with its own outcome, and a batch's failure is its own deliveries' only."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

import pytest

from storefront.orders import together
from storefront.orders.delivery import Delivery
from storefront.orders.together import Job, Together
from tests.orders.conftest import delivery_rows, order_rows
from tests.orders.payloads import body, order


def wait_for(condition, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        threading.Event().wait(0.005)


def in_thread(call, results: dict, name: str) -> threading.Thread:
    def run():
        try:
            results[name] = call()
        except Exception as problem:
            results[name] = problem

    thread = threading.Thread(target=run)
    thread.start()
    return thread


class Gate:
    """A commit that records its batches and holds the first one until released."""

    def __init__(self, fail: set[str] = frozenset()) -> None:
        self.batches: list[list[str]] = []
        self.entered, self.release = threading.Event(), threading.Event()
        self.fail = fail

    def __call__(self, jobs: list[Job]) -> None:
        self.batches.append([job.work for job in jobs])
        if len(self.batches) == 1:
            self.entered.set()
            assert self.release.wait(timeout=10)
        if self.fail & {job.work for job in jobs}:
            raise RuntimeError("the database went away")
        for job in jobs:
            job.result = f"stored {job.work}"


def test_a_delivery_alone_is_committed_at_once_on_its_own():
    gate = Gate()
    gate.release.set()
    assert Together(gate).submit("a") == "stored a"
    assert gate.batches == [["a"]]


def test_deliveries_that_arrive_while_one_commits_are_committed_together():
    gate, results = Gate(), {}
    group = Together(gate)
    first = in_thread(lambda: group.submit("a"), results, "a")
    assert gate.entered.wait(timeout=10)
    others = [in_thread(lambda w=w: group.submit(w), results, w) for w in "bcd"]
    wait_for(lambda: len(group._queue) == 3)
    gate.release.set()
    for thread in (first, *others):
        thread.join(timeout=10)
    assert gate.batches[0] == ["a"]
    assert sorted(gate.batches[1]) == ["b", "c", "d"] and len(gate.batches) == 2
    assert results == {w: f"stored {w}" for w in "abcd"}
    assert not group._busy and group._queue == []


def test_a_failed_commit_fails_its_own_deliveries_only_and_the_next_batch_goes_on():
    gate, results = Gate(fail={"b"}), {}
    group = Together(gate)
    first = in_thread(lambda: group.submit("a"), results, "a")
    assert gate.entered.wait(timeout=10)
    second = in_thread(lambda: group.submit("b"), results, "b")
    wait_for(lambda: len(group._queue) == 1)
    gate.release.set()
    first.join(timeout=10)
    second.join(timeout=10)
    assert results["a"] == "stored a"
    assert isinstance(results["b"], RuntimeError)
    assert group.submit("c") == "stored c"  # the lead was handed back, not lost


def test_deliveries_handed_in_while_the_leader_waits_for_its_turn_join_its_batch():
    # The turn: another process's commit of the same SQLite file (db.write_turn).
    others_commit = threading.Lock()
    others_commit.acquire()
    waiting = threading.Event()

    @contextmanager
    def turn():
        waiting.set()
        with others_commit:
            yield

    gate, results = Gate(), {}
    gate.release.set()
    group = Together(gate, turn=turn)
    first = in_thread(lambda: group.submit("a"), results, "a")
    assert waiting.wait(timeout=10)
    others = [in_thread(lambda w=w: group.submit(w), results, w) for w in "bc"]
    wait_for(lambda: len(group._queue) == 3)
    others_commit.release()
    for thread in (first, *others):
        thread.join(timeout=10)
    assert gate.batches == [["a", "b", "c"]]  # one commit, one flush, for the three
    assert results == {w: f"stored {w}" for w in "abc"}


def test_a_turn_that_fails_answers_the_deliveries_it_held_and_the_next_goes_on():
    failures = iter([OSError("no lock file")])

    @contextmanager
    def turn():
        problem = next(failures, None)
        if problem is not None:
            raise problem
        yield

    gate = Gate()
    gate.release.set()
    group = Together(gate, turn=turn)
    with pytest.raises(OSError, match="no lock file"):
        group.submit("a")
    assert group.submit("b") == "stored b" and gate.batches == [["b"]]


def test_a_batch_is_bounded(monkeypatch):
    monkeypatch.setattr(together, "MAX_BATCH", 2)
    gate, results = Gate(), {}
    group = Together(gate)
    first = in_thread(lambda: group.submit("a"), results, "a")
    assert gate.entered.wait(timeout=10)
    others = [in_thread(lambda w=w: group.submit(w), results, w) for w in "bcde"]
    wait_for(lambda: len(group._queue) == 4)
    gate.release.set()
    for thread in (first, *others):
        thread.join(timeout=10)
    assert [len(batch) for batch in gate.batches] == [1, 2, 2]
    assert results == {w: f"stored {w}" for w in "abcde"}


@pytest.mark.parametrize("database", ["sqlite", "postgresql"], indirect=True)
def test_one_transaction_keeps_each_deliverys_own_outcome(ledger):
    """Committed together: a duplicate and a delivery that fails to apply are undone
    alone (the failed one kept as failed), the others are applied."""
    good, later = order(501, subtotal="40.00"), order(502, subtotal="60.00")
    broken = {**order(503), "created_at": "not a time"}
    jobs = [Job(ledger._prepare(Delivery("orders/create", body(data), webhook_id=webhook)))
            for data, webhook in ((good, "w1"), (broken, "w2"), (good, "w1"), (later, "w3"))]
    ledger._commit(jobs)
    first, failed, again, last = (job.result for job in jobs)
    assert first.error is None and not first.duplicate
    assert failed.error and "created_at" in failed.error
    assert again.duplicate
    assert last.error is None
    assert sorted(row["order_id"] for row in order_rows(ledger)) == [501, 502]
    statuses = {row["webhook_id"]: row["status"] for row in delivery_rows(ledger)}
    assert statuses == {"w1": "done", "w2": "failed", "w3": "done"}
    [failure] = ledger.failures()
    assert failure["id"] == failed.delivery_id


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_threads_delivering_at_once_store_each_delivery_once(ledger):
    deliveries = [Delivery(topic, body(order(600 + n, subtotal="10.00",
                                             financial_status=status)),
                           webhook_id=f"{topic}-{n}")
                  for n in range(24) for topic, status in (("orders/create", "pending"),
                                                           ("orders/paid", "paid"))]
    results: dict = {}
    threads = [in_thread(lambda d=d: ledger.receive(d), results, d.webhook_id)
               for d in deliveries]
    for thread in threads:
        thread.join(timeout=60)
    assert all(r.error is None and not r.duplicate for r in results.values()), results
    assert len(order_rows(ledger)) == 24
    assert {row["financial_status"] for row in order_rows(ledger)} == {"paid"}
    assert len(delivery_rows(ledger)) == 48


HOLD_A_TURN = """
import sys
from storefront.orders import db
engine = db.make_engine(sys.argv[1])
with db.write_turn(engine):
    print("holding", flush=True)
    sys.stdin.readline()  # until the test says so
print("released", flush=True)
"""


def test_sqlite_writers_of_two_processes_take_turns(tmp_path):
    import subprocess
    import sys

    from storefront.orders import db

    url = f"sqlite:///{tmp_path / 'orders.sqlite3'}"
    other = subprocess.Popen([sys.executable, "-c", HOLD_A_TURN, url], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert other.stdout.readline().strip() == "holding"
        engine, got = db.make_engine(url), threading.Event()

        def take():
            with db.write_turn(engine):
                got.set()

        waiting = threading.Thread(target=take)
        waiting.start()
        assert not got.wait(timeout=0.3)  # (a bound on how long it is given to show it would not)
        other.stdin.write("\n")
        other.stdin.flush()
        assert got.wait(timeout=10)
        waiting.join(timeout=10)
        assert other.stdout.readline().strip() == "released"
    finally:
        other.kill()
        other.wait(timeout=10)
