"""The Storefront data cache: keys, what is never cached, stale-while-revalidate,
stale-if-error, purges, and a backend that is down."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask
from flask_caching import Cache

from storefront.caching import policies
from storefront.caching.data import CachingClient
from storefront.caching.store import SafeStore
from storefront.shopify.documents import load_operations
from storefront.shopify.errors import Rejected, Unavailable

OPERATIONS = load_operations()


class FakeShopify:
    """Stands in for StorefrontClient: counts calls, can fail or block."""

    def __init__(self, context=None) -> None:
        self.operations = OPERATIONS
        self.context = context or {"country": "US", "language": "EN"}
        self.calls: list[tuple[str, dict]] = []
        self.fail: Exception | None = None
        self.gate: threading.Event | None = None
        self.entered = threading.Event()
        self.version = 0
        self._lock = threading.Lock()

    def in_context(self, name, given=None):
        """As StorefrontClient's: the context under the given variables."""
        wanted = self.operations[name].variables
        return {**{k: v for k, v in self.context.items() if k in wanted}, **(given or {})}

    def execute(self, name, variables=None):
        with self._lock:
            self.calls.append((name, dict(variables or {})))
        if self.gate is not None:
            self.entered.set()
            self.gate.wait(10)
        if self.fail is not None:
            raise self.fail
        return {"answer": f"{name} v{self.version}"}


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store():
    app = Flask(__name__)
    app.config.update(CACHE_TYPE="SimpleCache", CACHE_DEFAULT_TIMEOUT=300)
    cache = Cache(app)
    with app.app_context():
        yield SafeStore(cache)


@pytest.fixture
def shopify():
    return FakeShopify()


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def background() -> list:
    """Background refreshes the client asked for, run when a test says so."""
    return []


@pytest.fixture
def cached(shopify, store, clock, background):
    return CachingClient(shopify, store, "2026-04", clock=clock, run_later=background.append)


FRESH = policies.CATALOG.fresh
STALE = policies.CATALOG.stale


def test_a_fresh_entry_is_served_without_asking_shopify(cached, shopify):
    first = cached.execute("ProductPage", {"handle": "tee", "selectedOptions": []})
    second = cached.execute("ProductPage", {"handle": "tee", "selectedOptions": []})
    assert first == second and len(shopify.calls) == 1


def test_keys_differ_by_variables_context_and_version(shopify, store, clock):
    a = CachingClient(shopify, store, "2026-04", clock=clock)
    keys = {
        a.key("ProductPage", {"handle": "tee", "selectedOptions": []}),
        a.key("ProductPage", {"handle": "mug", "selectedOptions": []}),
        CachingClient(shopify, store, "2026-07", clock=clock).key(
            "ProductPage", {"handle": "tee", "selectedOptions": []}),
        CachingClient(FakeShopify({"country": "CA", "language": "EN"}), store, "2026-04",
                      clock=clock).key("ProductPage", {"handle": "tee", "selectedOptions": []}),
        CachingClient(FakeShopify({"country": "US", "language": "FR"}), store, "2026-04",
                      clock=clock).key("ProductPage", {"handle": "tee", "selectedOptions": []}),
    }
    assert len(keys) == 5
    # The same question in another order is the same key.
    assert a.key("HomePage", {"featured": "x", "perCollection": 4}) == a.key(
        "HomePage", {"perCollection": 4, "featured": "x"})


@pytest.mark.parametrize("name", ["Cart", "Variants", "CartCreate", "CartLinesAdd"])
def test_carts_and_mutations_are_never_cached(cached, shopify, name):
    cached.execute(name, {"id": "gid://shopify/Cart/x?key=y"})
    cached.execute(name, {"id": "gid://shopify/Cart/x?key=y"})
    assert len(shopify.calls) == 2


def test_error_replies_are_never_cached(cached, shopify):
    shopify.fail = Rejected("bad query")
    with pytest.raises(Rejected):
        cached.execute("Collections", {"first": 3})
    shopify.fail = None
    assert cached.execute("Collections", {"first": 3}) == {"answer": "Collections v0"}
    assert len(shopify.calls) == 2


