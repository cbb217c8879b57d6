"""Creator prices in Chromium: for every kind of offer, the price on the product page, the
cart's total and the demo checkout's total agree, for a referred shopper and a plain one.

Over real HTTP: the demo shop runs as its own server with the offer kinds' discounts
(tests/web/offer_kinds.py, added to a copy of the shipped catalog), and the store runs
under gunicorn against it with a creators folder of this test's own.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from decimal import Decimal

import pytest

from tests.browser import Browser, Page, expect, money, page_at
from tests.support import STRONG_KEY, processes
from tests.web.offer_kinds import KINDS, Kind, offer_catalog, offer_creators

TOKEN = "offers-token"
CHECKOUT_URL = re.compile(r"/demo-shop/checkouts/[^/?]+\?key=")


@pytest.fixture(scope="module")
def offer_store(tmp_path_factory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("offers")
    shop = processes.start([
        sys.executable, "-m", "storefront.demo_shop", "serve", "--port", "0", "--token", TOKEN,
        "--cart-db", str(root / "shop-carts.sqlite3"),
        "--catalog", str(offer_catalog(root / "shop")),
    ])
    store = processes.gunicorn("wsgi:app", env={
        "SHOPIFY_STORE_DOMAIN": shop.url,
        "SHOPIFY_STOREFRONT_TOKEN": TOKEN,
        "SECRET_KEY": STRONG_KEY,
        "CREATORS_DIR": str(offer_creators(root)),
        "WEB_CONCURRENCY": "1",
        "CACHE_TYPE": "SimpleCache",
        "THEME": "base",
        "FUNNELS_URL": "off",
    })
    try:
        yield store.url
    finally:
        store.stop()
        shop.stop()
    assert "Traceback" not in store.log() + shop.log(), store.log() + shop.log()


@pytest.fixture
def shopper(browser: Browser, offer_store: str) -> Iterator[Page]:
    with page_at(browser, offer_store) as page:
        yield page


def shown_price(page: Page) -> Decimal | None:
    """The creator price on the product page, or None when it shows none."""
    expect(page.locator(".product__price .price").first).to_be_visible()
    creator = page.locator(".product__price [data-creator-price]")
    if not creator.count():
        return None
    text = creator.inner_text()
    found = re.fullmatch(r"(?:Creator price: )?(\$[\d,.]+) with (\S+)", " ".join(text.split()))
    assert found, text
    return money(found.group(1))


def buy_one(page: Page, product: str) -> tuple[Decimal | None, Decimal, Decimal]:
    """The product page's creator price, the cart total and the demo checkout's total, for
    one unit of `product` bought from its page."""
    page.goto(f"/products/{product}")
    shown = shown_price(page)
    page.locator("form[data-cart-form]").get_by_role("button", name="Add to cart").click()
    expect(page.locator(".site-header__cart [data-cart-count]")).to_have_text("1")
    page.goto("/cart")
    cart = money(page.locator("[data-cart-total]").inner_text())
    page.get_by_role("button", name="Check out").click()
    page.wait_for_url(CHECKOUT_URL)
    checkout = money(page.locator("tfoot td.amount").inner_text())
    return shown, cart, checkout


@pytest.mark.parametrize("kind", KINDS, ids=[kind.handle for kind in KINDS])
def test_a_referred_shopper_pays_the_price_shown(shopper: Page, kind: Kind):
    shopper.goto(f"/@{kind.handle}")
    expect(shopper.locator("aside.creator-banner code")).to_have_text(kind.code)
    shown, cart, checkout = buy_one(shopper, kind.product)
    assert shown == kind.shown
    assert cart == checkout == kind.charged
    if shown is not None:
        assert shown == cart  # the promise on the page is the cart's total


@pytest.mark.parametrize("kind", KINDS, ids=[kind.handle for kind in KINDS])
def test_a_plain_shopper_sees_and_pays_the_regular_price(shopper: Page, kind: Kind):
    shown, cart, checkout = buy_one(shopper, kind.product)
    assert shown is None
    assert cart == checkout == kind.regular
    expect(shopper.locator("aside.creator-banner")).to_have_count(0)
