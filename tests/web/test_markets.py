"""Markets on the store: the same page in three markets, the prefix checked against the
shop, the selector, the suggestion, carts that keep their market, creators under a
prefix, and sitemaps per market. On the demo shop's markets (US, CA in English and
French, FR; storefront/demo_shop/markets.py): the tee is $38.00, CA$52.99, 35,00 €.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from storefront import create_app
from tests.web.conftest import Recorder, app_with_creators, post, text

TEE = "/products/organic-cotton-tee"
HAND_CREAM = "/products/oat-hand-cream"  # not sold in France


def shown(reply) -> str:
    """The page's text with Babel's no-break spaces as plain ones ("35,00 €")."""
    return text(reply).replace("\xa0", " ").replace("\u202f", " ")


def price(page: str) -> str:
    """The product page's main price, as shown."""
    found = re.search(r'class="price__amount">([^<]+)<', page)
    assert found, page[:2000]
    return found.group(1).replace("\xa0", " ").replace("\u202f", " ")


@pytest.mark.parametrize(("prefix", "lang", "amount", "words"), [
    ("", "en-US", "$38.00", "Organic Cotton Tee"),
    ("/en-ca", "en-CA", "$52.99", "Organic Cotton Tee"),
    ("/fr-ca", "fr-CA", "52,99 $", "T-shirt en coton biologique"),
    ("/fr-fr", "fr-FR", "35,00 €", "T-shirt en coton biologique"),
])
def test_the_same_page_in_each_market(client, sent, prefix, lang, amount, words):
    reply = client.get(prefix + TEE)
    page = text(reply)
    assert reply.status_code == 200
    assert f'<html lang="{lang}">' in page
    assert price(page) == amount
    assert words in page
    # Its own canonical address, and every market's as alternates.
    assert f'<link rel="canonical" href="http://localhost{prefix}{TEE}">' in page
    alternates = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">',
                                 page))
    assert alternates == {
        "en-US": f"http://localhost{TEE}", "en-CA": f"http://localhost/en-ca{TEE}",
        "fr-CA": f"http://localhost/fr-ca{TEE}", "fr-FR": f"http://localhost/fr-fr{TEE}",
        "x-default": f"http://localhost{TEE}",
    }
    # Every query of the page view ran in its market.
    country, language = {"": ("US", "EN"), "/en-ca": ("CA", "EN"), "/fr-ca": ("CA", "FR"),
                         "/fr-fr": ("FR", "FR")}[prefix]
    assert sent.sent and all((v.get("country"), v.get("language")) == (country, language)
                             for _, v in sent.sent)
    # Links stay in the market; assets do not carry it.
    if prefix:
        assert f'href="{prefix}/cart"' in page
        assert re.search(r'src="/assets/storefront\.[0-9a-f]+\.js"', page)


def test_a_market_that_does_not_sell_a_product_has_no_page_for_it(client):
    assert client.get(HAND_CREAM).status_code == 200
    assert client.get("/fr-fr" + HAND_CREAM).status_code == 404


def test_a_prefix_the_shop_does_not_sell_in_is_an_ordinary_path(client):
    assert client.get("/de-de" + TEE).status_code == 404
    assert client.get("/es" + TEE).status_code == 404


def test_the_primary_market_spelled_out_goes_to_its_own_address(client):
    reply = client.get("/en-us" + TEE + "?variant=1002")
    assert (reply.status_code, reply.location) == (301, TEE + "?variant=1002")


def test_the_selector_lands_on_the_same_page_in_the_chosen_market(client):
    page = text(client.get(TEE + "?variant=1002"))
    form = re.search(r'<form class="market-selector" action="([^"]+)" method="get">'
                     r'\s*<input type="hidden" name="return_to" value="([^"]+)">', page)
    assert form and form.groups() == ("/localization", TEE + "?variant=1002")
    assert 'value="CA-FR"' in page
    reply = client.get("/localization", query_string={"market": "CA-FR",
                                                      "return_to": TEE + "?variant=1002"})
    assert (reply.status_code, reply.location) == (303, "/fr-ca" + TEE + "?variant=1002")
    assert client.get_cookie("localization").value == "CA-FR"
    back = client.get("/fr-ca/localization", query_string={"market": "US-EN",
                                                           "return_to": TEE})
    assert back.location == TEE


