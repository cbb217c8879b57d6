"""What a shared page prints is in its key: tracking parameters never, the scheme always.

Each test runs through the app alone and with the page fast path, which
answers cache hits below Flask.
"""

from __future__ import annotations

import re

import pytest

from storefront import create_app
from storefront.services import catalog
from storefront.web.fastpath import FastPages
from tests.support.renders import count_page_renders
from tests.web.conftest import post, text
from tests.web.test_creators import attributes_of, checkout_page

TRACKED = "utm_source=EVIL&gclid=XGCLID&fbclid=YFB&utm_campaign=EVILCAMP"
PRINTED = ("EVIL", "XGCLID", "YFB")
# (a first visitor's URL, the same page without tracking, what the page still prints)
PAGES = [
    (f"/collections/apparel?{TRACKED}", "/collections/apparel",
     'href="/collections/apparel?after='),
    (f"/collections/apparel?sort_by=title-ascending&{TRACKED}",
     "/collections/apparel?sort_by=title-ascending", '&amp;sort_by=title-ascending"'),
    (f"/search?q=tee&{TRACKED}", "/search?q=tee", 'name="q" value="tee"'),
    (f"/search?q=cotton&{TRACKED}", "/search?q=cotton", '&amp;q=cotton"'),
    (f"/products/organic-cotton-tee?variant=1003&{TRACKED}",
     "/products/organic-cotton-tee?variant=1003",
     'name="return_to" value="/products/organic-cotton-tee?variant=1003"'),
    (f"/?{TRACKED}", "/", '<link rel="canonical" href="http://localhost/">'),
]
CANONICAL = re.compile(r'<link rel="canonical" href="([^"]+)"')
OG_URL = re.compile(r'<meta property="og:url" content="([^"]+)"')


def make_app(tmp_path, fast: bool, **settings):
    return create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "c.sqlite3"),
                       "PAGE_FAST_PATH": str(fast).lower(), **settings})


def reaching_flask(app) -> list[str]:
    """The paths of the requests that get past the fast path (all of them without one)."""
    reached: list[str] = []
    layer = app.wsgi_app
    while not isinstance(layer, FastPages):  # under the start-up layer and ProxyFix
        layer = getattr(layer, "wsgi_app", None) or getattr(layer, "app", None)
        if layer is None:
            return reached  # no fast path: nothing to count
    inner = layer.wsgi_app

    def counting(environ, start_response):
        reached.append(environ["PATH_INFO"])
        return inner(environ, start_response)

    layer.wsgi_app = counting
    return reached


@pytest.fixture(autouse=True)
def small_pages(monkeypatch):
    """Two products a page, so collections and searches print their pager links."""
    arguments = catalog.Window.arguments
    monkeypatch.setattr(catalog.Window, "arguments", lambda self, size=2: arguments(self, size))


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    return count_page_renders(monkeypatch)


@pytest.mark.parametrize("fast", [True, False], ids=["fast-path", "app-only"])
@pytest.mark.parametrize(("tracked", "plain", "kept"), PAGES, ids=[p[1] for p in PAGES])
def test_tracking_parameters_are_never_printed_in_a_shared_page(tmp_path, renders, fast,
                                                                tracked, plain, kept):
    app = make_app(tmp_path, fast)
    reached = reaching_flask(app)
    first = text(app.test_client().get(tracked))
    assert kept in first  # its own links keep what is in its key
    later = [text(app.test_client().get(url)) for url in (plain, tracked, plain)]
    assert len(renders) == 1  # one shared page, rendered for the first visitor
    for page in (first, *later):
        assert [value for value in PRINTED if value in page] == []
    if fast:
        assert len(reached) == 1, "the later visitors are served below Flask"


@pytest.mark.parametrize("fast", [True, False], ids=["fast-path", "app-only"])
def test_tracking_parameters_still_reach_the_referral_and_the_cart(tmp_path, fast):
    app = make_app(tmp_path, fast)
    shopper = app.test_client()
    landing = shopper.get("/?ref=maya&utm_source=SRC1&utm_campaign=CAMP1&gclid=GCL1",
                          follow_redirects=True)
    assert landing.status_code == 200
    assert not re.search("SRC1|CAMP1|GCL1", text(landing))
    post(shopper, "/cart/add", {"variant_id": "1003"})
    attributes = attributes_of(checkout_page(shopper))
    assert attributes["_creator"] == "maya"
    assert (attributes["_utm_source"], attributes["_utm_campaign"],
            attributes["_gclid"]) == ("SRC1", "CAMP1", "GCL1")


@pytest.mark.parametrize("fast", [True, False], ids=["fast-path", "app-only"])
def test_repeated_parameters_keep_their_order_in_the_key(tmp_path, fast):
    # The search reads the first q: these two are different pages.
    app = make_app(tmp_path, fast)
    linen = text(app.test_client().get("/search?q=linen&q=cotton"))
    cotton = text(app.test_client().get("/search?q=cotton&q=linen"))
    assert 'name="q" value="linen"' in linen and 'name="q" value="cotton"' in cotton


def scheme_urls(page: str) -> tuple[str, str]:
    return CANONICAL.search(page).group(1), OG_URL.search(page).group(1)


@pytest.mark.parametrize("fast", [True, False], ids=["fast-path", "app-only"])
@pytest.mark.parametrize("first", ["https", "http"])
@pytest.mark.parametrize("url", ["/collections/apparel", "/products/organic-cotton-tee"])
def test_each_scheme_gets_its_own_canonical_and_og_url(tmp_path, fast, first, url):
    app = make_app(tmp_path, fast, TRUSTED_PROXY_COUNT="1")
    reached = reaching_flask(app)
    other = "http" if first == "https" else "https"
    for scheme in (first, other, first, other):
        reply = app.test_client().get(url, headers={"X-Forwarded-Proto": scheme})
        assert reply.status_code == 200
        assert scheme_urls(text(reply)) == (f"{scheme}://localhost{url}",) * 2
    if fast:
        assert reached == [url, url]  # one render per scheme; the repeats were cache hits


@pytest.mark.parametrize("fast", [True, False], ids=["fast-path", "app-only"])
def test_trusted_hosts_are_served_from_the_fast_path_and_others_refused(tmp_path, fast):
    app = make_app(tmp_path, fast, TRUSTED_HOSTS="shop.example, localhost")
    reached = reaching_flask(app)
    url = "/collections/apparel"
    for base in ("http://shop.example", "http://shop.example:8080", "https://shop.example"):
        first = app.test_client().get(url, base_url=base)
        again = app.test_client().get(url, base_url=base)
        assert first.status_code == again.status_code == 200
        assert CANONICAL.search(text(again)).group(1) == base + url
    if fast:
        assert reached == [url] * 3, "the second visitor of each host skips Flask"
    reached.clear()
    for base in ("http://evil.example", "http://shop.example.evil.example",
                 "http://evil.example:8080"):
        reply = app.test_client().get(url, base_url=base)
        assert reply.status_code == 400 and "evil" not in text(reply)
    if fast:
        assert reached == [url] * 3  # the app refused them, not the fast path
