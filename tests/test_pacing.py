"""Things done at most once an interval run the first time, whatever the uptime."""

from __future__ import annotations

import logging

import pytest
from flask_caching import Cache

from storefront.caching.store import SafeStore
from storefront.pacing import Every


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("uptime", [0.0, 3.0, 59.0, 86_400.0])
def test_the_first_call_is_due_at_any_uptime(uptime):
    clock = Clock(uptime)
    every = Every(60, clock)
    assert every.due()
    assert not every.due()
    clock.now += 59.9
    assert not every.due()
    clock.now += 0.1
    assert every.due()


class Broken:
    def get(self, key):
        raise ConnectionError("redis is down")


def test_a_cache_failure_right_after_boot_is_logged(caplog, monkeypatch):
    monkeypatch.setattr("time.monotonic", lambda: 1.5)  # one and a half seconds after boot
    store = SafeStore(Cache())
    store._cache = Broken()
    with caplog.at_level(logging.ERROR, logger="storefront.caching.store"):
        assert store.get("page") is None
        assert store.get("page") is None
    assert len([r for r in caplog.records if "cache get failed" in r.getMessage()]) == 1
