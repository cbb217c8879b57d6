"""Creator records: read-only, hashable, and picklable for shared caches."""

from __future__ import annotations

import dataclasses
import pickle
from types import MappingProxyType

import pytest

from storefront.creators import CollectionRef, Creator, Discount, Hero


def maya() -> Creator:
    return Creator(
        handle="maya",
        name="Maya Rivers",
        aliases=("mayar",),
        hero=Hero(title="Hi", image="/creator-media/maya-hero.svg"),
        discount=Discount(code="MAYA15", label="15% off everything"),
        collections=(CollectionRef("apparel", "Wardrobe"),),
        notes=MappingProxyType({"linen-shirt": "Yes.", "chore-jacket": "Roomy."}),
        theme_settings=MappingProxyType({"accent": "#c0392b"}),
        social=(("instagram", "https://www.instagram.com/maya"),),
    )


def test_picks_are_the_noted_products_in_order():
    assert maya().picks == ("linen-shirt", "chore-jacket")


@pytest.mark.parametrize(
    ("status", "active"), [("active", True), ("paused", False), ("archived", False)]
)
def test_only_active_is_active(status, active):
    assert dataclasses.replace(maya(), status=status).is_active is active


def test_frozen_and_hashable():
    creator = maya()
    with pytest.raises(dataclasses.FrozenInstanceError):
        creator.name = "Other"  # type: ignore[misc]
    assert {creator, maya()} == {creator}


def test_pickles():
    creator = maya()
    again = pickle.loads(pickle.dumps(creator))
    assert again == creator
    assert isinstance(again.notes, MappingProxyType)
    assert again.picks == creator.picks
