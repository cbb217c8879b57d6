"""Vanity links, referral attribution, personalization, and the creator's cart at checkout."""

from __future__ import annotations

import re
import time

import pytest
from flask import url_for

from storefront import attribution, create_app
from storefront.theming.switch import themes
from tests.creators import make_folder, write
from tests.web.conftest import Recorder, post, text

TEE = "1003"  # organic-cotton-tee S / Oat


def referral_cookie(reply) -> str | None:
    for header in reply.headers.getlist("Set-Cookie"):
        if header.startswith("referral="):
            return header
    return None


def banner_name(page: str) -> str | None:
    match = re.search(r"You're shopping <a href=\"/@([a-z0-9_-]+)\">", page)
    return match.group(1) if match else None


@pytest.fixture
def make_client(tmp_path):
    def make(**config):
        app = create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3"), **config})
        return app.test_client()

    return make


# Vanity links -----------------------------------------------------------------


def test_landing_page_sets_the_referral_and_shows_the_creator(client):
    reply = client.get("/@maya")
    assert reply.status_code == 200
    page = text(reply)
    assert "Maya Rivers" in page
    assert '<meta name="robots" content="noindex">' in page
    assert '<link rel="canonical" href="http://localhost/">' in page
    assert "MAYA15" in page and "15% off everything" in page
    assert 'aria-labelledby="creator-name"' in page
    cookie = referral_cookie(reply)
    assert cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    home = text(client.get("/"))
    assert banner_name(home) == "maya"
    assert 'aria-labelledby="collection-accessories"' in home  # her collections


def test_handles_are_case_insensitive_and_aliases_redirect(client):
    reply = client.get("/@MAYA?utm_source=ig")
    assert reply.status_code == 301 and reply.headers["Location"] == "/@maya?utm_source=ig"
    alias = client.get("/@samito")
    assert alias.status_code == 301 and alias.headers["Location"] == "/@sam"
    assert referral_cookie(alias) is None


def test_unknown_creator_is_a_404_and_sets_nothing(client):
    reply = client.get("/@nobody-here")
    assert reply.status_code == 404 and "We couldn't find that page" in text(reply)
    assert referral_cookie(reply) is None


@pytest.mark.parametrize("handle", ["rosa", "kit"])
def test_paused_or_archived_creator_shows_the_brand_store(client, handle):
    reply = client.get(f"/@{handle}")
    assert reply.status_code == 302 and reply.headers["Location"] == "/"
    assert referral_cookie(reply) is None
    assert banner_name(text(client.get("/"))) is None
    deep = client.get(f"/@{handle}/products/linen-shirt")
    assert deep.headers["Location"] == "/products/linen-shirt" and referral_cookie(deep) is None


def test_deep_link_sets_the_referral_and_keeps_the_query(client):
    reply = client.get("/@june/products/linen-throw?utm_source=ig&utm_campaign=spring")
    assert reply.status_code == 302
    assert reply.headers["Location"] == "/products/linen-throw?utm_source=ig&utm_campaign=spring"
    assert referral_cookie(reply)
    assert banner_name(text(client.get("/products/linen-throw"))) == "june"


@pytest.mark.parametrize("rest", ["%2Fevil.example", "%5Cevil.example", "%09/evil.example"])
def test_deep_link_cannot_leave_the_site(client, rest):
    reply = client.get(f"/@june/{rest}")
    assert reply.status_code == 404 or reply.headers["Location"] == "/"


def test_ref_parameter_sets_the_referral_and_redirects_without_it(client):
    reply = client.get("/collections/apparel?ref=Maya&sort_by=price-ascending")
    assert reply.status_code == 302
    assert reply.headers["Location"] == "/collections/apparel?sort_by=price-ascending"
    assert referral_cookie(reply)
    unknown = client.get("/collections/apparel?ref=nobody")
    assert unknown.headers["Location"] == "/collections/apparel"


# The cookie -------------------------------------------------------------------


def test_tampered_cookie_is_ignored_and_cleared(client):
    client.get("/@maya")
    value = client.get_cookie("referral").value
    client.set_cookie("referral", value[:-3] + "AAA")
    reply = client.get("/")
    assert banner_name(text(reply)) is None
    assert referral_cookie(reply).startswith("referral=;")


def signed(app, referral) -> str:
    signer = attribution.Signer([app.config["SECRET_KEY"]], app.config["ATTRIBUTION_WINDOW_DAYS"])
    return signer.dumps(referral)


def test_expired_and_unknown_creator_cookies_are_ignored_and_cleared(client):
    app = client.application
    old = int(time.time()) - 31 * 86400
    expired = attribution.Referral(attribution.Touch("maya", old), attribution.Touch("maya", old))
    unknown = attribution.Referral(
        attribution.Touch("ghost", int(time.time())), attribution.Touch("ghost", int(time.time()))
    )
    for referral in (expired, unknown):
        client.set_cookie("referral", signed(app, referral))
        reply = client.get("/")
        assert banner_name(text(reply)) is None
        assert referral_cookie(reply).startswith("referral=;")


def test_last_click_by_default_first_click_when_configured(make_client):
    last = make_client()
    last.get("/@maya")
    last.get("/@june")
    assert banner_name(text(last.get("/"))) == "june"
    first = make_client(ATTRIBUTION_MODEL="first_click")
    first.get("/@maya")
    first.get("/@june")
    assert banner_name(text(first.get("/"))) == "maya"


# Personalization ----------------------------------------------------------------


