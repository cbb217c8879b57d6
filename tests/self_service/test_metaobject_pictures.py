"""A creator's new picture becomes a Shopify file (staged upload, fileCreate) and the
metaobject refers to it, in the same write as the other fields (issue 17).

The end-to-end tests use the embedded demo shop with an https base URL: the creator
checks take only https:// image URLs, and the standalone demo shop serves http. The
HTTP path (a real multipart POST to the staged target) is tested against the
standalone demo shop, through the Admin client.
"""

from __future__ import annotations

import io
import logging
import re
import sys
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from storefront.self_service import images, metaobject_write
from storefront.shopify import admin
from tests.creators.metaobject_data import shipped, write_catalog
from tests.self_service.conftest import AUTH, edit_link, jpeg, post_form
from tests.self_service.test_editor import CHANGES, decide, pending_ids
from tests.support import processes
from tests.support.ports import free_port

DEMO_TOKEN = "shpat_embedded_demo_admin_7e21"
BASE = "https://demo-shop.test"


@pytest.fixture
def demo(make_app):
    """A store on the embedded demo shop (creators in its metaobjects), files on https."""
    app = make_app(CREATORS_SOURCE="shopify", SHOPIFY_ADMIN_TOKEN=DEMO_TOKEN)
    shop = app.extensions["storefront_client"].transport.shop
    shop.base_url = BASE
    shop._use(shop.catalog)  # the context that makes URLs follows the base URL
    app.extensions["creators"].fetch()
    return app, shop


def send_picture(client, path, **changes):
    reply = post_form(client, path, {"hero_image_file": (io.BytesIO(jpeg((90, 60))), "me.jpg"),
                                     "action": "submit", **changes})
    assert reply.status_code == 303, reply.get_data(as_text=True)[-1500:]


def field_of(shop, handle, key):
    found = shop.catalog.metaobject("creator", handle)
    return next((f for f in found.fields if f.key == key), None)


def the_upload(app) -> bytes:
    [path] = [p for p in images.uploads_dir(app.instance_path).iterdir() if p.is_file()]
    return path.read_bytes()


def test_a_new_picture_becomes_a_file_and_the_page_shows_it(demo, caplog):
    caplog.set_level(logging.DEBUG)
    app, shop = demo
    client = app.test_client()
    send_picture(client, edit_link(app, "sam"))
    [change] = pending_ids(client)
    listing = client.get(CHANGES, headers=AUTH).get_data(as_text=True)
    reply = decide(client, change, "approve")
    assert reply.status_code == 303, reply.get_data(as_text=True)
    assert pending_ids(client) == []

    # sam's hero_image is a text field: it now holds the new file's URL on the shop.
    url = field_of(shop, "sam", "hero_image").value
    assert re.fullmatch(rf"{BASE}/demo-shop/files/uploads/\d+\.jpg", url), url
    landing = client.get("/@sam").get_data(as_text=True)
    assert url in landing
    served = client.get(url.removeprefix(BASE))  # the demo shop serves it
    assert served.status_code == 200
    assert served.mimetype == "image/jpeg"
    assert served.data == the_upload(app)  # the re-encoded upload, byte for byte
    for text in (listing, landing, caplog.text):
        assert DEMO_TOKEN not in text


def test_a_file_reference_field_gets_the_new_files_id(demo):
    app, shop = demo
    client = app.test_client()
    # rosa's metaobject has no hero yet: the picture becomes a file_reference field.
    shop.update_metaobject(shop.catalog.metaobject("creator", "rosa").id, {"status": "active"})
    app.extensions["creators"].fetch()
    send_picture(client, edit_link(app, "rosa"), hero_title="Rosa, pictured")
    [change] = pending_ids(client)
    reply = decide(client, change, "approve")
    assert reply.status_code == 303, reply.get_data(as_text=True)
    hero = field_of(shop, "rosa", "hero_image")
    assert hero.type == "file_reference"
    assert re.fullmatch(r"gid://shopify/MediaImage/\d+", hero.value)
    stored = shop.files.get(int(hero.value.rsplit("/", 1)[1]))
    assert stored.status == "READY" and stored.data == the_upload(app)
    landing = client.get("/@rosa").get_data(as_text=True)
    assert "Rosa, pictured" in landing
    assert f"{BASE}/demo-shop/files/uploads/{stored.name}" in landing


def test_a_refused_staged_upload_keeps_the_change_pending(demo):
    app, shop = demo
    client = app.test_client()
    send_picture(client, edit_link(app, "ava"), hero_title="Ava, upload refused")
    writer = metaobject_write.client(app)
    sends = writer.upload
    # The bytes go without the target's parameters: the demo shop's target refuses them.
    writer.upload = lambda target, *rest: sends(replace(target, parameters=()), *rest)
    [change] = pending_ids(client)
    reply = decide(client, change, "approve")
    text = reply.get_data(as_text=True)
    assert reply.status_code == 409, text
    assert "stays pending" in text and "upload was refused (HTTP 403)" in text
    assert pending_ids(client) == [change]
    assert field_of(shop, "ava", "hero_title").value != "Ava, upload refused"


