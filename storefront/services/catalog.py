"""Catalog pages: home, collections, products, search, content pages."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from flask_babel import gettext, lazy_gettext

from storefront.shopify import api
from storefront.shopify import models as m
from storefront.shopify.client import StorefrontClient
from storefront.shopify.errors import InvalidCursor

log = logging.getLogger(__name__)

T = TypeVar("T")

PAGE_SIZE = 12

# The `sort_by` values of Shopify's own themes, with their label (translated when a
# page shows it), mapped to the Storefront API's (sort key, reverse); the first is
# the default.
COLLECTION_SORTS = {
    "manual": (lazy_gettext("Featured"), "COLLECTION_DEFAULT", False),
    "best-selling": (lazy_gettext("Best selling"), "BEST_SELLING", False),
    "price-ascending": (lazy_gettext("Price, low to high"), "PRICE", False),
    "price-descending": (lazy_gettext("Price, high to low"), "PRICE", True),
    "created-descending": (lazy_gettext("Newest"), "CREATED", True),
    "title-ascending": (lazy_gettext("Alphabetically, A-Z"), "TITLE", False),
}

# A Storefront cursor is opaque but never long or exotic; anything else is a
# mangled link, refused before it reaches Shopify.
_CURSOR = re.compile(r"[A-Za-z0-9+/=_:-]{1,512}")


class BadPageLink(ValueError):
    """A pagination or sort parameter that no link of ours produces."""


@dataclass(frozen=True)
class Window:
    """Which slice of a list the shopper asked for."""

    after: str | None = None
    before: str | None = None

    @classmethod
    def parse(cls, after: str | None, before: str | None) -> Window:
        for cursor in (after, before):
            if cursor is not None and not _CURSOR.fullmatch(cursor):
                raise BadPageLink(gettext("this page link is not valid"))
        if after and before:
            raise BadPageLink(gettext("a page link cannot go both ways"))
        return cls(after or None, before or None)

    def arguments(self, size: int = PAGE_SIZE) -> dict:
        if self.before:
            return {"last": size, "before": self.before}
        return {"first": size, "after": self.after}

    def fetch(self, get: Callable[[Window], T]) -> T:
        """`get(self)`, or the first page when Shopify refuses this window's cursor.

        A well-formed cursor Shopify can't use is an old or edited link (cursors
        belong to one sort order), not a fault: the shopper gets the list from
        its start, at the same address, so the page cache keeps that answer and
        a repeat costs no Storefront request.
        """
        try:
            return get(self)
        except InvalidCursor as error:
            if self == Window():
                raise  # no cursor was sent: not the link's fault
            log.info("a page link's cursor was refused, showing the first page: %s", error)
            return get(Window())


def home(
    client: StorefrontClient, featured: str, collections: Sequence[str]
) -> m.HomePage:
    return api.home_page(client, featured, list(collections))


# /collections/all, as Shopify's themes have it: every product of the shop, whatever
# its collections (a collection of that handle is not asked for), sorted by the same
# `sort_by` values through ProductSortKeys.
ALL = "all"
ALL_TITLE = "All products"
_PRODUCT_SORT_KEYS = {"COLLECTION_DEFAULT": None, "BEST_SELLING": "BEST_SELLING",
                      "PRICE": "PRICE", "CREATED": "CREATED_AT", "TITLE": "TITLE"}


def collection(
    client: StorefrontClient, handle: str, window: Window, sort: str, in_stock: bool
) -> m.CollectionPage | None:
    if sort not in COLLECTION_SORTS:
        raise BadPageLink(gettext("unknown sort order %(sort)s", sort=repr(sort)))
    _, sort_key, reverse = COLLECTION_SORTS[sort]
    if handle == ALL:
        products = window.fetch(lambda w: api.all_products(
            client, **w.arguments(), sort_key=_PRODUCT_SORT_KEYS[sort_key], reverse=reverse,
            available_only=in_stock))
        return m.CollectionPage(collection=m.Collection(
            id="", handle=ALL, title=ALL_TITLE, description="", description_html="",
            image=None, seo=m.SEO(title=ALL_TITLE)), products=products)
    filters = [{"available": True}] if in_stock else []
    return window.fetch(lambda w: api.collection_page(
        client, handle, **w.arguments(), sort_key=sort_key, reverse=reverse, filters=filters
    ))


def collections(client: StorefrontClient, window: Window) -> m.Paginated[m.Collection]:
    return window.fetch(lambda w: api.collections(client, **w.arguments(24)))


@dataclass(frozen=True)
class OptionChoice:
    """One value of one option on a product page, and where choosing it leads."""

    value: m.OptionValue
    selected: bool
    variant: m.Variant | None  # the variant it leads to; None when that combination is not made

    @property
    def exists(self) -> bool:
        return self.variant is not None

    @property
    def available(self) -> bool:
        return self.variant is not None and self.variant.available


@dataclass(frozen=True)
class ProductView:
    product: m.Product
    variant: m.Variant
    options: list[tuple[str, list[OptionChoice]]]


def product(client: StorefrontClient, handle: str, variant_id: str | None) -> ProductView | None:
    found = api.product(client, handle)
    if found is None or not found.variants:
        return None
    chosen = _variant_by_id(found, variant_id) or found.selected_variant or found.variants[0]
    return ProductView(found, chosen, _option_choices(found, chosen))


def _variant_by_id(product: m.Product, variant_id: str | None) -> m.Variant | None:
    if not variant_id:
        return None
    wanted = {variant_id, f"gid://shopify/ProductVariant/{variant_id}"}
    return next((v for v in product.variants if v.id in wanted), None)


def _option_choices(product: m.Product, chosen: m.Variant):
    """For each option value: the variant reached by changing just that option.

    Links to these variants make selection work without JavaScript, and a
    combination that is not made shows as unavailable instead of leading nowhere.
    """
    by_options = {tuple(sorted(v.options.items())): v for v in product.variants}
    groups = []
    for option in product.options:
        choices = []
        for value in option.values:
            wanted = {**chosen.options, option.name: value.name}
            variant = by_options.get(tuple(sorted(wanted.items())))
            selected = chosen.options.get(option.name) == value.name
            choices.append(OptionChoice(value, selected, variant))
        groups.append((option.name, choices))
    return groups


def variant_for_options(view: ProductView, chosen: dict[str, str]) -> m.Variant | None:
    """The variant with exactly these option values (from a no-JavaScript form)."""
    wanted = {**view.variant.options, **chosen}
    return next((v for v in view.product.variants if v.options == wanted), None)


def recommendations(client: StorefrontClient, handle: str) -> list[m.ProductCard]:
    return api.recommendations(client, handle=handle)[:4]


_TERM = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def search_terms(text: str) -> str:
    """The shopper's words, each quoted, for Shopify's search syntax.

    Quoting every word keeps `OR`, `NOT`, `-`, `field:value`, `*` and stray
    quotes from widening or redirecting the search: they become words, or
    vanish when they hold no letters or digits. Words stay ANDed, as Shopify
    does with plain terms.
    """
    return " ".join(f'"{word}"' for word in _TERM.findall(text)[:20])


def search(client: StorefrontClient, text: str, window: Window) -> m.Paginated[m.ProductCard]:
    return window.fetch(lambda w: api.search(client, search_terms(text), **w.arguments()))


SEARCH_ARTICLES = 3  # articles shown after a search's products, on its first page


def search_page(
    client: StorefrontClient, text: str, window: Window, *, articles: bool = True
) -> m.SearchResults:
    """A page of products and, on the first page when `articles`, the first few articles
    (one request: `/search?type=article` lists them all)."""
    # (decided per window: a refused cursor falls back to the first page, as cached)
    return window.fetch(lambda w: api.search_page(
        client, search_terms(text), **w.arguments(),
        articles=SEARCH_ARTICLES if articles and w == Window() else 0))


def suggest(client: StorefrontClient, text: str) -> m.PredictiveResults | None:
    """Type-ahead results; predictive search takes plain words, not search syntax."""
    words = " ".join(_TERM.findall(text)[:10])
    return api.predictive_search(client, words, limit=6) if words else None


def page(client: StorefrontClient, handle: str) -> m.Page | None:
    return api.page(client, handle)


def policies(client: StorefrontClient) -> list[m.Policy]:
    return api.policies(client)


def policy(client: StorefrontClient, handle: str) -> m.Policy | None:
    return next((p for p in policies(client) if p.handle == handle), None)
