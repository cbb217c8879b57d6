"""The demo shop's order webhooks: an outbox in SQLite, and a sender that delivers them as Shopify.

Every webhook an order action owes is a row, written in the same transaction
as the action: its topic, its body (exactly the bytes that will be signed and
sent), a webhook id of its own (a fresh uuid; retries keep it, so the store
de-duplicates), an event id shared by every webhook of that action, the time
it was triggered, and the address to deliver to (fixed when triggered, as
Shopify fixes the subscription's address).

A `Sender` posts due rows with Shopify's headers and an HMAC-SHA256 of the raw
body (base64, in X-Shopify-Hmac-Sha256), waiting 5 s at most. A 2xx answer
delivers the row; anything else (a 3xx too, as for Shopify), a timeout or a
refused connection is retried after 1 s, then 2, 4 ... up to 5 minutes
between tries, until GIVE_UP_SECONDS after it was triggered (Shopify retries
for 4 hours; the store ignores anything triggered longer ago than that).

Several processes may send from one file: a row is leased to one of them
while it is being sent. A sender's thread runs only while something is
pending; a process starting up resumes whatever was left pending
(`resume`), and an action wakes its process's thread (`kick`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from storefront.demo_shop.database import SqliteFile

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS demo_webhooks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id INTEGER NOT NULL,
    topic TEXT NOT NULL,
    body BLOB NOT NULL,
    webhook_id TEXT NOT NULL UNIQUE,
    event_id TEXT NOT NULL,
    triggered_at TEXT NOT NULL,
    created REAL NOT NULL,
    target TEXT,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at REAL NOT NULL,
    lease_until REAL NOT NULL DEFAULT 0,
    last_status INTEGER,
    last_error TEXT,
    delivered_at REAL
);
CREATE INDEX IF NOT EXISTS demo_webhooks_due ON demo_webhooks (state, next_at);
CREATE INDEX IF NOT EXISTS demo_webhooks_of_order ON demo_webhooks (order_id, id);
"""

# Row states.
PENDING = "pending"  # to be sent (again) at next_at
DELIVERED = "delivered"
FAILED = "failed"  # given up: no 2xx within GIVE_UP_SECONDS
UNSENT = "unsent"  # nowhere to send it (no webhook URL configured)

TIMEOUT_SECONDS = 5.0  # Shopify waits 5 s for an answer
FIRST_BACKOFF_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 300.0
GIVE_UP_SECONDS = 4 * 3600.0
LEASE_SECONDS = 60.0  # a row being sent by one process; longer than any one try
BATCH = 20
IDLE_WAIT_SECONDS = 30.0  # the longest a thread with rows pending sleeps unwoken
MAX_ERROR = 300

# post(url, body, headers) -> the HTTP status; raises OSError or a requests
# exception when no answer came.
Post = Callable[[str, bytes, dict[str, str]], int]


def signature(body: bytes, secret: str) -> str:
    """X-Shopify-Hmac-Sha256: base64 of HMAC-SHA256(secret, raw body)."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def backoff(attempts: int) -> float:
    """Seconds before the next try, after `attempts` failed ones (1, 2, 4 ... 300)."""
    return min(FIRST_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS)


def http_post(url: str, body: bytes, headers: dict[str, str]) -> int:
    import requests  # (only a process that sends loads it)

    reply = requests.post(url, data=body, headers=headers, timeout=TIMEOUT_SECONDS,
                          allow_redirects=False)
    reply.close()
    return reply.status_code


class Outbox:
    """The webhook rows in `db` (the file the orders are in)."""

    def __init__(self, db: SqliteFile) -> None:
        self.db = db

    def add(self, conn: sqlite3.Connection, order_id: int,
            webhooks: Sequence[tuple[str, dict]], target: str | None, now: float) -> None:
        """Queue the webhooks of one action (topic, body) inside the caller's transaction."""
        event_id = str(uuid.uuid4())
        triggered = datetime.fromtimestamp(now, UTC).isoformat()
        for topic, body in webhooks:
            raw = json.dumps(body, separators=(",", ":")).encode()
            conn.execute(
                "INSERT INTO demo_webhooks (order_id, topic, body, webhook_id, event_id,"
                " triggered_at, created, target, state, next_at, last_error)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (order_id, topic, raw, str(uuid.uuid4()), event_id, triggered, now, target,
                 PENDING if target else UNSENT, now,
                 None if target else "not sent: no webhook URL is configured"))

    def of_order(self, order_id: int) -> list[dict[str, Any]]:
        """The order's webhooks, oldest first, without their bodies."""
        rows = self.db.connection().execute(
            "SELECT id, topic, webhook_id, event_id, triggered_at, target, state, attempts,"
            " next_at, last_status, last_error, delivered_at"
            " FROM demo_webhooks WHERE order_id = ? ORDER BY id", (order_id,))
        return [dict(row) for row in rows]

    def claim(self, now: float, limit: int = BATCH) -> list[sqlite3.Row]:
        """Lease up to `limit` due rows to this process, oldest first."""
        with self.db.immediate() as conn:
            rows = conn.execute(
                "SELECT * FROM demo_webhooks WHERE state = ? AND next_at <= ?"
                " AND lease_until <= ? ORDER BY id LIMIT ?",
                (PENDING, now, now, limit)).fetchall()
            conn.executemany("UPDATE demo_webhooks SET lease_until = ? WHERE id = ?",
                             [(now + LEASE_SECONDS, row["id"]) for row in rows])
        return rows

    def delivered(self, row_id: int, status: int, now: float) -> None:
        with self.db.immediate() as conn:
            conn.execute(
                "UPDATE demo_webhooks SET state = ?, attempts = attempts + 1, last_status = ?,"
                " last_error = NULL, delivered_at = ?, lease_until = 0 WHERE id = ?",
                (DELIVERED, status, now, row_id))

    def failed(self, row: sqlite3.Row, status: int | None, error: str, now: float) -> None:
        """Record a failed try: retried after a backoff, or given up when it is too old."""
        attempts = row["attempts"] + 1
        next_at = now + backoff(attempts)
        state = FAILED if next_at - row["created"] > GIVE_UP_SECONDS else PENDING
        log.warning("demo shop: webhook %s %s to %s failed (%s); %s", row["topic"],
                    row["webhook_id"], row["target"], error[:MAX_ERROR],
                    "given up" if state == FAILED else f"try {attempts + 1} in "
                    f"{next_at - now:g} s")
        with self.db.immediate() as conn:
            conn.execute(
                "UPDATE demo_webhooks SET state = ?, attempts = ?, next_at = ?, last_status = ?,"
                " last_error = ?, lease_until = 0 WHERE id = ?",
                (state, attempts, next_at, status, error[:MAX_ERROR], row["id"]))

    def next_due(self) -> float | None:
        """When the earliest pending row may be sent (its lease counted), or None."""
        row = self.db.connection().execute(
            "SELECT MIN(MAX(next_at, lease_until)) FROM demo_webhooks WHERE state = ?",
            (PENDING,)).fetchone()
        return row[0]


