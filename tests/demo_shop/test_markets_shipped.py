"""The shipped demo catalog's markets (tools/demo_catalog/markets.py and translations.py):
the same product in the US, Canada and France, what France leaves out, and the French
the store's pages can rely on."""

from __future__ import annotations

import pytest

from storefront.demo_shop.shop import DemoShop
from tests.demo_shop.conftest import run
from tools.demo_catalog.products import FRONTPAGE
from tools.demo_catalog.translations import COLLECTIONS, PRODUCTS


@pytest.fixture(scope="module")
def shop() -> DemoShop:
    return DemoShop()


def in_context(shop, fields: str, country: str, language: str | None = None) -> dict:
    return run(shop, "query($country: CountryCode, $language: LanguageCode)"
                     f" @inContext(country: $country, language: $language) {{ {fields} }}",
               {"country": country, "language": language})


TEE = """product(handle: "organic-cotton-tee") { title description
  priceRange { minVariantPrice { amount currencyCode } } }"""


@pytest.mark.parametrize(("country", "language", "title", "price"), [
    ("US", None, "Organic Cotton Tee", {"amount": "38.0", "currencyCode": "USD"}),
    ("CA", None, "Organic Cotton Tee", {"amount": "52.99", "currencyCode": "CAD"}),
    ("CA", "FR", "T-shirt en coton biologique", {"amount": "52.99", "currencyCode": "CAD"}),
    ("FR", None, "T-shirt en coton biologique", {"amount": "35.0", "currencyCode": "EUR"}),
])
def test_the_same_tee_in_three_markets(shop, country, language, title, price):
    product = in_context(shop, TEE, country, language)["product"]
    assert product["title"] == title
    assert product["priceRange"]["minVariantPrice"] == price


@pytest.mark.parametrize(("handle", "country", "price", "compare_at"), [
    ("canvas-tote", "CA", "55.0", None),  # the rule would give 57.99
    ("stoneware-mug", "CA", "36.0", None),  # 38.99
    ("stoneware-mug", "FR", "24.0", None),  # 26.00
    ("merino-beanie", "FR", "32.0", "39.0"),  # 35.00, and on sale in France only
    ("merino-beanie", "CA", "52.99", None),  # by the rule: 38 x 1.37 = 52.06
])
def test_fixed_prices(shop, handle, country, price, compare_at):
    data = in_context(shop, f'product(handle: "{handle}") {{ variants(first: 1) {{ nodes {{'
                            ' price { amount } compareAtPrice { amount } } } }', country)
    [variant] = data["product"]["variants"]["nodes"]
    assert variant["price"]["amount"] == price
    assert (variant["compareAtPrice"] or {}).get("amount") == compare_at


def test_france_leaves_out_two_skincare_products(shop):
    query = """hand: product(handle: "oat-hand-cream") { handle }
               wash: product(handle: "body-wash") { handle }
               frontpage: collection(handle: "frontpage") { products(first: 20) {
                 nodes { handle } } }"""
    us, france = in_context(shop, query, "US"), in_context(shop, query, "FR")
    assert us["hand"] and us["wash"] and not france["hand"] and not france["wash"]
    home = [p["handle"] for p in us["frontpage"]["products"]["nodes"]]
    assert home == FRONTPAGE
    assert [p["handle"] for p in france["frontpage"]["products"]["nodes"]] == [
        h for h in FRONTPAGE if h != "oat-hand-cream"]


def test_the_home_page_and_every_collection_read_in_french(shop):
    query = """collections(first: 50) { nodes { handle title } }
               frontpage: collection(handle: "frontpage") { products(first: 20) {
                 nodes { handle title } } }"""
    english, french = in_context(shop, query, "CA", "EN"), in_context(shop, query, "CA", "FR")
    assert {c["handle"] for c in french["collections"]["nodes"]} == set(COLLECTIONS)
    for en, fr in zip(english["collections"]["nodes"], french["collections"]["nodes"],
                      strict=True):
        assert fr["title"] == COLLECTIONS[fr["handle"]][0] != en["title"]
    for product in french["frontpage"]["products"]["nodes"]:
        assert product["title"] == PRODUCTS[product["handle"]][0]


