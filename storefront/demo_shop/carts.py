"""Where the demo shop keeps carts: in memory, or in one SQLite file shared by processes.

A store holds `CartRecord`s by token and hands them out only with the right
key, and only while they are fresh: a cart not updated for `expiry_days` is
gone, as on Shopify. Every change runs as one transaction (`transact`), so
concurrent mutations from several threads or gunicorn workers never lose an
update.
"""

from __future__ import annotations

import hmac
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

from storefront.wal import use_wal

DEFAULT_EXPIRY_DAYS = 10
DAY = 86400.0


@dataclass
class LineRecord:
    id: str
    variant_id: int
    quantity: int
    attributes: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class AddressRecord:
    """A delivery address on a cart (cartDeliveryAddressesAdd), as the buyer gave it."""

    id: int
    fields: dict[str, str]  # CartDeliveryAddressInput's fields that were given
    selected: bool = False
    one_time_use: bool = False


@dataclass
class MetafieldRecord:
    id: int
    namespace: str
    key: str
    type: str
    value: str
    created_at: float
    updated_at: float


@dataclass
class CartRecord:
    """A cart as stored: plain data, serialised as JSON."""

    token: str
    key: str
    created_at: float
    updated_at: float
    lines: list[LineRecord] = field(default_factory=list)
    discount_codes: list[str] = field(default_factory=list)
    gift_cards: list[int] = field(default_factory=list)  # ids, in the order they were added
    attributes: list[tuple[str, str]] = field(default_factory=list)
    note: str | None = None
    buyer_email: str | None = None
    buyer_phone: str | None = None
    buyer_country: str | None = None
    delivery_addresses: list[AddressRecord] = field(default_factory=list)
    # The delivery option chosen for the delivery group of each address (by address id).
    delivery_options: dict[str, str] = field(default_factory=dict)
    metafields: list[MetafieldRecord] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> CartRecord:
        # Carts stored before a field existed read it as its default.
        raw = json.loads(text)
        raw["lines"] = [
            LineRecord(**{**line, "attributes": [tuple(a) for a in line["attributes"]]})
            for line in raw["lines"]
        ]
        raw["attributes"] = [tuple(a) for a in raw["attributes"]]
        raw["delivery_addresses"] = [
            AddressRecord(**address) for address in raw.get("delivery_addresses", [])
        ]
        raw["metafields"] = [MetafieldRecord(**m) for m in raw.get("metafields", [])]
        return cls(**raw)


# `change` gets a private copy of the cart and returns the cart to save, or
# None to leave the stored cart exactly as it was.
Change = Callable[[CartRecord], "CartRecord | None"]


class CartStore(Protocol):
    expiry_days: float

    def now(self) -> float:
        """The store's clock (seconds since the epoch)."""

    def create(self, cart: CartRecord) -> None:
        """Store a new cart."""

    def get(self, token: str, key: str) -> CartRecord | None:
        """The cart, or None when unknown, expired or the key is wrong."""

    def transact(self, token: str, key: str, change: Change) -> CartRecord | None:
        """Apply `change` atomically; the cart as stored afterwards, or None (as `get`)."""

    def remove(self, token: str, key: str) -> bool:
        """Forget the cart (its checkout was completed); False when `get` would find none."""


class _Freshness:
    """The rules both stores share: the clock, expiry and the key check."""

    def __init__(self, expiry_days: float, clock: Callable[[], float]) -> None:
        self.expiry_days = expiry_days
        self.clock = clock  # tests move it by hand

    def now(self) -> float:
        return self.clock()

    def _cutoff(self) -> float:
        return self.now() - self.expiry_days * DAY

    def _usable(self, cart: CartRecord | None, key: str) -> bool:
        return (
            cart is not None
            and hmac.compare_digest(cart.key.encode(), key.encode())
            and cart.updated_at >= self._cutoff()
        )

    def _saved(self, cart: CartRecord) -> CartRecord:
        cart.updated_at = max(self.now(), cart.updated_at)
        return cart