@pytest.mark.parametrize(("market", "return_to", "location"), [
    ("DE-DE", TEE, TEE),  # not sold there: the primary market
    ("nonsense", TEE, TEE),
    ("CA-FR", "https://evil.example/x", "/fr-ca/"),  # only a path on this site
    ("CA-FR", "//evil.example", "/fr-ca/"),
])
def test_the_selector_refuses_what_it_cannot_honour(client, market, return_to, location):
    reply = client.get("/localization", query_string={"market": market, "return_to": return_to})
    assert (reply.status_code, reply.location) == (303, location)


def test_a_cart_made_in_canada_is_in_dollars_and_moving_to_france_reprices_it(client, app):
    sent = Recorder(app.extensions["storefront"].transport)
    added = post(client, "/en-ca/cart/add", {"variant_id": "1002", "quantity": "1"})
    assert added.status_code == 303
    created = [v for name, v in sent.sent if name == "CartCreate"]
    assert created[0]["input"]["buyerIdentity"] == {"countryCode": "CA"}
    cart_id = client.get_cookie("cart").value
    assert "$52.99" in text(client.get("/en-ca/cart"))

    france = shown(client.get("/fr-fr/cart"))
    assert client.get_cookie("cart").value == cart_id  # the same cart
    assert "35,00 €" in france
    assert ("CartBuyerIdentityUpdate", "FR") in [
        (name, v.get("buyerIdentity", {}).get("countryCode")) for name, v in sent.sent]
    # The checkout gets the cart in euros.
    checkout = client.get("/fr-fr/checkout")
    assert checkout.status_code == 303
    at = urlsplit(checkout.location)
    handed = text(client.get(at.path, query_string=parse_qs(at.query)))
    assert "EUR" in handed or "€" in handed  # (the demo checkout: Shopify's part)


def test_the_primary_market_sends_no_country_with_a_new_cart(client, sent):
    post(client, "/cart/add", {"variant_id": "1002", "quantity": "1"})
    created = [v for name, v in sent.sent if name == "CartCreate"]
    assert "buyerIdentity" not in created[0]["input"]
    assert "CartBuyerIdentityUpdate" not in sent.names()


CREATOR = '''name = "Zoe Park"
[discount]
code = "WELCOME10"
[offer]
percent = 10
'''


def test_a_creator_link_under_a_prefix_keeps_it_and_credits_the_creator(tmp_path):
    app = app_with_creators(tmp_path, zoe=CREATOR, nina='market = "fr-ca"\n' + CREATOR)
    client = app.test_client()
    landing = client.get("/fr-fr/@zoe")
    assert landing.status_code == 200
    assert client.get_cookie("referral") is not None
    page = shown(client.get("/fr-fr" + TEE))
    assert 'href="/fr-fr/@zoe"' in page
    # Her 10 % in euros: 35,00 € less 3,50 €.
    assert "31,50 €" in page
    deep = client.get("/fr-ca/@zoe/products/organic-cotton-tee")
    assert (deep.status_code, deep.location) == (302, "/fr-ca" + TEE)

    # A creator's own market: their bare link opens there, once.
    other = app.test_client()
    first = other.get("/@nina?utm_source=ig")
    assert (first.status_code, first.location) == (302, "/fr-ca/@nina?utm_source=ig")
    assert other.get(first.location).status_code == 200
    assert other.get("/@nina").status_code == 200  # credited already: stays where it is


