"""Fingerprinted theme files: asset_url() and GET /assets/<file>."""

from __future__ import annotations

import gzip
import hashlib
import re

import pytest
from flask import render_template_string

from storefront.theming import ThemeError, asset_url
from storefront.theming.assets import IMMUTABLE, split_hash, with_hash
from tests.themes import make_app, write_base, write_theme

SECRET = "secret-do-not-serve"


def digest(content: str | bytes) -> str:
    data = content.encode() if isinstance(content, str) else content
    return hashlib.sha256(data).hexdigest()[:10]


@pytest.fixture
def themes(tmp_path):
    folder = tmp_path / "themes"
    write_base(folder, static={
        "site.css": "body { color: black }",
        "js/cart.js": "export {}",
        "logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
        "fonts/body.woff2": b"wOF2\x00",
        "LICENSE": "fonts licence",
    })
    write_theme(folder, "night", 'name = "Night"\nparent = "base"\n', static={
        "site.css": "body { color: white }",
    })
    # Files next to the static folders that no URL may reach.
    (folder / "night" / "secret.txt").write_text(SECRET)
    (tmp_path / "secret.txt").write_text(SECRET)
    return folder


@pytest.fixture
def app(themes, tmp_path):
    return make_app(themes, "night", tmp_path)


@pytest.fixture
def client(app):
    return app.test_client()


def url_of(app, path: str) -> str:
    with app.test_request_context():
        return asset_url(path)


def test_child_asset_overrides_the_parent(app, client):
    url = url_of(app, "site.css")
    assert url == f"/assets/site.{digest('body { color: white }')}.css"
    response = client.get(url)
    assert response.status_code == 200
    assert response.text == "body{color:white}"  # minified; the URL names the source
    assert response.mimetype == "text/css"


def test_parent_asset_in_a_subfolder(app, client):
    url = url_of(app, "js/cart.js")
    assert url == f"/assets/js/cart.{digest('export {}')}.js"
    response = client.get(url)
    assert response.text == "export{}"  # minified
    assert response.mimetype == "text/javascript"


def test_stylesheets_and_scripts_are_served_minified(themes, tmp_path):
    static = themes / "night" / "static"
    rules = "".join(f".card--{n} {{ order: {n}; }}\n" for n in range(60))  # worth gzip
    stylesheet = "/*! MIT */\n/* why */\n.hero  >  p { color : red ; }\n" + rules
    (static / "night.css").write_text(stylesheet)
    (static / "night.js").write_text("// why\nexport const  answer = 42;\n")
    app = make_app(themes, "night", tmp_path)
    client = app.test_client()
    css = client.get(url_of(app, "night.css"))
    assert css.text == "/*! MIT */ .hero>p{color : red}" + "".join(
        f".card--{n}{{order:{n}}}" for n in range(60))
    assert client.get(url_of(app, "night.js")).text == "export const answer=42;"
    # The URL still names the file as written, and gzip carries the same minified text.
    assert url_of(app, "night.css") == f"/assets/night.{digest(stylesheet)}.css"
    packed = client.get(url_of(app, "night.css"), headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data).decode() == css.text


def test_files_the_minifiers_cannot_read_are_served_as_written(themes, tmp_path):
    static = themes / "night" / "static"
    (static / "latin1.css").write_bytes("/* caf\xe9 */ body { color: red }".encode("latin-1"))
    app = make_app(themes, "night", tmp_path)
    client = app.test_client()
    assert client.get(url_of(app, "latin1.css")).data == (
        "/* caf\xe9 */ body { color: red }".encode("latin-1"))
    svg = client.get(url_of(app, "logo.svg"))  # not a stylesheet or script: as written
    assert svg.text == "<svg xmlns='http://www.w3.org/2000/svg'/>"


def test_fingerprinted_file_is_cached_for_a_year(app, client):
    response = client.get(url_of(app, "site.css"))
    assert response.headers["Cache-Control"] == IMMUTABLE
    assert IMMUTABLE == "public, max-age=31536000, immutable"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("path", "mimetype"),
    [("logo.svg", "image/svg+xml"), ("js/cart.js", "text/javascript"),
     ("fonts/body.woff2", "font/woff2"), ("site.css", "text/css")],
)
def test_mimetypes(app, client, path, mimetype):
    assert client.get(url_of(app, path)).mimetype == mimetype


def test_fingerprint_changes_with_the_content(themes, tmp_path):
    before = url_of(make_app(themes, "night", tmp_path), "site.css")
    (themes / "night" / "static" / "site.css").write_text("body { color: grey }")
    after = url_of(make_app(themes, "night", tmp_path), "site.css")
    assert before != after
    assert after == f"/assets/site.{digest('body { color: grey }')}.css"


def test_fingerprint_is_computed_once_per_process(app, themes):
    # Files don't change while the app runs; a debug app would re-read them.
    before = url_of(app, "site.css")
    (themes / "night" / "static" / "site.css").write_text("changed")
    assert url_of(app, "site.css") == before
    app.debug = True
    assert url_of(app, "site.css") == f"/assets/site.{digest('changed')}.css"


