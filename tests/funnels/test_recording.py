"""What counts as a landing, a product view, an add-to-cart and a checkout, and for whom."""

from __future__ import annotations

from collections import Counter

import pytest

from storefront import create_app
from storefront.funnels.recorder import day_of
from storefront.web.fastpath import FastPages
from tests.web.conftest import csrf_token

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"
PRODUCT = "/products/organic-cotton-tee"


@pytest.fixture
def app(tmp_path):
    return create_app({
        "DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3"),
        "FUNNELS_URL": f"sqlite:///{tmp_path / 'funnels.sqlite3'}",
    })


def shopper(app, agent: str = BROWSER):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = agent
    return client


def counted(app) -> Counter:
    """{(creator, event, product): n} for today, as written to the store."""
    recorder = app.extensions["funnels"]
    assert recorder.flush()
    today = day_of(recorder.clock())
    return Counter({(who, event, product): n for (_, who, event, product), n
                    in recorder.store.counts(today, today).items()})


def add(client, variant: str = "1003", **extra):
    return client.post("/cart/add", data={"csrf_token": csrf_token(client),
                                          "variant_id": variant, **extra})


def test_a_creator_journey_counts_each_step_once(app):
    client = shopper(app)
    assert client.get("/@maya").status_code == 200
    for _ in range(3):  # the first view renders; the others come from the fast path
        assert client.get(PRODUCT).status_code == 200
    assert add(client).status_code == 303
    assert client.get("/checkout").status_code == 303
    assert counted(app) == Counter({
        ("maya", "visit", ""): 1,
        ("maya", "view", "organic-cotton-tee"): 3,
        ("maya", "add", "organic-cotton-tee"): 1,
        ("maya", "checkout", ""): 1,
    })
    today = day_of(app.extensions["funnels"].clock())
    assert app.extensions["funnels"].store.unique_visitors(today, today) == {"maya": 1}


def test_the_fast_path_counts_product_views_too(app):
    shopper(app).get(PRODUCT)  # fills the page cache
    served = []
    fast = app.wsgi_app
    while not isinstance(fast, FastPages):  # below the outer layers (storefront.lifecycle)
        fast = fast.wsgi_app
    inner = fast.wsgi_app

    def through_app(environ, start_response):
        served.append(environ["PATH_INFO"])
        return inner(environ, start_response)

    fast.wsgi_app = through_app
    client = shopper(app, BROWSER + " second")
    client.get(PRODUCT, headers={"Referer": "https://instagram.com/"})
    assert served == []
    assert counted(app) == Counter({("", "view", "organic-cotton-tee"): 2, ("", "visit", ""): 2})


@pytest.mark.parametrize("link, creator", [
    ("/@maya", "maya"), ("/?ref=maya", "maya"), ("/@maya/products/organic-cotton-tee", "maya"),
    ("/@samito", "sam"), ("/collections/apparel?ref=sam-writes", "sam"), ("/@Sam", "sam"),
])
def test_every_kind_of_creator_link_is_one_landing(app, link, creator):
    client = shopper(app)
    client.get(link, follow_redirects=True)
    landings = {k: n for k, n in counted(app).items() if k[1] == "visit"}
    assert landings == {(creator, "visit", ""): 1}, link


def test_paused_and_unknown_creators_earn_no_landing(app):
    client = shopper(app)
    client.get("/@rosa", follow_redirects=True)  # paused: the brand's store
    client.get("/?ref=nobody", follow_redirects=True)
    assert ("rosa", "visit", "") not in counted(app)
    assert all(who == "" for who, _, _ in counted(app))


def test_the_brand_counts_arrivals_from_elsewhere_not_moves_within(app):
    client = shopper(app)
    client.get("/", headers={"Referer": "https://www.google.com/search?q=tee"})
    client.get("/collections/apparel", headers={"Referer": "http://localhost/"})
    client.get(PRODUCT, headers={"Referer": "http://localhost/collections/apparel"})
    shopper(app, BROWSER + " typed").get("/pages/about")  # no Referer: typed or bookmarked
    assert counted(app) == Counter({("", "visit", ""): 2, ("", "view", "organic-cotton-tee"): 1})


def test_a_creator_visitor_moving_around_is_not_a_brand_visit(app):
    client = shopper(app)
    client.get("/@maya")
    client.get("/", headers={"Referer": "https://www.google.com/"})
    assert not [k for k in counted(app) if k[0] == ""]


@pytest.mark.parametrize("agent", ["", "Googlebot/2.1 (+http://www.google.com/bot.html)",
                                   "facebookexternalhit/1.1", "curl/8.5.0",
                                   "python-requests/2.32", "Mozilla/5.0 HeadlessChrome/120"])
def test_crawlers_link_previews_and_scripts_are_not_shoppers(app, agent):
    client = shopper(app, agent)
    client.get("/@maya")
    client.get(PRODUCT)
    client.get(PRODUCT)
    assert counted(app) == Counter()


def test_prefetches_are_not_views(app):
    client = shopper(app)
    client.get(PRODUCT, headers={"Sec-Purpose": "prefetch"})
    client.get(PRODUCT, headers={"Purpose": "prefetch"})
    assert counted(app) == Counter()


def test_refused_adds_missing_pages_and_empty_checkouts_count_nothing(app):
    client = shopper(app)
    client.get("/@maya")
    client.get("/products/no-such-product")
    client.get("/checkout")  # no cart: back to the cart page
    add(client, "47001")  # sold out
    assert client.post("/cart/add", data={"variant_id": "1003"}).status_code == 400  # no token
    client.head(PRODUCT)
    assert counted(app) == Counter({("maya", "visit", ""): 1})


def test_an_add_from_fetch_and_a_cart_link_count(app):
    client = shopper(app)
    client.get("/?ref=leo", follow_redirects=True)
    reply = client.post("/cart/add", data={"variant_id": "1003", "quantity": "2"},
                        headers={"Accept": "application/json",
                                 "X-CSRFToken": csrf_token(client)})
    assert reply.status_code == 200
    link = client.get("/cart/1003:1,1004:1")
    assert link.status_code == 303
    found = counted(app)
    assert found[("leo", "add", "organic-cotton-tee")] == 3  # one fetch, two lines of the link
    assert found[("leo", "checkout", "")] == 1


def test_funnels_off_records_nothing_and_keeps_pages_working(tmp_path):
    app = create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "c.sqlite3"), "FUNNELS_URL": "off"})
    assert "funnels" not in app.extensions
    client = shopper(app)
    assert client.get("/@maya").status_code == 200
    assert client.get(PRODUCT).status_code == 200
    assert add(client).status_code == 303


def test_a_ref_on_the_admin_credits_no_one(tmp_path):
    app = create_app({
        "DEMO_SHOP_CART_DB": str(tmp_path / "c.sqlite3"),
        "FUNNELS_URL": f"sqlite:///{tmp_path / 'f.sqlite3'}",
        "ADMIN_USERNAME": "ops", "ADMIN_PASSWORD": "a-long-admin-password",
    })
    reply = shopper(app).get("/admin/creators?ref=maya")
    assert reply.status_code == 401 and "referral" not in reply.headers.get("Set-Cookie", "")
    assert counted(app) == Counter()
