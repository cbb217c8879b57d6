"""Every GraphQL document the storefront sends validates and runs against the demo shop."""

from __future__ import annotations

import pytest
from graphql import validate

from storefront.demo_shop.schema import demo_schema
from storefront.shopify.documents import load_operations
from tests.demo_shop.conftest import run

OPERATIONS = load_operations()
CONTEXT = {"country": "US", "language": "EN"}


def some_variant(shop) -> str:
    variant = next(v for p in shop.catalog.products for v in p.variants if v.available)
    return f"gid://shopify/ProductVariant/{variant.id}"


def sample_cart(shop) -> tuple[str, str]:
    """A cart id and one of its line ids."""
    data = run(
        shop,
        OPERATIONS["CartCreate"].document,
        {"input": {"lines": [{"merchandiseId": some_variant(shop)}]}},
    )
    cart = data["cartCreate"]["cart"]
    return cart["id"], cart["lines"]["nodes"][0]["id"]


def usable_gift_card(shop):
    """A card of the shop's catalog that can pay whatever the day."""
    return next(c for c in shop.catalog.gift_cards if c.enabled and c.expires_on is None)


def applied_gift_card(shop, cart_id: str) -> str:
    """The id of a card applied to cart `cart_id`."""
    card = usable_gift_card(shop)
    run(shop, OPERATIONS["CartGiftCardCodesAdd"].document,
        {"cartId": cart_id, "giftCardCodes": [card.code]})
    return f"gid://shopify/AppliedGiftCard/{card.id}"


def variables_for(name: str, shop) -> dict:
    """Sensible variables for each operation; a new document needs an entry here."""
    product = shop.catalog.products[0]
    collection = max(shop.catalog.collections, key=lambda c: len(c.product_handles))
    option_pairs = [{"name": n, "value": v} for n, v in product.variants[-1].options]
    blog = shop.catalog.blogs[0]
    if name.startswith("Cart"):
        cart_id, line_id = sample_cart(shop)
    cases = {
        "Layout": lambda: {"mainMenu": "main-menu", "footerMenu": "footer"},
        "Collections": lambda: {"first": 10},
        "HomePage": lambda: {
            "featured": collection.handle,
            "featuredCount": 8,
            "perCollection": 4,
            "c1": collection.handle,
            "with1": True,
        },
        "ShopPolicies": lambda: {},
        "UrlRedirect": lambda: {"query": "path:\"/shop\""},
        "SitemapEntries": lambda: {
            "first": 250,
            "withProducts": True,
            "withCollections": True,
            "withPages": True,
            "withBlogs": True,
            "withArticles": True,
        },
        "AllProducts": lambda: {
            "first": 4, "sortKey": "PRICE", "reverse": True,
            "query": "available_for_sale:true",
        },
        "CollectionPage": lambda: {
            "handle": collection.handle,
            "first": 4,
            "sortKey": "PRICE",
            "reverse": True,
            "filters": [{"available": True}],
        },
        "ProductPage": lambda: {"handle": product.handle, "selectedOptions": option_pairs},
        "ProductRecommendations": lambda: {
            "productId": f"gid://shopify/Product/{product.id}",
            "intent": "RELATED",
        },
        "Search": lambda: {"query": product.title.split()[-1], "first": 5,
                           "withArticles": True},
        "PredictiveSearch": lambda: {"query": product.title[:3], "limit": 5},
        "PageByHandle": lambda: {"handle": shop.catalog.pages[0].handle},
        "BlogPage": lambda: {"handle": blog.handle, "first": 2, "query": "tag:Shop"},
        "ArticlePage": lambda: {"blog": blog.handle, "handle": blog.articles[-1].handle},
        "ArticleSearch": lambda: {"query": "sundays", "first": 5},
        "Variants": lambda: {"ids": [some_variant(shop), "gid://shopify/ProductVariant/1"]},
        "Metaobjects": lambda: {"type": "creator", "first": 10},
        "Cart": lambda: {"id": cart_id},
        "CartCreate": lambda: {
            "input": {
                "lines": [{"merchandiseId": some_variant(shop)}],
                "discountCodes": ["WELCOME10"],
            }
        },
        "CartLinesAdd": lambda: {
            "cartId": cart_id,
            "lines": [{"merchandiseId": some_variant(shop), "quantity": 1}],
        },
        "CartLinesUpdate": lambda: {"cartId": cart_id, "lines": [{"id": line_id, "quantity": 2}]},
        "CartLinesRemove": lambda: {"cartId": cart_id, "lineIds": [line_id]},
        "CartDiscountCodesUpdate": lambda: {"cartId": cart_id, "discountCodes": ["TAKE5"]},
        "CartAttributesUpdate": lambda: {
            "cartId": cart_id,
            "attributes": [{"key": "_creator", "value": "maya"}],
        },
        "CartNoteUpdate": lambda: {"cartId": cart_id, "note": "Gift wrap, please"},
        "CartGiftCardCodesAdd": lambda: {
            "cartId": cart_id, "giftCardCodes": [usable_gift_card(shop).code],
        },
        "CartGiftCardCodesRemove": lambda: {
            "cartId": cart_id, "appliedGiftCardIds": [applied_gift_card(shop, cart_id)],
        },
        "CartBuyerIdentityUpdate": lambda: {
            "cartId": cart_id,
            "buyerIdentity": {"email": "a@example.com", "countryCode": "CA"},
        },
    }
    assert name in cases, f"add sensible variables for the new document {name}"
    return {**CONTEXT, **cases[name]()} if name != "Metaobjects" else cases[name]()


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_document_validates_against_the_demo_schema(name):
    assert validate(demo_schema(), OPERATIONS[name].document) == []


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_document_runs_without_errors(name, any_shop):
    operation = OPERATIONS[name]
    data = run(any_shop, operation.document, variables_for(name, any_shop), name)
    assert data and all(value is not None for value in data.values()), data
    if operation.is_mutation:
        payload = next(iter(data.values()))
        assert payload["userErrors"] == [] and payload["cart"]["id"]
