"""Loading the catalog: records, lookups and the consistency rules."""

from __future__ import annotations

import copy
import dataclasses
import json
import math
import shutil
from decimal import Decimal

import pytest

from storefront.demo_shop.catalog import CatalogError, html_to_text, load_catalog
from tests.demo_shop.conftest import FIXTURE_CATALOG

RAW = json.loads(FIXTURE_CATALOG.read_text())


def test_fixture_catalog_loads_with_lookups():
    catalog = load_catalog(FIXTURE_CATALOG)
    tee = catalog.product("organic-cotton-tee")
    assert catalog.product_by_id(7001) is tee
    assert catalog.variant(700101).price == Decimal("38.00")
    assert [c.handle for c in catalog.collections_of(tee)] == ["frontpage", "apparel"]
    assert catalog.discount(" welcome10 ").code == "WELCOME10"
    assert catalog.metaobject("creator", "maya").fields[0].value == "Maya Rivers"
    assert catalog.product("nope") is None and catalog.variant(None) is None
    assert tee.description == "A soft organic cotton tee. Made to last."
    assert not catalog.product("ceramic-mug").available


def test_records_are_immutable():
    catalog = load_catalog(FIXTURE_CATALOG)
    with pytest.raises(dataclasses.FrozenInstanceError):
        catalog.products[0].title = "Changed"
    with pytest.raises(TypeError):
        catalog.products[0].options[1].swatches["Oat"] = "#000000"


def test_shipped_catalog_loads_and_is_big_enough(shipped_shop):
    catalog = shipped_shop.catalog
    assert len(catalog.collections) >= 6 and len(catalog.products) >= 40
    assert catalog.collection("frontpage") is not None
    assert any(not p.available for p in catalog.products)
    assert {m.handle for m in catalog.metaobjects} >= {"maya", "leo", "june"}
    for discount in ("WELCOME10", "TAKE5", "FERN15", "APPAREL20", "SUMMER24", "LAUNCHPARTY"):
        assert catalog.discount(discount) is not None


def broken(tmp_path, change) -> str:
    """Load a copy of the fixture with `change` applied; the error message."""
    raw = copy.deepcopy(RAW)
    change(raw)
    shutil.copytree(FIXTURE_CATALOG.parent / "images", tmp_path / "images")
    (tmp_path / "catalog.json").write_text(json.dumps(raw))
    with pytest.raises(CatalogError) as error:
        load_catalog(tmp_path / "catalog.json")
    return str(error.value)


def product(raw, handle="organic-cotton-tee"):
    return next(p for p in raw["products"] if p["handle"] == handle)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda raw: raw.pop("menus"), "missing top-level key 'menus'"),
        (
            lambda raw: raw["products"].append(copy.deepcopy(raw["products"][0])),
            "duplicate image id 90001",
        ),
        (
            lambda raw: raw["products"].append(
                {**copy.deepcopy(raw["products"][2]), "images": [], "id": 1, "variants": []}
            ),
            "a product needs at least one variant",
        ),
        (
            lambda raw: product(raw, "linen-shirt").update(handle="organic-cotton-tee"),
            "duplicate product 'organic-cotton-tee'",
        ),
        (lambda raw: product(raw).update(handle="Not A Handle"), "lowercase words"),
        (
            lambda raw: product(raw)["variants"][0]["selectedOptions"].update(Size="XXL"),
            "Size 'XXL' is not an option value",
        ),
        (
            lambda raw: product(raw)["variants"][0]["selectedOptions"].pop("Color"),
            "must name exactly the product's options",
        ),
        (
            lambda raw: product(raw)["variants"][1].update(
                selectedOptions=product(raw)["variants"][0]["selectedOptions"]
            ),
            "two variants have the same options",
        ),
        (lambda raw: product(raw)["variants"][0].update(price="38.001"), "at most two decimals"),
        (lambda raw: product(raw)["variants"][0].update(price="free"), "not a decimal amount"),
        (
            lambda raw: product(raw)["variants"][0].update(quantityAvailable=-1),
            "bad quantityAvailable",
        ),
        (
            lambda raw: product(raw)["variants"][0].update(image=90003),
            "image 90003 is not one of the product's images",
        ),
        (lambda raw: product(raw)["images"][0].update(file="missing.svg"), "missing.svg is not in"),
        (
            lambda raw: product(raw)["images"][0].update(file="../catalog.json"),
            "must be a plain file name",
        ),
        (
            lambda raw: product(raw)["options"][1]["swatches"].update(Blue="#0000ff"),
            "swatch for unknown Color value 'Blue'",
        ),
        (lambda raw: raw["collections"][1]["products"].append("ghost"), "unknown product 'ghost'"),
        (
            lambda raw: raw["discounts"].append({**raw["discounts"][0], "code": "welcome10"}),
            "duplicate discount 'welcome10'",
        ),
        (lambda raw: raw["discounts"][0].update(type="bogo"), "type must be one of"),
        (lambda raw: raw["discounts"][0].update(value="150"), "a percentage is in (0, 100]"),
        (
            lambda raw: raw["discounts"][3].update(entitledCollections=["ghosts"]),
            "unknown collection 'ghosts'",
        ),
        (lambda raw: raw["menus"][0]["items"][0].update(type="LINK"), "bad menu item type"),
        (lambda raw: raw["shop"].update(currencyCode="EUR"), "USD only"),
    ],
)
def test_consistency_rules(tmp_path, change, message):
    assert message in broken(tmp_path, change)


def test_html_to_text():
    assert html_to_text("<p>One&amp;two</p><p>three <b>four</b></p>\n") == "One&two three four"


def test_shipped_catalog_matches_its_generator():
    from tools.demo_catalog.build import build

    for path, text in build().items():
        assert path.read_text(encoding="utf-8") == text, f"{path}: run `make demo-catalog`"


def test_shipped_catalog_has_what_the_store_needs(shipped_shop):
    catalog = shipped_shop.catalog
    sold_out = [p.handle for p in catalog.products if not p.available]
    assert len(sold_out) >= 2
    assert any(p.variants[0].compare_at_price for p in catalog.products)
    # some option combinations do not exist, so selectors must cope
    assert any(
        len(p.variants) < math.prod(len(o.values) for o in p.options) for p in catalog.products
    )
    for menu in ("main-menu", "footer"):
        assert catalog.menu(menu).items
    for page in ("about", "faq", "shipping", "returns", "contact"):
        assert catalog.page(page) is not None
