"""The ledger's database: an engine for DATABASE_URL, and its schema brought to head.

SQLite (the default, one file under INSTANCE_DIR) is shared by the workers of
one machine: WAL lets readers go on while one writes, and every transaction
starts with BEGIN IMMEDIATE, so two workers applying deliveries of one order
queue for the write lock instead of one failing half-way ("database is
locked" on upgrading a read to a write).

PostgreSQL (`DATABASE_URL=postgresql://...`) is for several instances: each
worker keeps a small pool of its own, checks a connection before using it
(a server restart or an idle cut by a firewall costs a reconnect, not a
failed webhook), and gives up connecting after CONNECT_TIMEOUT seconds, so a
dead server is a quick 503 (Shopify sends the delivery again) rather than a
worker hung until gunicorn kills it. Deliveries of one order, applied by
several instances at once, take turns (direct.Cursor.lock_order). The driver
(psycopg 3) is imported by SQLAlchemy only when such an engine is made. A process that
forks (gunicorn's master, should it ever use the ledger before its workers
start) leaves its connections to itself: the child drops the inherited pools
without closing them (a connection used by two processes corrupts both
sides' sessions).

Migrations run to head on the ledger's first use in each process, and by
`flask orders migrate`: the default database is a local file nobody is told to
set up, and a webhook that fails for want of a table makes Shopify retry, then
drop the subscription. The first use rather than create_app: most apps built
(tests, CLI commands, page-only workers) never touch the ledger.
"""

from __future__ import annotations

import fcntl
import os
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from storefront.wal import use_wal

MIGRATIONS = Path(__file__).parent / "migrations"
# Any constant: it names the one lock every instance takes to migrate on PostgreSQL.
PG_MIGRATION_LOCK = 71_6_2026
# PostgreSQL, per process: gunicorn runs WEB_CONCURRENCY workers of GUNICORN_THREADS
# threads on each instance, each worker with its own pool, and the server's
# max_connections (100 by default) is shared by all of them. Two kept open, up
# to six while a burst of webhooks lasts; a thread waits POOL_TIMEOUT for one.
POOL_SIZE = 2
MAX_OVERFLOW = 4
POOL_TIMEOUT = 10
# Seconds to reach the server (libpq's connect_timeout, unless the URL sets
# one): well inside the 5 s Shopify waits for a webhook's answer.
CONNECT_TIMEOUT = 3
# The engines made in this process, so that a forked child can drop them.
_engines: weakref.WeakSet[Engine] = weakref.WeakSet()


def database_url(setting: str | None, instance_path: str) -> str:
    """DATABASE_URL as SQLAlchemy takes it; a relative SQLite file is under INSTANCE_DIR."""
    if not setting:
        return f"sqlite:///{Path(instance_path) / 'orders.sqlite3'}"
    url = make_url(setting)
    if url.drivername in ("postgresql", "postgres"):
        # Users write postgresql:// (libpq's form, what hosting providers hand
        # out; some still say postgres://). To SQLAlchemy the first means
        # psycopg2 and the second nothing at all; the driver shipped
        # (requirements.txt) is psycopg 3. (render_as_string: str() would hide
        # the password as ***, and connecting needs it.)
        return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        path = Path(url.database)
        if not path.is_absolute():
            return str(url.set(database=str(Path(instance_path) / path)))
    return setting


def shown(url: str) -> str:
    """`url` fit for messages and logs: its password, if any, as ***."""
    try:
        return str(make_url(url))
    except Exception:  # not a URL at all: nothing of it is shown
        return "(a DATABASE_URL that is not a URL)"


