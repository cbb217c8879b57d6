"""The shared cache tier of one machine: a SQLite file every worker opens.

Nothing to install, and it gives what sharing needs: an atomic `add` (a
refresh lock, a webhook seen once), entries every worker sees as soon as one
writes them, and a size bound. In WAL mode readers never wait for the writer,
and a read is a B-tree lookup in pages the OS keeps in memory. Why SQLite and
not cachelib's FileSystemCache: its `add` checks and then writes (two workers
can both win), and `bench/shared_tier.py` measures both (README).

Plugged into flask-caching as `CACHE_TYPE=SQLiteCache`, with the file in
`CACHE_DIR`. Values are pickled, like every flask-caching backend does.
"""

from __future__ import annotations

import os
import pickle
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from flask_caching.backends.base import BaseCache

from storefront.wal import use_wal

FILE_NAME = "cache.sqlite3"
BUSY_MS = 250  # a write lock held longer than this: the call fails (a miss), never hangs
SETUP_MS = 15_000  # creating the file and its table, at start only
PRUNE_EVERY = 500  # writes between two looks at the file's size and expired entries


class SQLiteCache(BaseCache):
    def __init__(self, directory: str | os.PathLike, default_timeout: int = 300,
                 max_bytes: int = 512 * 1024 * 1024, clock=time.time, **_ignored) -> None:
        super().__init__(default_timeout=default_timeout)
        Path(directory).mkdir(parents=True, exist_ok=True)
        self.path = str(Path(directory) / FILE_NAME)
        self.max_bytes = max_bytes
        self.clock = clock
        self._local = threading.local()
        self._writes = 0
        # The schema, once, in the process that configures the app. Workers that
        # boot together on a fresh file queue for its first write lock: with the
        # serving timeout, one of them failed to boot ("database is locked").
        self._connect(busy_ms=SETUP_MS)

    @classmethod
    def factory(cls, app, config, args, kwargs):
        directory = config.get("CACHE_DIR") or Path(app.instance_path) / "cache"
        return cls(directory, default_timeout=kwargs.get("default_timeout", 300),
                   max_bytes=int(config.get("CACHE_SQLITE_MAX_BYTES") or 512 * 1024 * 1024))

    # -- connections: one per thread and per process (a connection must not cross a fork)

    def _connect(self, busy_ms: int = BUSY_MS) -> sqlite3.Connection:
        held = getattr(self._local, "db", None)
        if held is not None and held[0] == os.getpid():
            return held[1]
        db = sqlite3.connect(self.path, timeout=busy_ms / 1000, isolation_level=None,
                             check_same_thread=False)
        use_wal(db, busy_ms / 1000)
        db.execute("PRAGMA synchronous=NORMAL")  # a cache: losing the last writes is fine
        # 1 MB of pages per connection (SQLite's default is 2): there is one per
        # thread of every worker, and the OS keeps the file in memory anyway.
        db.execute("PRAGMA cache_size=-1024")
        db.execute(
            "CREATE TABLE IF NOT EXISTS entries ("
            " key TEXT PRIMARY KEY, value BLOB NOT NULL, expires REAL NOT NULL)"
        )
        if busy_ms != BUSY_MS:
            db.execute(f"PRAGMA busy_timeout={BUSY_MS}")  # serving: fail fast, never hang
        self._local.db = (os.getpid(), db)
        return db

    def _expires(self, timeout: int | None) -> float:
        seconds = self._normalize_timeout(timeout)
        return 0.0 if seconds == 0 else self.clock() + seconds  # 0: until deleted

    def _live(self, row) -> Any:
        if row is None:
            return None
        value, expires = row
        if expires and expires <= self.clock():
            return None
        return pickle.loads(value)

    # -- the cache API flask-caching calls

    def get(self, key: str) -> Any:
        row = self._connect().execute(
            "SELECT value, expires FROM entries WHERE key = ?", (key,)).fetchone()
        return self._live(row)

    def get_many(self, *keys: str) -> list[Any]:
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        rows = dict(
            (key, (value, expires)) for key, value, expires in self._connect().execute(
                f"SELECT key, value, expires FROM entries WHERE key IN ({marks})", keys)
        )
        return [self._live(rows.get(key)) for key in keys]

    def has(self, key: str) -> bool:
        return self.get(key) is not None

    def set(self, key: str, value: Any, timeout: int | None = None) -> bool:
        blob = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        self._connect().execute(
            "INSERT OR REPLACE INTO entries (key, value, expires) VALUES (?, ?, ?)",
            (key, blob, self._expires(timeout)))
        self._wrote()
        return True

    def add(self, key: str, value: Any, timeout: int | None = None) -> bool:
        """Set `key` unless a live entry holds it; True when this call set it.

        One statement, so two processes can't both win: an expired entry is
        replaced, a live one is left alone.
        """
        blob = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        cursor = self._connect().execute(
            "INSERT INTO entries (key, value, expires) VALUES (?, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires = excluded.expires"
            " WHERE entries.expires != 0 AND entries.expires <= ?",
            (key, blob, self._expires(timeout), self.clock()))
        self._wrote()
        return cursor.rowcount == 1

    def delete(self, key: str) -> bool:
        return self._connect().execute(
            "DELETE FROM entries WHERE key = ?", (key,)).rowcount == 1

    def delete_many(self, *keys: str) -> list[str]:
        return [key for key in keys if self.delete(key)]

    def clear(self) -> bool:
        self._connect().execute("DELETE FROM entries")
        return True

    # -- staying within bounds

    def _wrote(self) -> None:
        self._writes += 1
        if self._writes % PRUNE_EVERY == 0:
            self.prune()

    def prune(self) -> None:
        """Drop expired entries; past `max_bytes`, also those closest to expiring.

        Entries without an expiry (purge generations) are never dropped for room.
        """
        db = self._connect()
        db.execute("DELETE FROM entries WHERE expires != 0 AND expires <= ?", (self.clock(),))
        used = db.execute("SELECT coalesce(sum(length(value)), 0) FROM entries").fetchone()[0]
        if used > self.max_bytes:
            # Down to three quarters, so the next writes don't prune again at once.
            target = used - self.max_bytes * 3 // 4
            db.execute(
                "DELETE FROM entries WHERE key IN (SELECT key FROM ("
                " SELECT key, sum(length(value)) OVER (ORDER BY expires, key"
                "  ROWS UNBOUNDED PRECEDING) - length(value) AS freed_before"
                " FROM entries WHERE expires != 0) WHERE freed_before < ?)", (target,))
