"""The demo checkout inside the storefront: the store's CSRF token on its forms, webhooks to
the store's own /webhooks/shopify, and a webhook secret when none is configured."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from storefront import config, create_app
from storefront.demo_shop.order_views import SENDER
from storefront.orders import ledger_for
from storefront.orders.tables import orders
from tests.support import STRONG_KEY

CSRF = re.compile(r'<meta name="csrf-token" content="([^"]*)"')
HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)">')
VARIANT = re.compile(r'name="variant_id" value="(\d+)"')


def test_the_demo_shop_gets_a_webhook_secret_every_worker_agrees_on():
    first = config.load({"SECRET_KEY": STRONG_KEY})
    second = config.load({"SECRET_KEY": STRONG_KEY})
    assert first["SHOPIFY_WEBHOOK_SECRET"] == second["SHOPIFY_WEBHOOK_SECRET"]
    assert first["SHOPIFY_WEBHOOK_SECRET"] == config.demo_webhook_secret(STRONG_KEY)
    assert len(first["SHOPIFY_WEBHOOK_SECRET"]) == 64 and STRONG_KEY not in first[
        "SHOPIFY_WEBHOOK_SECRET"]
    assert config.load({})["SHOPIFY_WEBHOOK_SECRET"] == config.demo_webhook_secret(
        config.DEMO_SECRET_KEY)
    assert config.load({"SHOPIFY_WEBHOOK_SECRET": "mine"})["SHOPIFY_WEBHOOK_SECRET"] == "mine"


def test_a_real_shop_never_gets_a_made_up_webhook_secret():
    real = config.load({"SHOPIFY_STORE_DOMAIN": "fernwood.myshopify.com",
                        "SHOPIFY_STOREFRONT_TOKEN": "t", "SECRET_KEY": STRONG_KEY})
    assert real["SHOPIFY_WEBHOOK_SECRET"] is None


def test_a_webhook_url_setting_must_be_a_url():
    assert config.load({"DEMO_SHOP_WEBHOOK_URL": "http://127.0.0.1:8000/webhooks/shopify"})[
        "DEMO_SHOP_WEBHOOK_URL"] == "http://127.0.0.1:8000/webhooks/shopify"
    with pytest.raises(config.ConfigError, match="DEMO_SHOP_WEBHOOK_URL"):
        config.load({"DEMO_SHOP_WEBHOOK_URL": "ftp://example.com"})


@pytest.fixture
def app(tmp_path):
    return create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3")})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def sender(app, client, monkeypatch):
    """The app's sender, driven by the test (no thread), posting into the store itself."""
    webhooks = app.extensions[SENDER]
    webhooks.background = False
    sent = []

    def post(url, body, headers):
        sent.append(url)
        path = url.removeprefix("http://localhost")
        return client.post(path, data=body, headers=headers).status_code

    webhooks.post = post
    webhooks.sent = sent
    return webhooks


def checkout_page(client) -> str:
    """A shopper follows Maya's link, adds a tee and checks out; the checkout page."""
    assert client.get("/@maya").status_code == 200
    product = client.get("/products/organic-cotton-tee").get_data(as_text=True)
    token, variant = CSRF.search(product).group(1), VARIANT.search(product).group(1)
    added = client.post("/cart/add", data={"csrf_token": token, "variant_id": variant})
    assert added.status_code == 303
    assert "Added to your cart" in client.get(added.headers["Location"]).get_data(as_text=True)
    checkout = client.get("/checkout")
    assert checkout.status_code == 303
    page = client.get(checkout.headers["Location"])
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_placing_in_the_store_needs_its_csrf_token(client, sender):
    page = checkout_page(client)
    action = re.search(r'<form method="post" action="([^"]+)"', page).group(1)
    fields = dict(HIDDEN.findall(page))
    assert set(fields) == {"key", "csrf_token"}
    refused = client.post(action, data={"key": fields["key"]})
    assert refused.status_code == 400
    assert "Organic Cotton Tee" in client.get("/cart").get_data(as_text=True)  # cart kept
    placed = client.post(action, data=fields)
    assert placed.status_code == 303 and "/demo-shop/orders/" in placed.headers["Location"]
    order_page = client.get(placed.headers["Location"])
    assert order_page.status_code == 200 and "Order #1001" in order_page.get_data(as_text=True)


def test_a_placed_order_reaches_the_stores_ledger_credited_to_the_creator(app, client, sender):
    page = checkout_page(client)
    action = re.search(r'<form method="post" action="([^"]+)"', page).group(1)
    placed = client.post(action, data=dict(HIDDEN.findall(page)))
    assert placed.status_code == 303
    # The cart is finished: the store shows an empty one.
    assert "Organic Cotton Tee" not in client.get("/cart").get_data(as_text=True)
    assert sender.run_once() == 2
    assert sender.sent == ["http://localhost/webhooks/shopify"] * 2
    with ledger_for(app).engine.connect() as conn:
        [order] = [dict(r._mapping) for r in conn.execute(select(orders))]
    assert (order["creator"], order["credit_rule"], order["name"]) == ("maya", "attribute",
                                                                       "#1001")
    assert "MAYA15" in order["discount_codes"] and order["landing_site"].startswith("/@maya")
    assert str(order["net_sales"]) == "32.30"  # 38.00 less Maya's 15 %
    assert order["created_at"] <= datetime.now(UTC).replace(tzinfo=None)


def test_a_configured_webhook_url_is_where_webhooks_go(tmp_path):
    app = create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3"),
                      "DEMO_SHOP_WEBHOOK_URL": "http://127.0.0.1:9/hooks"})
    app.extensions[SENDER].background = False
    client = app.test_client()
    page = checkout_page(client)
    action = re.search(r'<form method="post" action="([^"]+)"', page).group(1)
    order_url = client.post(action, data=dict(HIDDEN.findall(page))).headers["Location"]
    assert "Sent to http://127.0.0.1:9/hooks" in client.get(order_url).get_data(as_text=True)