class MemoryCartStore(_Freshness):
    """Carts in this process's memory (tests, and the single-process HTTP server)."""

    def __init__(
        self, expiry_days: float = DEFAULT_EXPIRY_DAYS, clock: Callable[[], float] = time.time
    ) -> None:
        super().__init__(expiry_days, clock)
        self._carts: dict[str, str] = {}  # token -> JSON, so callers never share objects
        self._lock = threading.Lock()

    def create(self, cart: CartRecord) -> None:
        with self._lock:
            self._carts[cart.token] = self._saved(cart).to_json()

    def get(self, token: str, key: str) -> CartRecord | None:
        with self._lock:
            text = self._carts.get(token)
        cart = CartRecord.from_json(text) if text else None
        return cart if self._usable(cart, key) else None

    def transact(self, token: str, key: str, change: Change) -> CartRecord | None:
        with self._lock:
            text = self._carts.get(token)
            cart = CartRecord.from_json(text) if text else None
            if not self._usable(cart, key):
                return None
            changed = change(cart)
            if changed is None:
                return CartRecord.from_json(text)
            self._carts[token] = self._saved(changed).to_json()
            return CartRecord.from_json(self._carts[token])

    def remove(self, token: str, key: str) -> bool:
        with self._lock:
            text = self._carts.get(token)
            if not self._usable(CartRecord.from_json(text) if text else None, key):
                return False
            del self._carts[token]
            return True


class SqliteCartStore(_Freshness):
    """Carts in one SQLite file (WAL mode), shared by every process that opens it."""

    def __init__(
        self,
        path: Path,
        expiry_days: float = DEFAULT_EXPIRY_DAYS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(expiry_days, clock)
        self.path = Path(path)
        self._local = threading.local()
        with self._connection() as db:
            use_wal(db)
            db.execute(
                "CREATE TABLE IF NOT EXISTS carts ("
                " token TEXT PRIMARY KEY, updated_at REAL NOT NULL, data TEXT NOT NULL)"
            )

    def _connection(self) -> sqlite3.Connection:
        # One connection per thread and per process: sqlite3 connections must
        # not cross threads, and one opened before gunicorn forks must not be
        # used by the workers.
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            local.db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            local.db.execute("PRAGMA busy_timeout=10000")
            local.pid = os.getpid()
        return local.db

    def create(self, cart: CartRecord) -> None:
        db = self._connection()
        db.execute("BEGIN IMMEDIATE")
        try:
            # Creating carts is rare next to reading them: a fine moment to forget old ones.
            db.execute("DELETE FROM carts WHERE updated_at < ?", (self._cutoff(),))
            saved = self._saved(cart)
            db.execute(
                "INSERT INTO carts (token, updated_at, data) VALUES (?, ?, ?)",
                (saved.token, saved.updated_at, saved.to_json()),
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def get(self, token: str, key: str) -> CartRecord | None:
        row = (
            self._connection()
            .execute("SELECT data FROM carts WHERE token = ?", (token,))
            .fetchone()
        )
        cart = CartRecord.from_json(row[0]) if row else None
        return cart if self._usable(cart, key) else None

    def transact(self, token: str, key: str, change: Change) -> CartRecord | None:
        db = self._connection()
        # IMMEDIATE takes the write lock before reading, so two processes
        # changing the same cart run one after the other, never interleaved.
        db.execute("BEGIN IMMEDIATE")
        try:
            row = db.execute("SELECT data FROM carts WHERE token = ?", (token,)).fetchone()
            cart = CartRecord.from_json(row[0]) if row else None
            if not self._usable(cart, key):
                db.execute("ROLLBACK")
                return None
            changed = change(cart)
            if changed is None:
                db.execute("ROLLBACK")
                return CartRecord.from_json(row[0])
            saved = self._saved(changed)
            db.execute(
                "UPDATE carts SET updated_at = ?, data = ? WHERE token = ?",
                (saved.updated_at, saved.to_json(), token),
            )
            db.execute("COMMIT")
            return saved
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def remove(self, token: str, key: str) -> bool:
        if self.get(token, key) is None:
            return False
        self._connection().execute("DELETE FROM carts WHERE token = ?", (token,))
        return True
