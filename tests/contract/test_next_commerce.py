"""Vercel's Next.js Commerce runs unchanged on the demo shop: every operation it sends.

Our copies of lib/shopify's queries and mutations (one fragment per entity,
composed), in tests/contract/clients/next_commerce/. Commerce adds no variables
of its own. Its cart fragment asks for `totalTaxAmount`, which the demo shop,
like Shopify since 2025-01, answers with null (Commerce shows 0 then).
"""

from __future__ import annotations

from decimal import Decimal

from tests.contract.client_documents import ClientSet, Outcome


def edges(connection: dict) -> list[dict]:
    return [edge["node"] for edge in connection["edges"]]


def check_product(product: dict) -> None:
    assert product["handle"] and product["descriptionHtml"].startswith("<p>")
    assert product["options"] and all(o["values"] for o in product["options"])
    variants = edges(product["variants"])
    assert variants and all(v["selectedOptions"] and v["price"]["amount"] for v in variants)
    assert product["featuredImage"]["url"] and edges(product["images"])
    assert product["seo"]["title"] and product["updatedAt"].endswith("Z")


def check_cart(cart: dict) -> None:
    assert cart["checkoutUrl"].startswith("http")
    assert cart["cost"]["totalTaxAmount"] is None
    for line in edges(cart["lines"]):
        check_product(line["merchandise"]["product"])
        assert Decimal(line["cost"]["totalAmount"]["amount"]) > 0


def cart_of(out: Outcome) -> dict:
    [payload] = out.data.values()
    cart = payload if "checkoutUrl" in payload else payload["cart"]
    check_cart(cart)
    return cart


def lines(cart: dict) -> dict[str, dict]:
    return {line["id"]: line for line in cart["lines"]["nodes"]}


def check_created(out: Outcome) -> None:
    cart = cart_of(out)
    assert cart["totalQuantity"] == 1 and out.after["id"] == cart["id"]
    [line] = lines(out.after).values()
    assert line["merchandise"]["id"] == out.values["variantId"]


def check_added(out: Outcome) -> None:
    assert cart_of(out)["totalQuantity"] == out.before["totalQuantity"] + 1
    assert out.after["totalQuantity"] == out.before["totalQuantity"] + 1


def check_edited(out: Outcome) -> None:
    assert cart_of(out)["totalQuantity"] == 2
    assert lines(out.after)[out.values["lineId"]]["quantity"] == 2


def check_removed(out: Outcome) -> None:
    assert cart_of(out)["totalQuantity"] == 0
    assert out.values["lineId"] in lines(out.before) and lines(out.after) == {}


def check_got_cart(out: Outcome) -> None:
    [line] = edges(cart_of(out)["lines"])
    assert line["merchandise"]["product"]["handle"] == "organic-cotton-tee"


def check_collection(out: Outcome) -> None:
    collection = out.data["collection"]
    assert collection["handle"] == "apparel" and collection["seo"]["description"]


def check_collections(out: Outcome) -> None:
    titles = [c["title"] for c in edges(out.data["collections"])]
    assert len(titles) >= 10 and titles == sorted(titles, key=str.casefold)


def check_collection_products(out: Outcome) -> None:
    products = edges(out.data["collection"]["products"])
    for product in products:
        check_product(product)
    prices = [Decimal(p["priceRange"]["minVariantPrice"]["amount"]) for p in products]
    assert prices and prices == sorted(prices, reverse=True)  # PRICE, reversed


def check_menu(out: Outcome) -> None:
    items = out.data["menu"]["items"]
    assert items and all(item["title"] and item["url"] for item in items)


def check_page(out: Outcome) -> None:
    page = out.data["pageByHandle"]
    assert page["title"] == "About us" and page["bodySummary"] and page["body"]


def check_pages(out: Outcome) -> None:
    assert {page["handle"] for page in edges(out.data["pages"])} >= {"about", "faq"}


def check_products(out: Outcome) -> None:
    products = edges(out.data["products"])
    assert products and all("linen" in p["title"].casefold() or "linen" in p["description"]
                            .casefold() for p in products)
    for product in products:
        check_product(product)


def check_recommendations(out: Outcome) -> None:
    products = out.data["productRecommendations"]
    assert products and out.values["productId"] not in {p["id"] for p in products}
    for product in products:
        check_product(product)


CHECKS = {
    "createCart": check_created,
    "addToCart": check_added,
    "editCartItems": check_edited,
    "removeFromCart": check_removed,
    "getCart": check_got_cart,
    "getCollection": check_collection,
    "getCollections": check_collections,
    "getCollectionProducts": check_collection_products,
    "getMenu": check_menu,
    "getPage": check_page,
    "getPages": check_pages,
    "getProduct": lambda out: check_product(out.data["product"]),
    "getProducts": check_products,
    "getProductRecommendations": check_recommendations,
}

SET = ClientSet("next_commerce", CHECKS)
test_our_copy_is_valid_against_shopify, test_operation_runs_unchanged = SET.tests()


def test_the_set_is_what_commerce_sends():
    assert len(SET.operations) == 14
