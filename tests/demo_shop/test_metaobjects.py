"""The demo shop's creator metaobjects: the demo creators, image references, and a
merchant's edit through `POST /_admin/metaobjects/<type>/<handle>`."""

from __future__ import annotations

import pytest

from storefront.demo_shop.carts import MemoryCartStore
from storefront.demo_shop.catalog import CatalogError
from storefront.demo_shop.shop import DemoShop
from storefront.demo_shop.web import create_http_app
from tests.creators.metaobject_data import generated, write_catalog
from tests.demo_shop.conftest import run

TOKEN = "metaobjects-token"
NAMES = """query($type: String!) { metaobjects(type: $type, first: 250) {
  nodes { handle name: field(key: "name") { value } } } }"""


def names(shop: DemoShop) -> dict[str, str]:
    nodes = run(shop, NAMES, {"type": "creator"})["metaobjects"]["nodes"]
    return {node["handle"]: node["name"]["value"] for node in nodes}


def test_the_shipped_shop_has_a_metaobject_for_each_demo_creator(shipped_shop):
    assert names(shipped_shop) == {
        "maya": "Maya Rivers", "leo": "Leo Park", "june": "June Okafor", "ava": "Ava Chen",
        "sam": "Sam Ito", "rosa": "Rosa Diaz", "kit": "Kit Morgan",
    }


def test_a_merchant_edit_changes_the_metaobject_and_its_updated_at(tmp_path):
    shop = DemoShop(write_catalog(tmp_path, [generated(1), generated(2)]),
                    carts=MemoryCartStore())
    before = shop.catalog.metaobject("creator", "creator-00001").updated_at
    client = create_http_app(shop, TOKEN).test_client()
    path = "/_admin/metaobjects/creator/creator-00001"
    assert client.post(path, json={"fields": {"name": "Renamed", "hero_subtitle": "New"}}
                       ).json == {"ok": True, "type": "creator", "handle": "creator-00001"}
    assert names(shop) == {"creator-00001": "Renamed", "creator-00002": "Creator 2"}
    edited = shop.catalog.metaobject("creator", "creator-00001")
    assert edited.updated_at != before
    assert [f.key for f in edited.fields][-1] == "hero_subtitle"  # a new field is added
    assert shop.catalog.metaobject_by_id(edited.id) is edited

    assert client.post("/_admin/metaobjects/creator/nobody",
                       json={"fields": {"name": "x"}}).status_code == 404
    for body in ({}, {"fields": {}}, {"fields": {"name": 1}}, {"fields": ["name"]}):
        assert client.post(path, json=body).status_code == 400


def test_a_file_reference_must_name_an_image_of_the_catalog(tmp_path):
    creator = generated(1)
    creator["fields"].append({"key": "avatar", "type": "file_reference", "file": "nope.svg"})
    with pytest.raises(CatalogError, match="image nope.svg is not in"):
        DemoShop(write_catalog(tmp_path, [creator]), carts=MemoryCartStore())
