"""One public getter per named operation: send it, reshape the reply.

A missing entity comes back as None (the view turns it into a 404); failures
raise the named errors of `errors.py`. The client checks every reply against
its document's shape first, so the reshaping can trust it: a KeyError or
TypeError here is a bug of ours and goes up as one (a 500 with a traceback),
never reported as Shopify being unavailable.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from storefront.shopify import models as m
from storefront.shopify import reshape
from storefront.shopify.client import StorefrontClient
from storefront.shopify.errors import InvalidCursor, Rejected

MAX_PAGE_SIZE = 250  # Shopify's cap for `first`/`last` and for input lists


def _window(first: int | None, after: str | None, last: int | None, before: str | None):
    """Connection arguments: forwards by default, backwards when `before` is given."""
    if before and not after:
        return {"last": min(last or first or 24, MAX_PAGE_SIZE), "before": before}
    return {"first": min(first or 24, MAX_PAGE_SIZE), "after": after}


def _paged(
    client: StorefrontClient, name: str, variables: dict[str, Any],
    cursors: Sequence[str] = ("after", "before"),
) -> dict[str, Any]:
    """Run a paginated query; a rejection of the cursor sent is InvalidCursor.

    Shopify answers a cursor it can't use (garbled, or made for another sort
    order) with a 200 whose `errors` say "Invalid cursor for current
    pagination sort." It is the link's fault, not ours or Shopify's.
    """
    try:
        return client.execute(name, variables)
    except Rejected as error:
        sent = any(variables.get(cursor) for cursor in cursors)
        if not sent or "cursor" not in error.message.lower():
            raise
        raise InvalidCursor(
            error.message, status=error.status, request_id=error.request_id,
            operation=error.operation, code=error.code,
        ) from error


def layout(client: StorefrontClient, main_menu: str, footer_menu: str) -> m.Layout:
    data = client.execute("Layout", _layout_variables(main_menu, footer_menu))
    return m.Layout(
        shop=reshape.shop(data["shop"]),
        main_menu=reshape.menu(data.get("mainMenu")),
        footer_menu=reshape.menu(data.get("footerMenu")),
        localization=reshape.localization(data.get("localization")),
    )


def probe(client: StorefrontClient, main_menu: str, footer_menu: str) -> None:
    """Ask what layout() asks (a warm data cache answers it too), without reshaping the reply.

    For readiness: raises a StorefrontError when Shopify can't answer, and
    never for a bug in the reshaping, which is ours and no reason to take the
    instance out of the load balancer.
    """
    client.execute("Layout", _layout_variables(main_menu, footer_menu))


def _layout_variables(main_menu: str, footer_menu: str) -> dict[str, str]:
    return {"mainMenu": main_menu, "footerMenu": footer_menu}


HOME_SLOTS = 6  # collection slots in HomePage.graphql


def home_page(
    client: StorefrontClient,
    featured: str,
    collections: Sequence[str],
    *,
    featured_count: int = 8,
    per_collection: int = 4,
) -> m.HomePage:
    """The featured collection and up to six more (unknown handles are left out)."""
    variables: dict[str, Any] = {
        "featured": featured,
        "featuredCount": featured_count,
        "perCollection": per_collection,
    }
    for slot, handle in enumerate(collections[:HOME_SLOTS], start=1):
        variables[f"c{slot}"], variables[f"with{slot}"] = handle, True
    data = client.execute("HomePage", variables)
    teasers = [
        reshape.collection_teaser(data.get(f"c{slot}"))
        for slot in range(1, min(len(collections), HOME_SLOTS) + 1)
    ]
    return m.HomePage(
        featured=reshape.collection_teaser(data.get("featured")),
        collections=[t for t in teasers if t],
    )


def policies(client: StorefrontClient) -> list[m.Policy]:
    shop = client.execute("ShopPolicies", {})["shop"]
    found = (reshape.policy(shop.get(key)) for key in reshape.POLICY_FIELDS)
    return [policy for policy in found if policy]


def sitemap_entries(
    client: StorefrontClient, kind: str, after: str | None = None
) -> m.Paginated[m.SitemapEntry]:
    """One page (250) of products, collections, pages, blogs or articles for the sitemap."""
    variables = {
        "first": MAX_PAGE_SIZE,
        kind: after,
        "withProducts": kind == "products",
        "withCollections": kind == "collections",
        "withPages": kind == "pages",
        "withBlogs": kind == "blogs",
        "withArticles": kind == "articles",
    }
    data = _paged(client, "SitemapEntries", variables, cursors=(kind,))
    return reshape.paginated(data[kind], reshape.sitemap_entry)


def collections(
    client: StorefrontClient,
    *,
    first: int | None = 24,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> m.Paginated[m.Collection]:
    data = _paged(client, "Collections", _window(first, after, last, before))
    return reshape.paginated(data["collections"], reshape.collection)


def collection_page(
    client: StorefrontClient,
    handle: str,
    *,
    first: int | None = 24,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
    sort_key: str = "COLLECTION_DEFAULT",
    reverse: bool = False,
    filters: Sequence[dict[str, Any]] = (),
) -> m.CollectionPage | None:
    variables = {
        "handle": handle,
        **_window(first, after, last, before),
        "sortKey": sort_key,
        "reverse": reverse,
        "filters": list(filters),
    }
    return reshape.collection_page(_paged(client, "CollectionPage", variables)["collection"])


def all_products(
    client: StorefrontClient,
    *,
    first: int | None = 24,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
    sort_key: str | None = None,
    reverse: bool = False,
    available_only: bool = False,
) -> m.Paginated[m.ProductCard]:
    """Every product of the shop (`/collections/all`), in `sort_key` order (ProductSortKeys;
    None: Shopify's default), only those for sale when `available_only`."""
    variables = {
        **_window(first, after, last, before),
        "sortKey": sort_key,
        "reverse": reverse,
        "query": "available_for_sale:true" if available_only else None,
    }
    return reshape.paginated(_paged(client, "AllProducts", variables)["products"],
                             reshape.product_card)


def product(
    client: StorefrontClient, handle: str, selected_options: dict[str, str] | None = None
) -> m.Product | None:
    options = [{"name": k, "value": v} for k, v in (selected_options or {}).items()]
    data = client.execute("ProductPage", {"handle": handle, "selectedOptions": options})
    return reshape.product(data["product"])


def recommendations(
    client: StorefrontClient,
    product_id: str | None = None,
    *,
    handle: str | None = None,
    intent: str = "RELATED",
) -> list[m.ProductCard]:
    """Products to show with one product, named by id or by handle."""
    variables = {"productId": product_id, "productHandle": handle, "intent": intent}
    data = client.execute("ProductRecommendations", variables)
    return [reshape.product_card(p) for p in data.get("productRecommendations") or []]


def search(client: StorefrontClient, query: str, **options: Any) -> m.Paginated[m.ProductCard]:
    """A page of the products a search finds (the options of `search_page`, but articles)."""
    return search_page(client, query, **options).products


def search_page(
    client: StorefrontClient,
    query: str,
    *,
    first: int | None = 24,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
    sort_key: str = "RELEVANCE",
    reverse: bool = False,
    filters: Sequence[dict[str, Any]] = (),
    articles: int = 0,
) -> m.SearchResults:
    """A page of the products a search finds and, when `articles` > 0, its first articles
    (in the same request)."""
    variables = {
        "query": query,
        **_window(first, after, last, before),
        "sortKey": sort_key,
        "reverse": reverse,
        "productFilters": list(filters),
        "withArticles": articles > 0,
        "articleCount": min(max(articles, 1), MAX_PAGE_SIZE),
    }
    data = _paged(client, "Search", variables)
    found = data.get("articles")
    return m.SearchResults(
        products=reshape.paginated(data["search"], reshape.product_card),
        articles=reshape.paginated(found, reshape.article_card) if found else None,
    )


def article_search(
    client: StorefrontClient,
    query: str,
    *,
    first: int | None = 24,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> m.Paginated[m.ArticleCard]:
    """A page of the articles a search finds (`/search?type=article`)."""
    variables = {"query": query, **_window(first, after, last, before)}
    data = _paged(client, "ArticleSearch", variables)
    return reshape.paginated(data["search"], reshape.article_card)


def predictive_search(client: StorefrontClient, query: str, limit: int = 6) -> m.PredictiveResults:
    raw = client.execute("PredictiveSearch", {"query": query, "limit": limit})["predictiveSearch"]
    raw = raw or {}
    return m.PredictiveResults(
        products=[reshape.product_card(p) for p in raw.get("products") or []],
        collections=list(raw.get("collections") or []),
        pages=list(raw.get("pages") or []),
        queries=list(raw.get("queries") or []),
        articles=[reshape.article_card(a) for a in raw.get("articles") or []],
    )


def page(client: StorefrontClient, handle: str) -> m.Page | None:
    return reshape.page(client.execute("PageByHandle", {"handle": handle})["page"])


def url_redirect(client: StorefrontClient, path: str) -> str | None:
    """The target of the shop's URL redirect from `path` (as the caller normalised it)."""
    nodes = client.execute("UrlRedirect", {"query": f'path:"{path}"'})["urlRedirects"]["nodes"]
    return nodes[0]["target"] if nodes else None


def blog_page(
    client: StorefrontClient,
    handle: str,
    *,
    first: int | None = 24,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
    query: str | None = None,
) -> m.BlogPage | None:
    """A blog and a page of its articles, newest first; `query` is Shopify's search
    syntax over them (`tag:...`)."""
    variables = {"handle": handle, **_window(first, after, last, before), "query": query}
    return reshape.blog_page(_paged(client, "BlogPage", variables)["blog"])


def article_page(client: StorefrontClient, blog: str, handle: str) -> m.ArticlePage | None:
    """An article and its blog, or None when either is missing."""
    data = client.execute("ArticlePage", {"blog": blog, "handle": handle})
    return reshape.article_page(data["blog"])


def variants(client: StorefrontClient, ids: Sequence[str]) -> dict[str, m.Variant]:
    """Variants by id; unknown ids are simply absent from the result."""
    data = client.execute("Variants", {"ids": list(ids)[:MAX_PAGE_SIZE]})
    found = (reshape.variant(node) for node in data["nodes"] if node and node.get("id"))
    return {v.id: v for v in found if v}


def metaobjects(
    client: StorefrontClient, type_: str, *, first: int = 50, after: str | None = None
) -> m.Paginated[m.Metaobject]:
    """One page of the metaobjects of `type_` (at most 250), in Shopify's order."""
    first = min(first, MAX_PAGE_SIZE)
    data = _paged(client, "Metaobjects", {"type": type_, "first": first, "after": after})
    return reshape.paginated(data["metaobjects"], reshape.metaobject)


# The Cart API -------------------------------------------------------------


def cart(client: StorefrontClient, cart_id: str) -> m.Cart | None:
    return reshape.cart(client.execute("Cart", {"id": cart_id})["cart"])


def _cart_mutation(client: StorefrontClient, name: str, variables: dict) -> m.CartResult:
    data = client.execute(name, variables)
    field = name[0].lower() + name[1:]
    return reshape.cart_result(data[field])


def cart_create(
    client: StorefrontClient,
    *,
    lines: Sequence[dict[str, Any]] = (),
    discount_codes: Sequence[str] = (),
    attributes: dict[str, str] | None = None,
    note: str | None = None,
    buyer_identity: dict[str, Any] | None = None,
) -> m.CartResult:
    cart_input: dict[str, Any] = {"lines": list(lines), "discountCodes": list(discount_codes)}
    if attributes:
        cart_input["attributes"] = [{"key": k, "value": v} for k, v in attributes.items()]
    if note is not None:
        cart_input["note"] = note
    if buyer_identity:
        cart_input["buyerIdentity"] = buyer_identity
    return _cart_mutation(client, "CartCreate", {"input": cart_input})


def cart_lines_add(client: StorefrontClient, cart_id: str, lines: Sequence[dict]) -> m.CartResult:
    return _cart_mutation(client, "CartLinesAdd", {"cartId": cart_id, "lines": list(lines)})


def cart_lines_update(
    client: StorefrontClient, cart_id: str, lines: Sequence[dict]
) -> m.CartResult:
    return _cart_mutation(client, "CartLinesUpdate", {"cartId": cart_id, "lines": list(lines)})


def cart_lines_remove(
    client: StorefrontClient, cart_id: str, line_ids: Sequence[str]
) -> m.CartResult:
    variables = {"cartId": cart_id, "lineIds": list(line_ids)}
    return _cart_mutation(client, "CartLinesRemove", variables)


def cart_discount_codes_update(
    client: StorefrontClient, cart_id: str, codes: Sequence[str]
) -> m.CartResult:
    """Replace the cart's codes with `codes` (Shopify replaces the whole list)."""
    variables = {"cartId": cart_id, "discountCodes": list(codes)}
    return _cart_mutation(client, "CartDiscountCodesUpdate", variables)


def cart_gift_card_codes_add(
    client: StorefrontClient, cart_id: str, codes: Sequence[str]
) -> m.CartResult:
    """Add gift cards by code to those already on the cart."""
    variables = {"cartId": cart_id, "giftCardCodes": list(codes)}
    return _cart_mutation(client, "CartGiftCardCodesAdd", variables)


def cart_gift_card_codes_remove(
    client: StorefrontClient, cart_id: str, applied_ids: Sequence[str]
) -> m.CartResult:
    """Take gift cards off the cart by their `AppliedGiftCard` ids."""
    variables = {"cartId": cart_id, "appliedGiftCardIds": list(applied_ids)}
    return _cart_mutation(client, "CartGiftCardCodesRemove", variables)


def cart_attributes_update(
    client: StorefrontClient, cart_id: str, attributes: dict[str, str]
) -> m.CartResult:
    """Replace the cart's attributes with `attributes` (the whole list)."""
    pairs = [{"key": k, "value": v} for k, v in attributes.items()]
    return _cart_mutation(client, "CartAttributesUpdate", {"cartId": cart_id, "attributes": pairs})


def cart_note_update(client: StorefrontClient, cart_id: str, note: str) -> m.CartResult:
    return _cart_mutation(client, "CartNoteUpdate", {"cartId": cart_id, "note": note})


def cart_buyer_identity_update(
    client: StorefrontClient, cart_id: str, buyer_identity: dict[str, Any]
) -> m.CartResult:
    variables = {"cartId": cart_id, "buyerIdentity": buyer_identity}
    return _cart_mutation(client, "CartBuyerIdentityUpdate", variables)
