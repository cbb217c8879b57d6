"""The two cache tiers: the per-process one in front, the shared SQLite file behind,
and how the store uses them (generations, a failing shared tier, its breaker)."""

from __future__ import annotations

import multiprocessing

import pytest
from flask import Flask

from storefront import caching
from storefront.caching import store
from storefront.caching.local import LocalTier
from storefront.caching.sqlite import SQLiteCache
from storefront.caching.store import GENERATIONS_SECONDS, Breaker, Tiers


class Clock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


# The tier in front ------------------------------------------------------------------


def test_the_local_tier_is_bounded_by_bytes_least_recently_used_out_first():
    local = LocalTier(max_bytes=100_000, seconds=10, clock=Clock())
    for name in "abcd":
        local.set(name, b"x" * 10_000)
    local.get("a")  # used: kept
    for name in "efghijk":
        local.set(name, b"x" * 10_000)
    assert local.used <= 100_000
    assert local.get("a") is not None and local.get("b") is None


def test_the_local_tier_forgets_after_its_lifetime_and_refuses_giants():
    clock = Clock()
    local = LocalTier(max_bytes=80_000, seconds=10, clock=clock)
    local.set("page", "text")
    local.set("short", "text", seconds=2)
    clock.now += 5
    assert local.get("page") == "text" and local.get("short") is None
    clock.now += 5
    assert local.get("page") is None
    local.set("giant", b"x" * 20_000)  # over an eighth of the tier
    assert local.get("giant") is None and local.used == 0


def test_a_page_counts_what_it_holds_and_holds_its_text_once():
    import pickle

    from storefront.caching.local import size_of
    from storefront.web.pages import Page, fill, filled_bytes

    text = ("<p>" + "é" * 3000, "</p>" + "x" * 3000)
    encoded = tuple(part.encode() for part in text)
    now = Page((), ("nonce",), "d", None, None, encoded)  # as pages are kept now
    before = Page(text, ("nonce",), "d", None, None, encoded)  # kept by an older release
    assert fill(now, {"nonce": "n"}) == fill(before, {"nonce": "n"}) == "n".join(text)
    assert filled_bytes(now, {"nonce": "n"}) == "n".join(text).encode()
    # Counted by what each holds (é is two bytes in UTF-8), near its pickled size.
    assert size_of(now) >= sum(map(len, encoded))
    assert size_of(before) >= sum(map(len, encoded)) + sum(map(len, text))
    assert abs(size_of(now) - len(pickle.dumps(now, pickle.HIGHEST_PROTOCOL))) < 500


# The shared SQLite file -------------------------------------------------------------


def test_sqlite_entries_expire_by_their_timeout_and_zero_means_kept(tmp_path):
    clock = Clock()
    cache = SQLiteCache(tmp_path, clock=clock)
    cache.set("page", {"html": "<p>"}, timeout=60)
    cache.set("gen:catalog", 42, timeout=0)
    assert cache.get("page") == {"html": "<p>"}
    assert cache.get_many("gen:catalog", "page", "nothing") == [42, {"html": "<p>"}, None]
    clock.now += 61
    assert cache.get("page") is None and cache.get("gen:catalog") == 42


def test_sqlite_add_wins_once_while_live_and_again_once_expired(tmp_path):
    clock = Clock()
    cache = SQLiteCache(tmp_path, clock=clock)
    assert cache.add("lock", 1, timeout=20) is True
    assert cache.add("lock", 2, timeout=20) is False
    assert cache.get("lock") == 1
    clock.now += 21
    assert cache.add("lock", 3, timeout=20) is True
    assert cache.get("lock") == 3
    assert cache.delete("lock") is True and cache.add("lock", 4, timeout=20) is True


def _race(path, barrier, results) -> None:
    cache = SQLiteCache(path)
    barrier.wait()
    results.put(sum(cache.add(f"lock:{n}", 1, timeout=60) for n in range(50)))


def test_sqlite_add_has_one_winner_across_processes(tmp_path):
    SQLiteCache(tmp_path)
    # forkserver, not fork: a test worker (pytest-xdist) runs threads, and a child
    # forked while one of them holds a lock can hang for good.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])  # (its imports once, not in every child)
    barrier, results = context.Barrier(4), context.Queue()
    racers = [context.Process(target=_race, args=(tmp_path, barrier, results)) for _ in range(4)]
    for racer in racers:
        racer.start()
    won = [results.get(timeout=60) for _ in racers]
    for racer in racers:
        racer.join(60)
    assert sum(won) == 50  # each of the 50 keys won by exactly one process


def test_sqlite_keeps_within_its_size_dropping_what_expires_first_never_generations(tmp_path):
    clock = Clock()
    cache = SQLiteCache(tmp_path, max_bytes=2_000_000, clock=clock)
    cache.set("gen:catalog", 7, timeout=0)
    for n in range(100):
        cache.set(f"page:{n}", b"x" * 40_000, timeout=100 + n)  # 4 MB, twice the bound
    cache.prune()
    kept = [n for n in range(100) if cache.get(f"page:{n}") is not None]
    assert cache.get("gen:catalog") == 7
    assert 0 < len(kept) * 40_000 <= 1_600_000
    assert kept == list(range(100 - len(kept), 100))  # the longest-lived stay


