"""`search` and `predictiveSearch` over products, pages, articles and collections.

Each result comes wrapped in a `Hit`: the record, plus the `trackingParameters`
Shopify gives results (and only results) so that a link to one tells its
analytics the visit came from search: the result's place, the query, and
whether it came from a search page (`_ss=r`) or the predictive box (`_ss=e`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from storefront.demo_shop.filters import product_filter
from storefront.demo_shop.money import cents
from storefront.demo_shop.pagination import paginate
from storefront.demo_shop.resolvers import registry
from storefront.demo_shop.resolvers.catalog import ctx, min_price, sold_entries
from storefront.demo_shop.resolvers.where import market_of
from storefront.demo_shop.search import ALL_FIELDS, parse

field = registry.field

PREDICTIVE_LIMIT = 10  # Shopify's default and maximum per type
PREDICTIVE_FIELDS = ("TITLE", "PRODUCT_TYPE", "VARIANTS_TITLE", "VENDOR")  # Shopify's default


def tracking_parameters(position: int, query: str, source: str) -> str:
    return urlencode({"_pos": position, "_psq": query, "_ss": source, "_v": "1.0"})


class Hit:
    """A search result: reads as its record, with the tracking parameters of its place."""

    __slots__ = ("record", "tracking_parameters")

    def __init__(self, record: Any, tracking_parameters: str) -> None:
        self.record = record
        self.tracking_parameters = tracking_parameters

    def __getattr__(self, name: str) -> Any:
        return getattr(self.record, name)


def hits(records, query: str, source: str) -> list[Hit]:
    return [
        Hit(record, tracking_parameters(place, query, source))
        for place, record in enumerate(records, start=1)
    ]


@field("QueryRoot", "search")
def resolve_search(
    _,
    info,
    query,
    sortKey=None,
    reverse=False,
    productFilters=None,
    types=None,
    unavailableProducts=None,
    prefix=None,
    **window,
):
    index = ctx(info).search
    parsed = parse(query, prefix_last=prefix == "LAST")
    types = set(types or ("PRODUCT", "PAGE", "ARTICLE"))
    found = []
    if not parsed.is_empty:
        if "PRODUCT" in types:
            keep = product_filter(productFilters, market_of(info))
            products = sold_entries(info, index.products)
            found += [(s, p) for s, p in index.matches(products, parsed) if keep(p)]
        if "PAGE" in types:
            found += list(index.matches(index.pages, parsed))
        if "ARTICLE" in types:
            found += list(index.matches(index.articles, parsed))
    if unavailableProducts == "HIDE":
        found = [(s, item) for s, item in found if getattr(item, "available", True)]

    market = market_of(info)

    def rank(entry) -> tuple:
        points, item = entry
        kind = type(item).__name__
        if sortKey == "PRICE":  # pages and articles have no price: after every product
            return (
                kind != "Product",
                cents(min_price(item, market)) if kind == "Product" else 0,
                item.title.casefold(),
                kind,
                item.id,
            )
        return (-points, item.title.casefold(), kind, item.id)

    ordered = sorted(found, key=rank, reverse=bool(reverse))
    if unavailableProducts == "LAST":  # stays last whichever way the list is sorted
        ordered.sort(key=lambda entry: not getattr(entry[1], "available", True))
    # The order above is fixed for a given query, so an item's place in it is
    # a stable position key for the cursors.
    found = hits((item for _, item in ordered), query, "r")
    places = {id(hit): i for i, hit in enumerate(found)}
    return paginate(found, lambda hit: (places[id(hit)],), **window)


@field("QueryRoot", "predictiveSearch")
def resolve_predictive_search(
    _,
    info,
    query,
    limit=None,
    limitScope=None,
    types=None,
    searchableFields=None,
    unavailableProducts=None,
):
    index = ctx(info).search
    parsed = parse(query, prefix_last=True)
    limit = max(1, min(limit or PREDICTIVE_LIMIT, PREDICTIVE_LIMIT))
    types = set(types or ("PRODUCT", "COLLECTION", "PAGE", "QUERY", "ARTICLE"))
    searchable = frozenset(f.lower() for f in (searchableFields or PREDICTIVE_FIELDS)) & ALL_FIELDS
    result = {"products": [], "collections": [], "pages": [], "articles": [], "queries": []}
    if parsed.is_empty:
        return result

    def best(entries, fields=ALL_FIELDS):
        found = sorted(
            index.matches(entries, parsed, fields),
            key=lambda e: (-e[0], e[1].title.casefold(), e[1].id),
        )
        return [item for _, item in found]

    if "PRODUCT" in types:
        products = best(sold_entries(info, index.products), searchable)
        if unavailableProducts == "HIDE":
            products = [p for p in products if p.available]
        elif unavailableProducts == "LAST":
            products.sort(key=lambda p: not p.available)
        result["products"] = products
    if "COLLECTION" in types:
        result["collections"] = best(index.collections, frozenset({"title"}))
    if "PAGE" in types:
        result["pages"] = best(index.pages, frozenset({"title"}))
    if "ARTICLE" in types:  # by the fields asked for that articles have (title by default)
        result["articles"] = best(index.articles, searchable)
    if "QUERY" in types:
        result["queries"] = [
            {"text": text, "styledText": styled,
             "trackingParameters": tracking_parameters(place, query, "e")}
            for place, (text, styled) in enumerate(index.suggestions(parsed, limit), start=1)
        ]
    if limitScope == "ALL":  # one budget for every type, in this order
        budget = limit
        for name in ("queries", "products", "collections", "pages", "articles"):
            result[name] = result[name][:budget]
            budget -= len(result[name])
    else:  # EACH, Shopify's default
        result = {name: items[:limit] for name, items in result.items()}
    return {
        name: items if name == "queries" else hits(items, query, "e")
        for name, items in result.items()
    }
