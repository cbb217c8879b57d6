"""An app with a webhook secret and its own orders database (tests/conftest.py gives every
test a DATABASE_URL of its own), and a ledger read back as plain rows."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storefront import create_app
from storefront.orders import ledger_for
from storefront.orders.tables import deliveries, orders, refunds
from tests.orders.payloads import SECRET


@pytest.fixture
def app(tmp_path):
    return create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3"),
                       "SHOPIFY_WEBHOOK_SECRET": SECRET})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def ledger(app):
    return ledger_for(app)


def read(ledger, table=orders) -> list[dict]:
    """Every row of `table`, as dicts, by primary key."""
    with ledger.engine.connect() as conn:
        key = list(table.primary_key.columns)[0]
        return [dict(row._mapping) for row in conn.execute(select(table).order_by(key))]


def order_rows(ledger) -> list[dict]:
    return read(ledger, orders)


def refund_rows(ledger) -> list[dict]:
    return read(ledger, refunds)


def delivery_rows(ledger) -> list[dict]:
    return read(ledger, deliveries)
