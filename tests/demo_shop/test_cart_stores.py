"""Both cart stores keep the same promises; SQLite also shares carts between processes."""

from __future__ import annotations

import threading

import pytest

from storefront.demo_shop.carts import CartRecord, LineRecord, MemoryCartStore, SqliteCartStore
from storefront.demo_shop.shop import DemoShop
from tests.demo_shop.conftest import FIXTURE_CATALOG, Clock, run


@pytest.fixture(params=["memory", "sqlite"])
def make_store(request, tmp_path):
    def make(clock=None):
        clock = clock or Clock()
        if request.param == "memory":
            return MemoryCartStore(clock=clock)
        return SqliteCartStore(tmp_path / "carts.sqlite3", clock=clock)

    return make


def new_cart(store, token="t1", key="k1") -> CartRecord:
    cart = CartRecord(
        token=token,
        key=key,
        created_at=store.now(),
        updated_at=store.now(),
        lines=[LineRecord("l1", 700101, 1, [("gift", "yes")])],
        attributes=[("_creator", "maya")],
        discount_codes=["TAKE5"],
        note="hi",
    )
    store.create(cart)
    return cart


def test_get_needs_the_right_key(make_store):
    store = make_store()
    new_cart(store)
    found = store.get("t1", "k1")
    assert found.lines == [LineRecord("l1", 700101, 1, [("gift", "yes")])]
    assert found.attributes == [("_creator", "maya")] and found.note == "hi"
    assert store.get("t1", "wrong") is None
    assert store.get("nope", "k1") is None


def test_transact_saves_or_leaves_the_cart(make_store):
    store = make_store()
    new_cart(store)

    def add_one(cart):
        cart.lines[0].quantity += 1
        return cart

    assert store.transact("t1", "k1", add_one).lines[0].quantity == 2
    assert store.transact("t1", "k1", lambda cart: None).lines[0].quantity == 2
    assert store.transact("t1", "bad", add_one) is None
    assert store.get("t1", "k1").lines[0].quantity == 2


def test_carts_expire_after_days_without_an_update(make_store):
    clock = Clock()
    store = make_store(clock)
    new_cart(store)
    clock.advance(9)
    assert store.transact("t1", "k1", lambda cart: cart) is not None  # refreshed
    clock.advance(9)
    assert store.get("t1", "k1") is not None
    clock.advance(1.01)
    assert store.get("t1", "k1") is None
    assert store.transact("t1", "k1", lambda cart: cart) is None


def test_concurrent_changes_lose_no_update(make_store):
    store = make_store()
    new_cart(store)
    # SQLite: each thread uses its own connection; memory: one lock.
    stores = (
        [store] * 4
        if isinstance(store, MemoryCartStore)
        else [SqliteCartStore(store.path, clock=Clock()) for _ in range(4)]
    )

    def bump(cart):
        cart.lines[0].quantity += 1
        return cart

    def worker(own_store):
        for _ in range(25):
            own_store.transact("t1", "k1", bump)

    threads = [threading.Thread(target=worker, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.get("t1", "k1").lines[0].quantity == 1 + 4 * 25


def test_old_carts_are_purged_from_sqlite(tmp_path):
    clock = Clock()
    store = SqliteCartStore(tmp_path / "carts.sqlite3", clock=clock)
    new_cart(store, token="old")
    clock.advance(11)
    new_cart(store, token="new")
    rows = store._connection().execute("SELECT token FROM carts").fetchall()
    assert rows == [("new",)]
    assert store._connection().execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_two_shops_share_carts_through_one_sqlite_file(tmp_path):
    path = tmp_path / "carts.sqlite3"
    first = DemoShop(FIXTURE_CATALOG, carts=SqliteCartStore(path), base_url="http://a")
    second = DemoShop(FIXTURE_CATALOG, carts=SqliteCartStore(path), base_url="http://b")
    created = run(
        first,
        "mutation { cartCreate(input: {lines: [{merchandiseId: "
        '"gid://shopify/ProductVariant/700105"}]}) { cart { id } } }',
    )
    cart_id = created["cartCreate"]["cart"]["id"]
    run(
        second,
        "mutation($id: ID!) { cartLinesAdd(cartId: $id, lines: [{merchandiseId: "
        '"gid://shopify/ProductVariant/700105", quantity: 2}]) { cart { id } } }',
        {"id": cart_id},
    )
    seen = run(
        first, "query($id: ID!) { cart(id: $id) { totalQuantity checkoutUrl } }", {"id": cart_id}
    )
    assert seen["cart"]["totalQuantity"] == 3
    assert seen["cart"]["checkoutUrl"].startswith("http://a/demo-shop/checkouts/")
