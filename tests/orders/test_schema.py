"""The migrations make the tables the code reads and writes, and run from many places."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from storefront.orders import db
from storefront.orders.tables import metadata
from storefront.self_service import tables as self_service_tables  # noqa: F401 (its tables)


def test_the_migrations_make_the_declared_tables(database):
    engine = db.make_engine(database.fresh())
    db.migrate(engine)
    db.migrate(engine)  # again: nothing to do
    found = inspect(engine)
    for table in metadata.sorted_tables:
        assert {c["name"] for c in found.get_columns(table.name)} == set(table.columns.keys())
        assert {i["name"] for i in found.get_indexes(table.name)} >= {
            i.name for i in table.indexes}
    # Alembic's own comparison, types and nullability included: nothing to add or change.
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(
            conn, opts={"compare_type": True}), metadata) == []
    engine.dispose()


def test_a_relative_sqlite_file_is_under_the_instance_folder(tmp_path):
    assert db.database_url(None, str(tmp_path)) == f"sqlite:///{tmp_path}/orders.sqlite3"
    assert db.database_url("sqlite:///ledger.db", str(tmp_path)) == \
        f"sqlite:///{tmp_path}/ledger.db"
    assert db.database_url("sqlite:////srv/ledger.db", str(tmp_path)) == \
        "sqlite:////srv/ledger.db"


def test_a_postgresql_url_as_users_write_it_uses_the_shipped_driver(tmp_path):
    assert db.database_url("postgresql://shop:s3cr%40t@db.internal:5433/orders?sslmode=require",
                           str(tmp_path)) == \
        "postgresql+psycopg://shop:s3cr%40t@db.internal:5433/orders?sslmode=require"
    assert db.database_url("postgres://shop@db/orders", str(tmp_path)) == \
        "postgresql+psycopg://shop@db/orders"
    assert db.database_url("postgresql+psycopg://shop@db/orders", str(tmp_path)) == \
        "postgresql+psycopg://shop@db/orders"
    assert db.shown("postgresql+psycopg://shop:s3cr%40t@db/orders") == \
        "postgresql+psycopg://shop:***@db/orders"


def test_the_migrate_command(tmp_path, database):
    from sqlalchemy import inspect

    from storefront import create_app

    app = create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "c.sqlite3")})
    result = app.test_cli_runner().invoke(args=["orders", "migrate"])
    assert result.exit_code == 0, result.output
    engine = db.make_engine(db.database_url(database.url, app.instance_path))
    assert "orders" in inspect(engine).get_table_names()
    engine.dispose()


def test_an_app_that_only_serves_pages_never_loads_the_database_layer(tmp_path):
    # SQLAlchemy and Alembic take about 20 MB a process: a worker that never
    # receives an order webhook must not pay for them.
    import os
    import subprocess
    import sys

    code = ("import sys; from storefront import create_app; "
            "app = create_app({}); app.test_client().get('/healthz'); "
            "print(sorted(m for m in ('sqlalchemy', 'alembic') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "INSTANCE_DIR": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_migrations_are_numbered_files_one_after_the_other():
    # db.head() reads the newest revision from the file names, so that a ledger already
    # at head is used without loading alembic: hold the files to that.
    import importlib.util

    files = sorted((db.MIGRATIONS / "versions").glob("*.py"))
    previous = None
    for path in files:
        spec = importlib.util.spec_from_file_location(f"migration_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        assert module.revision == path.name[:4] and path.name[4] == "_", path.name
        assert module.down_revision == previous, path.name
        previous = module.revision
    assert db.head() == previous


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_a_ledger_at_head_is_opened_without_loading_alembic(database, tmp_path):
    import subprocess
    import sys

    url = database.fresh()
    db.migrate(db.make_engine(url))
    code = ("import sys; from storefront.orders import db; e = db.make_engine(sys.argv[1]); "
            "db.migrate(e); print(db.at_head(e), 'alembic' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code, url], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "False"]