def make_engine(url: str) -> Engine:
    """An engine for `url` (as database_url returns it), set up for its database."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = _sqlite_engine(url, parsed)
    elif parsed.get_backend_name() == "postgresql":
        timeout = {} if "connect_timeout" in parsed.query else {"connect_timeout": CONNECT_TIMEOUT}
        engine = create_engine(url, pool_pre_ping=True, pool_size=POOL_SIZE,
                               max_overflow=MAX_OVERFLOW, pool_timeout=POOL_TIMEOUT,
                               connect_args=timeout)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    _engines.add(engine)
    return engine


def _drop_inherited_pools() -> None:
    # In a forked child: forget the parent's connections without closing them
    # (closing would end the parent's sessions too); new ones are made on use.
    for engine in list(_engines):
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_drop_inherited_pools)


READS_ONLY = "storefront_reads_only"
MMAP_BYTES = 2**31  # (SQLite's own ceiling, in its default build: a ledger of millions of orders)


def reading(engine: Engine) -> Connection:
    """A connection for reads only (`with db.reading(engine) as conn:`): on SQLite its
    transactions take no write lock, so reports run beside the deliveries being
    written, and side by side with each other. Never write through it."""
    return engine.connect().execution_options(**{READS_ONLY: True})


def _sqlite_engine(url: str, parsed) -> Engine:
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 15})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        # SQLAlchemy, not the sqlite3 module, says when a transaction begins (below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        use_wal(cursor)
        cursor.execute("PRAGMA busy_timeout=15000")
        # Pages are read through a memory map rather than a read() call each: reports
        # scan hundreds of thousands of index entries, and the calls were a third of
        # their time. (The mapped pages are the kernel's file cache, shared and
        # reclaimable: they count in a process's RSS, not in its own memory.)
        cursor.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        # A writer takes the write lock at once: one that read first and wrote later
        # could find the file changed under it and fail instead of waiting its turn.
        # Reads only (`reading`) take no lock: in WAL they see the last commit and
        # neither wait for the writer nor hold it off (a report read during ingest).
        reads_only = connection.get_execution_options().get(READS_ONLY, False)
        connection.exec_driver_sql("BEGIN" if reads_only else "BEGIN IMMEDIATE")

    return engine


class _Turns:
    """Writers of one SQLite file, in every process of the machine, taking turns in a queue.

    SQLite makes a writer that finds the file locked sleep and try again (1, 2,
    5, 10 ... up to 100 ms between tries), however soon the lock is free: with
    four workers committing deliveries, most of a delivery's time was spent
    asleep. A lock on a file beside the database (flock) queues them in the
    kernel instead, each woken the moment the one before has committed. The
    threads of one process queue on a lock of their own first (flock is held
    per open file, which they share); a process forked since opens its own.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._threads = threading.Lock()
        self._fd: int | None = None
        self._pid: int | None = None

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._threads:
            if self._pid != os.getpid():
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
                self._pid = os.getpid()
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)


_turns: dict[str, _Turns] = {}
_turns_lock = threading.Lock()


def write_turn(engine: Engine):
    """A context in which this thread is the only writer of a SQLite file (on the
    machine) that takes turns this way; nothing for other databases."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return nullcontext()
    path = f"{url.database}-writer.lock"
    with _turns_lock:
        turns = _turns.get(path)
        if turns is None:
            turns = _turns[path] = _Turns(path)
    return turns()


def head() -> str:
    """The newest revision: migrations are numbered files (NNNN_what.py, revision NNNN),
    one after the other (tests/orders/test_schema.py holds them to it)."""
    numbered = (MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py")
    return max(path.name[:4] for path in numbered)


def at_head(engine: Engine) -> bool:
    """Whether the schema is at head already: then alembic, whose import alone is most of
    a command's first use of the ledger (0.9 s), is not loaded at all."""
    with engine.connect() as connection:  # (a database that can't be reached raises)
        try:
            found = connection.execute(text("SELECT version_num FROM alembic_version")).all()
        except SQLAlchemyError:  # no table yet: a new database
            return False
    return [row[0] for row in found] == [head()]


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision`; safe to run from many processes at once."""
    if revision == "head" and at_head(engine):
        return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        # One process migrates, the others wait, then find nothing to do:
        # SQLite's BEGIN IMMEDIATE (above) already holds the write lock.
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_MIGRATION_LOCK})")
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
