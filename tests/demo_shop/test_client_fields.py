"""The fields real clients ask for beyond the store's own: localization, sitemap,
policies with a default, @defer, search tracking, variant pickers and unit prices."""

from __future__ import annotations

import copy
import json

import pytest

from storefront.demo_shop.carts import MemoryCartStore
from storefront.demo_shop.catalog import DEFAULT_CATALOG, CatalogError, load_catalog
from storefront.demo_shop.shop import DemoShop
from tests.demo_shop.conftest import errors_of, run
from tests.demo_shop.variant_decoder import decode

RAW = json.loads(DEFAULT_CATALOG.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def shop() -> DemoShop:
    return DemoShop(carts=MemoryCartStore())


def catalog_with(tmp_path, change) -> str:
    """A copy of the shipped catalog with `change` applied; its path."""
    raw = copy.deepcopy(RAW)
    change(raw)
    (tmp_path / "images").symlink_to(DEFAULT_CATALOG.parent / "images")
    (tmp_path / "catalog.json").write_text(json.dumps(raw), encoding="utf-8")
    return tmp_path / "catalog.json"


# Localization -------------------------------------------------------------

LOCALIZATION = """query($country: CountryCode, $language: LanguageCode)
@inContext(country: $country, language: $language) { localization {
  country { isoCode name unitSystem currency { isoCode name symbol }
            defaultLanguage { isoCode } availableLanguages { isoCode } }
  language { isoCode name endonymName }
  availableCountries { isoCode }
  availableLanguages { isoCode name }
} }"""


def test_a_shop_without_markets_sells_in_the_united_states_in_english(tmp_path):
    def no_markets(raw):
        raw["shop"].pop("markets")
        raw.pop("translations")

    shop = DemoShop(catalog_with(tmp_path, no_markets), carts=MemoryCartStore())
    found = run(shop, LOCALIZATION)["localization"]
    assert found["country"] == {
        "isoCode": "US", "name": "United States", "unitSystem": "IMPERIAL_SYSTEM",
        "currency": {"isoCode": "USD", "name": "US Dollar", "symbol": "$"},
        "defaultLanguage": {"isoCode": "EN"}, "availableLanguages": [{"isoCode": "EN"}],
    }
    assert found["language"] == {"isoCode": "EN", "name": "English", "endonymName": "English"}
    assert found["availableCountries"] == [{"isoCode": "US"}]
    # A country or language the shop doesn't sell in falls back to the primary one.
    elsewhere = run(shop, LOCALIZATION, {"country": "FR", "language": "FR"})["localization"]
    assert elsewhere == found


def test_localization_follows_the_catalog_and_in_context(tmp_path):
    def two_markets(raw):
        raw["shop"]["markets"] = [
            {"handle": "us", "countries": ["US"], "currencyCode": "USD", "languages": ["EN"]},
            {"handle": "canada", "countries": ["CA"], "currencyCode": "CAD",
             "languages": ["EN", "FR"], "exchangeRate": "1.35"}]
        raw.pop("translations")

    shop = DemoShop(catalog_with(tmp_path, two_markets), carts=MemoryCartStore())
    found = run(shop, LOCALIZATION, {"country": "CA", "language": "FR"})["localization"]
    assert found["country"]["isoCode"] == "CA" and found["country"]["unitSystem"] == (
        "METRIC_SYSTEM")
    assert found["country"]["currency"] == {"isoCode": "CAD", "name": "dollar canadien",
                                            "symbol": "$"}
    assert found["language"] == {"isoCode": "FR", "name": "français", "endonymName": "français"}
    assert [c["isoCode"] for c in found["availableCountries"]] == ["US", "CA"]
    assert found["availableLanguages"] == [{"isoCode": "EN", "name": "anglais"},
                                           {"isoCode": "FR", "name": "français"}]


# Sitemap ------------------------------------------------------------------

SITEMAP = """query($type: SitemapType!, $page: Int!) { sitemap(type: $type) {
  pagesCount { count precision }
  resources(page: $page) { hasNextPage items { __typename handle updatedAt
    ... on SitemapResource { title } ... on SitemapResourceMetaobject { type } } }
} }"""


def test_sitemap_pages_the_catalog(shop):
    first = run(shop, SITEMAP, {"type": "PRODUCT", "page": 1})["sitemap"]
    assert first["pagesCount"] == {"count": 1, "precision": "EXACT"}
    items = first["resources"]["items"]
    assert len(items) == len(shop.catalog.products) and not first["resources"]["hasNextPage"]
    assert items[0] == {"__typename": "SitemapResource", "handle": "organic-cotton-tee",
                        "updatedAt": "2025-04-11T10:00:00Z", "title": "Organic Cotton Tee"}
    after = run(shop, SITEMAP, {"type": "PRODUCT", "page": 2})["sitemap"]["resources"]
    assert after == {"hasNextPage": False, "items": []}
    creators = run(shop, SITEMAP, {"type": "METAOBJECT", "page": 1})["sitemap"]
    assert {i["__typename"] for i in creators["resources"]["items"]} == {
        "SitemapResourceMetaobject"}
    blogs = run(shop, SITEMAP, {"type": "BLOG", "page": 1})["sitemap"]["resources"]["items"]
    articles = run(shop, SITEMAP, {"type": "ARTICLE", "page": 1})["sitemap"]["resources"]
    assert [(b["handle"], b["title"]) for b in blogs] == [("journal", "Journal")]
    newest = max(a.published_at for a in shop.catalog.blogs[0].articles)
    assert blogs[0]["updatedAt"] == newest  # a blog changes when an article is published
    assert len(articles["items"]) == len(shop.catalog.blogs[0].articles)
    assert "how-to-care-for-linen" in {a["handle"] for a in articles["items"]}
    assert errors_of(shop, SITEMAP, {"type": "PAGE", "page": 0}) == ["`page` starts at 1."]


# Policies -----------------------------------------------------------------

POLICY = "{ shop { subscriptionPolicy { id title handle body url } } }"


def test_subscription_policy_is_shopifys_default_until_written(shop, tmp_path):
    default = run(shop, POLICY)["shop"]["subscriptionPolicy"]
    assert default["id"] is None and default["handle"] == "subscription-policy"
    assert default["body"].startswith("<p>") and default["url"].endswith("/policies/"
                                                                          "subscription-policy")

    def written(raw):
        raw["shop"]["policies"]["subscriptionPolicy"] = {
            "title": "Subscriptions", "handle": "subscriptions", "body": "<p>Ours.</p>"}

    own = DemoShop(catalog_with(tmp_path, written), carts=MemoryCartStore())
    policy = run(own, POLICY)["shop"]["subscriptionPolicy"]
    assert policy["id"].startswith("gid://shopify/ShopPolicy/") and policy["body"] == (
        "<p>Ours.</p>")


# @defer -------------------------------------------------------------------


def test_deferred_fragments_come_with_the_rest(shop):
    query = """query($skip: Boolean!) { shop { name ... @defer(label: "brand") { brand { slogan } }
      ...Later @defer(if: $skip) } } fragment Later on Shop { description }"""
    data = run(shop, query, {"skip": False})
    assert data["shop"]["brand"]["slogan"] and data["shop"]["description"]
    mutation = """mutation { cartCreate { ... @defer { cart { totalQuantity } } userErrors {
      code } } }"""
    assert run(shop, mutation)["cartCreate"]["cart"] == {"totalQuantity": 0}


def test_defer_where_shopify_refuses_it_is_refused(shop):
    assert errors_of(shop, "{ shop @defer { name } }") == [
        "Directive '@defer' may not be used on field."]


# Search tracking ----------------------------------------------------------


def test_tracking_parameters_only_on_search_results(shop):
    product = run(shop, '{ product(handle: "linen-shirt") { trackingParameters } }')
    assert product["product"]["trackingParameters"] is None
    found = run(shop, """{ search(query: "linen", first: 2, after: null) {
      nodes { ... on Product { trackingParameters } ... on Article { trackingParameters }
              ... on Page { trackingParameters } } } }""")["search"]["nodes"]
    assert [n["trackingParameters"] for n in found] == [
        "_pos=1&_psq=linen&_ss=r&_v=1.0", "_pos=2&_psq=linen&_ss=r&_v=1.0"]
    page = run(shop, """{ predictiveSearch(query: "sea salt") {
      products { trackingParameters } queries { text trackingParameters } } }""")
    assert page["predictiveSearch"]["products"][0]["trackingParameters"] == (
        "_pos=1&_psq=sea+salt&_ss=e&_v=1.0")


# Variant pickers and unit prices ------------------------------------------

PICKER = """query($handle: String!, $selected: [SelectedOptionInput!]) {
  product(handle: $handle) {
    encodedVariantExistence encodedVariantAvailability
    adjacentVariants(selectedOptions: $selected) { title }
  } }"""


def adjacent(shop, handle, selected=None) -> list[str]:
    product = run(shop, PICKER, {"handle": handle, "selected": selected})["product"]
    return [variant["title"] for variant in product["adjacentVariants"]]


def test_encodings_follow_the_variants_that_exist_and_sell(shop):
    bottle = run(shop, PICKER, {"handle": "water-bottle"})["product"]
    assert decode(bottle["encodedVariantExistence"]) == [(0, 0), (1, 0), (1, 1)]
    assert bottle["encodedVariantExistence"] == "v1_0:0,1:0-1,"
    oil = run(shop, PICKER, {"handle": "rosehip-face-oil"})["product"]  # sold out
    assert oil["encodedVariantExistence"] == "v1_0-1" and oil["encodedVariantAvailability"] == (
        "v1_")


def test_adjacent_variants_differ_by_one_option(shop):
    # 500 ml / Black is never made: still a selection with neighbours.
    assert adjacent(shop, "water-bottle", [{"name": "Size", "value": "500 ml"},
                                           {"name": "Color", "value": "Black"}]) == [
        "500 ml / Sage", "750 ml / Black"]
    # No selection: the neighbours of the first available variant, 500 ml / Sage.
    assert adjacent(shop, "water-bottle") == ["750 ml / Sage"]
    # A partial selection stands for the variant it would pick; unknown names are ignored.
    assert adjacent(shop, "water-bottle", [{"name": "Color", "value": "Black"},
                                           {"name": "Engraving", "value": "yes"}]) == [
        "750 ml / Sage"]
    assert adjacent(shop, "glass-carafe") == []


def test_unit_prices_of_what_sells_by_volume(shop):
    query = """{ product(handle: "oat-hand-cream") { variants(first: 5) { nodes { title
      unitPrice { amount currencyCode } unitPriceMeasurement { measuredType quantityValue
      quantityUnit referenceValue referenceUnit } } } } }"""
    small, large = run(shop, query)["product"]["variants"]["nodes"]
    assert small["unitPrice"] == {"amount": "48.0", "currencyCode": "USD"}  # 24.00 for 50 ml
    assert large["unitPrice"]["amount"] == "38.0"
    assert large["unitPriceMeasurement"] == {"measuredType": "VOLUME", "quantityValue": 100.0,
                                             "quantityUnit": "ML", "referenceValue": 100,
                                             "referenceUnit": "ML"}
    tee = run(shop, '{ product(handle: "organic-cotton-tee") { variants(first: 1) { nodes { '
                    'unitPrice { amount } unitPriceMeasurement { quantityValue } } } } }')
    assert tee["product"]["variants"]["nodes"] == [{"unitPrice": None,
                                                    "unitPriceMeasurement": None}]


# The catalog's new data, checked at load --------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda raw: raw["shop"]["markets"][1].update(countries=["usa"]),
         "shop.markets[1] 'canada': country 'usa'"),
        (lambda raw: raw["shop"].update(shipping=[{"countries": ["US"], "rates": []}]),
         "shop.shipping[0]: a zone needs at least one rate"),
        (lambda raw: raw["shop"].update(shipping=[{"countries": ["US"], "rates": [
            {"handle": "a", "title": "A", "price": "1.00"},
            {"handle": "a", "title": "B", "price": "2.00"}]}]),
         "shop.shipping[0]: two rates share a handle"),
        (lambda raw: raw["products"][0]["variants"][0].update(unitPriceMeasurement={
            "measuredType": "VOLUME", "quantityValue": 50, "quantityUnit": "G",
            "referenceValue": 100, "referenceUnit": "ML"}),
         "unitPriceMeasurement.quantityUnit is not one of ML, CL, L"),
    ],
)
def test_bad_localization_shipping_or_unit_data_is_named(tmp_path, change, message):
    with pytest.raises(CatalogError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_catalog(catalog_with(tmp_path, change))