def test_a_stale_entry_is_served_at_once_and_refreshed_in_the_background(
    cached, shopify, clock, background
):
    cached.execute("Collections", {"first": 3})
    shopify.version = 1
    clock.now += FRESH + 1
    # Nobody waits for the refresh: the stale answer now, one refresh queued.
    assert cached.execute("Collections", {"first": 3}) == {"answer": "Collections v0"}
    assert cached.execute("Collections", {"first": 3}) == {"answer": "Collections v0"}
    assert len(background) == 1 and len(shopify.calls) == 1
    background.pop()()
    assert cached.execute("Collections", {"first": 3}) == {"answer": "Collections v1"}
    assert len(shopify.calls) == 2 and not background


def test_many_concurrent_requests_for_a_stale_key_start_one_refresh(
    cached, shopify, clock, background
):
    cached.execute("HomePage", {"featured": "frontpage"})
    clock.now += FRESH + 1
    shopify.version = 1
    with ThreadPoolExecutor(max_workers=16) as pool:
        stale = list(pool.map(lambda _: cached.execute("HomePage", {"featured": "frontpage"}),
                              range(40)))
    assert stale == [{"answer": "HomePage v0"}] * 40
    assert len(background) == 1  # one refresh, holding the lock
    background.pop()()
    assert cached.execute("HomePage", {"featured": "frontpage"}) == {"answer": "HomePage v1"}
    assert len(shopify.calls) == 2  # the first fill, and one refresh


def test_a_failed_background_refresh_keeps_the_stale_entry_and_backs_off(
    cached, shopify, clock, background, caplog
):
    cached.execute("HomePage", {"featured": "frontpage"})
    clock.now += FRESH + 1
    shopify.fail = Unavailable("down")
    assert cached.execute("HomePage", {"featured": "frontpage"}) == {"answer": "HomePage v0"}
    background.pop()()  # fails: logged, not raised
    assert "serving cached HomePage after unavailable" in caplog.text
    # Served stale, and no new refresh while Shopify is backed off...
    assert cached.execute("HomePage", {"featured": "frontpage"}) == {"answer": "HomePage v0"}
    assert not background
    clock.now += policies.BACKOFF_SECONDS
    cached.execute("HomePage", {"featured": "frontpage"})
    assert len(background) == 1  # ...and one once the backoff is over


def test_stale_if_error_serves_the_last_good_data_for_up_to_a_day(cached, shopify, clock):
    cached.execute("CollectionPage", {"handle": "apparel"})
    shopify.fail = Unavailable("down")
    clock.now += FRESH + STALE + 3600  # past stale: must ask, and Shopify fails
    assert cached.execute("CollectionPage", {"handle": "apparel"}) == {
        "answer": "CollectionPage v0"
    }
    clock.now += policies.DAY
    with pytest.raises(Unavailable):
        cached.execute("CollectionPage", {"handle": "apparel"})


def test_rejected_is_not_hidden_by_stale_data(cached, shopify, clock):
    cached.execute("CollectionPage", {"handle": "apparel"})
    clock.now += FRESH + STALE + 1
    shopify.fail = Rejected("bad")
    with pytest.raises(Rejected):
        cached.execute("CollectionPage", {"handle": "apparel"})


def test_a_purge_makes_the_next_request_fetch_but_stale_if_error_still_helps(
    cached, shopify, store
):
    cached.execute("ProductPage", {"handle": "tee"})
    layout = cached.execute("Layout", {"mainMenu": "m", "footerMenu": "f"})
    store.purge("catalog")
    shopify.version = 1
    assert cached.execute("ProductPage", {"handle": "tee"}) == {"answer": "ProductPage v1"}
    assert cached.execute("Layout", {"mainMenu": "m", "footerMenu": "f"}) == layout  # not purged
    store.purge("catalog")
    shopify.fail = Unavailable("down")
    assert cached.execute("ProductPage", {"handle": "tee"}) == {"answer": "ProductPage v1"}


