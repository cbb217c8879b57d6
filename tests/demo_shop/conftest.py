"""Fixtures for the demo shop: a small catalog of our own, and the shipped one.

Tests that check exact data use `fixture_catalog/` (stable numbers, every
edge case on purpose); tests of general behaviour also run on the shipped
catalog through the `any_shop` fixture.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from storefront.demo_shop.carts import MemoryCartStore
from storefront.demo_shop.shop import DemoShop

FIXTURE_CATALOG = Path(__file__).parent / "fixture_catalog" / "catalog.json"


class Clock:
    """A clock the tests move by hand, so expiry needs no sleeping."""

    def __init__(self, now: float = 1_780_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, days: float) -> None:
        self.now += days * 86400


def run(shop: DemoShop, query, variables: dict | None = None, operation: str | None = None):
    """Execute and insist on no errors; the data."""
    result = shop.execute(query, variables, operation)
    assert result.errors is None, result.errors
    return result.data


def errors_of(shop: DemoShop, query, variables: dict | None = None) -> list[str]:
    result = shop.execute(query, variables)
    return [error.message for error in result.errors or []]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def shop(clock) -> DemoShop:
    return DemoShop(FIXTURE_CATALOG, carts=MemoryCartStore(clock=clock))


@pytest.fixture(scope="session")
def shipped_shop() -> DemoShop:
    return DemoShop()


@pytest.fixture(params=["fixture", "shipped"])
def any_shop(request) -> DemoShop:
    if request.param == "fixture":
        return DemoShop(FIXTURE_CATALOG)
    return request.getfixturevalue("shipped_shop")
