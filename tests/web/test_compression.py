"""Compressed responses (storefront.compression): what is compressed, for whom, and how.

Shared pages are gzip joined from pieces kept with the cached page, theme files
are Brotli or gzip made once per process, other text is compressed per
response. Every compressed body must decompress to what the plain response
says (but for the nonce and the token, new on every response), carry
`Vary: Accept-Encoding` and an ETag of its own, and revalidate to a 304.
"""

from __future__ import annotations

import gzip
import re
import zlib

import brotli
import pytest
from flask import Response
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storefront import compression
from storefront.theming import asset_url, routes
from storefront.web import pages
from tests.themes import make_app, write_base
from tests.web.conftest import post
from tests.web.two_paths import handed_to_app, normal, pair, text

GZIP = {"Accept-Encoding": "gzip"}
BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}
PAGES = ["/", "/products/organic-cotton-tee", "/collections/apparel", "/pages/about",
         "/search?q=linen"]


# A shared page's: its market suggestion (a slot) reads the browser's languages.
PAGE_VARY = ["Accept-Encoding", "Accept-Language", "Cookie"]


def vary(reply) -> list[str]:
    return [name.strip() for name in reply.headers.get("Vary", "").split(",")]


def counting(made: list[str], real, label=None):
    """`real`, noting each call in `made` (by `label`, else by its coding argument)."""
    def counted(*args, **kwargs):
        made.append(label or args[1])
        return real(*args, **kwargs)
    return counted


def same_page(a, b) -> bool:
    """Two replies show the same page, but for their nonce and token."""
    return normal(a)[3] == normal(b)[3]


# Which coding ----------------------------------------------------------------------


@pytest.mark.parametrize(("header", "offered", "chosen"), [
    (None, compression.STATIC, None),
    ("", compression.STATIC, None),
    ("identity", compression.STATIC, None),
    ("gzip", compression.STATIC, "gzip"),
    ("gzip, deflate, br, zstd", compression.STATIC, "br"),  # a tie: ours first
    ("gzip, deflate, br, zstd", compression.DYNAMIC, "gzip"),
    ("gzip, deflate, br, zstd", compression.PAGES, "gzip"),
    ("br", compression.PAGES, None),
    ("BR;Q=0.5, Gzip;q=0.9", compression.STATIC, "gzip"),  # weights win over our order
    ("gzip;q=0", compression.STATIC, None),
    ("gzip;q=0, br", compression.DYNAMIC, "br"),
    ("gzip;q=0.000, br;q=0.001", compression.STATIC, "br"),
    ("*", compression.STATIC, "br"),
    ("gzip;q=0, *", compression.DYNAMIC, "br"),  # `*` is what the header does not name
    ("*;q=0", compression.DYNAMIC, None),
    ("x-gzip", compression.PAGES, "gzip"),
    ("gzip;q=nan, br;q=2", compression.STATIC, None),  # not qvalues: refused
    ("gzip;q=, br;q=1.0", compression.STATIC, "br"),
    (" , ;q=1, gzip ; q=0.3 ", compression.PAGES, "gzip"),
])
def test_the_coding_follows_accept_encoding(header, offered, chosen):
    assert compression.choose(header, offered) == chosen


# gzip by pieces --------------------------------------------------------------------


@pytest.mark.parametrize("values", [
    [b"nonce-123", b"7"],
    [b"", b""],  # an empty slot adds no block
    ["naïve ✓ €".encode(), b"x" * 70_000],  # a value longer than one stored block
])
def test_pieces_deflated_apart_join_into_one_gzip_file(values):
    parts = [b"<html><head>" * 50, "<p>caf\u00e9 ".encode() * 300, b"</html>"]
    body = parts[0] + values[0] + parts[1] + values[1] + parts[2]
    pieces = [compression.deflate_part(parts[0]), compression.stored(values[0]),
              compression.deflate_part(parts[1]), compression.stored(values[1]),
              compression.deflate_part(parts[2])]
    joined = compression.gzip_joined(pieces, [body])
    assert gzip.decompress(joined) == body  # checks the CRC-32 and the length too
    assert zlib.decompress(joined, 16 + zlib.MAX_WBITS) == body
    if not values[1]:
        assert len(joined) < len(body) / 10


