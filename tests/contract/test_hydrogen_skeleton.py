"""Hydrogen's skeleton template runs unchanged on the demo shop: every route's operation.

The operations are our copies of what the skeleton's routes send (app/routes,
app/lib/fragments.ts), in tests/contract/clients/hydrogen_skeleton/. Each runs
over HTTP against `python -m storefront.demo_shop serve`, with the country and
language Hydrogen's storefront client adds to every query that declares them.
"""

from __future__ import annotations

from tests.contract.client_documents import ClientSet, Outcome
from tests.demo_shop.variant_decoder import decode

HYDROGEN_CONTEXT = {"country": "US", "language": "EN"}

def nodes(connection: dict) -> list:
    return connection["nodes"]


def check_menu(menu: dict) -> None:
    assert menu["id"].startswith("gid://shopify/Menu/")
    assert menu["items"], "an empty menu"
    assert all(item["title"] and item["url"] for item in menu["items"])


def check_header(out: Outcome) -> None:
    shop = out.data["shop"]
    assert shop["name"] == "Fernwood" and shop["primaryDomain"]["url"].startswith("https://")
    assert shop["brand"]["logo"]["image"]["url"].endswith(".svg")
    check_menu(out.data["menu"])
    shop_item = out.data["menu"]["items"][0]
    assert shop_item["items"], "the first item's submenu"
    assert any(i["resourceId"] for i in shop_item["items"])  # links to collections


def check_featured(out: Outcome) -> None:
    [collection] = nodes(out.data["collections"])
    assert collection["handle"] and collection["image"]["url"]


def check_recommended(out: Outcome) -> None:
    products = nodes(out.data["products"])
    assert len(products) == 4
    for product in products:
        assert product["featuredImage"]["url"]
        assert float(product["priceRange"]["minVariantPrice"]["amount"]) > 0


def check_collections(out: Outcome) -> None:
    assert len(nodes(out.data["collections"])) == 4
    assert out.data["collections"]["pageInfo"]["hasNextPage"] is True


def check_collection(out: Outcome) -> None:
    collection = out.data["collection"]
    assert collection["handle"] == "apparel" and collection["description"]
    products = nodes(collection["products"])
    assert 0 < len(products) <= 8
    assert all(p["priceRange"]["maxVariantPrice"]["currencyCode"] == "USD" for p in products)


def check_catalog(out: Outcome) -> None:
    assert len(nodes(out.data["products"])) == 8
    assert out.data["products"]["pageInfo"]["hasNextPage"] is True


def check_page(out: Outcome) -> None:
    page = out.data["page"]
    assert page["title"] == "About us" and "<p>" in page["body"] and page["seo"]["title"]


def check_policy(out: Outcome) -> None:
    shop = out.data["shop"]
    assert set(shop) == {"refundPolicy"}  # the others are left out by @include
    assert shop["refundPolicy"]["body"] and shop["refundPolicy"]["url"].endswith("refund-policy")


def check_policies(out: Outcome) -> None:
    shop = out.data["shop"]
    for name in ("privacyPolicy", "shippingPolicy", "termsOfService", "refundPolicy"):
        assert shop[name]["id"].startswith("gid://shopify/ShopPolicy/"), name
    # No subscription policy written: Shopify's default, which has no id.
    assert shop["subscriptionPolicy"] == {
        "id": None, "title": "Subscription policy", "handle": "subscription-policy"
    }


