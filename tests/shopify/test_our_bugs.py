"""Our bugs are 500s; Shopify failing, or answering in another shape, is a 503.

The client checks each reply against the shape its document asked for, so the
reshaping code can trust it: an exception there is a bug of ours, shown as one
(a 500, its traceback logged), not as Shopify being down (a 503, an upstream
error line, /readyz down).
"""

from __future__ import annotations

import copy
import logging
import sys
from typing import Any

import pytest
from gql.transport import Transport
from graphql import (
    ExecutionResult,
    FragmentDefinitionNode,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    visit,
)

from storefront import create_app
from storefront.demo_shop.carts import MemoryCartStore
from storefront.demo_shop.shop import DemoShop
from storefront.demo_shop.transport import DemoShopTransport
from storefront.shopify import errors, reshape
from storefront.shopify.client import StorefrontClient
from storefront.shopify.documents import load_operations
from tests.support import STRONG_KEY, processes

OPERATIONS = load_operations()


def a_bug(*_args, **_kwargs):
    raise KeyError("a field our reshape code got wrong")


def upstream_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records
            if "storefront request failed" in r.getMessage()
            or getattr(r, "outcome", "ok") != "ok"]


@pytest.fixture
def app(tmp_path):
    return create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3")})


def test_a_bug_in_reshaping_is_a_500_with_its_traceback(app, monkeypatch, caplog):
    monkeypatch.setattr(reshape, "product", a_bug)
    client = app.test_client()
    page = client.get("/products/linen-shirt")
    assert page.status_code == 500
    assert "Retry-After" not in page.headers
    bug = [r for r in caplog.records if r.exc_info and isinstance(r.exc_info[1], KeyError)]
    assert bug and "unhandled error on /products/linen-shirt" in bug[0].getMessage()
    assert "Traceback" in caplog.text and "a_bug" in caplog.text
    assert upstream_lines(caplog) == []  # Shopify answered: nothing says otherwise
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["storefront"] == "ok"


def test_readyz_stays_up_through_a_bug_in_the_layout(app, monkeypatch, caplog):
    def broken(raw):
        raise TypeError("'NoneType' object is not subscriptable")

    monkeypatch.setattr(reshape, "shop", broken)  # every page's frame
    client = app.test_client()
    assert client.get("/").status_code == 500
    assert any(r.exc_info and isinstance(r.exc_info[1], TypeError) for r in caplog.records)
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["ready"] is True
    assert upstream_lines(caplog) == []


# A reply of another shape, from a server answering 200 -------------------------------


@pytest.fixture(scope="module")
def elsewhere():
    """A fault server with no shop behind it: every query gets the same unrelated JSON."""
    server = processes.start([sys.executable, "-m", "tests.support.fault_server"])
    yield server
    server.stop()


def test_a_reply_of_another_shape_is_shopify_unavailable(elsewhere, tmp_path, caplog):
    app = create_app({
        "SHOPIFY_STORE_DOMAIN": elsewhere.url,
        "SHOPIFY_STOREFRONT_TOKEN": "a-token",
        "SECRET_KEY": STRONG_KEY,
    })
    client = app.test_client()
    page = client.get("/products/linen-shirt")
    assert page.status_code == 503 and page.headers["Retry-After"]
    failed = [r for r in caplog.records if "storefront request failed" in r.getMessage()]
    assert len(failed) == 1
    assert "the reply does not have the shape asked for: data.product is missing" in \
        failed[0].getMessage()
    assert "operation=ProductPage" in failed[0].getMessage()
    assert not any(r.exc_info for r in caplog.records)  # no bug of ours: no traceback
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["storefront"] == "unavailable"


# The shape check itself ------------------------------------------------------------