def test_a_stored_page_keeps_its_parts_deflated_and_a_hit_compresses_no_part(app, monkeypatch):
    made: list[str] = []
    monkeypatch.setattr(compression, "deflate_part",
                        counting(made, compression.deflate_part, "part"))
    monkeypatch.setattr(compression, "compress", counting(made, compression.compress))
    client = app.test_client()
    first = client.get("/products/organic-cotton-tee", headers=GZIP)
    assert first.headers["Content-Encoding"] == "gzip"
    assert made and set(made) == {"part"}  # once, when the page was stored
    made.clear()
    for _ in range(3):
        again = client.get("/products/organic-cotton-tee", headers=GZIP)
        assert again.headers["Content-Encoding"] == "gzip" and same_page(again, first)
    assert made == []


@settings(max_examples=80, deadline=None)
@given(parts=st.lists(st.text(max_size=3000), min_size=1, max_size=6), data=st.data())
def test_any_parts_and_values_join_into_their_page(parts, data):
    values = data.draw(st.lists(st.text(max_size=100), min_size=len(parts) - 1,
                                max_size=len(parts) - 1))
    pieces, plain = [compression.deflate_part(parts[0].encode())], [parts[0].encode()]
    for value, part in zip(values, parts[1:], strict=True):
        pieces += (compression.stored(value.encode()), compression.deflate_part(part.encode()))
        plain += (value.encode(), part.encode())
    body = b"".join(plain)
    # The trailer's CRC-32 and length, taken piece by piece or from the joined text.
    assert gzip.decompress(compression.gzip_joined(pieces, plain)) == body
    assert compression.gzip_joined(pieces, plain) == compression.gzip_joined(pieces, [body])


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=120))
def test_any_accept_encoding_gets_a_page_it_can_read(client, header):
    reply = client.get("/collections/apparel", headers={"Accept-Encoding": header})
    assert reply.status_code == 200
    assert reply.headers.get("Content-Encoding") == compression.choose(header, compression.PAGES)
    assert text(reply).rstrip().endswith("</html>")


# Shared pages ----------------------------------------------------------------------


@pytest.mark.parametrize("fast_path", ["true", "false"])
def test_a_gzip_page_is_the_plain_page(tmp_path, fast_path):
    fast, slow = pair(tmp_path)
    app = fast if fast_path == "true" else slow
    served = handed_to_app(fast)
    client = app.test_client()
    post(client, "/cart/add", {"variant_id": "1003", "quantity": 3})
    client.get("/cart")  # shows the flashed message
    for url in PAGES:
        client.get(url)  # fills the page cache
        served.clear()
        plain = client.get(url)
        packed = client.get(url, headers=BROWSER)
        assert served == [], url
        assert plain.headers.get("Content-Encoding") is None
        assert packed.headers["Content-Encoding"] == "gzip", url
        assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data) / 2
        assert same_page(packed, plain), url
        assert 'aria-label="3 items in your cart"' in text(packed)
        # This response's own nonce and token, in its own places.
        nonce = re.search(r"'nonce-([^']+)'", packed.headers["Content-Security-Policy"]).group(1)
        assert f'nonce="{nonce}"' in text(packed)
        assert vary(plain) == vary(packed) == PAGE_VARY
        assert packed.headers["ETag"] == plain.headers["ETag"][:-1] + '-gzip"'


def test_a_page_token_from_a_gzip_page_works(app):
    client = app.test_client()
    app.test_client().get("/products/organic-cotton-tee")  # someone else fills the cache
    page = text(client.get("/products/organic-cotton-tee", headers=GZIP))
    token = re.search(r'<meta name="csrf-token" content="([^"]*)"', page).group(1)
    assert client.post("/cart/add", data={"csrf_token": token, "variant_id": "1003"},
                       headers=GZIP).status_code == 303


@pytest.mark.parametrize("fast_path", ["true", "false"])
def test_304s_work_with_the_compressed_etag_and_with_the_plain_one(tmp_path, fast_path):
    app = pair(tmp_path)[0 if fast_path == "true" else 1]
    client = app.test_client()
    url = "/collections/apparel"
    plain, packed = client.get(url), client.get(url, headers=GZIP)
    for sent, headers in [(packed, GZIP), (plain, GZIP), (packed, {}), (plain, {})]:
        again = client.get(url, headers={**headers, "If-None-Match": sent.headers["ETag"]})
        assert again.status_code == 304 and again.data == b"", (sent.headers["ETag"], headers)
        # The 304 names the copy this request would get, and varies as the 200 does.
        assert again.headers["ETag"] == (packed if headers else plain).headers["ETag"]
        assert vary(again) == PAGE_VARY
        assert "Content-Encoding" not in again.headers
    stale = client.get(url, headers={**GZIP, "If-None-Match": '"0123", W/"4567-gzip"'})
    assert stale.status_code == 200 and stale.headers["Content-Encoding"] == "gzip"


