"""Who gets an order: every rule, aliases and statuses, and both conflict settings."""

from __future__ import annotations

import pytest

from storefront.creators.registry import Registry
from storefront.orders import ledger_for, payload
from storefront.orders.credit import credit, landing_name
from tests.orders.payloads import order

CREATORS = {
    "maya": 'name = "Maya"\naliases = ["mayarivers"]\n[discount]\ncode = "MAYA15"\n',
    "ana": 'name = "Ana"\nstatus = "paused"\n[discount]\ncode = "Ana10"\n',
    "kit": 'name = "Kit"\nstatus = "archived"\n[discount]\ncode = "KIT10"\n',
    "leo": 'name = "Leo"\n',
}


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    folder = tmp_path_factory.mktemp("creators")
    for handle, text in CREATORS.items():
        (folder / f"{handle}.toml").write_text(text)
    loaded = Registry(folder)
    loaded.load()
    assert loaded.problems == []
    return loaded


def credited(registry, conflict="link", **fields):
    found = credit(payload.order(order(**fields)), registry, conflict)
    return found.creator, found.rule


def test_the_creator_attribute_comes_first(registry):
    assert credited(registry, creator="leo") == ("leo", "attribute")


def test_else_a_creators_discount_code_in_any_case(registry):
    assert credited(registry, codes=("WELCOME5", "maya15")) == ("maya", "code")
    assert credited(registry, codes=("ana10",)) == ("ana", "code")


def test_else_the_landing_site(registry):
    assert credited(registry, landing_site="/@leo/products/tee?utm_source=x") == (
        "leo", "landing_site")
    assert credited(registry, landing_site="https://brand.example/fr-ca/@leo") == (
        "leo", "landing_site")
    assert credited(registry, landing_site="/products/tee?ref=leo") == ("leo", "landing_site")


def test_else_the_brand(registry):
    assert credited(registry, landing_site="/collections/all", codes=("WELCOME5",)) == (
        None, "brand")
    assert credited(registry, landing_site=None) == (None, "brand")


def test_aliases_credit_the_current_handle(registry):
    assert credited(registry, creator="MayaRivers") == ("maya", "attribute")
    assert credited(registry, landing_site="/@mayarivers") == ("maya", "landing_site")


def test_paused_and_archived_creators_keep_their_credit(registry):
    assert credited(registry, creator="ana") == ("ana", "attribute")
    assert credited(registry, codes=("KIT10",)) == ("kit", "code")


def test_a_name_no_creator_file_knows_credits_nobody_by_it(registry):
    assert credited(registry, creator="ghost", codes=("MAYA15",)) == ("maya", "code")
    assert credited(registry, creator="ghost") == (None, "brand")


@pytest.mark.parametrize(("conflict", "expected"), [
    ("link", ("leo", "attribute")),
    ("code", ("maya", "code")),
])
def test_when_the_attribute_and_the_code_disagree_the_setting_decides(registry, conflict,
                                                                      expected):
    found = credit(payload.order(order(creator="leo", codes=("MAYA15",))), registry, conflict)
    assert (found.creator, found.rule) == expected
    assert (found.link_creator, found.code_creator, found.conflict) == ("leo", "maya", True)


@pytest.mark.parametrize(("conflict", "expected"), [
    ("link", ("leo", "landing_site")),
    ("code", ("maya", "code")),
])
def test_when_the_landing_site_and_the_code_disagree_the_setting_decides(registry, conflict,
                                                                         expected):
    assert credited(registry, conflict, landing_site="/@leo",
                    codes=("MAYA15",)) == expected


@pytest.mark.parametrize("conflict", ["link", "code"])
def test_agreeing_link_and_code_are_no_conflict(registry, conflict):
    found = credit(payload.order(order(creator="maya", codes=("MAYA15",))), registry, conflict)
    assert (found.creator, found.rule, found.conflict) == ("maya", "attribute", False)


def test_the_credit_and_both_names_are_recorded_on_the_order(tmp_path, database):
    from storefront import create_app
    from tests.orders.conftest import order_rows
    from tests.orders.payloads import SECRET, deliver

    app = create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "c.sqlite3"),
                      "SHOPIFY_WEBHOOK_SECRET": SECRET, "ORDERS_CONFLICT": "code"})
    deliver(app.test_client(), "orders/create", order(creator="maya", codes=("LEO5",)))
    [row] = order_rows(ledger_for(app))
    assert (row["creator"], row["credit_rule"], row["link_creator"], row["code_creator"]) == (
        "leo", "code", "maya", "leo")


@pytest.mark.parametrize(("landing", "name"), [
    ("/@maya", "maya"), ("/@maya/products/x", "maya"), ("/?ref=maya&utm_source=x", "maya"),
    ("/products/x", None), ("", None), ("/@/x", None), ("https://x.example/@kit?ref=leo", "kit"),
])
def test_landing_names(landing, name):
    assert landing_name(landing) == name