def test_untranslated_fields_and_products_stay_english(shop):
    query = """pack: product(handle: "waxed-backpack") { title description }
               pen: product(handle: "brass-pen") { title }"""
    found = in_context(shop, query, "FR")
    assert found["pack"]["title"] == "Sac à dos en toile cirée"
    assert found["pack"]["description"].startswith("Water-resistant waxed canvas")
    assert found["pen"]["title"] == "Solid Brass Pen"


def test_localization_of_the_shipped_shop(shop):
    data = in_context(shop, """localization { availableCountries { isoCode
      currency { isoCode symbol } defaultLanguage { isoCode } availableLanguages { isoCode } } }""",
                      "US")
    assert data["localization"]["availableCountries"] == [
        {"isoCode": "US", "currency": {"isoCode": "USD", "symbol": "$"},
         "defaultLanguage": {"isoCode": "EN"}, "availableLanguages": [{"isoCode": "EN"}]},
        {"isoCode": "CA", "currency": {"isoCode": "CAD", "symbol": "$"},
         "defaultLanguage": {"isoCode": "EN"},
         "availableLanguages": [{"isoCode": "EN"}, {"isoCode": "FR"}]},
        {"isoCode": "FR", "currency": {"isoCode": "EUR", "symbol": "€"},
         "defaultLanguage": {"isoCode": "FR"}, "availableLanguages": [{"isoCode": "FR"}]},
    ]


def test_shipping_to_france_is_in_euros(shop):
    tee = in_context(shop, 'product(handle: "organic-cotton-tee") {'
                           ' selectedOrFirstAvailableVariant { id } }', "FR")
    variant = tee["product"]["selectedOrFirstAvailableVariant"]["id"]
    cart = run(shop, """mutation($v: ID!) { cartCreate(input: {buyerIdentity: {countryCode: FR},
      lines: [{merchandiseId: $v}]}) { cart { id } } }""", {"v": variant})
    cart_id = cart["cartCreate"]["cart"]["id"]
    paris = {"address1": "1 rue de Rivoli", "city": "Paris", "countryCode": "FR"}
    added = run(shop, """mutation($id: ID!, $a: [CartSelectableAddressInput!]!) {
      cartDeliveryAddressesAdd(cartId: $id, addresses: $a) { cart { deliveryGroups(first: 1) {
        nodes { deliveryOptions { estimatedCost { amount currencyCode } } } } } } }""",
                {"id": cart_id, "a": [{"address": {"deliveryAddress": paris}, "selected": True}]})
    [group] = added["cartDeliveryAddressesAdd"]["cart"]["deliveryGroups"]["nodes"]
    assert [o["estimatedCost"] for o in group["deliveryOptions"]] == [
        {"amount": "12.88", "currencyCode": "EUR"},  # 14.00 USD x 0.92
        {"amount": "29.44", "currencyCode": "EUR"}]  # 32.00 USD x 0.92


def test_unit_prices_are_in_the_markets_currency(shop):
    # 50 ml of hand cream: 24.00 USD, 32.99 CAD (24 x 1.37 = 32.88, up to .99).
    query = ('product(handle: "oat-hand-cream") { variants(first: 1) { nodes {'
             ' price { amount } unitPrice { amount currencyCode } } } }')
    [us] = in_context(shop, query, "US")["product"]["variants"]["nodes"]
    [canada] = in_context(shop, query, "CA")["product"]["variants"]["nodes"]
    assert us["unitPrice"] == {"amount": "48.0", "currencyCode": "USD"}  # per 100 ml
    assert canada["price"]["amount"] == "32.99"
    assert canada["unitPrice"] == {"amount": "65.98", "currencyCode": "CAD"}
