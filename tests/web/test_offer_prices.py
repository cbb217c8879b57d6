"""Creator prices on pages: shown to their shoppers only, where the cart will charge them.

The app runs on the in-process demo shop with the offer kinds' discounts
(tests/web/offer_kinds.py) and a creators folder of its own; the offers' clock
and the demo shop's are both this test's.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from storefront import create_app
from storefront.demo_shop import catalog as demo_catalog
from storefront.demo_shop import discounts as demo_discounts
from tests.web.conftest import Recorder, post, text
from tests.web.offer_kinds import (
    CART_TOTAL,
    KINDS,
    TEE,
    creator_prices,
    offer_catalog,
    offer_creators,
    product_page_price,
)
from tests.web.two_paths import handed_to_app

VARIANT = re.compile(r'name="variant_id" value="(\d+)"')
END = datetime(2026, 7, 1, tzinfo=UTC)


class Clock:
    """One time for the offers and the demo shop's discount dates; tests move it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock(END - timedelta(days=1))
    monkeypatch.setattr(demo_discounts, "now", clock)
    return clock


@pytest.fixture
def app(tmp_path, monkeypatch, clock):
    monkeypatch.setattr(demo_catalog, "DEFAULT_CATALOG", offer_catalog(
        tmp_path / "shop", extra=[{"code": "JUNE25", "type": "percentage", "value": "25",
                                   "status": "active", "endsAt": END.isoformat()}]))
    creators = offer_creators(tmp_path, extra={
        "june": ("JUNE25", f'percent = 25\nends_at = "{END.isoformat()}"')})
    app = create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3"),
                      "CREATORS_DIR": str(creators)})
    app.extensions["offer_clock"] = clock
    return app


def referred(app, handle: str | None):
    client = app.test_client()
    if handle is not None:
        assert client.get(f"/@{handle}").status_code == 200
    return client


def cart_total(client, product: str) -> Decimal:
    page = text(client.get(f"/products/{product}"))
    assert post(client, "/cart/add", {"variant_id": VARIANT.search(page).group(1)}
                ).status_code == 303
    return Decimal(CART_TOTAL.search(text(client.get("/cart"))).group(1))


@pytest.mark.parametrize("kind", KINDS, ids=[kind.handle for kind in KINDS])
def test_the_price_shown_is_what_the_cart_charges(app, kind):
    shopper = referred(app, kind.handle)
    page = text(shopper.get(f"/products/{kind.product}"))
    assert product_page_price(page) == kind.shown
    assert cart_total(shopper, kind.product) == kind.charged
    if kind.shown is not None:
        assert kind.shown == kind.charged


@pytest.mark.parametrize("kind", KINDS, ids=[kind.handle for kind in KINDS])
def test_a_plain_shopper_sees_and_pays_the_regular_price(app, kind):
    shopper = referred(app, None)
    page = text(shopper.get(f"/products/{kind.product}"))
    assert "data-creator-price" not in page and product_page_price(page) is None
    assert cart_total(shopper, kind.product) == kind.regular


def test_cards_search_and_recommendations_show_creator_prices(app):
    shopper = referred(app, "coll")
    apparel = text(shopper.get("/collections/apparel"))
    shown = creator_prices(apparel)
    assert shown and all(code == "COLL20" for _, code in shown)
    assert len(shown) == len(re.findall(r'<article class="card[" ]', apparel))  # every card
    assert (Decimal("30.40"), "COLL20") in shown  # the tee, 38.00 less 20 %
    assert not creator_prices(text(shopper.get("/collections/drinkware")))
    found = text(shopper.get("/search?q=tee"))
    assert (Decimal("30.40"), "COLL20") in creator_prices(found)
    recommended = text(shopper.get(f"/products/{TEE}/recommendations"))
    assert 'class="card' in recommended
    cards = re.findall(r'<article class="card.*?</article>', recommended, re.S)
    assert any("data-creator-price" in card for card in cards)
    assert all("data-creator-price" not in card for card in cards
               if "/products/stoneware-mug" in card or "/products/soy-candle" in card)
    plain = referred(app, None)
    for url in ("/collections/apparel", "/search?q=tee", f"/products/{TEE}/recommendations",
                "/"):
        assert "data-creator-price" not in text(plain.get(url))


def test_a_range_of_prices_shows_from_the_lowest(app):
    page = text(referred(app, "pct").get("/collections/drinkware"))
    # The water bottle costs 32.00 to 38.00: "From $27.20 with PCT15".
    assert re.search(r'data-creator-price>\s*<span class="visually-hidden">Creator price: </span>'
                     r'From <span class="price__amount">\$27.20</span>', page)


def test_the_creator_price_is_readable_text(app):
    page = text(referred(app, "pct").get(f"/products/{TEE}"))
    price = re.sub(r"<[^>]+>|\s+", " ", re.search(r'data-creator-price>(.*?)</span>\s*</p>',
                                                   page, re.S).group(1))
    assert " ".join(price.split()) == "Creator price: $32.30 with PCT15"


def json_ld(page: str) -> dict:
    return json.loads(re.search(r'application/ld\+json"[^>]*>(.*?)</script>', page, re.S).group(1))


def test_the_product_json_ld_keeps_the_regular_price(app):
    page = text(referred(app, "pct").get(f"/products/{TEE}"))
    plain = text(referred(app, None).get(f"/products/{TEE}"))
    assert product_page_price(page) == Decimal("32.30")
    assert json_ld(page) == json_ld(plain)
    assert "38.00" in {offer["price"] for offer in json_ld(page)["offers"]}
    assert "32.30" not in json.dumps(json_ld(page))
    assert '<meta property="product:price:amount" content="38.00">' in page


def test_a_cached_page_never_shows_the_offer_after_it_ends(app, clock):
    sent = Recorder(app.extensions["storefront"].transport)
    june, other = referred(app, "june"), referred(app, "june")
    assert product_page_price(text(june.get(f"/products/{TEE}"))) == Decimal("28.50")
    sent.clear()
    assert product_page_price(text(other.get(f"/products/{TEE}"))) == Decimal("28.50")
    assert sent.names() == []  # a warm page costs no Storefront request
    clock.now = END - timedelta(seconds=1)
    assert product_page_price(text(other.get(f"/products/{TEE}"))) == Decimal("28.50")
    assert sent.names() == []
    clock.now = END  # the offer is over, though the page is still fresh in the cache
    page = text(june.get(f"/products/{TEE}"))
    assert product_page_price(page) is None
    assert "JUNE25" in page  # (still their code in the banner: Shopify will refuse it)
    assert cart_total(june, TEE) == Decimal("38.00")
    sent.clear()
    assert product_page_price(text(other.get(f"/products/{TEE}"))) is None
    assert sent.names() == []  # and that page is cached in turn


def test_the_fast_path_keys_pages_by_the_offers_phase_too(app, clock):
    """Hits are answered below Flask (web.fastpath) with the app's key: the phase too."""
    reached_app = handed_to_app(app)
    june, other = referred(app, "june"), referred(app, "june")
    assert product_page_price(text(june.get(f"/products/{TEE}"))) == Decimal("28.50")
    reached_app.clear()
    assert product_page_price(text(other.get(f"/products/{TEE}"))) == Decimal("28.50")
    assert reached_app == []  # a hit, answered by the fast path
    clock.now = END
    assert product_page_price(text(other.get(f"/products/{TEE}"))) is None
    assert reached_app == [f"/products/{TEE}"]  # no hit for the new phase: the app rendered
