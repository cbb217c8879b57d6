"""Top products by name: titles from the catalog for the report's handles, the handle
standing in when the product is gone or Shopify cannot answer; and the CLI report with them."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, time

import pytest

from storefront import create_app
from storefront.funnels import titles as product_titles
from storefront.shopify.errors import Unavailable

TODAY = datetime(2026, 11, 20, tzinfo=UTC).date()
NOON = datetime.combine(TODAY, time(12), UTC).timestamp()
DAY = TODAY.isoformat()


@pytest.fixture
def app(tmp_path):
    app = create_app({
        "DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3"),
        "FUNNELS_URL": f"sqlite:///{tmp_path / 'funnels.sqlite3'}",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'orders.sqlite3'}",
    })
    app.extensions["funnels"].store.add(Counter({
        (DAY, "maya", "visit", ""): 10, (DAY, "maya", "view", "organic-cotton-tee"): 6,
        (DAY, "maya", "view", "gone-from-the-shop"): 4,
        (DAY, "maya", "view", "linen-shirt"): 2,
    }), set())
    app.extensions["funnels"].clock = lambda: NOON
    return app


@pytest.fixture
def shopify_down(app, monkeypatch):
    """Every Storefront request fails as an unreachable Shopify would; returns the asks."""
    asked = []

    def down(request, *args, **kwargs):
        asked.append(request)
        raise Unavailable("connection refused")

    monkeypatch.setattr(app.extensions["storefront"].transport, "execute", down)
    return asked


def test_titles_of_the_products_the_shop_has(app):
    with app.app_context():
        found = product_titles.titles(app.extensions["storefront"],
                                      ["organic-cotton-tee", "gone-from-the-shop", "linen-shirt",
                                       "organic-cotton-tee"])
    assert found.by_handle == {"organic-cotton-tee": "Organic Cotton Tee",
                               "linen-shirt": "Linen Camp Shirt"}
    assert found.problem is None


def test_when_shopify_fails_the_asking_stops_at_the_first(app, shopify_down, caplog):
    with app.app_context():
        found = product_titles.titles(app.extensions["storefront"],
                                      ["organic-cotton-tee", "linen-shirt", "linen-scarf"])
    assert found.by_handle == {} and found.problem == product_titles.UNAVAILABLE
    # One product asked for (the client retries it once), not each of the three.
    assert 1 <= len(shopify_down) <= 2
    assert "connection refused" in caplog.text


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=["creators", "report", "--since", "1d", *args])


def test_the_cli_names_its_top_products(app):
    result = run(app)
    assert result.exit_code == 0, result.output
    maya = next(line for line in result.stdout.splitlines() if line.startswith("maya "))
    assert maya.endswith("Organic Cotton Tee (6), gone-from-the-shop (4), Linen Camp Shirt (2)")
    data = json.loads(run(app, "--format", "json").stdout)
    products = next(row for row in data["creators"] if row["creator"] == "maya")["top_products"]
    assert [(p["product"], p["title"]) for p in products] == [
        ("organic-cotton-tee", "Organic Cotton Tee"), ("gone-from-the-shop", None),
        ("linen-shirt", "Linen Camp Shirt")]
    csv_line = next(line for line in run(app, "--format", "csv").stdout.splitlines()
                    if line.startswith("maya,"))
    assert ('"Organic Cotton Tee (organic-cotton-tee, 6 views, 0 adds); '
            'gone-from-the-shop (4 views, 0 adds); '
            'Linen Camp Shirt (linen-shirt, 2 views, 0 adds)"') in csv_line


def test_with_shopify_down_the_cli_reports_handles_and_says_why(app, shopify_down):
    result = run(app)
    assert result.exit_code == 0, result.output
    maya = next(line for line in result.stdout.splitlines() if line.startswith("maya "))
    assert maya.endswith("organic-cotton-tee (6), gone-from-the-shop (4), linen-shirt (2)")
    assert product_titles.UNAVAILABLE in result.stderr
    data = json.loads(run(app, "--format", "json").stdout)  # stdout stays JSON
    assert all(p["title"] is None for row in data["creators"] for p in row["top_products"])