def test_a_file_create_user_error_keeps_the_change_pending(demo):
    app, shop = demo
    client = app.test_client()
    send_picture(client, edit_link(app, "june"), hero_title="June, never uploaded")
    metaobject_write.client(app).upload = lambda *args: None  # the bytes never arrive
    [change] = pending_ids(client)
    reply = decide(client, change, "approve")
    text = reply.get_data(as_text=True)
    assert reply.status_code == 409, text
    assert "Shopify refused the picture" in text and "(INVALID_IMAGE_SOURCE_URL)" in text
    assert "stays pending" in text and DEMO_TOKEN not in text
    assert pending_ids(client) == [change]
    assert field_of(shop, "june", "hero_title").value != "June, never uploaded"


def test_a_file_still_processing_is_read_again_with_the_given_wait():
    waits = []
    reads = iter([admin.CreatedFile("gid://shopify/MediaImage/1", "PROCESSING", None)] * 9)

    class Writer:
        def stage_upload(self, *args):
            return admin.StagedTarget("https://up.example/x", "https://up.example/x", ())

        def upload(self, *args):
            pass

        def create_image(self, *args):
            return admin.CreatedFile("gid://shopify/MediaImage/1", "UPLOADED", None)

        def file(self, id_):
            return next(reads)

    class Path:
        name, suffix = "a.jpg", ".jpg"

        def read_bytes(self):
            return b"\xff\xd8\xff"

    with pytest.raises(admin.AdminUnavailable, match="still processing"):
        metaobject_write._make_file(Writer(), Path(), "alt", waits.append)
    assert waits == list(metaobject_write.FILE_WAITS)  # bounded, and never slept here


# The HTTP path, against the standalone demo shop -------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("shop")
    catalog = write_catalog(folder / "catalog", shipped())
    token = "shpat_http_files_3b8e"
    started = processes.start([
        sys.executable, "-m", "storefront.demo_shop", "serve", "--port", str(free_port()),
        "--token", "files-storefront-token", "--catalog", str(catalog),
        "--cart-db", str(folder / "carts.sqlite3"),
    ], env={"DEMO_SHOP_ADMIN_TOKEN": token})
    yield started, token
    started.stop()
    assert "Traceback" not in started.log()
    assert token not in started.log()


def http_client(server, allow=True):
    started, token = server
    return admin.AdminClient(
        admin.HTTPSend(admin.admin_url(started.url, "2026-04"), token),
        admin.HTTPUpload(allow_loopback_http=allow))


def test_a_staged_upload_over_http_becomes_a_served_file(server):
    writer = http_client(server)
    data = jpeg((40, 30))
    target = writer.stage_upload("me.jpg", "image/jpeg", len(data))
    assert target.url.startswith(server[0].url + "/_staged-uploads/")
    writer.upload(target, "me.jpg", "image/jpeg", data)
    with pytest.raises(admin.AdminRejected, match="HTTP 404"):  # a target takes one file
        writer.upload(target, "me.jpg", "image/jpeg", data)
    made = writer.create_image(target.resource_url, "Me")
    assert made.status == "PROCESSING" and made.url is None
    ready = writer.file(made.id)
    assert ready.status == "READY"
    served = requests.get(ready.url, timeout=10)
    assert served.status_code == 200 and served.content == data
    assert served.headers["Content-Type"] == "image/jpeg"


def test_the_staged_target_takes_only_what_was_declared(server):
    writer = http_client(server)
    data = jpeg((40, 30))
    small = writer.stage_upload("me.jpg", "image/jpeg", 10)
    with pytest.raises(admin.AdminRejected, match="HTTP 413"):
        writer.upload(small, "me.jpg", "image/jpeg", data)
    png = writer.stage_upload("me.png", "image/png", len(data))
    with pytest.raises(admin.AdminRejected, match="HTTP 415"):  # JPEG bytes, PNG declared
        writer.upload(png, "me.png", "image/png", data)
    with pytest.raises(admin.AdminRejected, match="Only images"):
        writer.stage_upload("page.html", "text/html", 10)


def test_files_go_only_to_https_targets_unless_the_shop_is_local(server):
    writer = http_client(server, allow=False)
    target = writer.stage_upload("me.jpg", "image/jpeg", 100)
    with pytest.raises(admin.AdminRejected, match="not https"):
        writer.upload(target, "me.jpg", "image/jpeg", b"\xff\xd8\xff")
    local = admin.HTTPUpload(allow_loopback_http=True)
    with pytest.raises(admin.AdminRejected, match="not https"):
        local.check_url("http://shop.example/_staged-uploads/x")
    local.check_url("https://storage.example/upload")  # fine


def test_an_upload_target_that_redirects_is_not_followed():
    arrived = []

    class Redirecting(BaseHTTPRequestHandler):
        def do_POST(self):
            arrived.append(self.path)
            self.send_response(307)
            self.send_header("Location", "/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Redirecting)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/upload"
        target = admin.StagedTarget(url, url, (("key", "k"),))
        with pytest.raises(admin.AdminUnavailable, match="redirect"):
            admin.HTTPUpload(allow_loopback_http=True)(target, "a.jpg", "image/jpeg", b"x")
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
    assert arrived == ["/upload"]
