"""Shop, menus, collections, products, pages, metaobjects and nodes through `DemoShop.execute`."""

from __future__ import annotations

from decimal import Decimal

import pytest

from storefront.demo_shop.carts import MemoryCartStore
from storefront.demo_shop.shop import DemoShop
from tests.demo_shop.conftest import FIXTURE_CATALOG, errors_of, run

COLLECTION_PRODUCTS = """
query($handle: String!, $first: Int, $after: String, $last: Int, $before: String,
      $sortKey: ProductCollectionSortKeys, $reverse: Boolean, $filters: [ProductFilter!]) {
  collection(handle: $handle) {
    products(first: $first, after: $after, last: $last, before: $before, sortKey: $sortKey,
             reverse: $reverse, filters: $filters) {
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { handle } }
      nodes { handle title createdAt availableForSale priceRange { minVariantPrice { amount } } }
    }
  }
}"""


def products_page(shop, handle, **variables):
    data = run(shop, COLLECTION_PRODUCTS, {"handle": handle, **variables})
    return data["collection"]["products"]


def forwards(fetch, size):
    items, after = [], None
    while True:
        page = fetch(first=size, after=after)
        items += [n["handle"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            return items
        after = page["pageInfo"]["endCursor"]


def backwards(fetch, size):
    items, before = [], None
    while True:
        page = fetch(last=size, before=before)
        items = [n["handle"] for n in page["nodes"]] + items
        if not page["pageInfo"]["hasPreviousPage"]:
            return items
        before = page["pageInfo"]["startCursor"]


SORTS = [
    "COLLECTION_DEFAULT",
    "MANUAL",
    "BEST_SELLING",
    "CREATED",
    "PRICE",
    "TITLE",
    "ID",
    "RELEVANCE",
]


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("sort_key", SORTS)
def test_collection_products_page_every_item_once_both_ways(any_shop, sort_key, reverse):
    for collection in any_shop.catalog.collections:

        def fetch(handle=collection.handle, **window):
            return products_page(any_shop, handle, sortKey=sort_key, reverse=reverse, **window)

        whole = [n["handle"] for n in fetch(first=250)["nodes"]]
        assert sorted(whole) == sorted(collection.product_handles)
        assert forwards(fetch, 3) == whole
        assert backwards(fetch, 2) == whole


def test_sorts_order_products(shop):
    def handles(**kw):
        return [n["handle"] for n in products_page(shop, "apparel", first=250, **kw)["nodes"]]

    catalog = shop.catalog
    apparel = catalog.products_of(catalog.collection("apparel"))
    assert handles() == list(catalog.collection("apparel").product_handles)
    assert handles(sortKey="PRICE") == [
        p.handle for p in sorted(apparel, key=lambda p: (p.min_price, p.id))
    ]
    assert handles(sortKey="TITLE") == sorted(handles(), key=lambda h: catalog.product(h).title)
    assert handles(sortKey="BEST_SELLING") == [
        p.handle for p in sorted(apparel, key=lambda p: p.best_selling_rank)
    ]
    assert handles(sortKey="CREATED", reverse=True) == [
        p.handle for p in sorted(apparel, key=lambda p: p.created_at, reverse=True)
    ]
    prices = [
        Decimal(n["priceRange"]["minVariantPrice"]["amount"])
        for n in products_page(shop, "apparel", first=250, sortKey="PRICE")["nodes"]
    ]
    assert prices == sorted(prices)


def test_page_info_is_right_in_both_directions(shop):
    first = products_page(shop, "apparel", first=2)
    assert first["pageInfo"]["hasNextPage"] and not first["pageInfo"]["hasPreviousPage"]
    assert first["pageInfo"]["startCursor"] == first["edges"][0]["cursor"]
    assert first["pageInfo"]["endCursor"] == first["edges"][-1]["cursor"]
    second = products_page(shop, "apparel", first=2, after=first["pageInfo"]["endCursor"])
    assert second["pageInfo"]["hasPreviousPage"] and second["pageInfo"]["hasNextPage"]
    back = products_page(shop, "apparel", last=2, before=second["pageInfo"]["startCursor"])
    assert back["nodes"] == first["nodes"] and not back["pageInfo"]["hasPreviousPage"]
    last = products_page(shop, "apparel", last=1)
    assert not last["pageInfo"]["hasNextPage"] and last["pageInfo"]["hasPreviousPage"]
    empty = products_page(shop, "apparel", first=5, after=last["pageInfo"]["endCursor"])
    assert empty["nodes"] == [] and empty["pageInfo"]["startCursor"] is None


@pytest.mark.parametrize(
    ("window", "message"),
    [
        ({}, "you must provide one of first or last"),
        ({"first": 251}, "`first` must be between 0 and 250, got 251"),
        ({"last": -1}, "`last` must be between 0 and 250, got -1"),
        ({"first": 2, "after": "not a cursor"}, "Invalid cursor for current pagination sort."),
    ],
)
def test_connection_arguments_are_checked(shop, window, message):
    query = (
        "query($w: Int, $l: Int, $a: String) { products(first: $w, last: $l, after: $a) "
        "{ nodes { id } } }"
    )
    variables = {"w": window.get("first"), "l": window.get("last"), "a": window.get("after")}
    assert errors_of(shop, query, variables) == [message]
    assert errors_of(shop, '{ collection(handle: "apparel") { products { nodes { id } } } }') == [
        "you must provide one of first or last"
    ]


def test_filters(shop):
    def handles(*filters):
        page = products_page(shop, "apparel", first=250, filters=list(filters))
        return {n["handle"] for n in page["nodes"]}

    assert handles({"available": False}) == set()
    everything = handles()
    assert handles({"price": {"min": 30, "max": 70}}) == {"organic-cotton-tee", "linen-shirt"}
    assert handles({"productType": "shirts"}) == {"linen-shirt"}
    assert handles({"productVendor": "Fernwood"}) == everything
    assert handles({"tag": "winter"}) == {"hemp-hoodie", "wool-beanie"}
    assert handles({"tag": "winter"}, {"tag": "linen"}) == {
        "hemp-hoodie",
        "wool-beanie",
        "linen-shirt",
    }  # same kind: either
    assert handles({"tag": "winter"}, {"price": {"max": 50}}) == {"wool-beanie"}  # kinds: both
    assert handles({"variantOption": {"name": "size", "value": "xs"}}) == {"organic-cotton-tee"}
    home = products_page(shop, "home", first=250, filters=[{"available": True}])
    assert [n["handle"] for n in home["nodes"]] == ["soy-candle"]  # the mug is sold out


def test_unknown_handles_and_ids_are_null(shop):
    data = run(
        shop,
        """{
      collection(handle: "nope") { id } collectionByHandle(handle: "nope") { id }
      product(handle: "nope") { id } productByHandle(handle: "nope") { id }
      byId: product(id: "gid://shopify/Product/1") { id }
      wrongType: product(id: "gid://shopify/Collection/5002") { id }
      page(handle: "nope") { id } pageByHandle(handle: "nope") { id }
      menu(handle: "nope") { id }
      metaobject(handle: {type: "creator", handle: "nope"}) { id }
      productRecommendations(productHandle: "nope") { id }
    }""",
    )
    assert set(data.values()) == {None}


def test_lookup_by_id_and_by_handle_agree(shop):
    data = run(
        shop,
        """{
      a: product(id: "gid://shopify/Product/7002") { handle }
      b: productByHandle(handle: "linen-shirt") { id }
      c: collection(id: "gid://shopify/Collection/5003") { handle }
      d: page(id: "gid://shopify/Page/3001") { handle }
      e: metaobject(id: "gid://shopify/Metaobject/8002") { handle }
    }""",
    )
    assert data == {
        "a": {"handle": "linen-shirt"},
        "b": {"id": "gid://shopify/Product/7002"},
        "c": {"handle": "home"},
        "d": {"handle": "about"},
        "e": {"handle": "leo"},
    }
    assert errors_of(shop, '{ product(id: "gid://shopify/Product/7002", handle: "x") { id } }')
    assert errors_of(shop, "{ product { id } }") == ["Provide one of `id` or `handle`."]


PRODUCT = """query($handle: String!, $options: [SelectedOptionInput!]!, $unknown: Boolean,
                  $caseless: Boolean, $chosen: [SelectedOptionInput!]) {
  product(handle: $handle) {
    id title vendor productType tags description short: description(truncateAt: 12)
    descriptionHtml createdAt updatedAt publishedAt onlineStoreUrl availableForSale totalInventory
    featuredImage { url(transform: {maxWidth: 400}) altText width height }
    images(first: 10) { nodes { id url } }
    options { name values optionValues { name swatch { color } firstSelectableVariant { title } } }
    variants(first: 250) { nodes { id title sku availableForSale quantityAvailable
      currentlyNotInStock weight weightUnit requiresShipping
      selectedOptions { name value } image { id } product { handle } } }
    variantBySelectedOptions(selectedOptions: $options, ignoreUnknownOptions: $unknown,
                             caseInsensitiveMatch: $caseless) { title }
    selectedOrFirstAvailableVariant(selectedOptions: $chosen) { title }
    priceRange { minVariantPrice { amount currencyCode } maxVariantPrice { amount } }
    compareAtPriceRange { maxVariantPrice { amount } }
    seo { title description }
    collections(first: 10) { nodes { handle } }
  }
}"""


def product(
    shop, handle="organic-cotton-tee", options=(), unknown=None, caseless=None, chosen=None
):
    variables = {
        "handle": handle,
        "options": list(options),
        "unknown": unknown,
        "caseless": caseless,
        "chosen": chosen,
    }
    return run(shop, PRODUCT, variables)["product"]


def test_product_fields(clock):
    shop = DemoShop(FIXTURE_CATALOG, carts=MemoryCartStore(), base_url="http://127.0.0.1:8100")
    tee = product(shop)
    assert tee["id"] == "gid://shopify/Product/7001"
    assert tee["description"] == "A soft organic cotton tee. Made to last."
    assert tee["short"] == "A soft…" and len(tee["short"]) <= 12
    assert tee["onlineStoreUrl"] == "https://fernwood.example/products/organic-cotton-tee"
    assert tee["featuredImage"] == {
        "url": "http://127.0.0.1:8100/demo-shop/files/organic-cotton-tee-oat.svg",
        "altText": "Tee in oat",
        "width": 800,
        "height": 1000,
    }
    assert tee["totalInventory"] == 12 * 4 + 2
    assert [o["name"] for o in tee["options"]] == ["Size", "Color"]
    color = tee["options"][1]
    assert color["values"] == ["Oat", "Forest"]
    assert color["optionValues"][1] == {
        "name": "Forest",
        "swatch": {"color": "#2f4a3a"},
        "firstSelectableVariant": {"title": "XS / Forest"},
    }
    assert tee["priceRange"]["minVariantPrice"] == {"amount": "38.0", "currencyCode": "USD"}
    assert tee["compareAtPriceRange"]["maxVariantPrice"]["amount"] == "0.0"
    sold_out = next(v for v in tee["variants"]["nodes"] if v["title"] == "S / Forest")
    assert sold_out["availableForSale"] is False and sold_out["quantityAvailable"] == 0
    assert sold_out["weight"] == 200.0 and sold_out["weightUnit"] == "GRAMS"
    assert sold_out["image"] == {"id": "gid://shopify/ProductImage/90002"}
    assert {c["handle"] for c in tee["collections"]["nodes"]} == {"frontpage", "apparel"}
    shirt = product(shop, "linen-shirt")
    assert shirt["compareAtPriceRange"]["maxVariantPrice"]["amount"] == "85.0"


def test_variant_by_selected_options(shop):
    exact = [{"name": "Size", "value": "M"}, {"name": "Color", "value": "Forest"}]
    assert product(shop, options=exact)["variantBySelectedOptions"] == {"title": "M / Forest"}
    lower = [{"name": "size", "value": "m"}, {"name": "color", "value": "forest"}]
    assert product(shop, options=lower)["variantBySelectedOptions"] is None
    assert product(shop, options=lower, caseless=True)["variantBySelectedOptions"] == {
        "title": "M / Forest"
    }
    extra = [*exact, {"name": "Fit", "value": "Slim"}]
    assert product(shop, options=extra)["variantBySelectedOptions"] is None
    assert product(shop, options=extra, unknown=True)["variantBySelectedOptions"] == {
        "title": "M / Forest"
    }
    assert product(shop, options=exact[:1])["variantBySelectedOptions"] is None  # incomplete


def test_selected_or_first_available_variant(shop):
    assert product(shop)["selectedOrFirstAvailableVariant"] == {"title": "XS / Oat"}
    sold_out = [{"name": "Size", "value": "S"}, {"name": "Color", "value": "Forest"}]
    assert product(shop, chosen=sold_out)["selectedOrFirstAvailableVariant"] == {
        "title": "S / Forest"
    }  # an exact match is returned even when sold out
    partial = [{"name": "Color", "value": "Forest"}]
    assert product(shop, chosen=partial)["selectedOrFirstAvailableVariant"] == {
        "title": "XS / Forest"
    }
    unknown = [{"name": "Size", "value": "XXL"}]
    assert product(shop, chosen=unknown)["selectedOrFirstAvailableVariant"] == {"title": "XS / Oat"}
    mug = run(
        shop,
        '{ product(handle: "ceramic-mug") { selectedOrFirstAvailableVariant '
        "{ title availableForSale } } }",
    )
    assert mug["product"]["selectedOrFirstAvailableVariant"] == {
        "title": "Default Title",
        "availableForSale": False,
    }


def test_products_query_and_sort_keys(shop):
    def handles(query=None, sort_key=None, reverse=False):
        data = run(
            shop,
            "query($q: String, $s: ProductSortKeys, $r: Boolean) { products("
            "first: 250, query: $q, sortKey: $s, reverse: $r) { nodes { handle } } }",
            {"q": query, "s": sort_key, "r": reverse},
        )
        return [n["handle"] for n in data["products"]["nodes"]]

    assert handles() == [p.handle for p in shop.catalog.products]  # ID order
    assert handles(sort_key="VENDOR", reverse=True)[0] == "organic-cotton-socks"
    assert handles("tag:winter", "TITLE") == ["hemp-hoodie", "wool-beanie"]
    assert handles("product_type:Home -candle") == ["ceramic-mug"]
    assert handles("available_for_sale:false") == ["ceramic-mug"]
    assert handles("cotton", "RELEVANCE")[:2] == ["organic-cotton-tee", "organic-cotton-socks"]
    assert handles("cotton", "RELEVANCE")[-1] == "hemp-hoodie"  # only its description matches
    for sort_key in [
        "BEST_SELLING",
        "CREATED_AT",
        "ID",
        "PRICE",
        "PRODUCT_TYPE",
        "RELEVANCE",
        "TITLE",
        "UPDATED_AT",
        "VENDOR",
    ]:

        def fetch(sort_key=sort_key, **window):
            return run(
                shop,
                "query($f: Int, $a: String, $l: Int, $b: String, $s: ProductSortKeys)"
                " { products(first: $f, after: $a, last: $l, before: $b, sortKey: $s)"
                " { pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"
                " nodes { handle } } }",
                {
                    "f": window.get("first"),
                    "a": window.get("after"),
                    "l": window.get("last"),
                    "b": window.get("before"),
                    "s": sort_key,
                },
            )["products"]

        whole = handles(sort_key=sort_key)
        assert forwards(fetch, 3) == whole and backwards(fetch, 3) == whole, sort_key


def test_collections_connection(any_shop):
    def fetch(**window):
        return run(
            any_shop,
            "query($f: Int, $a: String, $l: Int, $b: String) { collections("
            "first: $f, after: $a, last: $l, before: $b, sortKey: TITLE) {"
            " totalCount pageInfo { hasNextPage hasPreviousPage startCursor "
            "endCursor } nodes { handle title } } }",
            {
                "f": window.get("first"),
                "a": window.get("after"),
                "l": window.get("last"),
                "b": window.get("before"),
            },
        )["collections"]

    whole = fetch(first=250)
    titles = [n["title"].casefold() for n in whole["nodes"]]
    assert titles == sorted(titles)
    assert whole["totalCount"] == len(any_shop.catalog.collections)
    handles = [n["handle"] for n in whole["nodes"]]
    assert forwards(fetch, 2) == handles == backwards(fetch, 2)


def test_shop_brand_policies_and_menus(shop):
    data = run(
        shop,
        """{
      shop { id name moneyFormat primaryDomain { host url sslEnabled }
        brand { slogan logo { id mediaContentType image { url } }
                colors { primary { background } } }
        shippingPolicy { id title handle url body } termsOfService { title } }
      menu(handle: "main-menu") { id title itemsCount items { id title type url resourceId
        items { title type resourceId items { title type url resourceId } } } }
    }""",
    )
    shop_data = data["shop"]
    assert shop_data["primaryDomain"] == {
        "host": "fernwood.example",
        "url": "https://fernwood.example",
        "sslEnabled": True,
    }
    assert shop_data["brand"]["logo"]["image"]["url"] == "/demo-shop/files/logo.svg"
    assert shop_data["brand"]["logo"]["mediaContentType"] == "IMAGE"
    assert shop_data["brand"]["colors"]["primary"] == [{"background": "#2f4a3a"}]
    assert shop_data["shippingPolicy"]["url"] == "https://fernwood.example/policies/shipping-policy"
    menu = data["menu"]
    assert menu["itemsCount"] == 2
    shop_item = menu["items"][0]
    assert shop_item["type"] == "CATALOG" and shop_item["resourceId"] is None
    apparel = shop_item["items"][0]
    assert apparel["resourceId"] == "gid://shopify/Collection/5002"
    assert apparel["items"][0] == {
        "title": "Linen Shirt",
        "type": "PRODUCT",
        "url": "https://fernwood.example/products/linen-shirt",
        "resourceId": "gid://shopify/Product/7002",
    }


def test_nodes_by_id(shop):
    data = run(
        shop,
        """query($ids: [ID!]!) { nodes(ids: $ids) { __typename id
      ... on Product { handle } ... on ProductVariant { title } ... on Collection { handle }
      ... on Page { handle } ... on Metaobject { handle } } }""",
        {
            "ids": [
                "gid://shopify/Product/7003",
                "gid://shopify/ProductVariant/700102",
                "gid://shopify/Collection/5004",
                "gid://shopify/Page/3002",
                "gid://shopify/Metaobject/8001",
                "gid://shopify/Product/999",
                "gid://shopify/Cart/abc?key=def",
                "garbage",
                "",
                "gid://shopify/Product/7003/extra",
            ]
        },
    )
    assert [n and n["__typename"] for n in data["nodes"]] == [
        "Product",
        "ProductVariant",
        "Collection",
        "Page",
        "Metaobject",
        None,
        None,
        None,
        None,
        None,
    ]
    assert data["nodes"][1] == {
        "__typename": "ProductVariant",
        "id": "gid://shopify/ProductVariant/700102",
        "title": "XS / Forest",
    }
    single = run(shop, '{ a: node(id: "gid://shopify/Page/3001") { id } b: node(id: "x") { id } }')
    assert single == {"a": {"id": "gid://shopify/Page/3001"}, "b": None}


def test_pages_and_metaobjects(shop):
    pages = run(
        shop,
        "{ pages(first: 10, sortKey: TITLE) { nodes { handle body bodySummary onlineStoreUrl } } }",
    )["pages"]["nodes"]
    assert [p["handle"] for p in pages] == ["about", "faq"]
    assert pages[0]["body"].startswith("<p>") and pages[0]["onlineStoreUrl"].endswith(
        "/pages/about"
    )
    data = run(
        shop,
        """{
      metaobjects(type: "creator", first: 1, sortKey: "display_name") {
        pageInfo { hasNextPage } nodes { handle field(key: "name") { value } } }
      none: metaobjects(type: "nothing", first: 5) { nodes { id } }
      maya: metaobject(handle: {type: "creator", handle: "maya"}) {
        fields { key value } missing: field(key: "nope") { value } }
    }""",
    )
    assert data["metaobjects"]["nodes"] == [{"handle": "leo", "field": {"value": "Leo Park"}}]
    assert data["metaobjects"]["pageInfo"]["hasNextPage"]
    assert data["none"]["nodes"] == []
    assert {"key": "discount_code", "value": "WELCOME10"} in data["maya"]["fields"]
    assert data["maya"]["missing"] is None
    assert errors_of(
        shop, '{ metaobjects(type: "creator", first: 1, sortKey: "x") { nodes { id } } }'
    )


def recommended(shop, handle, intent="RELATED"):
    data = run(
        shop,
        "query($h: String, $i: ProductRecommendationIntent) { productRecommendations("
        "productHandle: $h, intent: $i) { handle productType } }",
        {"h": handle, "i": intent},
    )
    return data["productRecommendations"]


def test_recommendations(any_shop):
    for item in any_shop.catalog.products:
        related = recommended(any_shop, item.handle)
        assert item.handle not in {p["handle"] for p in related}
        assert related == recommended(any_shop, item.handle)  # deterministic
        complementary = recommended(any_shop, item.handle, "COMPLEMENTARY")
        assert item.product_type not in {p["productType"] for p in complementary}


def test_related_products_share_type_or_tags_first(shop):
    related = [p["handle"] for p in recommended(shop, "organic-cotton-tee")]
    assert related[0] == "organic-cotton-socks"  # cotton, organic and the apparel collection
    assert "ceramic-mug" not in related  # nothing in common