@pytest.mark.parametrize("stale", ["/assets/site.0123456789.css", "/assets/site.css"])
def test_stale_or_missing_fingerprint_redirects_to_the_current_one(app, client, stale):
    response = client.get(stale)
    assert response.status_code == 302
    assert response.headers["Location"] == url_of(app, "site.css")
    assert response.headers["Cache-Control"] == "no-cache"


def test_file_without_extension(app, client):
    url = url_of(app, "LICENSE")
    assert url == f"/assets/LICENSE.{digest('fonts licence')}"
    assert client.get(url).text == "fonts licence"


@pytest.mark.parametrize(
    "url", ["/assets/nope.css", "/assets/nope.0123456789.css", "/assets/js/", "/assets/"]
)
def test_unknown_files_are_404(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/assets/../secret.txt",
        "/assets/../../secret.txt",
        "/assets/../config.py",
        "/assets/%2e%2e/secret.txt",
        "/assets/%2e%2e%2fsecret.txt",
        "/assets/js/..%2f..%2fsecret.txt",
        "/assets/..%5csecret.txt",
        "/assets/..\\secret.txt",
        "/assets//etc/passwd",
        "/assets/%2fetc%2fpasswd",
        f"/assets/{'%2e%2e/' * 8}etc/passwd",
        "/assets/site.css%00.txt",
        "/assets/.%2e/secret.txt",
    ],
)
def test_path_traversal_is_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert SECRET not in response.text
    assert "root:" not in response.text


@pytest.mark.parametrize(
    "path", ["../secret.txt", "/etc/passwd", "..\\secret.txt", "js/../../secret.txt",
             "site.css\x00", ".hidden", "js//cart.js", ""],
)
def test_find_static_never_leaves_the_static_folders(app, path):
    assert app.extensions["theme"].find_static(path) is None


def test_missing_asset_raises_in_tests(app):
    app.testing = True
    with app.test_request_context(), pytest.raises(ThemeError) as caught:
        render_template_string("{{ asset_url('missing.css') }}")
    assert str(caught.value).startswith("asset 'missing.css' is not in themes night, base")


def test_missing_asset_in_production_renders_a_dead_link(app):
    assert not (app.testing or app.debug)
    with app.test_request_context():
        assert render_template_string("{{ asset_url('missing.css') }}") == "/assets/missing.css"


@pytest.mark.parametrize(
    ("path", "name"),
    [("base.css", "base.3f9a1c2b7d.css"), ("js/cart.js", "js/cart.3f9a1c2b7d.js"),
     ("app.min.js", "app.min.3f9a1c2b7d.js"), ("LICENSE", "LICENSE.3f9a1c2b7d")],
)
def test_hash_in_names_round_trips(path, name):
    assert with_hash(path, "3f9a1c2b7d") == name
    assert split_hash(name) == (path, "3f9a1c2b7d")
    assert split_hash(path) == (path, None)


@pytest.mark.parametrize(("name", "content", "width"), [
    ("wide.svg", "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 150 50'/>", 120),
    ("sized.svg", '<svg width="90px" height="30" viewBox="0 0 9 3" xmlns="x"></svg>', 120),
    ("square.png", None, 40),
    ("blank.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>", None),  # nothing to read
    ("broken.png", b"not a png", None),
    ("missing.svg", ..., None),
])
def test_an_images_width_at_a_height_comes_from_its_file(themes, tmp_path, name, content, width):
    """The header's logo gets a width, so the browser keeps its room before it loads."""
    if content is None:
        from PIL import Image

        Image.new("RGB", (64, 64), "white").save(themes / "night" / "static" / name)
    elif content is not ...:
        data = content if isinstance(content, bytes) else content.encode()
        (themes / "night" / "static" / name).write_bytes(data)
    app = make_app(themes, "night", tmp_path)
    with app.test_request_context():
        assert render_template_string(f"{{{{ asset_width('{name}', 40) }}}}") == str(width)


def test_inline_asset_puts_a_stylesheet_in_the_page_and_never_closes_its_element(themes,
                                                                                 tmp_path):
    (themes / "night" / "static" / "first.css").write_text(
        'body::after { content: "</style><script>alert(1)</script>" } /* why */')
    app = make_app(themes, "night", tmp_path)
    app.testing = True  # (a missing file raises, as asset_url's does, instead of logging)
    with app.test_request_context():
        inlined = render_template_string("<style>{{ inline_asset('first.css') }}</style>")
        # Minified as the file is served, and never able to close its element.
        assert inlined == ('<style>body::after{content:"<\\/style><script>alert(1)<\\/script>"}'
                           '</style>')
        with pytest.raises(ThemeError):
            render_template_string("{{ inline_asset('nope.css') }}")


def test_the_first_screens_css_is_inlined_and_the_rest_linked_at_the_end(tmp_path):
    """No stylesheet blocks the first paint: critical.css in <head>, base.css after the footer."""
    from storefront import create_app

    app = create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3")})
    page = app.test_client().get("/").get_data(as_text=True)
    head, body = page.split("</head>")
    assert '<link rel="stylesheet"' not in head
    critical = re.search(r'<style nonce="[^"]+">(:root\{--color-background:[^<]*)</style>', head)
    assert critical and "/*" not in critical.group(1)  # minified: no comments in every page
    assert re.search(r'</footer>\s*<link rel="stylesheet" href="/assets/base\.[0-9a-f]{10}\.css">',
                     body)
