"""A store with the orders ledger on both backends (tests/orders/conftest.py's `database`),
its own creators and funnel counts, a ledger clock fixed in November 2026, and helpers to
make links with the real command and to place orders as Shopify's webhooks would.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from storefront import create_app
from storefront.orders import Delivery, ledger_for
from tests.orders.conftest import database, postgres_server  # noqa: F401 (the two backends)
from tests.orders.payloads import body, money, order

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
KEY = "creator-stats-key-one-8f2a9c41d7e3b6"
CREATORS = {
    "maya": 'name = "Maya Rivers"\n[discount]\ncode = "MAYA15"\n[commission]\npercent = 15\n',
    "sam": 'name = "Sam Ito"\naliases = ["samito"]\n',
    "rosa": 'name = "Rosa Diaz"\nstatus = "paused"\n',
    "kit": 'name = "Kit Morgan"\nstatus = "archived"\n',
}
# Shopify customer ids: long numbers that must never reach the page.
CUSTOMERS = (739146025511, 739146025522, 739146025533)
TEE, TOTE = 6001, 6002


@pytest.fixture
def creators_dir(tmp_path):
    folder = tmp_path / "creators"
    folder.mkdir()
    for handle, text in CREATORS.items():
        (folder / f"{handle}.toml").write_text(text)
    return folder


@pytest.fixture
def make_app(tmp_path, database, creators_dir):  # noqa: F811 (the fixture imported above)
    """`make_app(**config)`: a store on this test's database, with a ledger clock of NOW."""

    def make(**config):
        app = create_app({
            "DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3"),
            "FUNNELS_URL": f"sqlite:///{tmp_path}/funnels.sqlite3",
            "CREATORS_DIR": str(creators_dir),
            "CREATORS_RELOAD_SECONDS": "0",
            "SECRET_KEY": KEY,
            "COMMISSION_HOLD_DAYS": "10",
            **config,
        })
        ledger_for(app).clock = lambda: NOW
        return app

    return make


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def ledger(app):
    return ledger_for(app)


def link(app, handle: str, *args: str) -> str:
    """A new link's path, made by `flask creators link HANDLE`."""
    result = app.test_cli_runner().invoke(args=["creators", "link", handle, *args])
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def visits(app, counts: dict[tuple[str, str], int]) -> None:
    """Funnel visits ((day, handle) -> n), written as the recorder writes them."""
    app.extensions["funnels"].store.add(
        Counter({(day, handle, "visit", ""): n for (day, handle), n in counts.items()}), set())


def line(line_id: int, product_id: int | None, title: str, quantity: int, price: str,
         discount: str = "0.00", currency: str = "USD") -> dict:
    """A line item as Shopify sends it, its discount allocated by a code."""
    return {"id": line_id, "product_id": product_id, "variant_id": product_id and product_id + 1000,
            "title": title, "quantity": quantity, "price": price,
            "price_set": money(price, currency), "total_discount": "0.00",
            "discount_allocations": [{"amount": discount, "amount_set": money(discount, currency),
                                      "discount_application_index": 0}]}


def place(ledger, order_id: int, at: datetime, lines: list[dict], *, creator: str | None,
          customer: int = CUSTOMERS[0], currency: str = "USD", topic: str = "orders/create",
          **changes) -> dict:
    """An order of `lines` (its subtotal their total less discounts), received by the ledger."""
    subtotal = sum(Decimal(item["price"]) * item["quantity"]
                   - Decimal(item["discount_allocations"][0]["amount"]) for item in lines)
    data = order(order_id, subtotal=str(subtotal), creator=creator, created=at,
                 customer_id=customer, currency=currency, **changes)
    data["line_items"] = lines
    receipt = ledger.receive(Delivery(topic, body(data)))
    assert receipt.error is None, receipt.error
    return data
