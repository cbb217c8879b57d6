"""The demo shop's executable schema: `schema.graphql` with resolvers bound, built once."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from graphql import GraphQLSchema, assert_valid_schema, build_schema

from storefront.demo_shop import resolvers
from storefront.demo_shop.catalog import (
    Article,
    Blog,
    Collection,
    Metaobject,
    Page,
    Product,
    Variant,
)
from storefront.demo_shop.discounts import Allocation
from storefront.demo_shop.money import Money, format_decimal

# Importing the modules registers their resolvers.
from storefront.demo_shop.resolvers import blog, cart, catalog, search, shop  # noqa: F401

SDL_PATH = Path(__file__).parent / "schema.graphql"

# The GraphQL type of each Python object an abstract field (interface, union) returns.
TYPE_NAMES: dict[type, str] = {
    Product: "Product",
    Variant: "ProductVariant",
    Collection: "Collection",
    Page: "Page",
    Blog: "Blog",
    Article: "Article",
    Metaobject: "Metaobject",
    cart.LineView: "CartLine",
    Allocation: "CartCodeDiscountAllocation",
    Money: "MoneyV2",
    cart.Percentage: "PricingPercentageValue",
    shop.MediaImage: "MediaImage",
}


def resolve_type(value: Any, info, abstract_type) -> str:
    return TYPE_NAMES[type(value)]


@cache
def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def default_resolver(source: Any, info, **args: Any) -> Any:
    """A mapping's key of the field's name, or the object's attribute in snake_case."""
    if isinstance(source, Mapping):
        return source.get(info.field_name)
    return getattr(source, _snake(info.field_name), None)


def _serialize_decimal(value: Any) -> str:
    return format_decimal(value if isinstance(value, Decimal) else Decimal(str(value)))


@cache
def demo_schema() -> GraphQLSchema:
    """The schema, built and validated once per process."""
    schema = build_schema(SDL_PATH.read_text(encoding="utf-8"))
    assert_valid_schema(schema)
    resolvers.registry.bind(schema)
    for graphql_type in schema.type_map.values():
        if hasattr(graphql_type, "resolve_type"):
            graphql_type.resolve_type = resolve_type
    # Money amounts leave as Shopify's Decimal strings. (No input field of the
    # schema is a Decimal, so parsing them needs nothing.)
    schema.type_map["Decimal"].coerce_output_value = _serialize_decimal
    return schema
