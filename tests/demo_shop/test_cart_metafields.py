"""Cart metafields: set, read back, overwritten, deleted, and every way to get them wrong."""

from __future__ import annotations

import pytest

from storefront.demo_shop.carts import MemoryCartStore
from storefront.demo_shop.shop import DemoShop
from tests.demo_shop.conftest import Clock, run

SET = """mutation($m: [CartMetafieldsSetInput!]!) { cartMetafieldsSet(metafields: $m) {
  metafields { id namespace key type value createdAt updatedAt description }
  userErrors { code elementIndex field message }
} }"""
DELETE = """mutation($i: CartMetafieldDeleteInput!) { cartMetafieldDelete(input: $i) {
  deletedId userErrors { code field message }
} }"""
READ = """query($id: ID!) { cart(id: $id) {
  note: metafield(namespace: "custom", key: "note") { id value type updatedAt }
  app: metafield(key: "wrap") { namespace value }
  metafields(identifiers: [{namespace: "custom", key: "note"}, {key: "missing"}]) { key }
} }"""


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def shop(clock) -> DemoShop:
    return DemoShop(carts=MemoryCartStore(clock=clock))


@pytest.fixture
def cart_id(shop) -> str:
    return run(shop, "mutation { cartCreate { cart { id } } }")["cartCreate"]["cart"]["id"]


def entry(owner: str, key: str = "custom.note", kind: str = "single_line_text_field",
          value: str = "Leave at the door") -> dict:
    return {"ownerId": owner, "key": key, "type": kind, "value": value}


def set_fields(shop, *entries) -> dict:
    return run(shop, SET, {"m": list(entries)})["cartMetafieldsSet"]


def read(shop, cart_id) -> dict:
    return run(shop, READ, {"id": cart_id})["cart"]


def test_a_metafield_is_set_and_read_back(shop, cart_id):
    payload = set_fields(shop, entry(cart_id), entry(cart_id, "wrap", "boolean", "true"))
    assert payload["userErrors"] == []
    note, wrap = payload["metafields"]
    assert note["id"].startswith("gid://shopify/Metafield/") and note["description"] is None
    assert (note["namespace"], note["key"], note["value"]) == ("custom", "note",
                                                               "Leave at the door")
    assert wrap["namespace"] == "$app"  # a bare key is in the app's own namespace
    cart = read(shop, cart_id)
    assert cart["note"]["id"] == note["id"] and cart["note"]["value"] == "Leave at the door"
    assert cart["app"] == {"namespace": "$app", "value": "true"}
    assert cart["metafields"] == [{"key": "note"}, None]


def test_setting_again_overwrites_and_keeps_the_id(shop, cart_id, clock):
    first = set_fields(shop, entry(cart_id))["metafields"][0]
    clock.advance(1)
    second = set_fields(shop, entry(cart_id, kind="multi_line_text_field", value="a\nb"))
    second = second["metafields"][0]
    assert second["id"] == first["id"] and second["createdAt"] == first["createdAt"]
    assert second["updatedAt"] > first["updatedAt"] and second["value"] == "a\nb"


def test_delete(shop, cart_id):
    created = set_fields(shop, entry(cart_id))["metafields"][0]
    payload = run(shop, DELETE, {"i": {"ownerId": cart_id, "key": "custom.note"}})
    assert payload["cartMetafieldDelete"] == {"deletedId": created["id"], "userErrors": []}
    assert read(shop, cart_id)["note"] is None
    again = run(shop, DELETE, {"i": {"ownerId": cart_id, "key": "custom.note"}})
    assert again["cartMetafieldDelete"]["userErrors"][0]["code"] == "METAFIELD_DOES_NOT_EXIST"
    malformed = run(shop, DELETE, {"i": {"ownerId": cart_id, "key": "a"}})
    assert malformed["cartMetafieldDelete"]["userErrors"][0]["code"] == "METAFIELD_DOES_NOT_EXIST"
    stranger = run(shop, DELETE, {"i": {"ownerId": "gid://shopify/Cart/x?key=y", "key": "a.bb"}})
    assert stranger["cartMetafieldDelete"]["userErrors"][0]["code"] == "INVALID_OWNER"


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"type": "rating"}, "INVALID_TYPE", "type"),
        ({"type": "number_integer", "value": "12.5"}, "INVALID_VALUE", "value"),
        ({"type": "number_decimal", "value": "1e400"}, "INVALID_VALUE", "value"),
        ({"type": "boolean", "value": "yes"}, "INVALID_VALUE", "value"),
        ({"type": "json", "value": "{"}, "INVALID_VALUE", "value"),
        ({"type": "date", "value": "2026-02-30"}, "INVALID_VALUE", "value"),
        ({"type": "color", "value": "red"}, "INVALID_VALUE", "value"),
        ({"type": "url", "value": "javascript:alert(1)"}, "INVALID_VALUE", "value"),
        ({"type": "list.number_integer", "value": '[1, "two"]'}, "INVALID_VALUE", "value"),
        ({"value": "two\nlines"}, "INVALID_VALUE", "value"),
        ({"value": "x" * 65_536}, "TOO_LONG", "value"),
        ({"key": "  "}, "BLANK", "key"),
        ({"key": "custom.a"}, "TOO_SHORT", "key"),
        ({"key": "custom." + "k" * 65}, "TOO_LONG", "key"),
        ({"key": "custom.gift note"}, "INVALID_VALUE", "key"),
        ({"ownerId": "gid://shopify/Cart/unknown?key=nope"}, "INVALID_OWNER", "ownerId"),
        ({"ownerId": "gid://shopify/Product/1"}, "INVALID_OWNER", "ownerId"),
    ],
)
def test_a_wrong_metafield_is_refused_and_none_is_set(shop, cart_id, change, code, field):
    payload = set_fields(shop, entry(cart_id), {**entry(cart_id, "custom.other"), **change})
    [error] = payload["userErrors"]
    assert (error["code"], error["elementIndex"]) == (code, 1)
    assert error["field"] == ["metafields", "1", field] and error["message"]
    assert payload["metafields"] is None or payload["metafields"] == []
    assert read(shop, cart_id)["note"] is None  # all or nothing


def test_good_values_of_every_kind(shop, cart_id):
    good = [("number_integer", "-42"), ("number_decimal", "12.50"), ("json", '{"a": [1]}'),
            ("date", "2026-04-01"), ("date_time", "2026-04-01T10:00:00Z"),
            ("url", "https://fernwood.example"), ("color", "#2f4a3a"),
            ("list.single_line_text_field", '["a", "b"]'), ("list.number_integer", "[1, 2]")]
    entries = [entry(cart_id, f"custom.k{n}", kind, value) for n, (kind, value) in enumerate(good)]
    assert set_fields(shop, *entries)["userErrors"] == []


def test_at_most_25_at_once(shop, cart_id):
    entries = [entry(cart_id, f"custom.k{n}") for n in range(26)]
    [error] = set_fields(shop, *entries)["userErrors"]
    assert error["code"] == "LESS_THAN_OR_EQUAL_TO" and error["field"] == ["metafields"]
