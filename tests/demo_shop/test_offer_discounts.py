"""The demo shop's discounts of Shopify's other kinds: limited to products, an amount off
each item, and dates (startsAt included, endsAt excluded), reported as Shopify reports them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from storefront.demo_shop import discounts
from storefront.demo_shop.carts import MemoryCartStore
from storefront.demo_shop.catalog import CatalogError, load_catalog
from storefront.demo_shop.discounts import INACTIVE, NO_ENTITLED_LINES, PricedLine, price_cart
from storefront.demo_shop.shop import DemoShop
from tests.demo_shop.conftest import run
from tests.web.offer_kinds import offer_catalog

NOW = datetime(2026, 6, 15, tzinfo=UTC)


@pytest.fixture
def catalog(tmp_path, monkeypatch):
    monkeypatch.setattr(discounts, "now", lambda: NOW)
    return load_catalog(offer_catalog(tmp_path / "shop", extra=[
        {"code": "JUNE", "type": "percentage", "value": "10", "status": "active",
         "startsAt": "2026-06-01T00:00:00+02:00", "endsAt": NOW.isoformat()},
        {"code": "POUCH5", "type": "fixed_amount", "value": "5.00", "status": "active",
         "entitledProducts": ["linen-pouch"]},
    ]))


def line(catalog, handle: str, quantity: int = 1, key: str | None = None) -> PricedLine:
    product = catalog.product(handle)
    return PricedLine(key or handle, product.variants[0], product, quantity)


def test_an_amount_off_each_item_comes_off_every_unit_at_most_its_price(catalog):
    lines = [line(catalog, "organic-cotton-tee", 3), line(catalog, "linen-shirt")]
    priced = price_cart(catalog, lines, ["TEE10"])
    assert priced.codes[0].applicable
    assert [a.amount for a in priced.allocations["organic-cotton-tee"]] == [Decimal("30.00")]
    assert priced.allocations["linen-shirt"] == ()  # not entitled
    assert priced.total == Decimal("38.00") * 3 - Decimal("30.00") + Decimal("88.00")
    assert priced.cart_allocations == ()  # a product discount: reported on its lines


def test_an_amount_once_across_products_is_spread_as_before(catalog):
    lines = [line(catalog, "linen-pouch", 2)]
    priced = price_cart(catalog, lines, ["POUCH5"])
    assert priced.total == catalog.product("linen-pouch").variants[0].price * 2 - 5


def test_a_code_limited_to_products_needs_one_of_them(catalog):
    priced = price_cart(catalog, [line(catalog, "linen-shirt")], ["TEE10"])
    assert priced.codes[0].warning == NO_ENTITLED_LINES and priced.total == Decimal("88.00")


def test_dates_start_included_end_excluded(catalog, monkeypatch):
    tee = [line(catalog, "organic-cotton-tee")]
    assert price_cart(catalog, tee, ["JUNE"]).codes[0].warning == INACTIVE  # at endsAt
    monkeypatch.setattr(discounts, "now", lambda: NOW - timedelta(microseconds=1))
    assert price_cart(catalog, tee, ["JUNE"]).total == Decimal("34.20")
    monkeypatch.setattr(discounts, "now", lambda: datetime(2026, 5, 31, 22, tzinfo=UTC))
    assert price_cart(catalog, tee, ["JUNE"]).codes[0].applicable  # 00:00 at +02:00
    monkeypatch.setattr(discounts, "now", lambda: datetime(2026, 5, 31, 21, 59, tzinfo=UTC))
    assert price_cart(catalog, tee, ["JUNE"]).codes[0].warning == INACTIVE


@pytest.mark.parametrize(("change", "message"), [
    ({"entitledProducts": ["ghost"]}, "unknown product 'ghost'"),
    ({"appliesOnEachItem": True}, "appliesOnEachItem is for a fixed amount off some"),
    ({"appliesOnEachItem": "yes"}, "appliesOnEachItem must be true or false"),
    ({"startsAt": "2026-06-01T00:00:00"}, "needs an offset"),
    ({"endsAt": "soon"}, "'soon' is not an ISO 8601 date and time"),
    ({"startsAt": "2026-06-02T00:00:00Z", "endsAt": "2026-06-01T00:00:00Z"},
     "endsAt must be after startsAt"),
])
def test_bad_discounts_stop_the_catalog_with_a_message(tmp_path, change, message):
    path = offer_catalog(tmp_path / "shop")
    raw = json.loads(path.read_text())
    raw["discounts"][0].update(change)
    path.write_text(json.dumps(raw))
    with pytest.raises(CatalogError, match=message):
        load_catalog(path)


APPLICATION = """
mutation($input: CartInput) { cartCreate(input: $input) { cart { lines(first: 5) { nodes {
  merchandise { ... on ProductVariant { product { handle } } }
  discountAllocations { ... on CartCodeDiscountAllocation { code discountApplication {
    allocationMethod targetSelection } } } } } } } }
"""


@pytest.mark.parametrize(("code", "handle", "method", "selection"), [
    ("TEE10", "organic-cotton-tee", "EACH", "ENTITLED"),  # an amount off each of some products
    ("POUCH5", "linen-pouch", "ACROSS", "ENTITLED"),  # an amount once across some products
    ("COLL20", "organic-cotton-tee", "ACROSS", "ENTITLED"),  # a percentage on a collection
])
def test_a_code_limited_to_products_reports_its_entitled_lines(
    catalog, tmp_path, code, handle, method, selection,
):
    shop = DemoShop(tmp_path / "shop" / "catalog.json", carts=MemoryCartStore())
    variant = f"gid://shopify/ProductVariant/{catalog.product(handle).variants[0].id}"
    data = run(shop, APPLICATION, {"input": {
        "lines": [{"merchandiseId": variant, "quantity": 2}], "discountCodes": [code]}})
    (line,) = data["cartCreate"]["cart"]["lines"]["nodes"]
    (allocation,) = line["discountAllocations"]
    assert allocation["code"] == code
    assert allocation["discountApplication"] == {
        "allocationMethod": method, "targetSelection": selection}