class Sender:
    """Delivers an outbox's rows: `run_once` sends what is due; a thread repeats it while
    anything is pending (unless `background` is False: tests call run_once)."""

    def __init__(self, outbox: Outbox, *, secret: str | None, shop_domain: str,
                 api_version: str, post: Post = http_post,
                 clock: Callable[[], float] = time.time, background: bool = True) -> None:
        self.outbox = outbox
        self.secret = secret
        self.shop_domain = shop_domain
        self.api_version = api_version
        self.post = post
        self.clock = clock
        self.background = background
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._kicked = False
        self._thread: threading.Thread | None = None

    def headers(self, row: sqlite3.Row | dict) -> dict[str, str]:
        """What Shopify sends with a webhook (the signature needs a secret)."""
        return {
            "Content-Type": "application/json",
            "X-Shopify-Topic": row["topic"],
            "X-Shopify-Hmac-Sha256": signature(row["body"], self.secret or ""),
            "X-Shopify-Shop-Domain": self.shop_domain,
            "X-Shopify-API-Version": self.api_version,
            "X-Shopify-Webhook-Id": row["webhook_id"],
            "X-Shopify-Event-Id": row["event_id"],
            "X-Shopify-Triggered-At": row["triggered_at"],
        }

    def run_once(self) -> int:
        """Send every row due now; how many were tried."""
        rows = self.outbox.claim(self.clock())
        for row in rows:
            self._send(row)
        return len(rows)

    def _send(self, row: sqlite3.Row) -> None:
        if not self.secret:
            self.outbox.failed(row, None, "no webhook secret to sign with: set "
                               "SHOPIFY_WEBHOOK_SECRET", self.clock())
            return
        try:
            status = self.post(row["target"], row["body"], self.headers(row))
        except Exception as problem:  # refused, timed out, a bad URL: all retried
            self.outbox.failed(row, None, f"{type(problem).__name__}: {problem}", self.clock())
            return
        if 200 <= status < 300:
            self.outbox.delivered(row["id"], status, self.clock())
        else:
            self.outbox.failed(row, status, f"answered HTTP {status}", self.clock())

    # The thread ---------------------------------------------------------------

    def kick(self) -> None:
        """Something was queued: send it now, starting the thread if it is not running."""
        if not self.background:
            return
        with self._lock:
            self._kicked = True
            self._wake.set()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="demo-shop-webhooks",
                                                daemon=True)
                self._thread.start()

    def resume(self) -> None:
        """At a process's start: go on with whatever an earlier run left pending."""
        try:
            pending = self.outbox.next_due() is not None
        except sqlite3.Error:
            log.exception("demo shop: could not look for webhooks left pending")
            return
        if pending:
            self.kick()

    def _run(self) -> None:
        while True:
            with self._lock:
                self._kicked = False
            try:
                self.run_once()
                due = self.outbox.next_due()
            except Exception:  # the file busy or gone, say: the thread goes on, later
                log.exception("demo shop: sending webhooks failed")
                due = self.clock() + IDLE_WAIT_SECONDS
            with self._lock:
                if due is None and not self._kicked:
                    self._thread = None  # nothing pending: the next kick starts a new one
                    return
            wait = 0.0 if due is None else min(max(due - self.clock(), 0.0), IDLE_WAIT_SECONDS)
            self._wake.wait(wait)
            self._wake.clear()
