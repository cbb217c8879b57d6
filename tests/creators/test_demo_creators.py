"""The demo creators in creators/: valid, built on the demo catalog, each showing a feature.

These check the files this project ships, by handle. A brand adds its own
creators beside them (ignored here) or replaces them: a demo creator whose
file is gone is skipped, saying so, rather than failing a brand's suite.
"""

from __future__ import annotations

import json

import pytest

from storefront.config import PROJECT_ROOT
from storefront.creators.model import Offer
from storefront.creators.registry import Registry
from storefront.demo_shop.catalog import load_catalog

FOLDER = PROJECT_ROOT / "creators"
CATALOG = PROJECT_ROOT / "storefront" / "demo_shop" / "catalog" / "catalog.json"


DEMO_HANDLES = ("ava", "june", "kit", "leo", "maya", "rosa", "sam")
DEMO_MEDIA = {f"{handle}{part}.svg" for handle in DEMO_HANDLES for part in ("", "-hero")}


class Demo:
    """The registry of creators/, answering only for the shipped demo creators."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    def get(self, handle: str):
        creator = self.registry.get(handle)
        if creator is None or creator.handle not in DEMO_HANDLES:
            pytest.skip(f"creators/ has no demo creator {handle!r}: the brand replaced it")
        return creator

    def __iter__(self):
        return (c for c in self.registry if c.handle in DEMO_HANDLES)


@pytest.fixture(scope="module")
def demo():
    registry = Registry(FOLDER)
    registry.load()
    assert registry.problems == []
    return Demo(registry)


@pytest.fixture(scope="module")
def catalog():
    data = json.loads(CATALOG.read_text())
    return {
        "products": {product["handle"] for product in data["products"]},
        "collections": {collection["handle"] for collection in data["collections"]},
    }


@pytest.mark.parametrize(
    ("handle", "name", "status", "code", "label"),
    [
        ("maya", "Maya Rivers", "active", "MAYA15", "15% off everything"),
        ("leo", "Leo Park", "active", "LEO5", "$5 off your order"),
        ("june", "June Okafor", "active", "JUNE10", "10% off everything"),
        ("sam", "Sam Ito", "active", "SAMWRITES", "20% off stationery"),
        ("ava", "Ava Chen", "active", "AVA12", "12% off everything"),
        ("rosa", "Rosa Diaz", "paused", "ROSA15", "15% off everything"),
        ("kit", "Kit Morgan", "archived", "KIT10", "10% off everything"),
    ],
)
def test_demo_creator(demo, handle, name, status, code, label):
    creator = demo.get(handle)
    assert (creator.name, creator.status) == (name, status)
    assert (creator.discount.code, creator.discount.label) == (code, label)


def test_maya(demo):
    maya = demo.get("maya")
    assert [c.handle for c in maya.collections] == ["apparel", "accessories"]
    assert maya.picks == ("organic-cotton-tee", "linen-shirt", "chore-jacket", "linen-scarf")
    assert maya.hero.image == "/creator-media/maya-hero.svg"
    assert maya.avatar == "/creator-media/maya.svg"
    assert [platform for platform, _ in maya.social] == ["instagram", "tiktok"]


def declared_by_the_shop(discount) -> Offer:
    """The [offer] that declares what a demo shop discount does."""
    percentage = discount.type == "percentage"
    return Offer(
        percent=discount.value if percentage else None,
        amount=None if percentage else discount.value,
        collections=discount.entitled_collections, products=discount.entitled_products,
        minimum_subtotal=discount.minimum_subtotal,
        starts_at=discount.starts_at, ends_at=discount.ends_at,
    )


def test_offers_say_what_the_demo_shops_codes_do(demo):
    # The page's creator price must be what the cart charges: each declared offer is
    # exactly the demo shop's discount behind the code.
    shop = load_catalog(CATALOG)
    declared = {c.handle: c.discount.offer for c in demo if c.discount and c.discount.offer}
    assert "maya" in declared
    assert declared["maya"] == Offer(percent=15)
    for handle, offer in declared.items():
        discount = shop.discount(demo.get(handle).discount.code)
        assert discount is not None and discount.status == "active", handle
        assert offer == declared_by_the_shop(discount), handle
        # An amount limited to some items comes off each of them (offers.per_item).
        assert discount.applies_on_each_item == (offer.amount is not None
                                                 and not offer.for_everything), handle


def test_leo_has_a_theme_and_a_brand_colour(demo):
    leo = demo.get("leo")
    assert leo.theme == "atelier"
    assert dict(leo.theme_settings) == {"accent": "#c46a2b"}
    assert [c.handle for c in leo.collections] == ["bags", "drinkware"]
    assert leo.picks == ("waxed-backpack", "travel-tumbler", "enamel-camp-mug")


def test_june_ava_and_sam(demo):
    assert [c.handle for c in demo.get("june").collections] == ["home", "drinkware"]
    assert demo.get("june").picks == ("linen-throw", "ceramic-vase", "stoneware-mug")
    assert demo.get("ava").picks == ("oat-hand-cream", "cedar-soap")
    sam = demo.get("sam")
    assert sam.aliases == ("samito", "sam-writes")
    assert demo.get("samito") is sam and demo.get("sam-writes") is sam
    assert [c.handle for c in sam.collections] == ["stationery"]
    assert sam.picks == ("dot-grid-notebook", "brass-pen")


def test_only_the_active_ones_are_active(demo):
    active = {"ava", "june", "leo", "maya", "sam"}
    for creator in demo:
        assert creator.is_active == (creator.handle in active), creator.handle


def test_built_on_the_demo_catalog(demo, catalog):
    for creator in demo:
        assert {c.handle for c in creator.collections} <= catalog["collections"], creator.handle
        assert set(creator.picks) <= catalog["products"], creator.handle


def test_media_are_small_svgs(demo):
    for creator in demo:
        for url in (creator.avatar, creator.hero.image if creator.hero else None):
            if url is not None:
                assert url.startswith("/creator-media/")
    for path in (FOLDER / "media").iterdir():
        if path.name not in DEMO_MEDIA:
            continue  # a brand's own picture
        assert path.suffix == ".svg"
        assert path.stat().st_size < 2048, path.name
        assert path.read_text().startswith("<svg xmlns=")
