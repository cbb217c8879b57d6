"""SQLite files that the workers of one machine share are switched to WAL by the first one.

SQLite answers SQLITE_BUSY at once, without waiting out its busy timeout, to a
connection that asks for WAL while another connection is making that change.
Workers booting together on a fresh file (the cache, the funnel counts, the
orders ledger, the demo shop's carts) then failed to boot with "database is
locked". So the switch is tried again until a deadline.
"""

from __future__ import annotations

import sqlite3
import time

SETUP_SECONDS = 15.0


def use_wal(db, deadline_s: float = SETUP_SECONDS) -> None:
    """Put `db` (a sqlite3 connection, or a cursor) in WAL mode, retrying while it is busy."""
    deadline = time.monotonic() + deadline_s
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.01)  # a retry pause, not a synchronisation: bounded by the deadline
