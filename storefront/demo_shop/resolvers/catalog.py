"""Collections, products, variants, options and images."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from graphql import GraphQLError

from storefront.demo_shop import ids
from storefront.demo_shop.catalog import Collection, Image, Option, Product, Variant
from storefront.demo_shop.filters import product_filter
from storefront.demo_shop.markets import Market
from storefront.demo_shop.money import ZERO, cents
from storefront.demo_shop.pagination import Key, paginate
from storefront.demo_shop.resolvers import registry
from storefront.demo_shop.resolvers.where import market_of, where
from storefront.demo_shop.search import parse

field = registry.field


def ctx(info):
    return info.context


def truncate(text: str, size: int | None) -> str:
    """Shopify's `truncateAt`: at most `size` characters, cut at a word, with an ellipsis."""
    if size is None or len(text) <= size:
        return text
    if size <= 1:
        return text[:size]
    cut = text[: size - 1]
    if " " in cut and not text[size - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"


def one_of(info, *, id: str | None, handle: str | None, type_name: str, by_id, by_handle):
    """The `(id | handle)` lookup Shopify's root fields share."""
    if id is not None and handle is not None:
        raise GraphQLError("Provide either `id` or `handle`, not both.")
    if id is not None:
        return by_id(ids.number_of(id, type_name))
    if handle is not None:
        return by_handle(handle)
    raise GraphQLError("Provide one of `id` or `handle`.")


# Sort keys: each ends with the id so that positions are unique. ------------


def min_price(product: Product, market: Market) -> Decimal:
    return min(market.price(v) for v in product.variants)


def product_sort_key(
    sort_key: str | None, market: Market, positions: dict[str, int] | None = None
) -> Callable[[Product], Key]:
    keys: dict[str, Callable[[Product], Key]] = {
        "TITLE": lambda p: (p.title.casefold(), p.id),
        "PRICE": lambda p: (cents(min_price(p, market)), p.id),
        "BEST_SELLING": lambda p: (p.best_selling_rank, p.id),
        "CREATED": lambda p: (p.created_at, p.id),
        "CREATED_AT": lambda p: (p.created_at, p.id),
        "UPDATED_AT": lambda p: (p.updated_at, p.id),
        "PRODUCT_TYPE": lambda p: (p.product_type.casefold(), p.id),
        "VENDOR": lambda p: (p.vendor.casefold(), p.id),
        "ID": lambda p: (p.id,),
    }
    if positions is not None:  # inside a collection, its own order is the default
        for name in ("COLLECTION_DEFAULT", "MANUAL", "RELEVANCE", None):
            keys[name] = lambda p: (positions[p.handle], p.id)
    return keys.get(sort_key, keys["ID"])


def by_id(item) -> Key:
    return (item.id,)


def by_relevance(relevance: dict[int, int]) -> Callable[[Any], Key]:
    """Most relevant first; ids break ties."""
    return lambda item: (-relevance[item.id], item.id)


COLLECTION_SORTS: dict[str | None, Callable[[Collection], Key]] = {
    "TITLE": lambda c: (c.title.casefold(), c.id),
    "UPDATED_AT": lambda c: (c.updated_at, c.id),
}


def query_matches(info, entries, query: str | None) -> tuple[list, dict[int, int]]:
    """Items matching a `query:` argument (all items for none) and their relevance by id."""
    parsed = parse(query)
    if parsed.is_empty:
        return [item for item, _ in entries], {}
    found = list(ctx(info).search.matches(entries, parsed))
    return [item for _, item in found], {item.id: points for points, item in found}


def page_of(info, entries, sorts, sortKey, reverse, query, window):
    """A page of `entries` (an index's (item, document) pairs) matching `query`, in the
    order `sortKey` names in `sorts` (by id when none, by relevance when asked)."""
    items, relevance = query_matches(info, entries, query)
    key = (
        by_relevance(relevance)
        if sortKey == "RELEVANCE" and relevance
        else sorts.get(sortKey, by_id)
    )
    return paginate(items, key, reverse=bool(reverse), **window)


# Root fields --------------------------------------------------------------


@field("QueryRoot", "collections")
def resolve_collections(_, info, sortKey=None, reverse=False, query=None, **window):
    entries = ctx(info).search.collections
    return page_of(info, entries, COLLECTION_SORTS, sortKey, reverse, query, window)


def sold(info, product: Product | None) -> Product | None:
    """The product, unless the market answered in leaves it out (then, as on Shopify,
    it is not found)."""
    return product if product is not None and market_of(info).sells(product) else None


def sold_products(info, products) -> list[Product]:
    market = market_of(info)
    return [p for p in products if market.sells(p)]


def sold_entries(info, entries) -> list:
    """Search index entries (product, document) of the products the market sells."""
    market = market_of(info)
    return [(p, document) for p, document in entries if market.sells(p)]


@field("QueryRoot", "collection")
def resolve_collection(_, info, id=None, handle=None):
    catalog = ctx(info).catalog
    return one_of(
        info,
        id=id,
        handle=handle,
        type_name="Collection",
        by_id=catalog.collection_by_id,
        by_handle=catalog.collection,
    )


@field("QueryRoot", "collectionByHandle")
def resolve_collection_by_handle(_, info, handle):
    return ctx(info).catalog.collection(handle)


@field("QueryRoot", "products")
def resolve_products(_, info, sortKey=None, reverse=False, query=None, **window):
    entries = sold_entries(info, ctx(info).search.products)
    items, relevance = query_matches(info, entries, query)
    key = (
        by_relevance(relevance)
        if sortKey == "RELEVANCE" and relevance
        else product_sort_key(sortKey, market_of(info))
    )
    return paginate(items, key, reverse=bool(reverse), **window)


def find_product(info, id=None, handle=None) -> Product | None:
    """`product(id: | handle:)`: the product, if the market answered in sells it."""
    catalog = ctx(info).catalog
    found = one_of(
        info,
        id=id,
        handle=handle,
        type_name="Product",
        by_id=catalog.product_by_id,
        by_handle=catalog.product,
    )
    return sold(info, found)


@field("QueryRoot", "product")
def resolve_product(_, info, id=None, handle=None):
    return find_product(info, id=id, handle=handle)


@field("QueryRoot", "productByHandle")
def resolve_product_by_handle(_, info, handle):
    return sold(info, ctx(info).catalog.product(handle))


@field("QueryRoot", "productRecommendations")
def resolve_recommendations(_, info, productId=None, productHandle=None, intent=None):
    product = find_product(info, id=productId, handle=productHandle)
    if product is None:
        return None
    return recommend(info, product, intent or "RELATED")


RECOMMENDATIONS = 10


def recommend(info, product: Product, intent: str) -> list[Product]:
    """Deterministic recommendations, never the product itself.

    RELATED: products like this one (same type, shared tags and collections).
    COMPLEMENTARY: products of other types that go with it (shared collections
    and tags). Best sellers break ties, then ids.
    """
    catalog = ctx(info).catalog
    own_collections = {c.handle for c in catalog.collections_of(product)} - {"frontpage"}
    own_tags = {t.casefold() for t in product.tags}
    scored = []
    for other in sold_products(info, catalog.products):
        if other.id == product.id:
            continue
        same_type = other.product_type.casefold() == product.product_type.casefold()
        if intent == "COMPLEMENTARY" and same_type:
            continue
        shared_collections = own_collections & {c.handle for c in catalog.collections_of(other)}
        shared_tags = own_tags & {t.casefold() for t in other.tags}
        points = 2 * len(shared_collections) + len(shared_tags)
        if intent == "RELATED":
            points += 4 * same_type
        if points:
            scored.append((-points, not other.available, other.best_selling_rank, other.id, other))
    scored.sort(key=lambda entry: entry[:4])
    return [entry[-1] for entry in scored[:RECOMMENDATIONS]]


# Collection ---------------------------------------------------------------


@field("Collection", "id")
def resolve_collection_id(collection: Collection, info):
    return ids.gid("Collection", collection.id)


def text(info, kind: str, record):
    """The record's words in the language answered in (untranslated fields fall back)."""
    return ctx(info).catalog.text(kind, record, where(info).language)


def _translatable(type_name: str, kind: str) -> None:
    """Title, descriptionHtml and seo of a product or collection, in the language."""

    @field(type_name, "title")
    def resolve_title(record, info):
        return text(info, kind, record).title

    @field(type_name, "descriptionHtml")
    def resolve_description_html(record, info):
        return text(info, kind, record).description_html

    @field(type_name, "seo")
    def resolve_seo(record, info):
        return text(info, kind, record).seo

    @field(type_name, "description")
    def resolve_description(record, info, truncateAt=None):
        return truncate(text(info, kind, record).description, truncateAt)


_translatable("Collection", "collection")
_translatable("Product", "product")


@field("Collection", "onlineStoreUrl")
def resolve_collection_url(collection: Collection, info):
    return ctx(info).store_url(f"/collections/{collection.handle}")


@field("Collection", "products")
def resolve_collection_products(
    collection: Collection, info, sortKey=None, reverse=False, filters=None, **window
):
    catalog, market = ctx(info).catalog, market_of(info)
    positions = {handle: i for i, handle in enumerate(collection.product_handles)}
    keep = product_filter(filters, market)
    items = [p for p in catalog.products_of(collection) if market.sells(p) and keep(p)]
    return paginate(items, product_sort_key(sortKey, market, positions), reverse=bool(reverse),
                    **window)


# Product ------------------------------------------------------------------


@field("Product", "id")
def resolve_product_id(product: Product, info):
    return ids.gid("Product", product.id)


@field("Product", "availableForSale")
def resolve_product_available(product: Product, info):
    return product.available


@field("Product", "featuredImage")
def resolve_featured_image(product: Product, info):
    return product.images[0] if product.images else None


@field("Product", "images")
def resolve_images(product: Product, info, sortKey=None, reverse=False, **window):
    positions = {image.id: i for i, image in enumerate(product.images)}

    def key(image: Image) -> Key:
        # POSITION, CREATED_AT (the catalog lists images as added) and RELEVANCE
        return (image.id,) if sortKey == "ID" else (positions[image.id], image.id)

    return paginate(product.images, key, reverse=bool(reverse), **window)


@field("Product", "isGiftCard")
@field("Product", "requiresSellingPlan")
def resolve_false(_, info):
    return False


@field("Product", "onlineStoreUrl")
def resolve_product_url(product: Product, info):
    return ctx(info).store_url(f"/products/{product.handle}")


@dataclass(frozen=True)
class OptionView:
    """A product option seen from its product (ids and variants need both)."""

    product: Product
    option: Option
    number: int  # unique per product option, for its gid

    @property
    def name(self) -> str:
        return self.option.name

    @property
    def values(self) -> tuple[str, ...]:
        return self.option.values


@dataclass(frozen=True)
class OptionValueView:
    option: OptionView
    name: str
    number: int


@field("Product", "options")
def resolve_options(product: Product, info, first=None):
    views = [
        OptionView(product, option, product.id * 10 + i)
        for i, option in enumerate(product.options, start=1)
    ]
    return views if first is None else views[: max(first, 0)]


@field("ProductOption", "id")
def resolve_option_id(option: OptionView, info):
    return ids.gid("ProductOption", option.number)


@field("ProductOption", "optionValues")
def resolve_option_values(option: OptionView, info):
    return [
        OptionValueView(option, value, option.number * 100 + i)
        for i, value in enumerate(option.values, start=1)
    ]


@field("ProductOptionValue", "id")
def resolve_option_value_id(value: OptionValueView, info):
    return ids.gid("ProductOptionValue", value.number)


@field("ProductOptionValue", "swatch")
def resolve_swatch(value: OptionValueView, info):
    color = value.option.option.swatches.get(value.name)
    return {"color": color} if color else None


@field("ProductOptionValue", "firstSelectableVariant")
def resolve_first_selectable(value: OptionValueView, info):
    """The first variant with this value, preferring one that is in stock."""
    option_name = value.option.name
    having = [
        v for v in value.option.product.variants if dict(v.options)[option_name] == value.name
    ]
    return next((v for v in having if v.available), having[0] if having else None)


def _price_range(info, amounts: Sequence) -> dict:
    place = where(info)
    return {"minVariantPrice": place.money(min(amounts)),
            "maxVariantPrice": place.money(max(amounts))}


@field("Product", "priceRange")
def resolve_price_range(product: Product, info):
    market = market_of(info)
    return _price_range(info, [market.price(v) for v in product.variants])


@field("Product", "compareAtPriceRange")
def resolve_compare_at_range(product: Product, info):
    # As Shopify: a variant without a compare-at price counts as 0.
    market = market_of(info)
    return _price_range(info, [market.compare_at(v) or ZERO for v in product.variants])


@field("Product", "totalInventory")
def resolve_total_inventory(product: Product, info):
    return sum(v.quantity_available for v in product.variants)


@field("Product", "variants")
def resolve_variants(product: Product, info, sortKey=None, reverse=False, **window):
    keys: dict[str | None, Callable[[Variant], Key]] = {
        "ID": lambda v: (v.id,),
        "SKU": lambda v: (v.sku or "", v.id),
        "TITLE": lambda v: (v.title.casefold(), v.id),
    }
    key = keys.get(sortKey, lambda v: (v.position, v.id))  # POSITION, RELEVANCE
    return paginate(product.variants, key, reverse=bool(reverse), **window)


@field("Product", "collections")
def resolve_product_collections(product: Product, info, reverse=False, **window):
    catalog = ctx(info).catalog
    order = {c.id: i for i, c in enumerate(catalog.collections)}
    return paginate(
        catalog.collections_of(product),
        lambda c: (order[c.id], c.id),
        reverse=bool(reverse),
        **window,
    )


def match_options(
    product: Product,
    selected: Sequence[dict[str, str]],
    *,
    ignore_unknown: bool,
    case_insensitive: bool,
) -> dict[str, str] | None:
    """The selection as the product's own option names and values; None if one is unknown."""

    def fold(text: str) -> str:
        return text.casefold() if case_insensitive else text

    options = {fold(o.name): o for o in product.options}
    chosen: dict[str, str] = {}
    for pair in selected:
        option = options.get(fold(pair["name"]))
        value = (
            next((v for v in option.values if fold(v) == fold(pair["value"])), None)
            if option
            else None
        )
        if value is None:
            if ignore_unknown:
                continue
            return None
        chosen[option.name] = value
    return chosen


@field("Product", "variantBySelectedOptions")
def resolve_variant_by_options(
    product: Product, info, selectedOptions, ignoreUnknownOptions=False, caseInsensitiveMatch=False
):
    chosen = match_options(
        product,
        selectedOptions,
        ignore_unknown=bool(ignoreUnknownOptions),
        case_insensitive=bool(caseInsensitiveMatch),
    )
    if not chosen or len(chosen) != len(product.options):
        return None
    return next((v for v in product.variants if dict(v.options) == chosen), None)


@field("Product", "selectedOrFirstAvailableVariant")
def resolve_selected_or_first(
    product: Product,
    info,
    selectedOptions=None,
    ignoreUnknownOptions=False,
    caseInsensitiveMatch=False,
):
    """The variant with exactly the selected options; else the first available variant
    among those matching the selection (or among all); else the first variant."""
    chosen = (
        match_options(
            product,
            selectedOptions or [],
            ignore_unknown=bool(ignoreUnknownOptions),
            case_insensitive=bool(caseInsensitiveMatch),
        )
        or {}
    )
    candidates = [
        v
        for v in product.variants
        if all(dict(v.options)[name] == value for name, value in chosen.items())
    ]
    exact = [v for v in candidates if len(chosen) == len(product.options)]
    if exact:
        return exact[0]
    for pool in (candidates, product.variants):
        available = [v for v in pool if v.available]
        if available:
            return available[0]
    return product.variants[0]


# ProductVariant -----------------------------------------------------------


@field("ProductVariant", "id")
def resolve_variant_id(variant: Variant, info):
    return ids.gid("ProductVariant", variant.id)


@field("ProductVariant", "availableForSale")
def resolve_variant_available(variant: Variant, info):
    return variant.available


@field("ProductVariant", "currentlyNotInStock")
def resolve_not_in_stock(variant: Variant, info):
    return False  # the demo never sells what it has not got (no backorders)


@field("ProductVariant", "price")
def resolve_variant_price(variant: Variant, info):
    place = where(info)
    return place.money(place.market.price(variant))


@field("ProductVariant", "compareAtPrice")
def resolve_variant_compare_at(variant: Variant, info):
    place = where(info)
    compare_at = place.market.compare_at(variant)
    return place.money(compare_at) if compare_at is not None else None


@field("ProductVariant", "image")
def resolve_variant_image(variant: Variant, info):
    return ctx(info).catalog.product_by_id(variant.product_id).image(variant.image_id)


@field("ProductVariant", "product")
def resolve_variant_product(variant: Variant, info):
    return ctx(info).catalog.product_by_id(variant.product_id)  # found by its variant: sold


@field("ProductVariant", "requiresShipping")
@field("ProductVariant", "taxable")
def resolve_true(_, info):
    return True


@field("ProductVariant", "selectedOptions")
def resolve_selected_options(variant: Variant, info):
    return [{"name": name, "value": value} for name, value in variant.options]


@field("ProductVariant", "weight")
def resolve_weight(variant: Variant, info):
    return float(variant.weight_grams) if variant.weight_grams is not None else None


@field("ProductVariant", "weightUnit")
def resolve_weight_unit(variant: Variant, info):
    return "GRAMS"


# Image --------------------------------------------------------------------


@field("Image", "id")
def resolve_image_id(image: Image, info):
    return ids.gid("ProductImage", image.id) if image.id is not None else None


@field("Image", "url")
def resolve_image_url(image: Image, info, transform: dict[str, Any] | None = None):
    # `transform` is accepted and ignored: the demo's images are SVGs, any size fits.
    return ctx(info).file_url(image.file)


@field("Image", "altText")
def resolve_alt_text(image: Image, info):
    return image.alt or None
