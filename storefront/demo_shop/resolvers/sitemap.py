"""`sitemap(type:)`: the shop's products, collections, pages and metaobjects, 250 a page.

Pages are numbered from 1, as Shopify numbers them (Hydrogen asks for
/sitemap/products/1.xml first). The demo shop has no blog yet, so BLOG and
ARTICLE sitemaps are empty: no page to count and no item on any page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from graphql import GraphQLError

from storefront.demo_shop.resolvers import registry
from storefront.demo_shop.resolvers.catalog import ctx

field = registry.field

PAGE_SIZE = 250


@dataclass(frozen=True)
class SitemapItem:
    """A SitemapResource: a product, collection or page."""

    handle: str
    updated_at: str
    title: str


@dataclass(frozen=True)
class SitemapMetaobject:
    """A SitemapResourceMetaobject."""

    handle: str
    updated_at: str
    type: str


def _items(info, kind: str) -> list:
    catalog = ctx(info).catalog
    records = {
        "PRODUCT": catalog.products,
        "COLLECTION": catalog.collections,
        "PAGE": catalog.pages,
    }.get(kind)
    if records is not None:
        ordered = sorted(records, key=lambda r: r.id)
        return [SitemapItem(r.handle, r.updated_at, r.title) for r in ordered]
    if kind == "METAOBJECT":
        ordered = sorted(catalog.metaobjects, key=lambda m: m.id)
        return [SitemapMetaobject(m.handle, m.updated_at, m.type) for m in ordered]
    return []  # BLOG, ARTICLE


@field("QueryRoot", "sitemap")
def resolve_sitemap(_, info, type):
    return _items(info, type)


@field("Sitemap", "pagesCount")
def resolve_pages_count(items: list, info):
    return {"count": math.ceil(len(items) / PAGE_SIZE), "precision": "EXACT"}


@field("Sitemap", "resources")
def resolve_resources(items: list, info, page):
    if page < 1:
        raise GraphQLError("`page` starts at 1.")
    start = (page - 1) * PAGE_SIZE
    return {"items": items[start : start + PAGE_SIZE], "hasNextPage": len(items) > page * PAGE_SIZE}
