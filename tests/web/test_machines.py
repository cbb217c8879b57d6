"""Shopify's deliveries skip what makes a shopper's page view (storefront.machines), and keep
what every response has."""

from __future__ import annotations

import pytest

from storefront import attribution, create_app
from storefront.web import context, referral
from tests.caching.test_webhooks import NOW, SECRET, clock, deliver  # noqa: F401  (clock: a fixture)


def _shoppers_only(*_args, **_kwargs):
    raise AssertionError("a shopper's hook ran for a machine's request")


@pytest.fixture
def app(tmp_path):
    return create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3"),
                       "SHOPIFY_WEBHOOK_SECRET": SECRET})


def test_a_delivery_runs_none_of_the_shoppers_hooks(app, monkeypatch):
    monkeypatch.setattr(referral, "decide", _shoppers_only)
    monkeypatch.setattr(context, "visit", _shoppers_only)
    client = app.test_client()
    client.set_cookie(attribution.COOKIE, "tampered-or-not")  # a referral cookie is not even read
    reply = deliver(client, "products/update")
    assert reply.status_code == 200 and reply.get_json()["purged"] == ["catalog"]
    assert "Set-Cookie" not in reply.headers  # no session, no referral cookie


def test_a_delivery_keeps_every_responses_headers(app):
    reply = deliver(app.test_client(), "products/update")
    assert reply.status_code == 200
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["X-Frame-Options"] == "DENY"
    assert len(reply.headers["X-Request-Id"]) == 32  # (made here: Shopify sends none)
    assert reply.headers["Cache-Control"] == "no-store"
    assert "Content-Security-Policy" not in reply.headers  # JSON: no page, no nonce


def test_a_refused_delivery_is_answered_the_same_way(app):
    reply = deliver(app.test_client(), "products/update", signature="garbage")
    assert reply.status_code == 401 and reply.get_json()["error"] == "bad signature"
    assert reply.headers["Cache-Control"] == "no-store" and "Set-Cookie" not in reply.headers


def test_pages_still_run_the_shoppers_hooks(app, monkeypatch):
    decided = []
    real = referral.decide
    monkeypatch.setattr(referral, "decide", lambda *a, **k: decided.append(a[1]) or real(*a, **k))
    client = app.test_client()
    deliver(client, "products/update")
    assert client.get("/pages/about").status_code == 200
    assert "/pages/about" in decided and "/webhooks/shopify" not in decided
