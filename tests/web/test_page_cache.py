"""Rendered pages: shared per creator, per-visitor parts filled in, HTTP caching headers."""

from __future__ import annotations

import re
import shutil

import pytest

from storefront import create_app
from tests.fixtures import CREATORS as FIXTURE_CREATORS
from tests.support.renders import count_page_renders
from tests.web.conftest import Recorder, post, text

TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]*)"')


@pytest.fixture
def app(tmp_path):
    return create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3")})


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    return count_page_renders(monkeypatch)


def test_a_page_is_rendered_once_and_each_visitor_gets_their_own_token_and_count(app, renders):
    sent = Recorder(app.extensions["storefront"].transport)
    alice, bob = app.test_client(), app.test_client()
    post(alice, "/cart/add", {"variant_id": "1003", "quantity": 2}, follow_redirects=True)
    sent.clear()
    renders.clear()
    a = text(alice.get("/products/organic-cotton-tee"))
    b = text(bob.get("/products/organic-cotton-tee"))
    assert renders == ["product.html"]  # rendered for Alice, reused for Bob
    assert sent.names() == ["ProductPage"]
    token_a, token_b = TOKEN.search(a).group(1), TOKEN.search(b).group(1)
    assert token_a != token_b
    assert f'name="csrf_token" value="{token_a}"' in a and token_a not in b
    assert 'aria-label="2 items in your cart"' in a and 'aria-label="0 items in your cart"' in b
    assert "__sf-" not in a + b  # no marker ever reaches a visitor


def test_tokens_from_a_cached_page_work(app):
    client = app.test_client()
    app.test_client().get("/products/organic-cotton-tee")  # someone else fills the cache
    page = text(client.get("/products/organic-cotton-tee"))
    token = TOKEN.search(page).group(1)
    reply = client.post("/cart/add", data={"csrf_token": token, "variant_id": "1003"})
    assert reply.status_code == 303


def test_tracking_parameters_share_one_entry_other_parameters_do_not(app, renders):
    client = app.test_client()
    client.get("/collections/apparel?utm_source=ig")
    client.get("/collections/apparel?utm_source=tt&gclid=1&fbclid=2&utm_campaign=x")
    client.get("/collections/apparel")
    assert renders == ["collection.html"]
    client.get("/collections/apparel?sort_by=title-ascending")
    client.get("/collections/apparel?available=1&sort_by=title-ascending")
    client.get("/collections/apparel?sort_by=title-ascending&available=1")
    assert renders == ["collection.html"] * 3


def test_creators_and_brand_visitors_never_share_a_page(app, renders):
    maya, brand = app.test_client(), app.test_client()
    maya.get("/@maya")
    renders.clear()
    assert "Maya Rivers" in text(maya.get("/collections/apparel"))
    assert "Maya Rivers" not in text(brand.get("/collections/apparel"))
    assert renders == ["collection.html", "collection.html"]


def test_hosts_never_share_a_page(app):
    client = app.test_client()
    one = text(client.get("/pages/about", base_url="http://one.example"))
    two = text(client.get("/pages/about", base_url="http://two.example"))
    assert 'href="http://one.example/pages/about"' in one
    assert 'href="http://two.example/pages/about"' in two


def test_flash_messages_are_never_cached(app):
    client = app.test_client()
    post(client, "/cart/add", {"variant_id": "47001", "return_to": "/products/wool-gloves"})
    flashed = text(client.get("/products/wool-gloves"))
    assert "sold out" in flashed.lower() and "message--error" in flashed
    assert "message--error" not in text(app.test_client().get("/products/wool-gloves"))


def test_a_webhook_purge_renders_pages_again(app, renders):
    client = app.test_client()
    client.get("/")
    from storefront.caching import store

    with app.app_context():
        store.purge("catalog")
    client.get("/")
    assert renders == ["index.html", "index.html"]


# HTTP caching ------------------------------------------------------------------------


