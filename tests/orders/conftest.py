"""Every orders test that touches the database runs twice: on SQLite and on PostgreSQL.

`database` is the backend of the test (ids `[sqlite]` and `[postgresql]`): for
PostgreSQL, a fresh database on the session's throwaway server
(tests/support/postgres.py), put in DATABASE_URL, so that every app the test
builds uses it (tests/conftest.py gives each test its own SQLite file
otherwise). `database.fresh()` makes another empty one, for a test that
builds a second Ledger itself. The `app` fixture is an app with a webhook
secret on that database; the ledger is read back as plain rows.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from storefront import create_app
from storefront.orders import db, ledger_for
from storefront.orders.tables import deliveries, orders, refunds
from tests.orders.payloads import SECRET
from tests.support import postgres

BACKENDS = ["sqlite", "postgresql"]


@dataclass
class Database:
    backend: str  # "sqlite" or "postgresql"
    url: str  # this test's database, as DATABASE_URL has it
    _fresh: Callable[[], str]

    def fresh(self) -> str:
        """Another empty database of the same kind, as a Ledger or db.make_engine takes it."""
        return self._fresh()


@pytest.fixture(scope="session")
def postgres_server():
    try:
        server = postgres.start()
    except postgres.Missing as missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{missing}: the orders tests must run on PostgreSQL too")
        pytest.skip(str(missing))
    yield server
    server.stop()


@pytest.fixture(params=BACKENDS)
def database(request, tmp_path, monkeypatch):
    if request.param == "sqlite":
        numbers = itertools.count()
        yield Database("sqlite", os.environ["DATABASE_URL"],
                       lambda: f"sqlite:///{tmp_path / f'fresh-{next(numbers)}.db'}")
        return
    server = request.getfixturevalue("postgres_server")
    made: list[str] = []

    def create() -> str:
        made.append(server.create_database())
        return server.url(made[-1])

    url = create()
    monkeypatch.setenv("DATABASE_URL", url)
    yield Database("postgresql", url, lambda: db.database_url(create(), str(tmp_path)))
    for name in made:
        server.drop_database(name)


@pytest.fixture
def app(tmp_path, database):
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


def downgrade(ledger, revision: str) -> None:
    """Take `ledger`'s schema down to `revision` with Alembic (db.migrate brings it back)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(db.MIGRATIONS))
    with ledger.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)
