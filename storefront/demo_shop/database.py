"""One SQLite file the demo shop's orders and webhook outbox share with its carts.

The file is opened on first use (building a shop touches no disk), once per
thread and per process: sqlite3 connections must not cross threads, and one
opened before gunicorn forks must not be used by the workers. Changes run in
`immediate()` transactions, which take the write lock before reading, so two
workers placing or refunding at once run one after the other.

Each part of the shop that keeps tables here names them with `require` (its
`CREATE ... IF NOT EXISTS` script), so the shop and its order book can share
one file, even a temporary one, and change both in one transaction.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from storefront.wal import use_wal


class SqliteFile:
    """A SQLite database file and the schema (`CREATE ... IF NOT EXISTS`) it must hold."""

    def __init__(self, path: Path | None, schema: str = "") -> None:
        # None: a file of its own in a new temporary folder (a shop whose
        # carts live in memory keeps its orders for as long as the process).
        self._path = Path(path) if path is not None else None
        self._schemas = [schema] if schema else []
        self._local = threading.local()
        self._ready = threading.Lock()
        self._made = 0  # how many of the schemas this process has run

    def require(self, schema: str) -> None:
        """Tables the file must also hold (made before the next connection is handed out)."""
        with self._ready:
            if schema not in self._schemas:
                self._schemas.append(schema)

    @property
    def path(self) -> Path:
        with self._ready:
            if self._path is None:
                folder = tempfile.mkdtemp(prefix="demo-shop-")
                atexit.register(shutil.rmtree, folder, ignore_errors=True)  # the process's
                self._path = Path(folder) / "orders.sqlite3"
            return self._path

    def connection(self) -> sqlite3.Connection:
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            db.execute("PRAGMA busy_timeout=10000")
            db.row_factory = sqlite3.Row
            local.db, local.pid = db, os.getpid()
        if self._made < len(self._schemas):
            with self._ready:
                if self._made == 0:
                    use_wal(local.db)
                for schema in self._schemas[self._made:]:
                    local.db.executescript(schema)  # idempotent: IF NOT EXISTS throughout
                self._made = len(self._schemas)
        return local.db

    @contextmanager
    def immediate(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: committed when the block ends, rolled back if it raises."""
        db = self.connection()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