def test_two_creators_and_a_brand_visitor_see_their_own_pages(app):
    maya, june, brand = app.test_client(), app.test_client(), app.test_client()
    maya.get("/@maya")
    june.get("/@june")
    for url in ("/", "/products/organic-cotton-tee", "/collections/apparel", "/cart"):
        pages = {name: text(c.get(url)) for name, c in
                 (("maya", maya), ("june", june), ("brand", brand))}
        assert banner_name(pages["maya"]) == "maya", url
        assert banner_name(pages["june"]) == "june", url
        assert banner_name(pages["brand"]) is None, url
        assert "Maya Rivers" not in pages["june"] and "Maya Rivers" not in pages["brand"]
        assert "June Okafor" not in pages["maya"] and "June Okafor" not in pages["brand"]


def test_creator_notes_and_picks(client):
    client.get("/@maya")
    product = text(client.get("/products/organic-cotton-tee"))
    assert "Maya Rivers says" in product
    collection = text(client.get("/collections/apparel"))
    assert "Maya's pick" in collection
    brand = client.application.test_client()
    assert "says" not in text(brand.get("/products/organic-cotton-tee"))
    assert "pick" not in text(brand.get("/collections/apparel"))


def test_creator_theme_and_colours(client):
    client.get("/@leo")
    page = client.get("/").get_data(as_text=True)
    assert ".theme-atelier .site-header{" in page  # atelier's rules, inlined
    assert "--color-accent: #c46a2b;" in page
    brand = client.application.test_client().get("/").get_data(as_text=True)
    assert "atelier" not in brand


def test_sitemap_lists_no_creator_urls(client):
    for part in ("products", "collections", "pages"):
        assert "/@" not in text(client.get(f"/sitemap-{part}-1.xml"))


# The cart at checkout -------------------------------------------------------------


def checkout_page(client) -> str:
    reply = post(client, "/checkout")
    assert reply.status_code == 303
    return text(client.get(reply.headers["Location"]))


def attributes_of(page: str) -> dict[str, str]:
    section = page.split("Cart attributes", 1)[1].split("</dl>", 1)[0]
    return dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]*)</dd>", section))


def codes_of(page: str) -> dict[str, bool]:
    section = page.split("Discount codes", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<td>([^<]+)</td>\s*<td class=\"(applicable|not-applicable)\"", section)
    return {code: status == "applicable" for code, status in rows}


def test_creator_visitor_cart_carries_code_and_attributes(client):
    client.get("/@maya?utm_source=ig&utm_campaign=launch")
    post(client, "/cart/add", {"variant_id": TEE, "quantity": 2})
    page = checkout_page(client)
    assert codes_of(page) == {"MAYA15": True}
    attributes = attributes_of(page)
    assert attributes["_creator"] == "maya" and attributes["_creator_first"] == "maya"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", attributes["_creator_clicked_at"])
    assert attributes["_utm_source"] == "ig" and attributes["_utm_campaign"] == "launch"
    cart = text(client.get("/cart"))
    assert "Maya Rivers' code: 15% off everything" in cart
    assert 'name="code" value="MAYA15"' not in cart  # theirs: not removable


def test_switching_creators_swaps_code_and_attributes(client):
    client.get("/@maya")
    post(client, "/cart/add", {"variant_id": TEE})
    client.get("/@june")
    page = checkout_page(client)
    assert codes_of(page) == {"JUNE10": True}
    attributes = attributes_of(page)
    assert attributes["_creator"] == "june" and attributes["_creator_first"] == "maya"


def test_shopper_code_is_kept_beside_the_creators(client):
    client.get("/@maya")
    post(client, "/cart/add", {"variant_id": TEE})
    post(client, "/cart/discounts", {"code": "FERN15"})
    client.get("/@leo")
    page = checkout_page(client)
    assert set(codes_of(page)) == {"FERN15", "LEO5"}


def test_paused_creator_gets_no_code_and_no_credit(client):
    client.get("/@rosa")
    post(client, "/cart/add", {"variant_id": TEE})
    page = checkout_page(client)
    assert "ROSA15" not in codes_of(page)
    assert not any(key.startswith("_creator") for key in attributes_of(page))


def test_a_creator_code_that_does_not_apply_is_explained_and_checkout_still_works(client):
    client.get("/@sam")  # SAMWRITES: stationery only
    post(client, "/cart/add", {"variant_id": TEE})
    cart = text(client.get("/cart"))
    assert "SAMWRITES" in cart and "not applied" in cart
    assert codes_of(checkout_page(client)) == {"SAMWRITES": False}


def test_a_creator_themes_assets_are_served_by_any_worker(app, tmp_path):
    """The page and its stylesheet may be served by different workers."""
    client = app.test_client()
    client.get("/@leo")
    with app.test_request_context():
        css = url_for("assets.file", filename=themes().get("atelier").assets.fingerprinted(
            "atelier.css"))
    fresh = create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "other.sqlite3")}).test_client()
    reply = fresh.get(css)
    assert reply.status_code == 200 and "atelier" in text(reply)


def test_a_creator_hero_wins_over_the_theme_hero(client):
    client.get("/@leo")
    page = text(client.get("/"))
    assert "hero--creator" in page and "atelier-hero" not in page


def test_a_creators_own_theme_picks_the_home_collections(tmp_path):
    """The home page asks for the collections of the theme it renders with."""
    folder = make_folder(tmp_path)
    write(folder, "nia", 'name = "Nia"\ntheme = "atelier"\n')
    app = create_app({"CREATORS_DIR": str(folder), "INSTANCE_DIR": str(tmp_path / "i")})
    sent = Recorder(app.extensions["storefront"].transport)
    client = app.test_client()
    client.get("/")
    client.get("/@nia")
    client.get("/")
    homes = [variables for name, variables in sent.sent if name == "HomePage"]
    assert homes[0]["featured"] == "frontpage"  # base's settings for the brand
    assert homes[-1]["featured"] == "best-sellers"  # atelier's [settings.home]
    assert homes[-1]["c1"] == "new-arrivals"
