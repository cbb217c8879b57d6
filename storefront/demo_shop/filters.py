"""Shopify's `ProductFilter` input, as a predicate over catalog products.

Filters of different kinds must all match (AND); several filters of the same
kind (two tags, two values of one variant option) match when any does (OR),
as Shopify's storefront filtering combines them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from storefront.demo_shop.catalog import Product
from storefront.demo_shop.markets import Market

Test = Callable[[Product], bool]


def _price_test(bounds: dict[str, float | None], market: Market) -> Test:
    low = Decimal(str(bounds["min"])) if bounds.get("min") is not None else None
    high = Decimal(str(bounds["max"])) if bounds.get("max") is not None else None

    def test(product: Product) -> bool:
        prices = (market.price(v) for v in product.variants)
        return any((low is None or p >= low) and (high is None or p <= high) for p in prices)

    return test


def _option_test(name: str, value: str) -> Test:
    name, value = name.casefold(), value.casefold()

    def test(product: Product) -> bool:
        return any(
            (n.casefold(), v.casefold()) == (name, value)
            for variant in product.variants
            for n, v in variant.options
        )

    return test


def _equals(value: str, field: Callable[[Product], Sequence[str]]) -> Test:
    value = value.casefold()
    return lambda product: any(v.casefold() == value for v in field(product))


def product_filter(filters: Sequence[dict[str, Any]] | None, market: Market) -> Test:
    """A predicate that keeps the products matching every kind of filter given (prices in
    `market`'s currency, as the shopper sees them)."""
    groups: dict[Any, list[Test]] = {}
    for spec in filters or ():
        for kind, value in spec.items():
            if value is None:
                continue
            if kind == "available":
                groups.setdefault(kind, []).append(lambda p, v=value: p.available == v)
            elif kind == "price":
                groups.setdefault(kind, []).append(_price_test(value, market))
            elif kind == "productType":
                groups.setdefault(kind, []).append(_equals(value, lambda p: [p.product_type]))
            elif kind == "productVendor":
                groups.setdefault(kind, []).append(_equals(value, lambda p: [p.vendor]))
            elif kind == "tag":
                groups.setdefault(kind, []).append(_equals(value, lambda p: p.tags))
            elif kind == "variantOption":
                group = (kind, value["name"].casefold())
                groups.setdefault(group, []).append(_option_test(value["name"], value["value"]))
    return lambda product: all(any(t(product) for t in tests) for tests in groups.values())
