"""Shopify Markets in the demo shop's catalog: prices per market by the documented rule,
what each market sells, localization per @inContext, and translations with fallback.

On the fixture catalog with markets of its own (market_catalog.py): US (USD), CA (CAD
at 1.37, up to .99), FR and BE (EUR at 0.92, up to whole euros, no soy candle).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from storefront.demo_shop.carts import MemoryCartStore
from storefront.demo_shop.catalog import CatalogError, load_catalog
from storefront.demo_shop.markets import FixedPrice, Market
from storefront.demo_shop.shop import DemoShop
from tests.demo_shop.market_catalog import write_market_catalog


@pytest.fixture
def shop(tmp_path) -> DemoShop:
    return DemoShop(write_market_catalog(tmp_path), carts=MemoryCartStore())


def ask(shop, fields: str, country: str | None = None, language: str | None = None,
        variables: dict | None = None):
    """`fields` under @inContext(country, language); the data and the reply's extensions."""
    result = shop.execute(
        "query($country: CountryCode, $language: LanguageCode)"
        f" @inContext(country: $country, language: $language) {{ {fields} }}",
        {"country": country, "language": language, **(variables or {})})
    assert result.errors is None, result.errors
    return result.data, result.extensions


PRICES = """product(handle: $handle) {
  priceRange { minVariantPrice { amount currencyCode } maxVariantPrice { amount } }
  compareAtPriceRange { maxVariantPrice { amount currencyCode } }
  variants(first: 1) { nodes { price { amount currencyCode }
                               compareAtPrice { amount currencyCode } } } }"""


def prices(shop, handle: str, country: str | None):
    data, _ = ask(shop, PRICES.replace("$handle", f'"{handle}"'), country)
    product = data["product"]
    variant = product["variants"]["nodes"][0]
    return (variant["price"], variant["compareAtPrice"],
            product["priceRange"]["minVariantPrice"]["currencyCode"])


# The rule ------------------------------------------------------------------------------


@pytest.mark.parametrize(("country", "price", "compare_at", "currency"), [
    ("US", "68.0", "85.0", "USD"),
    (None, "68.0", "85.0", "USD"),  # no country: the primary market
    ("DE", "68.0", "85.0", "USD"),  # a country in no market: the primary market too
    ("CA", "93.99", "116.99", "CAD"),  # 68 x 1.37 = 93.16, 85 x 1.37 = 116.45: up to .99
    ("FR", "63.0", "79.0", "EUR"),  # 68 x 0.92 = 62.56, 85 x 0.92 = 78.20: up to whole euros
    ("BE", "63.0", "79.0", "EUR"),  # another country of the same market
])
def test_prices_follow_the_market_of_the_country(shop, country, price, compare_at, currency):
    found_price, found_compare_at, range_currency = prices(shop, "linen-shirt", country)
    assert found_price == {"amount": price, "currencyCode": currency}
    assert found_compare_at == {"amount": compare_at, "currencyCode": currency}
    assert range_currency == currency


def test_a_fixed_price_replaces_the_rule_with_its_own_compare_at_price(shop):
    # The tote is 18.00 in the US; Canada fixes 24.00 (the rule would give 24.99) without a
    # compare-at price, France 15.00 with one: on sale in France only.
    assert prices(shop, "canvas-tote", "US")[:2] == ({"amount": "18.0", "currencyCode": "USD"},
                                                    None)
    assert prices(shop, "canvas-tote", "CA")[:2] == ({"amount": "24.0", "currencyCode": "CAD"},
                                                    None)
    assert prices(shop, "canvas-tote", "FR")[:2] == (
        {"amount": "15.0", "currencyCode": "EUR"}, {"amount": "19.0", "currencyCode": "EUR"})
    # Only that variant is fixed in France: the other follows the rule (16.56 -> 17.00).
    data, _ = ask(shop, 'product(handle: "canvas-tote") { priceRange {'
                        ' minVariantPrice { amount } maxVariantPrice { amount } } }', "FR")
    assert data["product"]["priceRange"] == {"minVariantPrice": {"amount": "15.0"},
                                             "maxVariantPrice": {"amount": "17.0"}}


