"""Bounded waits: each call's time for Shopify, retries within it, and the gate.

Time is a fake clock moved by the fake shop (a reply "takes" its seconds, or
as many as the call was allowed); nothing here sleeps.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Any

import pytest
import requests
from gql.transport import Transport
from graphql import ExecutionResult

from storefront.shopify import errors
from storefront.shopify.client import StorefrontClient
from storefront.shopify.transport import HTTPTransport
from storefront.shopify.waits import Gate, asking_shopify, cached_only
from tests.support import processes
from tests.support.waiting import until

COLLECTIONS = {"collections": {"nodes": [], "pageInfo": {
    "hasNextPage": False, "hasPreviousPage": False, "startCursor": None, "endCursor": None}}}
QUERY = ("Collections", {"first": 1})


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class SlowShop(Transport):
    """Answers with the next of `replies`: (seconds it takes, "ok" or an error kind).

    A reply slower than the call's `timeout` is cut off there, as a socket
    timeout would cut it; every call's `timeout` is kept.
    """

    def __init__(self, clock: Clock, *replies: tuple[float, str]) -> None:
        self.clock = clock
        self.replies = list(replies)
        self.timeouts: list[float | None] = []

    def execute(self, request, *args: Any, timeout: float | None = None, **kwargs: Any):
        self.timeouts.append(timeout)
        seconds, outcome = self.replies.pop(0)
        if timeout is not None and seconds > timeout:
            self.clock.now += timeout
            raise errors.Unavailable("timed out (ReadTimeout)")
        self.clock.now += seconds
        if outcome == "503":
            raise errors.Unavailable("HTTP 503", status=503)
        if outcome == "throttled":
            raise errors.Throttled("Throttled", status=200)
        return ExecutionResult(data=COLLECTIONS)


def make_client(shop: SlowShop, *, deadline: float | None = None, budget: float = 8.0,
                gate: Gate | None = None) -> StorefrontClient:
    clock = shop.clock
    return StorefrontClient(
        shop, budget=budget, deadline=lambda: deadline, gate=gate, clock=clock,
        retry_delay=(0.1, 0.1), sleep=lambda seconds: setattr(clock, "now", clock.now + seconds),
    )


# The budget -----------------------------------------------------------------------


def test_a_try_that_takes_the_whole_budget_is_not_retried():
    clock = Clock()
    shop = SlowShop(clock, (9.0, "ok"), (9.0, "ok"))
    client = make_client(shop, deadline=clock.now + 8)
    with pytest.raises(errors.Unavailable, match="timed out"):
        client.execute(*QUERY)
    assert shop.timeouts == [8.0]  # one try, given all of the page view's 8 s
    assert clock.now == 1008.0


def test_a_quick_failure_is_retried_with_what_is_left():
    clock = Clock()
    shop = SlowShop(clock, (1.0, "503"), (0.5, "ok"))
    client = make_client(shop, deadline=clock.now + 8)
    assert client.execute(*QUERY) == COLLECTIONS
    assert shop.timeouts == [8.0, pytest.approx(6.9)]  # 8 - 1 s failing - 0.1 s pause


def test_no_retry_when_too_little_is_left_for_one():
    clock = Clock()
    shop = SlowShop(clock, (7.7, "throttled"), (0.1, "ok"))
    client = make_client(shop, deadline=clock.now + 8)
    with pytest.raises(errors.Throttled):
        client.execute(*QUERY)
    assert len(shop.timeouts) == 1  # 0.3 s left, less than a pause and a useful try


def test_a_page_views_calls_share_its_budget_and_a_spent_one_sends_nothing():
    clock = Clock()
    shop = SlowShop(clock, (3.0, "ok"), (4.5, "ok"))
    client = make_client(shop, deadline=clock.now + 8)
    client.execute(*QUERY)
    client.execute(*QUERY)
    assert shop.timeouts == [8.0, 5.0]
    assert client.time_left() == pytest.approx(0.5)
    clock.now += 0.5
    with pytest.raises(errors.NotAsked, match=r"time for Shopify \(8 s\) is spent") as caught:
        client.execute(*QUERY)
    assert caught.value.operation == "Collections" and not caught.value.retryable
    assert len(shop.timeouts) == 2  # nothing more was sent


def test_outside_a_page_view_each_call_gets_a_budget_of_its_own():
    clock = Clock()
    shop = SlowShop(clock, (9.0, "ok"), (1.0, "ok"))
    client = make_client(shop, deadline=None, budget=5.0)
    with pytest.raises(errors.Unavailable):
        client.execute(*QUERY)
    assert client.execute(*QUERY) == COLLECTIONS
    assert shop.timeouts == [5.0, 5.0]
    assert client.time_left() is None


def test_a_mutation_is_sent_once_within_the_budget():
    clock = Clock()
    shop = SlowShop(clock, (1.0, "503"), (0.1, "ok"))
    client = make_client(shop, deadline=clock.now + 8)
    with pytest.raises(errors.Unavailable):
        client.execute("CartLinesAdd", {"cartId": "gid://shopify/Cart/a?key=b", "lines": []})
    assert shop.timeouts == [8.0]


def test_cached_only_sends_nothing():
    clock = Clock()
    shop = SlowShop(clock, (0.1, "ok"))
    client = make_client(shop, deadline=clock.now + 8)
    with cached_only():
        assert not asking_shopify()
        assert client.time_left() == 0
        with pytest.raises(errors.NotAsked, match="only cached data"):
            client.execute(*QUERY)
    assert asking_shopify()
    assert shop.timeouts == []
    assert client.execute(*QUERY) == COLLECTIONS


# The gate -------------------------------------------------------------------------


def test_a_full_gate_refuses_at_once_once_a_call_inside_has_taken_past_patience():
    clock = Clock()
    gate = Gate(2, patience=1.0, clock=clock)
    with gate.place(None):
        clock.now += 0.7
        with gate.place(None):  # a young call, but the oldest has taken 1.2 s by now
            clock.now += 0.5
            with pytest.raises(errors.Busy, match="2 Storefront calls already waiting") as e:
                with gate.place(None, "Search"):
                    pass
            assert e.value.operation == "Search" and e.value.kind == "busy"
            assert not e.value.retryable
    with gate.place(None):  # room again
        assert gate.inside == 1


def test_a_full_gate_of_young_calls_is_waited_at():
    clock = Clock()
    gate = Gate(1, patience=1.0, clock=clock)
    for _ in range(3):  # slow calls before make no difference: only those inside count
        with gate.place(None):
            clock.now += 8.0
    assert _waits_for_a_place(gate, clock, inside_for=0.9)
    assert not _waits_for_a_place(gate, clock, inside_for=1.1)


def _waits_for_a_place(gate: Gate, clock: Clock, inside_for: float) -> bool:
    """Whether a call finding `gate` full, its call inside for `inside_for` seconds,
    waits for a place (and gets the one freed) rather than being refused."""
    outcome: list[str] = []

    def call() -> None:
        try:
            with gate.place(None):
                outcome.append("in")
        except errors.Busy:
            outcome.append("busy")

    with gate.place(None):
        clock.now += inside_for
        caller = threading.Thread(target=call)
        caller.start()
        until(lambda: gate.waiting or outcome, within=10)
        waited = gate.waiting == 1
    caller.join(10)
    return waited and outcome == ["in"]


def test_a_call_waits_for_a_place_while_shopify_answers_and_gets_the_one_freed():
    clock = Clock()
    gate = Gate(1, patience=1.0, clock=clock)  # the fake clock stands still meanwhile
    first_in, let_go = threading.Event(), threading.Event()
    got_in: list[int] = []

    def first() -> None:
        with gate.place(None):
            first_in.set()
            let_go.wait(10)

    def second() -> None:
        with gate.place(clock.now + 8):
            got_in.append(gate.inside)

    holder = threading.Thread(target=first)
    holder.start()
    assert first_in.wait(10)
    waiter = threading.Thread(target=second)
    waiter.start()
    assert until(lambda: gate.waiting == 1, within=10)[0]
    assert got_in == []
    let_go.set()
    holder.join(10)
    waiter.join(10)
    assert got_in == [1] and gate.inside == 0 and gate.waiting == 0


def test_a_wait_for_the_gate_never_outlasts_the_deadline():
    clock = Clock()
    gate = Gate(1, patience=1.0, clock=clock)
    with gate.place(None), pytest.raises(errors.Busy):
        with gate.place(deadline=clock.now):  # nothing left to wait with
            pass


def test_only_a_page_views_calls_pass_the_gate():
    clock = Clock()
    gate = Gate(1, patience=1.0, clock=clock)
    shop = SlowShop(clock, (0.1, "ok"), (0.1, "ok"))
    page_view = make_client(shop, deadline=clock.now + 8, gate=gate)
    background = make_client(shop, deadline=None, gate=gate)
    with gate.place(None):
        clock.now += 2  # the call inside has taken past patience: Shopify is slow
        with pytest.raises(errors.Busy):
            page_view.execute(*QUERY)
        assert background.execute(*QUERY) == COLLECTIONS  # a refresh is no shopper's thread
    assert shop.timeouts == [8.0]  # only the background call was sent
    assert page_view.execute(*QUERY) == COLLECTIONS


# The HTTP transport -----------------------------------------------------------------


@pytest.fixture(scope="module")
def upstream():
    server = processes.start([sys.executable, "-m", "tests.support.fault_server"])
    yield server
    server.stop()


def test_the_http_transport_gives_up_when_the_time_left_is_spent(upstream):
    """Its own read timeout is 5 s; the 0.4 s left of a page view's budget wins."""
    requests.post(f"{upstream.url}/_fault", json={"mode": "timeout", "times": 1}, timeout=5)
    started = time.monotonic()
    client = StorefrontClient(
        HTTPTransport(f"{upstream.url}/api/2026-04/graphql.json", public_token="t",
                      connect_timeout=5, read_timeout=5),
        budget=8.0, deadline=lambda: started + 0.4,
    )
    with pytest.raises(errors.Unavailable, match="time for Shopify") as caught:
        client.execute(*QUERY)
    assert time.monotonic() - started < 2.0  # the fault holds its reply for 3 s
    assert "ReadTimeout" in caught.value.message