class Canned(Transport):
    """Answers every request with `data`."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def execute(self, request, *args: Any, **kwargs: Any) -> ExecutionResult:
        return ExecutionResult(data=copy.deepcopy(self.data))


def answer(name: str, data: dict[str, Any], variables: dict | None = None) -> dict:
    client = StorefrontClient(Canned(data), retry_delay=(0, 0))
    return client.execute(name, variables or {})


@pytest.fixture(scope="module")
def shop() -> StorefrontClient:
    return StorefrontClient(DemoShopTransport(DemoShop(carts=MemoryCartStore())))


@pytest.fixture(scope="module")
def product(shop) -> dict:
    return shop.execute("ProductPage", {"handle": "linen-shirt", "selectedOptions": []})


@pytest.fixture(scope="module")
def cart(shop, product) -> dict:
    variant = product["product"]["variants"]["nodes"][0]["id"]
    made = shop.execute("CartCreate", {"input": {"lines": [
        {"merchandiseId": variant, "quantity": 1}]}})
    return {"cart": made["cartCreate"]["cart"]}


def changed(data: dict, change) -> dict:
    data = copy.deepcopy(data)
    change(data)
    return data


@pytest.mark.parametrize(("change", "where"), [
    (lambda d: d.clear(), "data.product is missing"),
    (lambda d: d.update(product="linen-shirt"), "data.product is not an object"),
    (lambda d: d["product"].update(title={"text": "Linen"}), "data.product.title is not a scalar"),
    (lambda d: d["product"].pop("handle"), "data.product.handle is missing"),
    (lambda d: d["product"]["variants"]["nodes"][0].pop("price"),
     "data.product.variants.nodes[0].price is missing"),
    (lambda d: d["product"]["variants"].update(nodes=["gid://x"]),
     "data.product.variants.nodes[0] is not an object"),
    (lambda d: d["product"].update(tags=[["nested", {"x": 1}]]),
     "data.product.tags[0][1] is not a scalar"),
])
def test_a_reply_missing_what_was_asked_is_unavailable(product, change, where):
    with pytest.raises(errors.Unavailable) as caught:
        answer("ProductPage", changed(product, change))
    assert caught.value.message == f"the reply does not have the shape asked for: {where}"
    assert caught.value.operation == "ProductPage"


def test_what_shopify_may_answer_passes(shop, product, cart):
    assert answer("ProductPage", product) == product
    assert answer("ProductPage", {"product": None}) == {"product": None}  # not found: a 404
    # Null anywhere, and fields nobody asked for, are Shopify's to send.
    assert answer("ProductPage", changed(product, lambda d: d["product"].update(
        seo=None, vendor=None, extra={"new": "field"})))
    # Another kind of cart line (no `... on CartLine` fields) is not a broken reply.
    other_line = changed(cart, lambda d: d["cart"]["lines"]["nodes"].append({}))
    assert answer("Cart", other_line) == other_line
    # A field switched off with @include(if: false) is left out.
    entries = shop.execute("SitemapEntries", {"first": 250, "withProducts": True,
                                              "withCollections": False, "withPages": False})
    assert set(entries) == {"products"}
    assert answer("SitemapEntries", entries) == entries


def test_a_typed_part_is_all_there_or_not_at_all(cart):
    half_a_line = changed(cart, lambda d: d["cart"]["lines"]["nodes"].append({"id": "x"}))
    with pytest.raises(errors.Unavailable, match=r"data.cart.lines.nodes\[1\].quantity is missing"):
        answer("Cart", half_a_line)


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_named_fragments_are_spread_only_where_their_own_type_is(shopify, name):
    """What the shape check assumes: a named fragment's fields are all the object's own."""
    document = OPERATIONS[name].document
    types = {d.name.value: d.type_condition.name.value
             for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    info = TypeInfo(shopify)
    misplaced: list[str] = []

    class Spreads(Visitor):
        def enter_fragment_spread(self, node, *_args) -> None:
            parent = info.get_parent_type()
            if parent is None or parent.name != types[node.name.value]:
                misplaced.append(f"...{node.name.value} in {parent}")

    visit(document, TypeInfoVisitor(info, Spreads()))
    assert misplaced == []