@pytest.mark.parametrize("fast_path", ["true", "false"])
def test_head_has_the_headers_of_get(tmp_path, fast_path):
    app = pair(tmp_path)[0 if fast_path == "true" else 1]
    client = app.test_client()
    url = "/pages/about"
    client.get(url)
    got = client.get(url, headers=GZIP)
    head = client.head(url, headers=GZIP)
    assert head.status_code == 200 and head.data == b""
    assert normal(head)[1] == normal(got)[1]
    assert head.headers["Content-Encoding"] == "gzip"
    assert int(head.headers["Content-Length"]) == len(got.data)


@pytest.mark.parametrize("header", ["gzip;q=0", "br", "identity", "gzip;q=0, *;q=1", ""])
def test_a_page_is_plain_unless_gzip_is_accepted(client, header):
    client.get("/")
    reply = client.get("/", headers={"Accept-Encoding": header})
    assert "Content-Encoding" not in reply.headers
    assert "</html>" in reply.get_data(as_text=True)
    assert vary(reply) == PAGE_VARY
    assert not reply.headers["ETag"].endswith('-gzip"')


def test_a_page_kept_without_deflated_parts_goes_out_plain(app, monkeypatch):
    """A page cached before pages kept their parts deflated (or too small for it)."""
    real = pages.render
    monkeypatch.setattr(pages, "render", lambda build: real(build)._replace(deflated=None))
    client = app.test_client()
    for _ in range(2):  # rendered, then from the page cache
        reply = client.get("/pages/about", headers=GZIP)
        assert reply.status_code == 200 and "Content-Encoding" not in reply.headers
        assert vary(reply) == PAGE_VARY


# Fingerprinted theme files ------------------------------------------------------------


def asset(client, kind: str) -> str:
    return re.search(rf'="(/assets/[\w.]+\.{kind})"', text(client.get("/"))).group(1)


@pytest.fixture
def packed(monkeypatch) -> list[str]:
    """A fresh per-process store of theme files; the codings it compresses, in order."""
    made: list[str] = []
    monkeypatch.setattr(routes, "packed", compression.Packed())
    monkeypatch.setattr(compression, "compress", counting(made, compression.compress))
    return made


@pytest.mark.parametrize(("header", "coding"), [
    ("gzip, deflate, br, zstd", "br"), ("gzip", "gzip"), ("br;q=0, gzip", "gzip"),
    ("br;q=0.5, gzip", "gzip"), ("gzip;q=0, br;q=0", None), (None, None),
])
def test_theme_files_go_out_in_the_best_coding_accepted(client, packed, header, coding):
    for kind in ("css", "js"):
        url = asset(client, kind)
        plain = client.get(url)
        reply = client.get(url, headers={"Accept-Encoding": header} if header else {})
        assert reply.status_code == 200
        assert reply.headers.get("Content-Encoding") == coding
        body = {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}[coding](reply.data)
        assert body == plain.data
        assert vary(reply) == ["Accept-Encoding", "Cookie"]
        assert reply.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        digest = url.split(".")[-2]
        assert reply.headers["ETag"] == (f'"{digest}-{coding}"' if coding else f'"{digest}"')
        assert int(reply.headers["Content-Length"]) == len(reply.data)


def test_theme_files_are_compressed_once_per_process(client, packed):
    css, js = asset(client, "css"), asset(client, "js")
    for _ in range(3):
        for url in (css, js):
            for header in ("br", "gzip", "gzip, br"):
                assert client.get(url, headers={"Accept-Encoding": header}).status_code == 200
                assert client.head(url, headers={"Accept-Encoding": header}).status_code == 200
    assert sorted(packed) == ["br", "br", "gzip", "gzip"]


def test_a_theme_file_revalidates_in_any_coding(client, packed):
    url = asset(client, "css")
    tags = {coding: client.get(url, headers={"Accept-Encoding": coding}).headers["ETag"]
            for coding in ("br", "gzip", "identity")}
    assert len(set(tags.values())) == 3
    for tag in tags.values():
        for header in ("br", "gzip", "identity"):
            again = client.get(url, headers={"Accept-Encoding": header, "If-None-Match": tag})
            assert again.status_code == 304 and again.data == b""
            assert again.headers["ETag"] == tags[header]
    head = client.head(url, headers={"Accept-Encoding": "br"})
    assert head.data == b"" and head.headers["Content-Encoding"] == "br"
    assert int(head.headers["Content-Length"]) == len(client.get(url, headers=BROWSER).data)


