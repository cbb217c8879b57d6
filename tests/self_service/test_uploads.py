"""Uploaded images: hostile files refused with a clear message, good ones re-encoded to
their pixels alone and served with safe headers under a content-hashed name."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from storefront.self_service import images
from tests.self_service.conftest import edit_link, form_of, jpeg, post_form

SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
       b'<script>alert(document.cookie)</script></svg>')
WHOLE = jpeg(size=(400, 300))
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def png(size, mode="1") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, "PNG")
    return out.getvalue()


def upload(client, path: str, data: bytes, name: str):
    return post_form(client, path, {"hero_image_file": (io.BytesIO(data), name)})


@pytest.mark.parametrize(("data", "name", "says"), [
    (SVG, "me.svg", "not a photo or picture in JPEG, PNG or WebP"),
    (SVG, "me.png", "not a photo or picture in JPEG, PNG or WebP"),
    (HTML, "me.png", "not a photo or picture in JPEG, PNG or WebP"),
    (png((20_000, 20_000)), "bomb.png", "far too many pixels"),  # 40 KB, 400 megapixels
    (png((7_000, 10)), "wide.png", "7000 x 10 pixels"),
    (png((5_000, 5_000)), "big.png", "5000 x 5000 pixels"),
    (WHOLE[: len(WHOLE) // 2], "cut.jpg", "cannot be read to its end"),
    (b"\xff\xd8\xff" + b"\0" * (images.MAX_BYTES + 10), "huge.jpg", "too large"),
])
def test_hostile_or_broken_uploads_are_refused(app, client, creators_dir, data, name, says):
    path = edit_link(app, "maya")
    reply = upload(client, path, data, name)
    assert reply.status_code == 400
    assert says in reply.get_data(as_text=True)
    # The picture is still the file's; nothing was kept.
    assert form_of(client.get(path).get_data(as_text=True)).get("hero_image") == "keep"
    folder = images.uploads_dir(app.instance_path)
    assert not folder.exists() or not any(folder.iterdir())


def test_a_body_over_the_limit_is_a_clear_413(app, client):
    path = edit_link(app, "maya")
    reply = upload(client, path, b"\0" * (images.MAX_BYTES + 512 * 1024), "big.jpg")
    assert reply.status_code == 413
    assert "at most 5 MB" in reply.get_data(as_text=True)


def test_a_jpeg_comes_back_without_its_exif_and_with_safe_headers(app, client):
    path = edit_link(app, "maya")
    # Make, a GPS-ish comment, and "rotate 90°" (orientation 6): the pixels are turned.
    sent = jpeg(size=(64, 48), exif={0x010F: "SpyCam", 0x0112: 6, 0x010E: "lat 51.5 lon 0.1"})
    assert b"SpyCam" in sent
    reply = upload(client, path, sent, "holiday.png")  # the name is not believed either
    assert reply.status_code == 303, reply.get_data(as_text=True)[-1500:]
    page = client.get(path).get_data(as_text=True)
    [url] = re.findall(r'src="(/creator-uploads/[0-9a-f]{32}\.jpg)"', page)
    served = client.get(url)
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in served.headers["Cache-Control"]
    assert "sandbox" in served.headers["Content-Security-Policy"]
    body = served.get_data()
    assert b"SpyCam" not in body and b"lat 51.5" not in body and b"Exif" not in body
    with Image.open(io.BytesIO(body)) as image:
        assert image.size == (48, 64)  # turned upright
        assert not image.getexif()
    # The name is the content's digest: the same pixels, the same name.
    assert upload(client, path, sent, "again.jpg").status_code == 303
    assert url in client.get(path).get_data(as_text=True)


def test_only_names_we_made_are_served(app, client):
    for name in ("../orders.sqlite3", "x.svg", "0" * 32 + ".svg", "0" * 32 + ".jpg",
                 "%2e%2e%2forders.sqlite3"):
        assert client.get(f"/creator-uploads/{name}").status_code == 404


def test_an_approved_upload_is_copied_into_the_media_folder(app, client, creators_dir):
    from tests.self_service.conftest import AUTH
    from tests.web.conftest import csrf_token

    path = edit_link(app, "maya")
    out = io.BytesIO()
    Image.new("RGBA", (30, 20), (10, 200, 30, 128)).save(out, "PNG")
    reply = post_form(client, path, {"hero_image_file": (io.BytesIO(out.getvalue()), "p.png"),
                                     "action": "submit"})
    assert reply.status_code == 303, reply.get_data(as_text=True)[-1500:]
    listing = client.get("/admin/creators/changes", headers=AUTH).get_data(as_text=True)
    [change] = re.findall(r'data-change="(\d+)"', listing)
    [name] = re.findall(r'/creator-uploads/([0-9a-f]{32}\.png)', listing)
    assert client.post(f"/admin/creators/changes/{change}/approve", headers=AUTH,
                       data={"csrf_token": csrf_token(client)}).status_code == 303
    assert (creators_dir / "media" / name).is_file()
    assert f'image = "{name}"' in (creators_dir / "maya.toml").read_text()
    landing = client.get("/@maya").get_data(as_text=True)
    assert f"/creator-media/{name}" in landing
