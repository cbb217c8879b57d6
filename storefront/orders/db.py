"""The ledger's database: an engine for DATABASE_URL, and its schema brought to head.

SQLite (the default, one file under INSTANCE_DIR) is shared by the workers of
one machine: WAL lets readers go on while one writes, and every transaction
starts with BEGIN IMMEDIATE, so two workers applying deliveries of one order
queue for the write lock instead of one failing half-way ("database is
locked" on upgrading a read to a write). PostgreSQL comes with several
instances (a later increment); nothing here is SQLite-only SQL.

Migrations run to head on the ledger's first use in each process, and by
`flask orders migrate`: the default database is a local file nobody is told to
set up, and a webhook that fails for want of a table makes Shopify retry, then
drop the subscription. The first use rather than create_app: most apps built
(tests, CLI commands, page-only workers) never touch the ledger.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

MIGRATIONS = Path(__file__).parent / "migrations"
# Any constant: it names the one lock every instance takes to migrate on PostgreSQL.
PG_MIGRATION_LOCK = 71_6_2026


def database_url(setting: str | None, instance_path: str) -> str:
    """DATABASE_URL as SQLAlchemy takes it; a relative SQLite file is under INSTANCE_DIR."""
    if not setting:
        return f"sqlite:///{Path(instance_path) / 'orders.sqlite3'}"
    url = make_url(setting)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        path = Path(url.database)
        if not path.is_absolute():
            return str(url.set(database=str(Path(instance_path) / path)))
    return setting


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 15})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        # SQLAlchemy, not the sqlite3 module, says when a transaction begins (below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision`; safe to run from many processes at once."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        # One process migrates, the others wait, then find nothing to do:
        # SQLite's BEGIN IMMEDIATE (above) already holds the write lock.
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_MIGRATION_LOCK})")
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