def test_small_files_and_fonts_are_not_compressed(tmp_path, packed):
    themes = tmp_path / "themes"
    write_base(themes, static={
        "big.css": "body { color: black }\n" * 100,
        "icon.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",  # under a KiB: not worth it
        "body.woff2": b"wOF2" + bytes(range(256)) * 20,  # compressed already
    })
    app = make_app(themes, "base", tmp_path)
    client = app.test_client()
    with app.test_request_context():
        urls = {path: asset_url(path) for path in ("big.css", "icon.svg", "body.woff2")}
    big = client.get(urls["big.css"], headers=BROWSER)
    assert big.headers["Content-Encoding"] == "br"
    icon = client.get(urls["icon.svg"], headers=BROWSER)
    assert "Content-Encoding" not in icon.headers and "Accept-Encoding" in vary(icon)
    assert icon.headers["ETag"] == f'"{urls["icon.svg"].split(".")[-2]}"'
    font = client.get(urls["body.woff2"], headers=BROWSER)
    assert font.status_code == 200 and font.mimetype == "font/woff2"
    assert "Content-Encoding" not in font.headers and "Accept-Encoding" not in vary(font)
    assert font.data.startswith(b"wOF2")
    assert packed == ["br"]


# Everything else, compressed per response ----------------------------------------------


def test_the_cart_json_errors_are_compressed_on_the_fly(client):
    post(client, "/cart/add", {"variant_id": "1003"}, follow_redirects=True)  # (its confirmation)
    for url, headers, mimetype in [
        ("/cart", {}, "text/html"),
        ("/search/suggest?q=a", {}, "application/json"),
        ("/products/no-such-thing", {}, "text/html"),  # the branded 404
        ("/products/no-such-thing", {"Accept": "application/json"}, "application/json"),
    ]:
        plain = client.get(url, headers=headers)
        for header, coding in [("gzip, br", "gzip"), ("br", "br"), ("gzip;q=0", None)]:
            reply = client.get(url, headers={**headers, "Accept-Encoding": header})
            assert reply.status_code == plain.status_code and reply.mimetype == mimetype
            assert "Accept-Encoding" in vary(reply) and "Accept-Encoding" in vary(plain)
            small = len(plain.data) < compression.MINIMUM
            assert reply.headers.get("Content-Encoding") == (None if small else coding), url
            assert same_page(reply, plain), (url, header)


def test_tiny_bodies_304s_and_bodies_already_encoded_are_left_alone(app):
    @app.get("/_test/encoded")
    def encoded():
        body = gzip.compress(b"<p>hello</p>" * 500)
        return Response(body, mimetype="text/html", headers={"Content-Encoding": "gzip"})

    @app.get("/_test/not-modified")
    def not_modified():
        return Response("x" * 5000, status=304, mimetype="text/html")

    client = app.test_client()
    reply = client.get("/_test/encoded", headers={"Accept-Encoding": "br"})
    assert reply.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(reply.data) == b"<p>hello</p>" * 500
    reply = client.get("/_test/not-modified", headers=GZIP)
    assert reply.status_code == 304 and "Content-Encoding" not in reply.headers
    reply = client.get("/healthz", headers=GZIP)
    assert len(reply.data) < compression.MINIMUM and "Content-Encoding" not in reply.headers


def test_a_kept_page_holds_its_text_once_and_pages_kept_before_still_answer(app, monkeypatch):
    """Pages are kept as UTF-8 parts (and deflated ones), not also as text; a page kept
    by an older release, with its text as well, answers the same."""
    real = pages.render
    made: list = []
    monkeypatch.setattr(pages, "render", lambda build: made.append(real(build)) or made[-1])
    client = app.test_client()
    first = client.get("/pages/about", headers=GZIP)
    assert made and made[0].parts == () and made[0].encoded
    older = made[0]._replace(parts=tuple(part.decode() for part in made[0].encoded))
    monkeypatch.setattr(pages, "render", lambda build: older)
    for _ in range(2):  # (another address: rendered as the older page, then from the cache)
        other = client.get("/pages/about?older=1", headers=GZIP)
        assert other.status_code == first.status_code == 200
        body = gzip.decompress(other.get_data())
        assert body.count(b"</html>") == 1 and b"About" in body
