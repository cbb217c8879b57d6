"""Search syntax, relevance, `search` and `predictiveSearch`."""

from __future__ import annotations

import pytest

from storefront.demo_shop.search import Term, parse, stem
from tests.demo_shop.conftest import run

SEARCH = """query($q: String!, $first: Int, $after: String, $last: Int, $before: String,
                 $sortKey: SearchSortKeys, $reverse: Boolean, $filters: [ProductFilter!],
                 $types: [SearchType!], $unavailable: SearchUnavailableProductsType) {
  search(query: $q, first: $first, after: $after, last: $last, before: $before, sortKey: $sortKey,
         reverse: $reverse, productFilters: $filters, types: $types,
         unavailableProducts: $unavailable) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { __typename } }
    nodes { __typename ... on Product { handle availableForSale } ... on Page { handle } }
  }
}"""


def search(shop, query, **variables):
    variables.setdefault("first", 250)
    return run(shop, SEARCH, {"q": query, **variables})["search"]


def handles(shop, query, **variables):
    return [n["handle"] for n in search(shop, query, **variables)["nodes"]]


def test_parse_terms_phrases_fields_and_or():
    query = parse('Organic "cotton tee" -oat OR tag:Summer title:linen* NOT beanie')
    first, second = query.groups
    assert first == (
        Term(("organic",), value="organic"),
        Term(("cotton", "tee"), value="cotton tee"),
        Term(("oat",), value="oat", negated=True),
    )
    assert second == (
        Term(("summer",), field="tag", value="summer"),
        Term(("linen",), field="title", value="linen", prefix=True),
        Term(("beanie",), value="beanie", negated=True),
    )
    assert parse("   ").is_empty and parse(None).is_empty and parse("OR AND").is_empty
    assert parse("tees", prefix_last=True).groups[0][0].prefix
    assert not parse("tees ", prefix_last=True).groups[0][0].prefix  # a finished word
    assert stem("candles") == stem("candle") and stem("accessories") == "accessory"


def test_terms_are_all_required_and_case_insensitive(shop):
    assert handles(shop, "ORGANIC cotton", types=["PRODUCT"]) == [
        "organic-cotton-socks",
        "organic-cotton-tee",
        "hemp-hoodie",
    ]
    assert handles(shop, "organic cotton tee") == ["organic-cotton-tee"]
    assert handles(shop, "cotton zebra") == []


def test_plural_or_singular_match(shop):
    assert handles(shop, "tees") == ["organic-cotton-tee"]
    assert handles(shop, "candles") == ["soy-candle"]


def test_or_exclusion_and_phrases(shop):
    assert set(handles(shop, "beanie OR tote")) == {"wool-beanie", "canvas-tote"}
    assert "organic-cotton-tee" not in handles(shop, "organic -tee")
    assert "organic-cotton-tee" in handles(shop, "organic -zebra")
    assert handles(shop, '"soft organic"') == ["organic-cotton-tee"]  # words in that order
    assert handles(shop, '"organic soft"') == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("title:linen", ["linen-shirt"]),
        ("tag:winter", ["hemp-hoodie", "wool-beanie"]),
        ("product_type:Home", ["ceramic-mug", "soy-candle"]),
        ("vendor:fernwood tag:gift", ["soy-candle"]),
        ("vendor:nobody", []),
        ("sku:FW-LIN-M", ["linen-shirt"]),
        ("FW-HOO-L", ["hemp-hoodie"]),  # a SKU as plain text
        ("forest", ["organic-cotton-tee"]),  # a variant title
        ("title:forest", []),
        ("colour:blue", []),  # unknown fields match nothing
    ],
)
def test_field_terms(shop, query, expected):
    assert sorted(handles(shop, query, types=["PRODUCT"])) == expected


def test_title_matches_rank_above_description_matches(shop):
    # "Organic Cotton" is in two titles; the hoodie has it only in its description.
    found = handles(shop, "organic cotton", types=["PRODUCT"])
    assert found[-1] == "hemp-hoodie"
    assert found[:2] == sorted(found[:2], key=lambda h: shop.catalog.product(h).title)