def test_the_rounding_rule_itself():
    canada = Market("ca", "Canada", ("CA",), "CAD", ("EN",), Decimal("1.37"), Decimal("0.99"))
    france = Market("fr", "France", ("FR",), "EUR", ("FR",), Decimal("0.92"), Decimal("0.00"))
    plain = Market("gb", "UK", ("GB",), "GBP", ("EN",), Decimal("0.79"))
    assert canada.rounded(Decimal("38.00")) == Decimal("52.99")  # 52.06
    assert canada.rounded(Decimal("100.00")) == Decimal("137.99")  # 137.00 exactly: up to .99
    assert canada.rounded(Decimal("0")) == Decimal("0.00")  # free stays free
    assert france.rounded(Decimal("38.00")) == Decimal("35.00")  # 34.96
    assert france.rounded(Decimal("25.00")) == Decimal("23.00")  # 23.00 exactly stays
    assert plain.rounded(Decimal("38.00")) == Decimal("30.02")  # to the cent, half up
    # Amounts that are not prices: converted to the cent, no ending; and back to USD.
    assert canada.convert(Decimal("5.00")) == Decimal("6.85")
    assert canada.to_shop(Decimal("52.99")) == Decimal("38.68")
    fixed = Market("ca", "Canada", ("CA",), "CAD", ("EN",), Decimal("1.37"), Decimal("0.99"),
                   fixed={7: FixedPrice(Decimal("9.00"))})

    class Variant:
        id, price, compare_at_price = 7, Decimal("38.00"), Decimal("45.00")

    assert (fixed.price(Variant), fixed.compare_at(Variant)) == (Decimal("9.00"), None)


def test_unit_prices_and_collection_prices_are_in_the_market_currency(shop):
    data, _ = ask(shop, 'collection(handle: "apparel") { products(first: 1, sortKey: PRICE) {'
                        ' nodes { handle priceRange { minVariantPrice { amount currencyCode } }'
                        ' } } }', "CA")
    [cheapest] = data["collection"]["products"]["nodes"]
    assert cheapest == {"handle": "organic-cotton-socks", "priceRange": {
        "minVariantPrice": {"amount": "16.99", "currencyCode": "CAD"}}}  # 12 x 1.37 = 16.44
    # A price filter reads the market's prices, as the shopper sees them.
    data, _ = ask(shop, 'collection(handle: "apparel") { products(first: 10, filters:'
                        ' [{price: {min: 90, max: 100}}]) { nodes { handle } } }', "CA")
    assert [p["handle"] for p in data["collection"]["products"]["nodes"]] == ["linen-shirt"]


# What each market sells --------------------------------------------------------------------


def test_a_product_left_out_of_a_market_is_not_found_there(shop):
    query = ('product(handle: "soy-candle") { title }'
             ' byId: product(id: "gid://shopify/Product/7006") { title }'
             ' node(id: "gid://shopify/Product/7006") { id }'
             ' variant: node(id: "gid://shopify/ProductVariant/700601") { id }'
             ' old: productByHandle(handle: "soy-candle") { title }'
             ' productRecommendations(productHandle: "soy-candle") { handle }')
    data, _ = ask(shop, query, "FR")
    assert data == {"product": None, "byId": None, "node": None, "variant": None, "old": None,
                    "productRecommendations": None}
    data, _ = ask(shop, query, "CA")
    assert data["product"] == {"title": "Soy Candle"} and data["variant"] is not None


def test_nor_listed_searched_recommended_or_in_the_sitemap(shop):
    lists = """
      home: collection(handle: "home") { products(first: 10) { nodes { handle } } }
      products(first: 50) { nodes { handle } }
      search(query: "candle gift", first: 10, types: PRODUCT) {
        nodes { ... on Product { handle } } }
      predictiveSearch(query: "soy") { products { handle } }
      productRecommendations(productHandle: "ceramic-mug") { handle }
      sitemap(type: PRODUCT) { resources(page: 1) { items { handle } } }
    """

    def handles(data) -> dict[str, set[str]]:
        return {
            "home": {p["handle"] for p in data["home"]["products"]["nodes"]},
            "products": {p["handle"] for p in data["products"]["nodes"]},
            "search": {p["handle"] for p in data["search"]["nodes"]},
            "predictive": {p["handle"] for p in data["predictiveSearch"]["products"]},
            "recommended": {p["handle"] for p in data["productRecommendations"]},
            "sitemap": {p["handle"] for p in data["sitemap"]["resources"]["items"]},
        }

    in_canada = handles(ask(shop, lists, "CA")[0])
    in_france = handles(ask(shop, lists, "FR")[0])
    for name, found in in_canada.items():
        assert "soy-candle" in found, name
        assert in_france[name] == found - {"soy-candle"}, name


