"""A store with its own copy of the fixture creators (files are edited here, never in the
repository), the admin on, a fixed SECRET_KEY, and helpers: an edit link made with the
real command, the editor's form as the page fills it, and the CSRF token of a page.
"""

from __future__ import annotations

import base64
import io
import re
import shutil

import pytest

from storefront import create_app
from tests.fixtures import CREATORS as FIXTURE_CREATORS

KEY = "self-service-key-3c9a1f07e2d4b85"
ADMIN = {"username": "brandteam", "password": "approve the creators' pages"}
AUTH = {"Authorization": "Basic " + base64.b64encode(
    f"{ADMIN['username']}:{ADMIN['password']}".encode()).decode()}


@pytest.fixture
def creators_dir(tmp_path):
    folder = tmp_path / "creators"
    shutil.copytree(FIXTURE_CREATORS, folder)
    return folder


@pytest.fixture
def make_app(tmp_path, creators_dir):
    def make(**config):
        return create_app({
            # Uploads and links of this test only (the session's INSTANCE_DIR is shared).
            "INSTANCE_DIR": str(tmp_path / "instance"),
            "DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3"),
            "CREATORS_DIR": str(creators_dir),
            "CREATORS_RELOAD_SECONDS": "0",
            "SECRET_KEY": KEY,
            "ADMIN_USERNAME": ADMIN["username"],
            "ADMIN_PASSWORD": ADMIN["password"],
            **config,
        })

    return make


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


def edit_link(app, handle: str, *args: str) -> str:
    """A new edit link's path, made by `flask creators edit-link HANDLE`."""
    result = app.test_cli_runner().invoke(args=["creators", "edit-link", handle, *args])
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]*)"', html)
    assert found, html[-2000:]
    return found.group(1)


def form_of(html: str) -> dict[str, str]:
    """The editor's fields as the page filled them (text, textareas, kept picture)."""
    fields = {}
    for name, value in re.findall(r'<input type="(?:text|url|hidden|search)" [^>]*?'
                                  r'name="([^"]+)" value="([^"]*)"', html):
        fields[name] = value
    for match in re.finditer(r'<input type="(?:text|url|hidden|search)" id="[^"]*" '
                             r'name="([^"]+)" value="([^"]*)"', html):
        fields[match.group(1)] = match.group(2)
    for name, value in re.findall(r'<textarea id="[^"]*" name="([^"]+)"[^>]*>(.*?)</textarea>',
                                  html, re.S):
        fields[name] = value
    if 'name="hero_image" value="keep" checked' in html:
        fields["hero_image"] = "keep"
    import html as html_module

    return {name: html_module.unescape(value) for name, value in fields.items()}


def post_form(client, path: str, changes: dict | None = None, **kwargs):
    """Post the editor's form as the page shows it, with `changes` (and `data` files)."""
    page = client.get(path)
    assert page.status_code == 200, page.get_data(as_text=True)[-2000:]
    html = page.get_data(as_text=True)
    data = {**form_of(html), **(changes or {})}
    data = {key: value for key, value in data.items() if value is not None}
    return client.post(path, data=data, content_type="multipart/form-data", **kwargs)


def jpeg(size=(64, 48), exif: dict | None = None) -> bytes:
    from PIL import Image

    image = Image.new("RGB", size, (180, 90, 40))
    out = io.BytesIO()
    extra = {}
    if exif:
        tags = Image.Exif()
        for tag, value in exif.items():
            tags[tag] = value
        extra["exif"] = tags
    image.save(out, "JPEG", **extra)
    return out.getvalue()