def check_product(out: Outcome) -> None:
    product = out.data["product"]
    sizes, colors = (
        [value["name"] for value in option["optionValues"]] for option in product["options"]
    )
    existing = decode(product["encodedVariantExistence"])
    available = decode(product["encodedVariantAvailability"])
    assert (0, 2) not in existing  # XS / Charcoal is never made
    assert len(existing) == 14 and set(available) <= set(existing) and available
    selected = product["selectedOrFirstAvailableVariant"]
    assert selected["selectedOptions"] == [{"name": "Size", "value": "M"},
                                           {"name": "Color", "value": "Oat"}]
    assert selected["unitPrice"] is None  # sold by the piece
    for variant in product["adjacentVariants"]:
        chosen = {o["name"]: o["value"] for o in variant["selectedOptions"]}
        assert (chosen["Size"] == "M") != (chosen["Color"] == "Oat")  # one option differs
    assert len(product["adjacentVariants"]) == (len(sizes) - 1) + (len(colors) - 1)
    swatches = [v["swatch"] for v in product["options"][1]["optionValues"]]
    assert all(s["color"].startswith("#") and s["image"] is None for s in swatches)


def check_search(out: Outcome) -> None:
    pages = nodes(out.data["pages"])
    products = nodes(out.data["products"])
    assert pages and products
    assert products[0]["trackingParameters"].startswith("_pos=1&_psq=linen&")
    assert all(p["selectedOrFirstAvailableVariant"]["price"]["amount"] for p in products)
    assert all(p["__typename"] == "Page" and p["trackingParameters"] for p in pages)
    articles = nodes(out.data["articles"])
    assert articles and all(a["__typename"] == "Article" and a["trackingParameters"]
                            for a in articles)


def check_predictive(out: Outcome) -> None:
    found = out.data["predictiveSearch"]
    assert found["products"] and found["queries"]
    assert found["articles"]
    for kind in ("products", "collections", "pages", "articles", "queries"):
        for position, item in enumerate(found[kind], start=1):
            assert item["trackingParameters"].startswith(f"_pos={position}&_psq=linen&"), kind


def check_blogs(blogs: dict) -> None:
    assert [blog["handle"] for blog in nodes(blogs)] == ["journal"]


def check_blog(out: Outcome) -> None:
    blog = out.data["blog"]
    articles = nodes(blog["articles"])
    assert blog["title"] == "Journal" and len(articles) == 4  # the first page of seven
    assert blog["articles"]["pageInfo"]["hasNextPage"] is True
    assert all(a["handle"] and a["publishedAt"].endswith("Z") for a in articles)


def check_article(out: Outcome) -> None:
    article = out.data["blog"]["articleByHandle"]
    assert article["title"] == "How to care for linen"
    assert article["contentHtml"].startswith("<") and article["author"]["name"]


def check_cart(out: Outcome) -> None:
    cart = out.data["cart"]
    [line] = [line for line in nodes(cart["lines"]) if "parentRelationship" in line]
    assert line["parentRelationship"] is None and line["quantity"] == 1
    assert line["merchandise"]["product"]["handle"] == "organic-cotton-tee"
    # Shopify's answers since 2025-01: taxes at checkout, and no customer on a guest cart.
    assert cart["cost"]["totalTaxAmount"] is None and cart["cost"]["totalDutyAmount"] is None
    assert cart["buyerIdentity"]["customer"] is None
    assert float(cart["cost"]["totalAmount"]["amount"]) > 0


CHECKS = {
    "Header": check_header,
    "Footer": lambda out: check_menu(out.data["menu"]),
    "FeaturedCollection": check_featured,
    "RecommendedProducts": check_recommended,
    "StoreCollections": check_collections,
    "Collection": check_collection,
    "Catalog": check_catalog,
    "Page": check_page,
    "Policy": check_policy,
    "Policies": check_policies,
    "Product": check_product,
    "RegularSearch": check_search,
    "PredictiveSearch": check_predictive,
    "CartQuery": check_cart,
    "Blogs": lambda out: check_blogs(out.data["blogs"]),
    "Blog": check_blog,
    "Article": check_article,
}


SET = ClientSet("hydrogen_skeleton", CHECKS, context=HYDROGEN_CONTEXT)
test_our_copy_is_valid_against_shopify, test_operation_runs_unchanged = SET.tests()


def test_the_set_is_the_skeletons_routes():
    assert len(SET.operations) == 17