# Localization ------------------------------------------------------------------------------

LOCALIZATION = """localization {
  country { isoCode name currency { isoCode name symbol } defaultLanguage { isoCode }
            availableLanguages { isoCode } }
  language { isoCode }
  availableLanguages { isoCode }
  availableCountries { isoCode currency { isoCode } defaultLanguage { isoCode }
                       availableLanguages { isoCode } }
}"""


def test_localization_lists_every_country_with_its_markets_currency_and_languages(shop):
    data, context = ask(shop, LOCALIZATION, "CA", "FR")
    found = data["localization"]
    assert found["country"] == {
        "isoCode": "CA", "name": "Canada",
        "currency": {"isoCode": "CAD", "name": "dollar canadien", "symbol": "$"},
        "defaultLanguage": {"isoCode": "EN"},
        "availableLanguages": [{"isoCode": "EN"}, {"isoCode": "FR"}]}
    assert found["language"] == {"isoCode": "FR"}
    assert found["availableLanguages"] == [{"isoCode": "EN"}, {"isoCode": "FR"}]
    assert found["availableCountries"] == [
        {"isoCode": "US", "currency": {"isoCode": "USD"}, "defaultLanguage": {"isoCode": "EN"},
         "availableLanguages": [{"isoCode": "EN"}]},
        {"isoCode": "CA", "currency": {"isoCode": "CAD"}, "defaultLanguage": {"isoCode": "EN"},
         "availableLanguages": [{"isoCode": "EN"}, {"isoCode": "FR"}]},
        {"isoCode": "FR", "currency": {"isoCode": "EUR"}, "defaultLanguage": {"isoCode": "FR"},
         "availableLanguages": [{"isoCode": "FR"}]},
        {"isoCode": "BE", "currency": {"isoCode": "EUR"}, "defaultLanguage": {"isoCode": "FR"},
         "availableLanguages": [{"isoCode": "FR"}]},
    ]
    # Shopify reports the context it answered in as an extension.
    assert context == {"context": {"country": "CA", "language": "FR"}}


@pytest.mark.parametrize(("asked", "answered"), [
    (("CA", None), ("CA", "EN")),  # no language: the market's default
    (("FR", "EN"), ("FR", "FR")),  # a language the market lacks: its default
    (("US", "FR"), ("US", "EN")),
    (("DE", "FR"), ("US", "EN")),  # a country in no market: the primary market
    ((None, None), ("US", "EN")),
])
def test_a_country_or_language_a_market_lacks_falls_back(shop, asked, answered):
    data, context = ask(shop, "localization { country { isoCode currency { isoCode } }"
                              " language { isoCode } }", *asked)
    country, language = answered
    assert data["localization"]["country"]["isoCode"] == country
    assert data["localization"]["language"]["isoCode"] == language
    assert context == {"context": {"country": country, "language": language}}


def test_no_context_extension_without_in_context(shop):
    result = shop.execute('{ shop { name } }')
    assert result.extensions is None


def test_payment_settings_name_the_shops_currency_and_every_markets(shop):
    data, _ = ask(shop, "shop { paymentSettings { countryCode currencyCode"
                        " enabledPresentmentCurrencies } }", "FR")
    assert data["shop"]["paymentSettings"] == {
        "countryCode": "US", "currencyCode": "USD",
        "enabledPresentmentCurrencies": ["USD", "CAD", "EUR"]}


# Translations -------------------------------------------------------------------------------

WORDS = """tee: product(handle: "organic-cotton-tee") {
  title description descriptionHtml short: description(truncateAt: 10)
  seo { title description } }
hoodie: product(handle: "hemp-hoodie") { title description seo { title } }
frontpage: collection(handle: "frontpage") { title description
  products(first: 1) { nodes { title } } }"""