def test_pages_are_found_too(shop):
    result = search(shop, "linen")
    assert [(n["__typename"], n["handle"]) for n in result["nodes"]] == [
        ("Product", "linen-shirt"),
        ("Page", "faq"),
    ]
    assert [e["node"]["__typename"] for e in result["edges"]] == ["Product", "Page"]
    assert handles(shop, "linen", types=["PAGE"]) == ["faq"]
    assert search(shop, "")["totalCount"] == 0


def test_price_sort_filters_and_unavailable_products(shop):
    by_price = handles(shop, "organic", sortKey="PRICE", types=["PRODUCT"])
    assert by_price == ["organic-cotton-socks", "canvas-tote", "organic-cotton-tee", "hemp-hoodie"]
    assert (
        handles(shop, "organic", sortKey="PRICE", reverse=True, types=["PRODUCT"]) == by_price[::-1]
    )
    assert handles(shop, "organic", filters=[{"price": {"max": 20}}], sortKey="PRICE") == [
        "organic-cotton-socks",
        "canvas-tote",
    ]
    home = ["ceramic-mug", "soy-candle"]
    assert handles(shop, "home", types=["PRODUCT"]) == home
    assert handles(shop, "home", types=["PRODUCT"], unavailable="HIDE") == ["soy-candle"]
    assert handles(shop, "home OR gift", types=["PRODUCT"], unavailable="LAST")[-1] == "ceramic-mug"


@pytest.mark.parametrize("sort_key", ["RELEVANCE", "PRICE"])
def test_search_pages_every_result_once(any_shop, sort_key):
    query = " OR ".join(sorted({p.product_type for p in any_shop.catalog.products}))
    whole = search(any_shop, query, sortKey=sort_key)
    assert whole["totalCount"] == len(whole["nodes"]) > 3
    items, after = [], None
    while True:
        page = search(any_shop, query, sortKey=sort_key, first=3, after=after)
        assert page["totalCount"] == whole["totalCount"]
        items += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert items == whole["nodes"]
    back = search(
        any_shop,
        query,
        sortKey=sort_key,
        first=None,
        last=2,
        before=page["pageInfo"]["startCursor"],
    )
    assert back["nodes"] == whole["nodes"][-len(page["nodes"]) - 2 : -len(page["nodes"])]


PREDICTIVE = """query($q: String!, $limit: Int, $scope: PredictiveSearchLimitScope,
                     $types: [PredictiveSearchType!], $fields: [SearchableField!]) {
  predictiveSearch(query: $q, limit: $limit, limitScope: $scope, types: $types,
                   searchableFields: $fields) {
    products { handle } collections { handle } pages { handle } queries { text styledText }
  }
}"""


def predictive(shop, query, **variables):
    return run(shop, PREDICTIVE, {"q": query, **variables})["predictiveSearch"]


def test_predictive_search_matches_the_last_word_as_a_prefix(shop):
    result = predictive(shop, "org")
    assert [p["handle"] for p in result["products"]] == [
        "organic-cotton-socks",
        "organic-cotton-tee",
    ]
    assert result["queries"][0] == {"text": "organic", "styledText": "<mark>org</mark>anic"}
    assert all("<mark>org</mark>" in q["styledText"] for q in result["queries"])
    assert predictive(shop, "cotton so")["products"] == [{"handle": "organic-cotton-socks"}]
    assert len(predictive(shop, "cotton s")["products"]) == 2  # the tee has an "S" variant
    assert predictive(shop, "app")["collections"] == [{"handle": "apparel"}]
    assert predictive(shop, "abo")["pages"] == [{"handle": "about"}]
    assert predictive(shop, "   ") == {
        "products": [],
        "collections": [],
        "pages": [],
        "queries": [],
    }


def test_predictive_search_fields_types_and_limits(shop):
    # The default fields leave out descriptions and tags; asking for them finds more.
    assert predictive(shop, "lining")["products"] == []
    assert predictive(shop, "lining", fields=["BODY"])["products"] == [{"handle": "hemp-hoodie"}]
    assert predictive(shop, "org", types=["QUERY"])["products"] == []
    assert len(predictive(shop, "o", limit=1)["products"]) == 1
    limited = predictive(shop, "o", limit=3, scope="ALL")
    assert sum(len(items) for items in limited.values()) == 3


def test_styled_text_is_escaped():
    from storefront.demo_shop.search import _styled

    assert _styled("<b>old</b> tee", [Term(("tee",))]) == "&lt;b&gt;old&lt;/b&gt; <mark>tee</mark>"
