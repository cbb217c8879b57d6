"""Where funnel counts live: one SQLite file (default) or Redis (several instances).

Both keep, per UTC day and creator ("" for the brand's own store), a count per
event and product, for good. Visitor ids (keyed hashes, see recorder.py) are
the only raw data; they are kept for FUNNELS_RETENTION_DAYS to count unique
visitors, then dropped. Redis keeps them as HyperLogLogs, so its unique counts
are approximate (within about 1%).
"""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from storefront.pacing import Every
from storefront.wal import use_wal

Counts = Counter  # (day, creator, event, product) -> n
Visitors = set  # {(day, creator, visitor)}
PRUNE_SECONDS = 3600.0  # old visitor ids go within an hour of their retention ending


def days_between(first: str, last: str) -> list[str]:
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    return [(start + timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]


class SqliteStore:
    """One file, written by every worker of one machine (WAL, short transactions)."""

    def __init__(self, path: str | Path, retention_days: int,
                 clock: Callable[[], float] | None = None) -> None:
        self.path = Path(path)
        self.retention_days = retention_days
        self._prune = Every(PRUNE_SECONDS, clock)  # the first write prunes, whatever the uptime
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            use_wal(db)
            db.executescript("""
                CREATE TABLE IF NOT EXISTS daily (
                    day TEXT, creator TEXT, event TEXT, product TEXT, n INTEGER NOT NULL,
                    PRIMARY KEY (day, creator, event, product)) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS visitors (
                    day TEXT, creator TEXT, visitor TEXT,
                    PRIMARY KEY (day, creator, visitor)) WITHOUT ROWID;
            """)

    def describe(self) -> str:
        return f"SQLite {self.path}"

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=15)
        db.execute("PRAGMA busy_timeout=15000")
        return db

    def add(self, counts: Counts, visitors: Visitors) -> None:
        db = self._connect()
        try:
            with db:
                db.executemany(
                    "INSERT INTO daily VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE "
                    "SET n = n + excluded.n",
                    [(*key, n) for key, n in counts.items()],
                )
                db.executemany("INSERT OR IGNORE INTO visitors VALUES (?, ?, ?)", visitors)
                if self._prune.due():
                    today = datetime.now(UTC).date()
                    cutoff = (today - timedelta(days=self.retention_days)).isoformat()
                    db.execute("DELETE FROM visitors WHERE day < ?", (cutoff,))
        finally:
            db.close()

    def counts(self, first: str, last: str) -> Counts:
        db = self._connect()
        try:
            rows = db.execute(
                "SELECT day, creator, event, product, n FROM daily WHERE day BETWEEN ? AND ?",
                (first, last),
            ).fetchall()
        finally:
            db.close()
        return Counter({tuple(row[:4]): row[4] for row in rows})

    def unique_visitors(self, first: str, last: str) -> dict[str, int]:
        return dict(self._query(
            "SELECT creator, COUNT(DISTINCT visitor) FROM visitors "
            "WHERE day BETWEEN ? AND ? GROUP BY creator", (first, last)))

    def daily_unique_visitors(self, first: str, last: str) -> dict[tuple[str, str], int]:
        rows = self._query(
            "SELECT day, creator, COUNT(*) FROM visitors WHERE day BETWEEN ? AND ? "
            "GROUP BY day, creator", (first, last))
        return {(day, creator): n for day, creator, n in rows}

    def _query(self, sql: str, parameters: tuple) -> list[tuple]:
        db = self._connect()
        try:
            return db.execute(sql, parameters).fetchall()
        finally:
            db.close()


class RedisStore:
    """Counts in one hash per day; visitors in one HyperLogLog per day and creator."""

    def __init__(self, url: str, prefix: str, retention_days: int) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=3, socket_connect_timeout=3)
        self.url_host = url.split("@")[-1]  # never the password
        self.prefix = prefix + "funnels:"
        self.retention_seconds = retention_days * 86400

    def describe(self) -> str:
        return f"Redis {self.url_host}"

    def add(self, counts: Counts, visitors: Visitors) -> None:
        pipe = self.client.pipeline(transaction=False)
        for (day, creator, event, product), n in counts.items():
            pipe.hincrby(f"{self.prefix}counts:{day}", f"{creator}\t{event}\t{product}", n)
        grouped: dict[str, list[str]] = defaultdict(list)
        for day, creator, visitor in visitors:
            grouped[f"{self.prefix}visitors:{day}:{creator}"].append(visitor)
        for key, ids in grouped.items():
            pipe.pfadd(key, *ids)
            pipe.expire(key, self.retention_seconds)
        pipe.execute()

    def counts(self, first: str, last: str) -> Counts:
        days = days_between(first, last)
        pipe = self.client.pipeline(transaction=False)
        for day in days:
            pipe.hgetall(f"{self.prefix}counts:{day}")
        found: Counts = Counter()
        for day, fields in zip(days, pipe.execute(), strict=True):
            for field, n in fields.items():
                creator, event, product = field.decode().split("\t")
                found[(day, creator, event, product)] = int(n)
        return found

    def _creators(self, first: str, last: str) -> set[str]:
        return {creator for _, creator, _, _ in self.counts(first, last)}

    def unique_visitors(self, first: str, last: str) -> dict[str, int]:
        days = days_between(first, last)
        result = {}
        for creator in self._creators(first, last):
            keys = [f"{self.prefix}visitors:{day}:{creator}" for day in days]
            result[creator] = int(self.client.pfcount(*keys))
        return result

    def daily_unique_visitors(self, first: str, last: str) -> dict[tuple[str, str], int]:
        pairs = sorted({(day, creator) for day, creator, _, _ in self.counts(first, last)})
        pipe = self.client.pipeline(transaction=False)
        for day, creator in pairs:
            pipe.pfcount(f"{self.prefix}visitors:{day}:{creator}")
        return {pair: int(n) for pair, n in zip(pairs, pipe.execute(), strict=True)}


def open_store(url: str, instance_path: str, key_prefix: str, retention_days: int):
    """The store FUNNELS_URL names (see config.py for the forms it takes)."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisStore(url, key_prefix, retention_days)
    path = Path(url.removeprefix("sqlite:///"))
    if not path.is_absolute():
        path = Path(instance_path) / path
    return SqliteStore(path, retention_days)