def test_french_words_where_translated_and_english_elsewhere(shop):
    data, _ = ask(shop, WORDS, "CA", "FR")
    assert data["tee"] == {
        "title": "T-shirt en coton bio", "description": "Un t-shirt doux en coton bio.",
        "descriptionHtml": "<p>Un t-shirt <strong>doux</strong> en coton bio.</p>",
        "short": "Un…", "seo": {"title": "T-shirt bio | Fernwood",
                                "description": "Un t-shirt doux."}}
    # The hoodie has a French title only: its description and SEO fall back to English.
    assert data["hoodie"]["title"] == "Sweat en chanvre"
    assert data["hoodie"]["description"].startswith("Heavyweight hemp hoodie")
    assert data["hoodie"]["seo"] == {"title": "Hemp Hoodie"}
    assert data["frontpage"]["title"] == "Accueil"
    assert data["frontpage"]["description"] == "Our favourites."
    assert data["frontpage"]["products"]["nodes"] == [{"title": "Sweat en chanvre"}]


def test_english_where_the_market_has_no_french_and_for_english_in_canada(shop):
    english, _ = ask(shop, WORDS, "CA", "EN")
    in_us, _ = ask(shop, WORDS, "US", "FR")  # the US market has no French
    assert english == in_us
    assert english["tee"]["title"] == "Organic Cotton Tee"
    # France's only language is French: asked for nothing, that is what it answers in.
    french, _ = ask(shop, WORDS, "FR")
    assert french["tee"]["title"] == "T-shirt en coton bio"


def test_search_results_and_sitemap_titles_are_translated_too(shop):
    data, _ = ask(shop, 'search(query: "tee", first: 1, types: PRODUCT) {'
                        ' nodes { ... on Product { title } } }'
                        ' sitemap(type: PRODUCT) { resources(page: 1) { items {'
                        ' handle ... on SitemapResource { title } } } }', "FR")
    assert data["search"]["nodes"] == [{"title": "T-shirt en coton bio"}]
    titles = {i["handle"]: i["title"] for i in data["sitemap"]["resources"]["items"]}
    assert titles["organic-cotton-tee"] == "T-shirt en coton bio"
    assert titles["linen-shirt"] == "Linen Shirt"


# Checked at load ----------------------------------------------------------------------------


@pytest.mark.parametrize(("change", "message"), [
    (lambda raw: raw["shop"]["markets"][0].update(currencyCode="CAD"),
     "the primary market sells in the shop's currency"),
    (lambda raw: raw["shop"]["markets"][2].update(countries=["CA"]),
     "CA is in another market already"),
    (lambda raw: raw["shop"]["markets"][1].update(exchangeRate="0"),
     "exchangeRate must be above 0"),
    (lambda raw: raw["shop"]["markets"][1].update(priceEnding="1.99"),
     "priceEnding is a part of one"),
    (lambda raw: raw["shop"]["markets"][2].update(excludedProducts=["teapot"]),
     "unknown product 'teapot'"),
    (lambda raw: raw["shop"]["markets"][1]["fixedPrices"].append({"variant": 1, "price": "1"}),
     "fixed price of variant 1: unknown variant"),
    (lambda raw: raw["translations"].update(DE={"products": {}}), "no market sells in 'DE'"),
    (lambda raw: raw["translations"]["FR"]["products"].update(teapot={"title": "Théière"}),
     "translations.FR.products 'teapot': unknown product"),
    (lambda raw: raw["translations"]["FR"]["products"].update(
        {"wool-beanie": {"handle": "bonnet"}}), "cannot translate \\['handle'\\]"),
    (lambda raw: raw["shop"].update(localization={"countries": ["US"]}),
     "give shop.markets instead"),
])
def test_bad_market_or_translation_data_is_named(tmp_path, change, message):
    with pytest.raises(CatalogError, match=message):
        load_catalog(write_market_catalog(tmp_path, change))


def test_a_currency_the_schema_lacks_is_refused_at_start(tmp_path):
    def pounds(raw):
        raw["shop"]["markets"][1]["currencyCode"] = "GBP"

    with pytest.raises(CatalogError, match="currency GBP is not in the demo schema"):
        DemoShop(write_market_catalog(tmp_path, pounds))
