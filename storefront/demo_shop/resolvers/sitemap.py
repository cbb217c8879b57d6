"""`sitemap(type:)`: the shop's products, collections, pages, blogs, articles and
metaobjects, 250 a page.

Products are those of the market answered in, and product and collection titles are in
its language (resolvers/where.py). Pages are numbered from 1, as Shopify numbers them
(Hydrogen asks for /sitemap/products/1.xml first). A blog was last changed when its newest article
was published; an article, when it was.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from graphql import GraphQLError

from storefront.demo_shop.resolvers import registry
from storefront.demo_shop.resolvers.catalog import ctx, sold_products, text

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
    if kind in ("PRODUCT", "COLLECTION"):  # the market's products; titles in the language
        records = (sold_products(info, catalog.products) if kind == "PRODUCT"
                   else catalog.collections)
        ordered = sorted(records, key=lambda r: r.id)
        return [SitemapItem(r.handle, r.updated_at, text(info, kind.lower(), r).title)
                for r in ordered]
    if kind == "PAGE":
        ordered = sorted(catalog.pages, key=lambda r: r.id)
        return [SitemapItem(r.handle, r.updated_at, r.title) for r in ordered]
    if kind == "METAOBJECT":
        ordered = sorted(catalog.metaobjects, key=lambda m: m.id)
        return [SitemapMetaobject(m.handle, m.updated_at, m.type) for m in ordered]
    blogs = sorted(catalog.blogs, key=lambda b: b.id)
    if kind == "BLOG":
        return [SitemapItem(b.handle, max((a.published_at for a in b.articles), default=""),
                            b.title) for b in blogs if b.articles]
    articles = sorted((a for b in blogs for a in b.articles), key=lambda a: a.id)
    return [SitemapItem(a.handle, a.published_at, a.title) for a in articles]  # ARTICLE


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
