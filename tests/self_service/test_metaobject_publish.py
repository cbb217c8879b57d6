"""Approving a change of a creator kept in Shopify writes their metaobject (Admin API).

The demo shop runs as its own server, with an Admin API token of its own; the
store (in-process) reads its creators from the shop's metaobjects over HTTP
(CREATORS_SOURCE=shopify) and writes approved changes back there.
"""

from __future__ import annotations

import json
import logging
import sys

import pytest
import requests
from graphql import parse, validate

from storefront.demo_shop.admin import DemoAdmin, admin_schema
from storefront.self_service.metaobject_write import field_writes
from storefront.shopify import admin
from tests.creators.metaobject_data import shipped, write_catalog
from tests.self_service.conftest import AUTH, edit_link, form_of, post_form
from tests.self_service.test_editor import CHANGES, decide, pending_ids, submit
from tests.support import processes
from tests.support.ports import free_port

TOKEN = "metawrite-storefront-token"
ADMIN_TOKEN = "shpat_metawrite_admin_0d9f3c2a7b1e"
WRONG_TOKEN = "shpat_not_this_shops_token_51c7"


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """The demo shop as its own server, its creators in metaobjects, with an Admin token."""
    folder = tmp_path_factory.mktemp("shop")
    catalog = write_catalog(folder / "catalog", shipped())
    server = processes.start([
        sys.executable, "-m", "storefront.demo_shop", "serve", "--port", str(free_port()),
        "--token", TOKEN, "--catalog", str(catalog), "--cart-db", str(folder / "carts.sqlite3"),
    ], env={"DEMO_SHOP_ADMIN_TOKEN": ADMIN_TOKEN})  # in the environment: off the command line
    yield server
    server.stop()
    assert "Traceback" not in server.log()
    assert ADMIN_TOKEN not in server.log()


@pytest.fixture
def store(make_app, shop):
    """Make a store on `shop`, creators from its metaobjects, read before it serves."""
    def make(**config):
        app = make_app(SHOPIFY_STORE_DOMAIN=shop.url, SHOPIFY_STOREFRONT_TOKEN=TOKEN,
                       CREATORS_SOURCE="shopify", SHOPIFY_CONNECT_TIMEOUT="2", **config)
        registry = app.extensions["creators"]
        registry.fetch()
        assert registry.source_of("maya") == "shopify", registry.problems
        return app

    return make


def metaobject(shop, handle: str) -> dict[str, str]:
    """The fields of creator metaobject `handle`, as the Storefront API gives them now."""
    reply = requests.post(f"{shop.url}/api/2026-04/graphql.json", timeout=10, json={
        "query": "query($h: String!) { metaobject(handle: {type: \"creator\", handle: $h}) "
                 "{ fields { key value } } }", "variables": {"h": handle},
    }, headers={"X-Shopify-Storefront-Access-Token": TOKEN})
    return {f["key"]: f["value"] for f in reply.json()["data"]["metaobject"]["fields"]}


def admin_writes(shop) -> int:
    return requests.get(f"{shop.url}/_stats", timeout=10).json()["by_operation"].get(
        "MetaobjectUpdate", 0)


