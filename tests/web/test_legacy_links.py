"""Links creators shared before the brand moved keep crediting them, through the app and on
the page fast path: each platform's link credits the creator imported from its export, a
creator's `/discount/CODE` link and their code typed at the cart credit them too."""

from __future__ import annotations

import re

import pytest

from storefront import create_app
from storefront.config import PROJECT_ROOT
from tests.web.conftest import post, text
from tests.web.legacy import LINKS, PAUSED_LINKS, imported_creators
from tests.web.test_creators import attributes_of, banner_name, checkout_page, codes_of
from tests.web.two_paths import handed_to_app

TEE = "1003"
DEMO_CREATORS = PROJECT_ROOT / "tests" / "fixtures" / "creators"


def make_app(tmp_path, fast: bool, creators=None, **config):
    return create_app({
        "DEMO_SHOP_CART_DB": str(tmp_path / "c.sqlite3"), "PAGE_FAST_PATH": str(fast).lower(),
        "CREATORS_DIR": str(creators or imported_creators(tmp_path)), **config,
    })


def referral_set(reply) -> bool:
    return any(c.startswith("referral=") for c in reply.headers.getlist("Set-Cookie"))


@pytest.mark.parametrize("fast", [True, False], ids=["fast-path", "app-only"])
@pytest.mark.parametrize(("platform", "query", "handle"), LINKS, ids=[link[0] for link in LINKS])
def test_a_platforms_link_credits_the_imported_creator(tmp_path, fast, platform, query, handle):
    app = make_app(tmp_path, fast)
    reached = handed_to_app(app) if fast else None
    page = "/collections/apparel?sort_by=title-ascending"
    assert banner_name(text(app.test_client().get(page))) is None  # a brand visitor's page

    shopper = app.test_client()
    link = shopper.get(f"/collections/apparel?utm_source=ig&{query}&sort_by=title-ascending")
    assert link.status_code == 302
    assert link.headers["Location"] == "/collections/apparel?utm_source=ig&sort_by=title-ascending"
    assert referral_set(link)
    first = shopper.get(link.headers["Location"])  # rendered for this creator: through the app
    if reached is not None:
        reached.clear()
    again = shopper.get(page)
    assert banner_name(text(first)) == handle and banner_name(text(again)) == handle
    if reached is not None:
        assert reached == [], "the creator's page, once cached, is served below Flask"

    post(shopper, "/cart/add", {"variant_id": TEE})
    attributes = attributes_of(checkout_page(shopper))
    assert (attributes["_creator"], attributes["_utm_source"]) == (handle, "ig")


@pytest.mark.parametrize("fast", [True, False], ids=["fast-path", "app-only"])
def test_a_link_is_redirected_even_when_its_page_is_cached(tmp_path, fast):
    app = make_app(tmp_path, fast)
    reached = handed_to_app(app) if fast else None
    assert app.test_client().get("/collections/apparel").status_code == 200  # now cached
    for _, query, handle in LINKS:
        if reached is not None:
            reached.clear()
        shopper = app.test_client()
        reply = shopper.get(f"/collections/apparel?{query}")
        assert (reply.status_code, reply.headers["Location"]) == (302, "/collections/apparel")
        assert referral_set(reply), query
        if reached is not None:
            assert reached == ["/collections/apparel"], "the app answers a link"
        assert banner_name(text(shopper.get("/collections/apparel"))) == handle


@pytest.mark.parametrize("fast", [True, False], ids=["fast-path", "app-only"])
def test_links_of_inactive_affiliates_and_unknown_ids_credit_no_one(tmp_path, fast):
    app = make_app(tmp_path, fast)
    for query in [q for _, q in PAUSED_LINKS] + ["sca_ref=0.nobody", "dt_id=%00", "rfsn="]:
        shopper = app.test_client()
        reply = shopper.get(f"/?{query}&q=1")
        assert (reply.status_code, reply.headers["Location"]) == (302, "/?q=1"), query
        assert not referral_set(reply), query


def test_a_creators_discount_link_credits_them(tmp_path):
    app = make_app(tmp_path, True, creators=DEMO_CREATORS)
    shopper = app.test_client()
    reply = shopper.get("/discount/maya15?redirect=/collections/apparel")
    assert (reply.status_code, reply.headers["Location"]) == (303, "/collections/apparel")
    assert referral_set(reply)
    assert banner_name(text(shopper.get("/collections/apparel"))) == "maya"
    post(shopper, "/cart/add", {"variant_id": TEE})
    page = checkout_page(shopper)
    assert attributes_of(page)["_creator"] == "maya"
    assert [code.casefold() for code in codes_of(page)] == ["maya15"]  # once, applied
    assert all(codes_of(page).values())


def test_another_creators_discount_link_swaps_the_credit_and_the_code(tmp_path):
    app = make_app(tmp_path, True, creators=DEMO_CREATORS)
    shopper = app.test_client()
    shopper.get("/@maya")
    post(shopper, "/cart/add", {"variant_id": TEE})
    assert shopper.get("/discount/JUNE10").status_code == 303
    page = checkout_page(shopper)
    assert attributes_of(page)["_creator"] == "june"
    assert attributes_of(page)["_creator_first"] == "maya"
    assert set(codes_of(page)) == {"JUNE10"}


@pytest.mark.parametrize(("model", "credited", "codes"), [
    ("last_click", "june", {"june10"}),
    ("first_click", "maya", {"maya15", "june10"}),  # June's code stays, as the shopper's
])
def test_a_creators_code_typed_at_the_cart_credits_them(tmp_path, model, credited, codes):
    app = make_app(tmp_path, True, creators=DEMO_CREATORS, ATTRIBUTION_MODEL=model)
    shopper = app.test_client()
    shopper.get("/@maya")
    post(shopper, "/cart/add", {"variant_id": TEE})
    reply = post(shopper, "/cart/discounts", {"code": "june10"})
    assert reply.status_code == 303 and referral_set(reply)
    page = checkout_page(shopper)
    attributes = attributes_of(page)
    assert (attributes["_creator"], attributes["_creator_first"]) == (credited, "maya")
    assert {code.casefold() for code in codes_of(page)} == codes
    assert banner_name(text(shopper.get("/"))) == credited


def test_a_brand_shopper_typing_a_creators_code_is_credited_to_them(tmp_path):
    app = make_app(tmp_path, True, creators=DEMO_CREATORS)
    shopper = app.test_client()
    post(shopper, "/cart/add", {"variant_id": TEE})
    post(shopper, "/cart/discounts", {"code": "JUNE10"}, headers={"Accept": "application/json"})
    assert attributes_of(checkout_page(shopper))["_creator"] == "june"
    assert banner_name(text(shopper.get("/collections/apparel"))) == "june"


@pytest.mark.parametrize("code", ["ROSA15", "WELCOME10"])  # a paused creator's; the shop's
def test_other_codes_credit_no_one(tmp_path, code):
    app = make_app(tmp_path, True, creators=DEMO_CREATORS)
    shopper = app.test_client()
    post(shopper, "/cart/add", {"variant_id": TEE})
    reply = post(shopper, "/cart/discounts", {"code": code})
    assert not referral_set(reply)
    assert shopper.get_cookie("referral") is None
    page = checkout_page(shopper)
    assert not any(key.startswith("_creator") for key in attributes_of(page))
    assert re.search(code, page)
