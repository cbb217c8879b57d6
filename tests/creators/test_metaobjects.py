"""Creators kept in Shopify metaobjects: the field mapping, its messages, the sources
(files, shopify, both), the copy kept while Shopify is down, webhooks and commands.

In-process, against the embedded demo shop; test_metaobjects_servers.py runs the
same over HTTP with gunicorn workers.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from storefront import create_app
from storefront.creators import fields as creator_fields
from storefront.creators import registry as registry_of
from storefront.creators.metaobjects import check_metaobject, to_data
from storefront.creators.registry import Registry
from storefront.creators.sources import ShopifyCreators, page_reader
from storefront.creators.validate import scan_context
from storefront.demo_shop.carts import MemoryCartStore
from storefront.demo_shop.shop import DemoShop
from storefront.demo_shop.transport import DemoShopTransport
from storefront.shopify import api
from storefront.shopify.client import StorefrontClient
from storefront.shopify.errors import Rejected, Unavailable
from tests.creators import write
from tests.creators.metaobject_data import field, generated, write_catalog
from tests.fixtures import CREATORS as FIXTURE_CREATORS

SECRET = "whsec-metaobjects"


def record(handle: str, *fields: dict) -> dict:
    return {"id": f"gid://shopify/Metaobject/{handle}", "handle": handle, "fields": list(fields)}


def problems_of(raw: dict, folder: Path) -> list[str]:
    creator, problems = check_metaobject(raw, scan_context(folder))
    assert (creator is None) == bool(problems)
    return problems


# The mapping --------------------------------------------------------------------------


def test_fields_fill_the_keys_they_name_and_tables_take_json_or_one_field_per_key():
    data, problems = to_data([
        field("name", "Maya Rivers"),
        field("aliases", '["maya-r", "mayar"]', "list.single_line_text_field"),
        field("hero", '{"title": "Slow wardrobe", "subtitle": "Linen"}', "json"),
        field("hero_image", "maya-hero.svg"),
        field("hero_cta_url", "https://example.com/x", "url"),
        field("discount_code", "MAYA15"),
        field("theme_settings_accent", "#c46a2b", "color"),
        field("social_instagram", "https://instagram.com/maya", "url"),
        field("collections", '["apparel", {"handle": "bags", "title": "Carry"}]',
              "list.single_line_text_field"),
        field("commission_percent", "12.5", "number_decimal"),
        field("legacy_ids_uppromote", "MAYA-1"),
        field("bio", ""),  # empty: left out, as a key missing from a file
        field("some_date", "2026-05-01", "date"),
    ])
    assert problems == []
    assert data == {
        "name": "Maya Rivers",
        "aliases": ["maya-r", "mayar"],
        "hero": {"title": "Slow wardrobe", "subtitle": "Linen", "image": "maya-hero.svg",
                 "cta_url": "https://example.com/x"},
        "discount": {"code": "MAYA15"},
        "theme_settings": {"accent": "#c46a2b"},
        "social": {"instagram": "https://instagram.com/maya"},
        "collections": [{"handle": "apparel"}, {"handle": "bags", "title": "Carry"}],
        "commission": {"percent": "12.5"},
        "legacy_ids": {"uppromote": "MAYA-1"},
        "some_date": date(2026, 5, 1),
    }


@pytest.mark.parametrize("key", creator_fields.TOP_KEYS)
def test_every_key_of_the_creator_file_has_a_field_of_its_own_name(key):
    # JSON carries any table whole, keys added to the file format later included.
    value = {"anything": "new"}
    data, problems = to_data([field(key, json.dumps(value), "json")])
    assert problems == [] and data == {key: value}


def test_a_key_added_to_a_table_later_is_carried_without_a_change_to_the_mapping():
    data, _ = to_data([field("discount_code", "MAYA15"), field("discount_percent", "15",
                                                                 "number_integer")])
    assert data == {"discount": {"code": "MAYA15", "percent": 15}}


def test_bad_fields_get_the_files_messages_named_after_the_metaobject(folder):
    problems = problems_of(record(
        "maya",
        field("name", "Maya"),
        field("hero_title", "Hi"),
        field("hero_image", "missing.png"),
        field("notes", "{not json", "json"),
        field("instagram", "https://instagram.com/maya", "url"),
        field("status", "sleeping"),
        field("hero", '{"title": "Twice"}', "json"),
        field("bio", "x", "rich_text_field"),
        field("avatar", "gid://shopify/GenericFile/1", "file_reference"),
        field("social_tiktok", "http://tiktok.com/@maya", "url"),
    ), folder)
    assert problems == [
        "shopify:creator/maya: notes: is not valid JSON: Expecting property name enclosed "
        "in double quotes: line 1 column 2 (char 1) (field 'notes')",
        "shopify:creator/maya: hero.title: set twice, in field 'hero' and by field "
        "'hero_title'; keep one",
        "shopify:creator/maya: bio: rich text is not read: use a multi-line text field "
        "(field 'bio')",
        "shopify:creator/maya: avatar: the file is not an image (use a file reference to an "
        "image) (field 'avatar')",
        "shopify:creator/maya: unknown key 'instagram'",
        "shopify:creator/maya: status: must be active, paused or archived, not 'sleeping'",
        "shopify:creator/maya: hero.image: no file 'missing.png' in creators/media/",
        "shopify:creator/maya: social.tiktok: 'http://tiktok.com/@maya' must use https://, "
        "not http://",
    ]


def test_a_handle_that_is_no_creator_handle_is_named(folder):
    assert problems_of(record("Maya_Rivers!", field("name", "Maya")), folder) == [
        "shopify:creator/Maya_Rivers!: the metaobject's handle must be a creator handle: "
        "lowercase letters, digits, '-' and '_'",
    ]


def test_image_references_become_their_urls(folder):
    url = "https://cdn.shopify.com/s/files/1/0001/files/maya.jpg?v=1"
    creator, problems = check_metaobject(record(
        "maya", field("name", "Maya"),
        {"key": "avatar", "type": "file_reference", "value": "gid://shopify/MediaImage/1",
         "image": url},
        {"key": "hero_image", "type": "file_reference", "value": "gid://shopify/MediaImage/2",
         "image": url},
        field("hero_title", "Hi"),
    ), scan_context(folder))
    assert problems == []
    assert creator.avatar == url and creator.hero.image == url
    assert creator.revision  # cached pages follow the record's changes


def test_the_demo_shop_resolves_image_references(tmp_path):
    maya = generated(1)
    maya["fields"].append({"key": "avatar", "type": "file_reference", "file": "hero.svg"})
    shop = DemoShop(write_catalog(tmp_path / "catalog", [maya]), carts=MemoryCartStore(),
                    base_url="https://shop.example")
    page = api.metaobjects(StorefrontClient(DemoShopTransport(shop)), "creator")
    avatar = next(f for f in page.items[0].entries if f.key == "avatar")
    assert avatar.type == "file_reference" and avatar.value.startswith("gid://shopify/MediaImage/")
    assert avatar.image_url == "https://shop.example/demo-shop/files/hero.svg"
    assert all(f.image_url is None for f in page.items[0].entries if f.key != "avatar")


# Sources --------------------------------------------------------------------------------


def shopify_app(tmp_path, source="shopify", creators=None, **config):
    return create_app({
        "CREATORS_SOURCE": source,
        "CREATORS_DIR": str(creators or FIXTURE_CREATORS),
        "CREATORS_RELOAD_SECONDS": 0,
        "INSTANCE_DIR": str(tmp_path / "instance"),
        "DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3"),
        "SHOPIFY_WEBHOOK_SECRET": SECRET,
        **config,
    })


def demo_shop_of(app) -> DemoShop:
    return app.extensions["storefront_client"].transport.shop


def without_revision(creator):
    return replace(creator, revision="")


def test_the_demo_creators_read_from_metaobjects_are_those_of_their_files(tmp_path):
    from_files = registry_of(shopify_app(tmp_path / "a", source="files"))
    app = shopify_app(tmp_path / "b")
    creators = registry_of(app)
    assert len(creators) == 0  # nothing was fetched yet, and there is no copy
    assert creators.fetch()
    assert creators.problems == [] and creators.shopify.error is None
    assert len(creators) == len(from_files) == 7
    for creator in from_files:
        assert without_revision(creators.get(creator.handle)) == without_revision(creator)
    assert creators.get("samito").handle == "sam"  # aliases, from a list field
    assert creators.by_code("maya15").handle == "maya"


def test_by_default_creators_come_from_files_only(tmp_path):
    app = create_app({"INSTANCE_DIR": str(tmp_path / "instance"),
                      "DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3")})
    creators = registry_of(app)
    assert app.config["CREATORS_SOURCE"] == "files"
    assert creators.source == "files" and creators.shopify is None
    assert {c.handle for c in creators} == {p.stem for p in FIXTURE_CREATORS.glob("*.toml")}
    assert not creators.fetch()  # nothing to fetch: no request reaches the shop
    assert not list((tmp_path / "instance").glob("creators-shopify-*"))


def test_with_both_files_win_over_metaobjects_of_the_same_handle(tmp_path):
    folder = tmp_path / "creators"
    (folder / "media").mkdir(parents=True)
    for media in FIXTURE_CREATORS.joinpath("media").iterdir():
        shutil.copy(media, folder / "media")
    write(folder, "maya", 'name = "Maya, from her file"\n')
    write(folder, "nora", 'name = "Nora"\naliases = ["leo"]\n')  # another's handle, as alias
    app = shopify_app(tmp_path, source="both", creators=folder)
    creators = registry_of(app)
    creators.fetch()
    assert creators.get("maya").name == "Maya, from her file"
    assert creators.get("june").name == "June Okafor"  # only in Shopify
    assert creators.get("leo").handle == "nora"  # the file's alias wins over the metaobject
    assert creators.source_of("maya") == "file" and creators.source_of("june") == "shopify"
    assert sorted(creators.problems) == [
        "shopify:creator/leo: not used: creators/nora.toml has 'leo' as an alias, and "
        "creator files win over metaobjects (CREATORS_SOURCE=both)",
        "shopify:creator/maya: not used: creators/maya.toml has 'maya' as its handle, and "
        "creator files win over metaobjects (CREATORS_SOURCE=both)",
    ]
    assert len(creators) == 2 + 5


class FlakyShop:
    """Pages of records as a Shopify would give them, failing when told to."""

    def __init__(self, records: list[dict], page: int = 2) -> None:
        self.records, self.page = records, page
        self.fail_at: int | None = None  # the page number that fails
        self.asked = 0

    def __call__(self, after: str | None):
        start = int(after or 0)
        self.asked += 1
        if self.fail_at is not None and start // self.page >= self.fail_at:
            raise Unavailable("connection refused")
        end = start + self.page
        return self.records[start:end], str(end) if end < len(self.records) else None


def creator_records(*names: str) -> list[dict]:
    return [record(f"c{n}", field("name", name)) for n, name in enumerate(names)]


def test_a_fetch_that_fails_halfway_keeps_the_last_good_list_and_tries_again(tmp_path, folder):
    shop = FlakyShop(creator_records("Ann", "Bo", "Cy", "Di", "Ed"))
    now = [1000.0]
    source = ShopifyCreators(shop, tmp_path / "copy.json", "creator", clock=lambda: now[0])
    creators = Registry(folder, source="shopify", shopify=source)
    assert creators.fetch() and [c.name for c in creators] == ["Ann", "Bo", "Cy", "Di", "Ed"]

    shop.records = creator_records("Ann", "Bo", "Cy", "Di", "Eve")
    shop.fail_at = 1  # the second page fails: nothing of the first one is taken either
    source.changed()
    assert not creators.refresh(fetch=True)
    assert [c.name for c in creators][-1] == "Ed"
    assert "connection refused" in source.error
    asked = shop.asked
    assert not creators.refresh(fetch=True) and shop.asked == asked  # waits before a retry
    shop.fail_at = None
    now[0] += 1.5
    assert creators.refresh(fetch=True) and [c.name for c in creators][-1] == "Eve"
    assert source.error is None


def test_a_store_that_starts_while_shopify_is_down_serves_the_copy(tmp_path, folder):
    copy = tmp_path / "instance" / "creators-shopify-creator.json"
    up = FlakyShop(creator_records("Ann", "Bo"))
    first = Registry(folder, source="shopify",
                     shopify=ShopifyCreators(up, copy, "creator", shop="fernwood"))
    first.fetch()

    down = FlakyShop([])
    down.fail_at = 0
    restarted = Registry(folder, source="shopify",
                         shopify=ShopifyCreators(down, copy, "creator", shop="fernwood"))
    restarted.load()  # at start: the copy, without asking Shopify
    assert down.asked == 0 and [c.name for c in restarted] == ["Ann", "Bo"]
    assert not restarted.refresh(fetch=True)  # the copy is fresh: not due
    assert down.asked == 0
    restarted.shopify.changed()  # a webhook: due, fails, and the copy's creators stay
    assert not restarted.refresh(fetch=True)
    assert down.asked == 1 and len(restarted) == 2 and restarted.shopify.error

    other_shop = Registry(folder, source="shopify",
                          shopify=ShopifyCreators(down, copy, "creator", shop="another"))
    other_shop.load()
    assert len(other_shop) == 0  # another shop's copy is not this one's creators


def test_the_poll_fetches_again_when_its_time_comes(tmp_path, folder):
    shop = FlakyShop(creator_records("Ann"))
    now = [0.0]
    source = ShopifyCreators(shop, tmp_path / "copy.json", "creator", poll_seconds=300,
                             clock=lambda: now[0])
    creators = Registry(folder, source="shopify", shopify=source)
    creators.refresh(fetch=True)
    shop.records = creator_records("Anna")
    now[0] = 299
    assert not creators.refresh(fetch=True) and shop.asked == 1
    now[0] = 300
    assert creators.refresh(fetch=True) and creators.get("c0").name == "Anna"


def test_other_processes_take_the_fetchers_copy_without_asking_shopify(tmp_path, folder):
    copy = tmp_path / "copy.json"
    shop = FlakyShop(creator_records("Ann", "Bo"))
    fetcher = Registry(folder, source="shopify", shopify=ShopifyCreators(shop, copy, "creator"))
    follower_shop = FlakyShop([])
    follower = Registry(folder, source="shopify",
                        shopify=ShopifyCreators(follower_shop, copy, "creator"))
    follower.load()
    fetcher.refresh(fetch=True)
    assert follower.refresh() and [c.name for c in follower] == ["Ann", "Bo"]
    shop.records = creator_records("Ann", "Bob")
    fetcher.shopify.changed()
    fetcher.refresh(fetch=True)
    assert follower.refresh() and follower.get("c1").name == "Bob"
    assert follower_shop.asked == 0


def test_pages_shopify_finds_too_costly_are_asked_again_smaller(tmp_path):
    shop = DemoShop(write_catalog(tmp_path / "catalog", [generated(n) for n in range(10)]),
                    carts=MemoryCartStore())
    client = StorefrontClient(DemoShopTransport(shop))
    sizes = []
    execute = client.execute

    def costly(name, variables=None):
        sizes.append(variables["first"])
        if variables["first"] > 4:
            raise Rejected("Query cost is 1200, which exceeds the single query max cost "
                           "limit (1000).", code="MAX_COMPLEXITY_EXCEEDED")
        return execute(name, variables)

    client.execute = costly
    read = page_reader(client, "creator", first=16)
    handles, after = [], None
    while True:
        page, after = read(after)
        handles += [r["handle"] for r in page]
        if after is None:
            break
    assert sizes == [16, 8, 4, 4, 4]
    assert handles == [f"creator-{n:05d}" for n in range(10)]


# Webhooks and commands ------------------------------------------------------------------


def sign(body: bytes) -> str:
    return base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest()).decode()


def deliver(client, topic: str, payload: dict, signature: str | None = None):
    body = json.dumps(payload).encode()
    return client.post("/webhooks/shopify", data=body, headers={
        "Content-Type": "application/json", "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": signature or sign(body),
        "X-Shopify-Webhook-Id": f"whk-{topic}-{hash(body)}",
    })


def test_a_metaobject_webhook_has_the_creators_read_again(tmp_path):
    app = shopify_app(tmp_path)
    creators = registry_of(app)
    creators.fetch()
    assert not creators.shopify.due()
    demo_shop_of(app).edit_metaobject("creator", "maya", {"name": "Maya R."})
    client = app.test_client()
    payload = {"id": "gid://shopify/Metaobject/8001", "handle": "maya", "type": "creator"}

    assert deliver(client, "metaobjects/update", payload, signature="bad").status_code == 401
    other = deliver(client, "metaobjects/update", {**payload, "type": "lookbook"})
    assert other.json == {"ok": True, "ignored": "not a creator metaobject"}
    assert not creators.shopify.due()

    answer = deliver(client, "metaobjects/update", payload)
    assert answer.status_code == 200 and answer.json["creators"] == "refreshing"
    assert deliver(client, "metaobjects/update", payload).json["duplicate"] is True
    with app.app_context():  # the watcher's tick
        assert creators.shopify.due()
        assert creators.refresh(fetch=True)
    assert creators.get("maya").name == "Maya R."


def test_metaobject_webhooks_are_ignored_when_creators_come_from_files(tmp_path):
    app = shopify_app(tmp_path, source="files")
    answer = deliver(app.test_client(), "metaobjects/delete", {"type": "creator"})
    assert answer.json == {"ok": True, "ignored": "not a creator metaobject"}


def test_check_and_list_read_the_metaobjects(tmp_path):
    app = shopify_app(tmp_path)
    runner = app.test_cli_runner()
    checked = runner.invoke(args=["creators", "check"])
    assert checked.exit_code == 0, checked.output
    assert checked.output == "7 creators OK (from 7 metaobjects of type 'creator')\n"
    listed = runner.invoke(args=["creators", "list", "--format", "csv"])
    assert listed.exit_code == 0
    lines = listed.output.splitlines()
    assert lines[0] == "handle,name,status,code,aliases,source"
    assert "maya,Maya Rivers,active,MAYA15,,shopify" in lines

    demo_shop_of(app).edit_metaobject("creator", "leo", {"hero_image": "nope.svg"})
    checked = runner.invoke(args=["creators", "check"])
    assert checked.exit_code == 1
    assert checked.output == ("shopify:creator/leo: hero.image: no file 'nope.svg' in "
                              "creators/media/\n1 problem in 1 file\n")


def test_check_fails_when_shopify_cannot_be_read(tmp_path):
    app = shopify_app(tmp_path, source="both",
                      SHOPIFY_STORE_DOMAIN="http://127.0.0.1:9", SHOPIFY_STOREFRONT_TOKEN="t",
                      SECRET_KEY="k" * 8 + "0123456789abcdefghijklmnopqrstuv",
                      SHOPIFY_CONNECT_TIMEOUT=1.0)
    checked = app.test_cli_runner().invoke(args=["creators", "check"])
    assert checked.exit_code == 1
    lines = checked.output.splitlines()
    assert lines[0].startswith("shopify: reading metaobjects of type 'creator' failed after 0:")
    assert lines[-1] == "0 problems in 0 files; Shopify could not be read"
