"""Migration 0006 makes the self-service tables as storefront/self_service/tables.py declares
them, on both databases, and goes back down cleanly."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from storefront.orders import db
from storefront.orders.tables import metadata
from storefront.self_service import tables
from tests.orders.conftest import database, postgres_server  # noqa: F401 (the two backends)


def test_the_migration_makes_the_declared_tables(database):  # noqa: F811
    engine = db.make_engine(database.fresh())
    db.migrate(engine)
    found = inspect(engine)
    for table in (tables.edit_links, tables.changes, tables.events):
        assert {c["name"] for c in found.get_columns(table.name)} == set(table.columns.keys())
        assert {i["name"] for i in found.get_indexes(table.name)} >= {
            i.name for i in table.indexes}
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(
            conn, opts={"compare_type": True}), metadata) == []
    config = Config()
    config.set_main_option("script_location", str(db.MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0005")
    assert "creator_changes" not in inspect(engine).get_table_names()
    engine.dispose()