def test_a_corrupt_or_missing_folder_is_made(tmp_path):
    cache = SQLiteCache(tmp_path / "deep" / "er")
    cache.set("k", "v", timeout=5)
    assert cache.get("k") == "v"


# The store over both ----------------------------------------------------------------


class Shared:
    """A shared backend that counts calls and can fail like a dead Redis."""

    def __init__(self) -> None:
        self.data: dict = {}
        self.calls: list[str] = []
        self.down = False

    def _call(self, name):
        self.calls.append(name)
        if self.down:
            raise ConnectionError("Connection refused")

    def get(self, key):
        self._call("get")
        return self.data.get(key)

    def get_many(self, *keys):
        self._call("get_many")
        return [self.data.get(key) for key in keys]

    def set(self, key, value, timeout=None):
        self._call("set")
        self.data[key] = value
        return True

    def add(self, key, value, timeout=None):
        self._call("add")
        if key in self.data:
            return False
        self.data[key] = value
        return True

    def delete(self, key):
        self._call("delete")
        self.data.pop(key, None)


@pytest.fixture
def two_tiers(monkeypatch):
    """An app whose store has a tier in front of `Shared`, and one clock for both."""
    app = Flask(__name__)
    clock = Clock()
    shared = Shared()
    app.extensions["cache_tiers"] = Tiers(LocalTier(1_000_000, 10, clock=clock),
                                          Breaker(5, clock=clock), shared=True, clock=clock)
    monkeypatch.setattr(store, "_cache", shared)
    with app.app_context():
        yield shared, clock


def test_a_hit_in_front_costs_no_round_trip(two_tiers):
    shared, _ = two_tiers
    store.set("page:1", "<html>", timeout=120)
    shared.calls.clear()
    assert [store.get("page:1") for _ in range(5)] == ["<html>"] * 5
    assert shared.calls == []


def test_a_shared_hit_is_kept_in_front(two_tiers):
    shared, _ = two_tiers
    shared.data["page:2"] = "<html>"
    assert store.get("page:2") == "<html>" and store.get("page:2") == "<html>"
    assert shared.calls == ["get"]


def test_generations_are_read_at_most_every_half_second_and_a_purge_is_seen_at_once(
    two_tiers
):
    shared, clock = two_tiers
    shared.data["gen:catalog"] = 5
    assert store.generations(("catalog",)) == (5,)
    assert store.generations(("catalog",)) == (5,)
    assert shared.calls.count("get_many") == 1
    shared.data["gen:catalog"] = 6  # another worker purged
    clock.now += GENERATIONS_SECONDS
    assert store.generations(("catalog",)) == (6,)
    store.purge("catalog")  # this worker purges: its own next read has it
    assert store.generations(("catalog",)) == (shared.data["gen:catalog"],)


def test_a_failing_shared_tier_keeps_the_last_generations_and_is_left_alone(two_tiers):
    shared, clock = two_tiers
    shared.data["gen:catalog"] = 5
    store.set("page:1", "<html>", timeout=120)
    assert store.generations(("catalog",)) == (5,)
    shared.down = True
    clock.now += GENERATIONS_SECONDS
    assert store.generations(("catalog",)) == (5,)  # not 0: every page would be a miss
    assert store.state().startswith("failing")
    shared.calls.clear()
    for _ in range(20):
        assert store.get("page:1") == "<html>"  # from the front tier
        assert store.get("page:other") is None
        store.generations(("catalog",))
    assert shared.calls == []  # the breaker is open: not one timeout per request
    clock.now += 5  # the interval is over: one call tries again
    shared.down = False
    assert store.get("page:other") is None
    assert store.state() == "ok" and shared.calls == ["get"]


def test_claim_does_the_work_when_the_shared_tier_cannot_say(two_tiers):
    shared, _ = two_tiers
    assert store.claim("fetching:x", 20) is True
    assert store.claim("fetching:x", 20) is False  # someone holds it
    shared.down = True
    assert store.claim("fetching:y", 20) is True  # nobody could be asked: fetch
    assert store.add("lock:y", 1, 20) is False  # (a refresh lock just isn't taken)


def test_a_per_process_cache_keeps_its_purge_generations_through_a_prune(tmp_path):
    app = Flask(__name__)
    app.config.update(CACHE_TYPE="SimpleCache", CACHE_THRESHOLD=100, CACHE_DEFAULT_TIMEOUT=300,
                      CACHE_LOCAL_BYTES=1_000_000, CACHE_LOCAL_SECONDS=10.0,
                      CACHE_TIMEOUT_MS=250, CACHE_BREAKER_SECONDS=5.0)
    caching.init_app(app)
    with app.app_context():
        store.purge("catalog")
        generation = store.generations(("catalog",))
        assert generation != (0,)
        for n in range(500):  # SimpleCache prunes at 100 entries
            store.set(f"page:{n}", n, timeout=300)
        assert store.generations(("catalog",)) == generation