class BrokenBackend:
    """A cache backend that fails like a stopped Redis."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("Connection refused")

        return fail


def test_a_backend_that_is_down_means_no_cache_not_errors(shopify, clock, caplog):
    cached = CachingClient(shopify, SafeStore(BrokenBackend()), "2026-04", clock=clock)
    for _ in range(5):
        assert cached.execute("Collections", {"first": 3}) == {"answer": "Collections v0"}
    assert len(shopify.calls) == 5
    complaints = [r for r in caplog.records if "cache" in r.getMessage()]
    assert len(complaints) == 1  # logged once, not per call


def test_concurrent_misses_in_one_process_share_one_fetch(cached, shopify):
    shopify.gate = threading.Event()
    with ThreadPoolExecutor(max_workers=12) as pool:
        first = pool.submit(cached.execute, "ProductPage", {"handle": "tee"})
        assert shopify.entered.wait(10)
        others = [pool.submit(cached.execute, "ProductPage", {"handle": "tee"}) for _ in range(11)]
        shopify.gate.set()
        answers = [first.result(10)] + [f.result(10) for f in others]
    assert answers == [{"answer": "ProductPage v0"}] * 12
    assert len(shopify.calls) == 1


def test_a_failed_shared_fetch_fails_everyone_waiting_and_is_not_cached(cached, shopify, clock):
    shopify.gate, shopify.fail = threading.Event(), Unavailable("down")
    with ThreadPoolExecutor(max_workers=4) as pool:
        first = pool.submit(cached.execute, "ProductPage", {"handle": "tee"})
        assert shopify.entered.wait(10)
        other = pool.submit(cached.execute, "ProductPage", {"handle": "tee"})
        shopify.gate.set()
        for future in (first, other):
            with pytest.raises(Unavailable):
                future.result(10)
    shopify.fail, shopify.gate = None, None
    clock.now += policies.BACKOFF_SECONDS  # (until then, not asked again: see below)
    assert cached.execute("ProductPage", {"handle": "tee"}) == {"answer": "ProductPage v0"}


def test_after_a_failed_miss_shopify_is_not_asked_again_for_a_while(cached, shopify, clock):
    shopify.fail = Unavailable("down")
    with pytest.raises(Unavailable):
        cached.execute("ProductPage", {"handle": "tee"})
    for _ in range(5):
        with pytest.raises(Unavailable, match="not asked again yet"):
            cached.execute("ProductPage", {"handle": "tee"})
    assert len(shopify.calls) == 1
    assert cached.stats["backoff"] == 5
    clock.now += policies.BACKOFF_SECONDS
    shopify.fail = None
    assert cached.execute("ProductPage", {"handle": "tee"}) == {"answer": "ProductPage v0"}
    assert len(shopify.calls) == 2


def test_a_cold_key_another_process_is_fetching_is_waited_for_not_fetched(
    shopify, store, clock
):
    # Two processes: two clients (each with its own in-process flights) on one store.
    shopify.gate = threading.Event()
    with ThreadPoolExecutor(max_workers=2) as pool:
        one = CachingClient(shopify, store, "2026-04", clock=clock)
        first = pool.submit(one.execute, "ProductPage", {"handle": "tee"})
        assert shopify.entered.wait(10)  # the first process holds the fetch

        def wait(seconds):  # the second process waits: meanwhile the first one finishes
            shopify.gate.set()
            first.result(10)

        two = CachingClient(shopify, store, "2026-04", clock=clock, wait=wait)
        assert two.execute("ProductPage", {"handle": "tee"}) == {"answer": "ProductPage v0"}
    assert len(shopify.calls) == 1
    assert two.stats["waited"] == 1


def test_entries_live_as_long_as_their_use_warrants(cached, shopify, store, clock, background,
                                                   monkeypatch):
    lifetimes = {}
    original = store.set

    def recording(key, value, timeout):
        if key.startswith("sf:"):
            lifetimes.setdefault(key, []).append(timeout)
        return original(key, value, timeout)

    monkeypatch.setattr(store, "set", recording)
    cached.execute("Search", {"query": "once"})
    cached.execute("Collections", {"first": 3})
    clock.now += FRESH + 1
    cached.execute("Collections", {"first": 3})  # asked for again after it went stale
    background.pop()()
    once, again = (lifetimes[cached.key(n, v)] for n, v in (
        ("Search", {"query": "once"}), ("Collections", {"first": 3})))
    assert once == [FRESH + STALE]  # nobody repeated it: gone once stale
    assert again == [FRESH + STALE, policies.CATALOG.error]  # kept for stale-if-error


def test_after_a_failure_served_from_cache_shopify_is_left_alone_for_a_while(cached, shopify,
                                                                             clock):
    cached.execute("CollectionPage", {"handle": "apparel"})
    clock.now += FRESH + STALE + 1
    shopify.fail = Unavailable("down")
    for _ in range(5):
        assert cached.execute("CollectionPage", {"handle": "apparel"}) == {
            "answer": "CollectionPage v0"}
    assert len(shopify.calls) == 2  # the first fill and one failed try, not six