def test_approved_change_is_written_to_the_metaobject_and_goes_live(store, shop, caplog):
    caplog.set_level(logging.DEBUG)
    app = store(SHOPIFY_ADMIN_TOKEN=ADMIN_TOKEN)
    client = app.test_client()
    pages = []
    path = edit_link(app, "maya")
    editor = client.get(path).get_data(as_text=True)
    assert "once the brand approves your change, it is published there" in editor
    form = form_of(editor)
    submit(client, path, {"hero_title": "Maya's winter wardrobe", "bio": "Fewer, better things.",
                          "social_youtube": "https://www.youtube.com/@maya.demo",
                          "social_tiktok": "", "note_0": "Still my first tee."})
    assert "Maya&#39;s winter wardrobe" not in client.get("/@maya").get_data(as_text=True)
    assert metaobject(shop, "maya")["hero_title"] == "Maya's slow wardrobe"  # not yet

    listing = client.get(CHANGES, headers=AUTH)
    pages.append(listing.get_data(as_text=True))
    assert "Approve and publish" in pages[-1]
    assert "SHOPIFY_ADMIN_TOKEN" not in pages[-1]
    [change] = pending_ids(client)
    before = admin_writes(shop)
    reply = decide(client, change, "approve")
    assert reply.status_code == 303, reply.get_data(as_text=True)
    assert admin_writes(shop) == before + 1  # one mutation, never retried

    fields = metaobject(shop, "maya")
    assert fields["hero_title"] == "Maya's winter wardrobe"
    assert fields["hero_subtitle"] == form["hero_subtitle"]  # unchanged, untouched
    assert fields["bio"] == "Fewer, better things."
    assert fields["social_youtube"] == "https://www.youtube.com/@maya.demo"
    assert fields["social_tiktok"] == ""  # emptied: the page no longer links it
    notes = json.loads(fields["notes"])
    assert notes[form["pick_0"]] == "Still my first tee."
    assert list(notes) == [form[f"pick_{n}"] for n in range(len(notes))]  # the same order
    assert fields["discount_code"] == "MAYA15"  # the brand's fields are not touched

    # Live at once: the creators were read again right after the write.
    landing = client.get("/@maya").get_data(as_text=True)
    pages.append(landing)
    assert "Maya&#39;s winter wardrobe" in landing
    assert "Fewer, better things." in landing
    assert "youtube.com/@maya.demo" in landing
    assert "tiktok.com" not in landing
    done = client.get(CHANGES + "?done=approved", headers=AUTH).get_data(as_text=True)
    pages.append(done)
    assert pending_ids(client) == []
    assert "Approved: the change is live." in done
    for text in pages + [editor, caplog.text]:
        assert ADMIN_TOKEN not in text


def test_a_wrong_admin_token_says_so_and_the_change_stays_pending(store, shop, caplog):
    caplog.set_level(logging.DEBUG)
    app = store(SHOPIFY_ADMIN_TOKEN=WRONG_TOKEN)
    client = app.test_client()
    path = edit_link(app, "june")
    submit(client, path, {"hero_title": "June, written with the wrong key"})
    [change] = pending_ids(client)
    reply = decide(client, change, "approve")
    text = reply.get_data(as_text=True)
    assert reply.status_code == 409, text
    assert "Shopify refused SHOPIFY_ADMIN_TOKEN (401)" in text
    assert "stays pending" in text
    assert pending_ids(client) == [change]
    assert metaobject(shop, "june")["hero_title"] != "June, written with the wrong key"
    for shown in (text, client.get(CHANGES, headers=AUTH).get_data(as_text=True), caplog.text):
        assert WRONG_TOKEN not in shown


def test_without_an_admin_token_approval_names_the_setting_and_its_scope(store, shop):
    app = store()
    client = app.test_client()
    path = edit_link(app, "ava")
    submit(client, path, {"hero_title": "Ava without a token"})
    page = client.get(CHANGES, headers=AUTH).get_data(as_text=True)
    assert "Creators come from Shopify (CREATORS_SOURCE=shopify): approving writes a " \
           "metaobject only with SHOPIFY_ADMIN_TOKEN set" in page
    assert "write_metaobjects" in page
    assert "Approve and publish" not in page
    [change] = pending_ids(client)
    before = admin_writes(shop)
    reply = decide(client, change, "approve")
    assert reply.status_code == 409
    assert "SHOPIFY_ADMIN_TOKEN" in reply.get_data(as_text=True)
    assert admin_writes(shop) == before  # Shopify was not asked
    assert pending_ids(client) == [change]