def test_html_is_private_and_revalidated_with_etags(app):
    client = app.test_client()
    reply = client.get("/collections/apparel")
    assert reply.headers["Cache-Control"] == "private, no-cache"
    assert "Cookie" in reply.headers["Vary"]
    etag = reply.headers["ETag"]
    again = client.get("/collections/apparel", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""


def test_cart_checkout_and_posts_are_no_store(app):
    client = app.test_client()
    assert client.get("/cart").headers["Cache-Control"] == "no-store"
    assert client.get("/checkout").headers["Cache-Control"] == "no-store"
    assert post(client, "/cart/add", {"variant_id": "1003"}).headers["Cache-Control"] == "no-store"


def test_static_assets_are_immutable(app):
    client = app.test_client()
    css = re.search(r'href="(/assets/base\.[0-9a-f]{10}\.css)"', text(client.get("/"))).group(1)
    assert client.get(css).headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_head_is_cached_like_get(app, renders):
    client = app.test_client()
    reply = client.head("/collections/apparel")
    assert reply.status_code == 200 and reply.data == b""
    assert reply.headers["Cache-Control"] == "private, no-cache"
    got = client.get("/collections/apparel")  # from the page HEAD rendered
    again = client.head("/collections/apparel")  # from the page cache
    assert renders == ["collection.html"]
    for name in ("ETag", "Content-Length", "Content-Type"):
        assert reply.headers[name] == got.headers[name] == again.headers[name], name
    etag = got.headers["ETag"]
    assert client.head("/collections/apparel", headers={"If-None-Match": etag}).status_code == 304


@pytest.mark.parametrize("tag", ["*", 'W/"{etag}"', '"other", "{etag}"'])
def test_any_matching_if_none_match_is_a_304(app, tag):
    client = app.test_client()
    etag = client.get("/pages/about").headers["ETag"].strip('"')
    again = client.get("/pages/about", headers={"If-None-Match": tag.format(etag=etag)})
    assert again.status_code == 304 and again.data == b""
    stale = client.get("/pages/about", headers={"If-None-Match": '"0" , W/"1"'})
    assert stale.status_code == 200 and stale.headers["ETag"] == f'"{etag}"'


def test_the_etag_names_the_shared_page_and_the_cart_count(app):
    alice, bob = app.test_client(), app.test_client()
    first, second = alice.get("/pages/about"), alice.get("/pages/about")
    assert first.headers["ETag"] == second.headers["ETag"]  # new nonce and token: same ETag
    assert bob.get("/pages/about").headers["ETag"] == first.headers["ETag"]
    post(alice, "/cart/add", {"variant_id": "1003"}, follow_redirects=True)  # (its confirmation)
    assert alice.get("/pages/about").headers["ETag"] != first.headers["ETag"]
    assert alice.get("/pages/faq").headers["ETag"] != bob.get("/pages/faq").headers["ETag"]


@pytest.mark.parametrize("fast_path", ["true", "false"])
def test_an_entry_from_before_slots_is_a_miss(tmp_path, monkeypatch, fast_path):
    """A page cached by the previous release (a str with markers) is rendered again, not served."""
    from storefront.caching import store

    app = create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3"),
                      "PAGE_FAST_PATH": fast_path})
    keys = []
    real_set = store.set
    monkeypatch.setattr(store, "set", lambda key, value, timeout: (
        keys.append(key), real_set(key, value, timeout))[1])
    client = app.test_client()
    client.get("/pages/about")
    (page_key,) = [key for key in keys if key.startswith("page:")]
    with app.app_context():
        store.set(page_key, "<p>Cached-by-v1 __sf-csrf-token__</p>", timeout=60)
    reply = client.get("/pages/about")
    assert reply.status_code == 200 and "About" in text(reply)
    assert "Cached-by-v1" not in text(reply)
    with app.app_context():
        assert not isinstance(store.get(page_key), str)  # replaced by this release's page


@pytest.mark.parametrize("fast_path", ["true", "false"])
def test_an_edited_creator_file_shows_at_once_not_when_the_page_expires(tmp_path, fast_path):
    creators = tmp_path / "creators"
    shutil.copytree(FIXTURE_CREATORS, creators)
    app = create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3"),
                      "CREATORS_DIR": str(creators), "CREATORS_RELOAD_SECONDS": 0,
                      "PAGE_FAST_PATH": fast_path})
    client = app.test_client()
    client.get("/@maya")
    for _ in range(2):  # the second answer comes from the page cache
        page = text(client.get("/"))
        assert "Maya&#39;s slow wardrobe" in page or "Maya's slow wardrobe" in page
    maya = creators / "maya.toml"
    maya.write_text(maya.read_text().replace("Maya's slow wardrobe", "Maya's winter edit"))
    assert app.extensions["creators"].refresh()
    page = text(client.get("/"))
    assert "winter edit" in page and "slow wardrobe" not in page
    assert "Leo Park" in text(client.get("/?ref=leo", follow_redirects=True))
