"""Reads (db.reading) on SQLite take no write lock: a report runs while deliveries are
written, and sees the ledger as of its start."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from sqlalchemy import func, select

from storefront.orders import db
from storefront.orders.tables import payout_batches


def test_a_read_holds_off_no_writer_and_keeps_its_snapshot(tmp_path):
    path = tmp_path / "orders.sqlite3"
    engine = db.make_engine(f"sqlite:///{path}")
    db.migrate(engine)
    count = select(func.count()).select_from(payout_batches)
    try:
        with db.reading(engine) as reader:
            assert reader.execute(count).scalar() == 0  # a read transaction is open
            # A writer that may not wait at all gets the lock at once, and commits.
            with closing(sqlite3.connect(path, timeout=0, isolation_level=None)) as writer:
                writer.execute("BEGIN IMMEDIATE")
                writer.execute("INSERT INTO payout_batches (period, created_at, hold_days) "
                               "VALUES ('2026-10', '2026-11-01 00:00:00', 30)")
                writer.execute("COMMIT")
            assert reader.execute(count).scalar() == 0  # the same snapshot throughout
        with db.reading(engine) as reader:
            assert reader.execute(count).scalar() == 1
    finally:
        engine.dispose()


def test_a_writer_still_takes_the_lock_when_it_begins(tmp_path):
    path = tmp_path / "orders.sqlite3"
    engine = db.make_engine(f"sqlite:///{path}")
    db.migrate(engine)
    try:
        with engine.connect() as conn, conn.begin():
            conn.execute(select(func.count()).select_from(payout_batches))  # reads first
            with closing(sqlite3.connect(path, timeout=0, isolation_level=None)) as other:
                try:
                    other.execute("BEGIN IMMEDIATE")
                except sqlite3.OperationalError as locked:
                    assert "locked" in str(locked)
                else:
                    raise AssertionError("a second writer got in while one held the lock")
    finally:
        engine.dispose()