def test_taking_the_picture_off_is_written_to_the_metaobject(store, shop):
    app = store(SHOPIFY_ADMIN_TOKEN=ADMIN_TOKEN)
    client = app.test_client()
    path = edit_link(app, "sam")
    reply = post_form(client, path, {"hero_image": None, "hero_title": "Sam, no picture",
                                      "action": "submit"})
    assert reply.status_code == 303, reply.get_data(as_text=True)[-1500:]
    [change] = pending_ids(client)
    approved = decide(client, change, "approve")
    assert approved.status_code == 303, approved.get_data(as_text=True)
    fields = metaobject(shop, "sam")
    assert fields["hero_title"] == "Sam, no picture"
    assert fields["hero_image"] == ""
    assert pending_ids(client) == []


def test_shopify_gone_at_approval_keeps_the_change_pending(make_app, tmp_path):
    catalog = write_catalog(tmp_path / "catalog", shipped())
    gone = processes.start([
        sys.executable, "-m", "storefront.demo_shop", "serve", "--port", str(free_port()),
        "--token", TOKEN, "--catalog", str(catalog), "--cart-db", str(tmp_path / "c.sqlite3"),
    ], env={"DEMO_SHOP_ADMIN_TOKEN": ADMIN_TOKEN})
    try:
        app = make_app(SHOPIFY_STORE_DOMAIN=gone.url, SHOPIFY_STOREFRONT_TOKEN=TOKEN,
                       SHOPIFY_ADMIN_TOKEN=ADMIN_TOKEN, CREATORS_SOURCE="shopify",
                       SHOPIFY_CONNECT_TIMEOUT="1")
        app.extensions["creators"].fetch()
        client = app.test_client()
        path = edit_link(app, "kit")
        submit(client, path, {"bio": "Kit, while Shopify is away"})
        [change] = pending_ids(client)
    finally:
        gone.stop()
    reply = decide(client, change, "approve")
    text = reply.get_data(as_text=True)
    assert reply.status_code == 503, text
    assert "could not be reached" in text and "stays pending" in text
    assert pending_ids(client) == [change]


def test_an_admin_api_that_cannot_be_reached_is_named(make_app):
    from storefront.self_service import metaobject_write

    app = make_app(SHOPIFY_STORE_DOMAIN=f"http://127.0.0.1:{free_port()}",  # nothing there
                   SHOPIFY_STOREFRONT_TOKEN=TOKEN, SHOPIFY_ADMIN_TOKEN=ADMIN_TOKEN,
                   CREATORS_SOURCE="shopify", SHOPIFY_CONNECT_TIMEOUT="1")
    writer = metaobject_write.client(app)
    assert ADMIN_TOKEN not in repr(writer.send)
    with pytest.raises(admin.AdminUnavailable, match="could not be reached") as raised:
        writer.update_metaobject("gid://shopify/Metaobject/8001", {"bio": "x"})
    assert ADMIN_TOKEN not in str(raised.value)


def test_the_embedded_demo_shop_takes_the_write_too(make_app):
    app = make_app(CREATORS_SOURCE="shopify", SHOPIFY_ADMIN_TOKEN="any-demo-token")
    app.extensions["creators"].fetch()
    client = app.test_client()
    path = edit_link(app, "leo")
    submit(client, path, {"hero_title": "Leo, in the embedded shop"})
    [change] = pending_ids(client)
    assert decide(client, change, "approve").status_code == 303
    assert "Leo, in the embedded shop" in client.get("/@leo").get_data(as_text=True)


# The documents, the mapping and the errors, without servers ---------------------------


@pytest.mark.parametrize("name", sorted(admin.documents()))
def test_admin_documents_validate_against_the_demo_shops_admin_schema(name):
    errors = validate(admin_schema(), parse(admin.documents()[name]))
    assert errors == [], [e.message for e in errors]


def test_the_admin_documents_are_the_ones_the_client_sends():
    assert set(admin.documents()) == {"MetaobjectUpdate", "MetaobjectByHandle",
                                      "StagedUploadsCreate", "FileCreate", "FileStatus"}


def field(key, value, kind="single_line_text_field"):
    return {"key": key, "type": kind, "value": value}


DRAFT = {"hero_title": "New", "hero_subtitle": "", "hero_image": "", "bio": "Bio",
         "social": {"instagram": "https://instagram.com/x"},
         "picks": [["tee", "Soft.", ""], ["mug", "Mine.", ""]]}


