"""init_app: the registry on the app, its watcher, and GET /creator-media/<file>."""

from __future__ import annotations

import re
import time

import pytest
from flask import render_template_string

from storefront import create_app, creators, lifecycle
from storefront.creators import Registry
from tests.creators import SVG, make_app, write
from tests.fixtures import CREATORS as FIXTURE_CREATORS

DEMO_CREATORS = FIXTURE_CREATORS


@pytest.fixture
def demo_client():
    return make_app(DEMO_CREATORS).test_client()


def test_init_app_loads_the_registry(folder):
    write(folder, "maya", 'name = "Maya"\n')
    app = make_app(folder)
    assert isinstance(app.extensions["creators"], Registry)
    with app.app_context():
        assert creators.registry().get("maya").name == "Maya"
    assert creators.registry(app) is app.extensions["creators"]


def test_init_app_twice_keeps_the_first_registry(folder):
    app = make_app(folder)
    first = app.extensions["creators"]
    assert creators.init_app(app) is first


def test_init_app_on_the_store(folder, tmp_path):
    write(folder, "maya", 'name = "Maya"\n')
    app = create_app(
        {"CREATORS_DIR": str(folder), "DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3")}
    )
    registry = creators.init_app(app)
    assert creators.init_app(app) is registry
    assert registry.get("maya").name == "Maya"
    assert "creators" in app.cli.commands


def test_themes_dir_comes_from_the_config(folder, tmp_path):
    themes = tmp_path / "my-themes"
    (themes / "night").mkdir(parents=True)
    (themes / "night" / "theme.toml").write_text('name = "Night"\n')
    write(folder, "maya", 'name = "Maya"\ntheme = "night"\n')
    write(folder, "leo", 'name = "Leo"\ntheme = "atelier"\n')
    registry = make_app(folder, THEMES_DIR=str(themes)).extensions["creators"]
    assert registry.get("maya").theme == "night"
    assert registry.problems == [
        "creators/leo.toml: theme: no theme 'atelier' in my-themes/ (a folder with theme.toml)"
    ]


def test_the_serving_process_starts_the_watcher(folder):
    app = make_app(folder, CREATORS_RELOAD_SECONDS=0.02)
    registry = app.extensions["creators"]
    try:
        app.test_client().get("/creator-media/maya.svg")
        assert not registry.watching  # Flask's request hooks start nothing
        lifecycle.start(app)  # gunicorn's post_worker_init, or create_app's outermost layer
        assert registry.watching
        write(folder, "leo", 'name = "Leo"\n')
        deadline = time.monotonic() + 10
        while registry.get("leo") is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert registry.get("leo") is not None
    finally:
        registry.stop_watching()


def test_reload_seconds_zero_never_watches(folder):
    app = make_app(folder, CREATORS_RELOAD_SECONDS=0)
    app.test_client().get("/creator-media/maya.svg")
    assert not app.extensions["creators"].watching


def test_media_serves_a_demo_file(demo_client):
    response = demo_client.get("/creator-media/maya.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Cache-Control"] == "public, max-age=86400"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.get_data() == (DEMO_CREATORS / "media" / "maya.svg").read_bytes()


def test_pages_link_media_by_version_which_is_kept_for_a_year(folder):
    write(folder, "maya", 'name = "Maya"\navatar = "maya.svg"\n')
    app = make_app(folder)
    client = app.test_client()
    with app.test_request_context():
        url = render_template_string("{{ '/creator-media/maya.svg'|media_url }}")
        assert render_template_string("{{ 'https://cdn.example/a.png'|media_url }}") == (
            "https://cdn.example/a.png")  # not ours: as it is
        assert render_template_string("{{ '/creator-media/gone.svg'|media_url }}") == (
            "/creator-media/gone.svg")
    assert re.fullmatch(r"/creator-media/maya\.svg\?v=[0-9a-f]{10}", url)
    assert client.get(url).headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # An edited file gets a new version; the old URL is kept a day only.
    media = folder / "media" / "maya.svg"
    media.write_bytes(media.read_bytes() + b"\n")
    with app.test_request_context():
        assert render_template_string("{{ '/creator-media/maya.svg'|media_url }}") != url
    assert client.get(url).headers["Cache-Control"] == "public, max-age=86400"


def test_media_answers_conditional_requests(demo_client):
    etag = demo_client.get("/creator-media/maya-hero.svg").headers["ETag"]
    again = demo_client.get("/creator-media/maya-hero.svg", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_media_types(folder):
    (folder / "media" / "a.png").write_bytes(b"\x89PNG\r\n")
    (folder / "media" / "b.JPG").write_bytes(b"\xff\xd8\xff")
    client = make_app(folder).test_client()
    assert client.get("/creator-media/a.png").mimetype == "image/png"
    assert client.get("/creator-media/b.JPG").mimetype == "image/jpeg"


@pytest.mark.parametrize(
    "path",
    [
        "/creator-media/missing.svg",
        "/creator-media/../maya.toml",
        "/creator-media/..%2Fmaya.toml",
        "/creator-media/%2e%2e/%2e%2e/wsgi.py",
        "/creator-media/..%2F..%2Fwsgi.py",
        "/creator-media//etc/passwd",
        "/creator-media/%2Fetc%2Fpasswd",
        "/creator-media/..\\maya.toml",
        "/creator-media/sub/x.svg",
        "/creator-media/secret.txt",
        "/creator-media/media.svg/",
        "/creator-media/",
    ],
)
def test_media_refuses_everything_else(folder, path):
    write(folder, "maya", 'name = "Maya"\n')
    (folder / "media" / "secret.txt").write_text("no")
    (folder / "media" / "sub").mkdir()
    (folder / "media" / "sub" / "x.svg").write_text(SVG)
    response = make_app(folder).test_client().get(path)
    assert response.status_code == 404
