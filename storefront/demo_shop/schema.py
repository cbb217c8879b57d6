"""The demo shop's executable schema: `schema.graphql` with resolvers bound, built once."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from graphql import DocumentNode, GraphQLSchema, assert_valid_schema, build_schema
from graphql.language import REMOVE, Visitor, visit

from storefront.demo_shop import resolvers
from storefront.demo_shop.carts import AddressRecord
from storefront.demo_shop.catalog import (
    Article,
    Blog,
    Collection,
    Metaobject,
    Page,
    Product,
    Redirect,
    Variant,
)
from storefront.demo_shop.discounts import Allocation
from storefront.demo_shop.money import Money, format_decimal

# Importing the modules registers their resolvers.
from storefront.demo_shop.resolvers import (  # noqa: F401
    blog,
    cart,
    cart_delivery,
    cart_metafields,
    catalog,
    gift_cards,
    localization,
    redirects,
    search,
    shop,
    sitemap,
    variants,
)

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
    Redirect: "UrlRedirect",
    cart.LineView: "CartLine",
    Allocation: "CartCodeDiscountAllocation",
    Money: "MoneyV2",
    cart.Percentage: "PricingPercentageValue",
    shop.MediaImage: "MediaImage",
    AddressRecord: "CartDeliveryAddress",
    sitemap.SitemapItem: "SitemapResource",
    sitemap.SitemapMetaobject: "SitemapResourceMetaobject",
}


def resolve_type(value: Any, info, abstract_type) -> str:
    if isinstance(value, search.Hit):  # a search result is its record
        value = value.record
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


@cache
def execution_schema() -> GraphQLSchema:
    """The same schema (same types and resolvers) without @defer.

    graphql-core executes only schemas without @defer unless incremental delivery
    is switched on. The demo shop answers a deferred fragment with the rest of
    the result, at once, as the spec allows: documents are validated against
    `demo_schema()`, then run here with their @defer directives removed.
    """
    schema = demo_schema()
    kwargs = schema.to_kwargs()
    kwargs["directives"] = tuple(d for d in schema.directives if d.name != "defer")
    return GraphQLSchema(**kwargs)


class _WithoutDefer(Visitor):
    def enter_directive(self, node, *_):
        return REMOVE if node.name.value == "defer" else None


def without_defer(document: DocumentNode) -> DocumentNode:
    """The document with every @defer removed (unchanged when it has none)."""
    source = document.loc.source.body if document.loc else None
    if source is not None and "defer" not in source:
        return document
    return visit(document, _WithoutDefer())