def test_fields_are_written_in_the_form_the_metaobject_has():
    per_key = {f["key"]: f for f in [field("hero_title", "Old"), field("hero_subtitle", "Sub"),
                                     field("bio", "Bio"), field("notes", "{}", "json")]}
    assert field_writes(per_key, DRAFT) == {
        "hero_title": "New", "hero_subtitle": "",
        "social_instagram": "https://instagram.com/x",
        "notes": json.dumps({"tee": "Soft.", "mug": "Mine."}),
    }
    as_json = {f["key"]: f for f in [
        field("hero", json.dumps({"title": "Old", "subtitle": "Sub", "cta_label": "Go"}), "json"),
        field("social", json.dumps({"tiktok": "https://tiktok.com/@x"}), "json"),
        field("bio", "Bio"),
        field("notes", json.dumps({"tee": "Soft.", "mug": "Mine."}), "json"),
    ]}
    writes = field_writes(as_json, DRAFT)
    assert set(writes) == {"hero", "social"}  # bio and notes did not change
    assert json.loads(writes["hero"]) == {"title": "New", "cta_label": "Go"}
    assert json.loads(writes["social"]) == {"instagram": "https://instagram.com/x"}


def test_notes_kept_in_fields_of_their_own_are_refused():
    from storefront.self_service.metaobject_write import NotSent

    fields = {f["key"]: f for f in [field("notes_tee", "Soft.")]}
    with pytest.raises(NotSent, match="notes_tee"):
        field_writes(fields, DRAFT)


def replying(status, body):
    return admin.AdminClient(lambda payload, timeout: (status, body))


@pytest.mark.parametrize(("status", "body", "error", "words"), [
    (401, {"errors": "[API] Invalid API key"}, admin.AdminUnauthorized, "refused "
     "SHOPIFY_ADMIN_TOKEN"),
    (403, {"errors": "Forbidden"}, admin.AdminForbidden, "write_metaobjects"),
    (200, {"errors": [{"message": "Access denied for metaobjectUpdate field.",
                       "extensions": {"code": "ACCESS_DENIED"}}]},
     admin.AdminForbidden, "needs the write_metaobjects scope"),
    (429, {"errors": "Throttled"}, admin.AdminThrottled, "try again in a moment"),
    (200, {"errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}]},
     admin.AdminThrottled, "throttling"),
    (502, None, admin.AdminUnavailable, "HTTP 502"),
    (302, None, admin.AdminUnavailable, "redirect"),
    (200, {"data": {"metaobjectUpdate": {"metaobject": None, "userErrors": [
        {"field": ["metaobject", "fields"], "message": "Value is invalid", "code": "INVALID_VALUE"}
    ]}}}, admin.AdminRejected, "metaobject.fields: Value is invalid (INVALID_VALUE)"),
])
def test_admin_failures_are_named_with_what_to_do(status, body, error, words):
    with pytest.raises(error) as raised:
        replying(status, body).update_metaobject("gid://shopify/Metaobject/1", {"bio": "x"})
    assert words in str(raised.value)


def test_the_demo_admin_refuses_what_shopify_refuses():
    from storefront.demo_shop.shop import DemoShop

    demo = admin.AdminClient(DemoAdmin(DemoShop()).send)
    with pytest.raises(admin.AdminRejected, match="RECORD_NOT_FOUND"):
        demo.update_metaobject("gid://shopify/Metaobject/999999", {"bio": "x"})
    maya = demo.metaobject_id("creator", "maya")
    assert maya == "gid://shopify/Metaobject/8001"
    with pytest.raises(admin.AdminRejected, match="invalid JSON"):
        demo.update_metaobject(maya, {"notes": "{not json"})
    done = demo.update_metaobject(maya, {"bio": "Changed"})
    assert done["handle"] == "maya" and done["updatedAt"]
    assert demo.metaobject_id("creator", "nobody") is None
