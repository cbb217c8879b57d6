"""Market prefixes read off a path, the selector's choices, and the first-visit suggestion."""

from __future__ import annotations

import pytest

from storefront import markets
from storefront.markets import Market, MarketPrefix, Offered

US = Market("US", "EN")
OFFERED = [
    Offered("US", "United States", "USD", "$", (("EN", "English"),), "EN"),
    Offered("CA", "Canada", "CAD", "$", (("EN", "English"), ("FR", "français")), "EN"),
    Offered("FR", "France", "EUR", "€", (("FR", "français"),), "FR"),
]


@pytest.mark.parametrize(("path", "expected"), [
    ("/fr-ca/products/tee", ("/fr-ca", Market("CA", "FR"))),
    ("/fr-ca", ("/fr-ca", Market("CA", "FR"))),
    ("/en-ca/", ("/en-ca", Market("CA", "EN"))),
    ("/fr/cart", ("/fr", Market("US", "FR"))),  # another language of the primary country
    ("/pt-br-br/x", ("/pt-br-br", Market("BR", "PT_BR"))),
    ("/en-us/cart", ("/en-us", Market("US", "EN"))),  # the primary, spelled out
])
def test_a_prefix_names_a_language_then_a_country(path, expected):
    assert markets.split(path, US) == expected


@pytest.mark.parametrize("path", [
    "/", "/products/tee", "/en/cart", "/@maya", "/fr-canada/x", "/zz-ca/x", "/FR-CA/x",
    "/fr-ca-x", "/cart", "/xx",
])
def test_other_paths_are_no_prefix(path):
    assert markets.split(path, US) is None


def test_prefixes_round_trip():
    for market in (Market("CA", "FR"), Market("CA", "EN"), Market("FR", "FR"), Market("US", "FR")):
        prefix = markets.prefix_for(market, US)
        assert markets.split(prefix + "/cart", US) == (prefix, market)
    assert markets.prefix_for(US, US) == ""


def test_the_wsgi_layer_moves_the_prefix_into_the_script_name():
    seen = {}

    def app(environ, start_response):
        seen.update(environ)
        return [b""]

    layer = MarketPrefix(app, US)
    layer({"PATH_INFO": "/fr-ca/products/tee", "SCRIPT_NAME": ""}, None)
    assert (seen["SCRIPT_NAME"], seen["PATH_INFO"]) == ("/fr-ca", "/products/tee")
    assert seen[markets.ENVIRON_KEY] == Market("CA", "FR")
    seen.clear()
    layer({"PATH_INFO": "/fr-ca", "SCRIPT_NAME": "/shop/"}, None)
    assert (seen["SCRIPT_NAME"], seen["PATH_INFO"]) == ("/shop/fr-ca", "/")
    seen.clear()
    layer({"PATH_INFO": "/products/tee", "SCRIPT_NAME": ""}, None)
    assert seen["PATH_INFO"] == "/products/tee" and markets.ENVIRON_KEY not in seen


def test_markets_know_their_locale_and_lang():
    assert Market("CA", "FR").locale == "fr_CA"
    assert Market("CA", "FR").lang == "fr-CA"
    assert Market("BR", "PT_BR").lang == "pt-br-BR"
    assert Market("US", "XX").locale == "en_US"


def test_choices_list_every_country_and_language_primary_first():
    labels = [(m, label) for m, label in markets.choices(OFFERED[::-1], US)]
    assert labels[0] == (US, "United States (USD $)")
    assert (Market("CA", "FR"), "Canada (CAD $) · français") in labels
    assert (Market("FR", "FR"), "France (EUR €)") in labels
    assert len(labels) == 4


@pytest.mark.parametrize(("accept", "country", "current", "expected"), [
    ("fr-CA,fr;q=0.9,en;q=0.5", "CA", US, Market("CA", "FR")),
    ("en-US,en;q=0.9", "CA", US, Market("CA", "EN")),
    ("de-DE", "CA", US, Market("CA", "EN")),  # no German in Canada: its default language
    ("fr-FR", "FR", US, Market("FR", "FR")),
    ("en", "US", US, None),  # already right
    ("fr", "CA", Market("CA", "FR"), None),
    ("en;q=0.1,fr;q=0.8", "CA", Market("CA", "EN"), Market("CA", "FR")),
    ("fr", "DE", US, None),  # a country the shop does not sell in
    ("fr", None, US, None),  # no country at all
    ("fr-CA,fr;q=0.9", None, US, Market("CA", "FR")),  # the browser's region, without a CDN
    ("en-GB", None, US, None),  # a region the shop does not sell in
    ("garbage;;;,,q=x", "CA", US, Market("CA", "EN")),
    (None, "CA", Market("CA", "FR"), None),  # no language wish: the market's country fits
])
def test_a_suggestion_comes_from_the_cdn_country_and_the_browser_languages(
        accept, country, current, expected):
    assert markets.suggestion(accept, country, current, OFFERED) == expected