def test_a_creator_in_the_primary_market_or_an_unsold_one_opens_here(tmp_path):
    # The primary market spelled out is sent back unprefixed (301): redirecting a
    # creator's link to it would go round for ever.
    app = app_with_creators(tmp_path, ann='market = "en-us"\n' + CREATOR,
                            ben='market = "de-de"\n' + CREATOR)
    for handle in ("ann", "ben"):
        landing = app.test_client().get(f"/@{handle}")
        assert landing.status_code == 200, (handle, landing.location)


def test_an_amount_offer_shows_no_creator_price_in_another_currency(tmp_path):
    app = app_with_creators(tmp_path, ada='name = "Ada"\n[discount]\ncode = "TAKE5"\n'
                                          '[offer]\namount = "5.00"\n'
                                          'products = ["organic-cotton-tee"]\n')
    client = app.test_client()
    client.get("/@ada")
    assert "$33.00" in text(client.get(TEE))
    page = text(client.get("/en-ca" + TEE))
    assert "$52.99" in page and "$47.99" not in page and "TAKE5" in page


def test_the_suggestion_fits_the_visitor_and_stops_once_they_chose(tmp_path):
    app = create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "c.sqlite3"),
                      "MARKET_COUNTRY_HEADER": "CF-IPCountry"})
    client = app.test_client()
    plain = client.get(TEE, headers={"Accept-Language": "en-US"})
    assert "market-suggestion" not in text(plain)
    assert "Accept-Language" in plain.headers["Vary"] and "CF-IPCountry" in plain.headers["Vary"]
    french = client.get(TEE, headers={"Accept-Language": "fr-FR,fr;q=0.9",
                                      "CF-IPCountry": "CA"})
    page = text(french)
    assert 'class="market-suggestion"' in page
    assert f'href="/fr-ca{TEE}"' in page
    assert french.headers["ETag"] != plain.headers["ETag"]
    # Picking a market (here: staying) ends the suggestions.
    client.get("/localization", query_string={"market": "US-EN", "return_to": TEE})
    again = client.get(TEE, headers={"Accept-Language": "fr-FR", "CF-IPCountry": "CA"})
    assert "market-suggestion" not in text(again)


def test_each_market_has_its_sitemaps_and_the_primary_index_lists_them_all(client):
    index = text(client.get("/sitemap.xml"))
    assert "http://localhost/sitemap-products-1.xml" in index
    assert "http://localhost/fr-fr/sitemap-products-1.xml" in index
    assert "http://localhost/fr-ca/sitemap-blogs-1.xml" in index
    france = text(client.get("/fr-fr/sitemap-products-1.xml"))
    assert "http://localhost/fr-fr/products/organic-cotton-tee" in france
    assert "oat-hand-cream" not in france
    assert "oat-hand-cream" in text(client.get("/sitemap-products-1.xml"))
    assert "/fr-ca/" not in text(client.get("/fr-fr/sitemap.xml"))
    robots = text(client.get("/robots.txt"))
    assert "Disallow: /cart\n" in robots and "Disallow: /fr-ca/cart\n" in robots
    assert "Disallow: /en-ca/search\n" in robots


def test_a_template_first_rendered_in_one_market_links_within_each(client):
    # (Jinja folds a filter of a constant when it compiles a template: `localize` must not be.)
    assert 'action="/cart/add"' in text(client.get(TEE))
    page = text(client.get("/fr-ca" + TEE))
    assert 'action="/fr-ca/cart/add"' in page and 'action="/cart/add"' not in page
    assert 'action="/cart/add"' in text(client.get(TEE + "?variant=1002"))


def test_a_kept_page_joins_its_encoded_parts_to_the_same_bytes(app):
    from storefront.web import pages

    page = pages.Page(("<p>Prix : ", " €</p>", ""), ("cart_count", "nonce"), "d",
                      encoded=(b"<p>Prix : ", " €</p>".encode(), b""))
    values = {"cart_count": "2", "nonce": "n0nce"}
    assert pages.filled_bytes(page, values) == pages.fill(page, values).encode()
    assert pages.filled_bytes(page._replace(encoded=None), values) == \
        pages.fill(page, values).encode()
