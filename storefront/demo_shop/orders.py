"""Orders placed at the demo checkout, refunded and cancelled from their demo page.

An `OrderBook` keeps orders in the shop's database, the SQLite file its carts
are in (next to the `carts` table), each with the webhooks it owes in the same
file's outbox (outbox.py), written in the same transaction as the change they
report:

- `place` turns a cart into an order (payloads.py), spends its gift cards
  (gift_cards.py), queues `orders/create` and `orders/paid`, and finishes the
  cart (it is gone, as a Shopify cart is once its checkout completes). A cart
  is placed once: placing it again, or opening its checkout again, finds the
  order it became.
- `refund` returns one unit of a line: `refunds/create`, then `orders/updated`
  with the `current_*` amounts reduced and the refund listed; what goes back to
  gift cards is on them again.
- `cancel` refunds what is left and cancels: `refunds/create` (when money is
  left to return), then `orders/cancelled`.

An order's page is reached with a key of its own, like a cart with its key;
the cart's key (its SHA-256) leads from a finished cart to its order.

Of the shopper, an order keeps and sends only a customer id: derived from an
email when one is given (so repeat orders count as one customer) with a
keyed hash whose key never leaves this file; else a new id. The email itself
is neither stored nor sent.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import secrets
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from storefront.demo_shop import payloads
from storefront.demo_shop.database import SqliteFile
from storefront.demo_shop.outbox import SCHEMA as OUTBOX_SCHEMA
from storefront.demo_shop.outbox import Outbox

SCHEMA = """
CREATE TABLE IF NOT EXISTS demo_orders (
    id INTEGER PRIMARY KEY,
    number INTEGER NOT NULL UNIQUE,
    cart_token TEXT NOT NULL UNIQUE,
    cart_key_sha256 TEXT NOT NULL,
    key TEXT NOT NULL,
    created REAL NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS demo_shop_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
""" + OUTBOX_SCHEMA

FIRST_NUMBER = 1001
MAX_EMAIL = 254


class Refused(ValueError):
    """A change the order does not allow; `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Placed:
    order: dict  # the order as its latest webhook describes it
    key: str  # opens its page
    new: bool  # False: the cart had been placed already


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def email_problem(email: str) -> str | None:
    """Why `email` (already stripped) cannot be used, or None."""
    if len(email) > MAX_EMAIL or "@" not in email.strip("@") or any(c.isspace() for c in email):
        return "That email address doesn't look right (or leave it empty)."
    return None


class OrderBook:
    """The orders of `shop`, in the shop's database (`shop.database`)."""

    def __init__(self, shop, clock: Callable[[], float] = time.time) -> None:
        self.shop = shop
        # The shop's database: an order and what its gift cards paid are written together.
        self.db: SqliteFile = shop.database
        self.db.require(SCHEMA)
        self.outbox = Outbox(self.db)
        self.clock = clock

    @classmethod
    def beside(cls, shop) -> OrderBook:
        """The book in the shop's database (beside its carts, or a temporary file for
        carts kept in memory)."""
        return cls(shop)

    # Reading ------------------------------------------------------------------

    def get(self, order_id: int, key: str) -> dict | None:
        row = self.db.connection().execute(
            "SELECT key, body FROM demo_orders WHERE id = ?", (order_id,)).fetchone()
        return json.loads(row["body"]) if row and _same(row["key"], key) else None

    def of_cart(self, token: str, key: str) -> tuple[int, str] | None:
        """(order id, its key) of the order cart `token` became, given the cart's key."""
        return self._of_cart(self.db.connection(), token, key)

    def _of_cart(self, conn: sqlite3.Connection, token: str, key: str) -> tuple[int, str] | None:
        row = conn.execute("SELECT id, key, cart_key_sha256 FROM demo_orders"
                           " WHERE cart_token = ?", (token,)).fetchone()
        if row is None or not _same(row["cart_key_sha256"], _sha256(key)):
            return None
        return row["id"], row["key"]

    def deliveries(self, order_id: int) -> list[dict]:
        return self.outbox.of_order(order_id)

    # Changes ------------------------------------------------------------------

    def place(self, token: str, key: str, email: str | None, target: str | None) -> Placed | None:
        """The cart's order, placed now or before; None when there is no such cart.

        Raises Refused for an empty cart. `target` is where its webhooks go.
        """
        found = self.of_cart(token, key)
        if found:
            return self._placed(*found)
        cart = self.shop.carts.get(token, key)
        if cart is None:  # none, or placed since we looked (its cart then removed)
            found = self.of_cart(token, key)
            return self._placed(*found) if found else None
        operations = self.shop.operations
        lines = operations.priced_lines(cart)
        if not lines:
            raise Refused("The cart is empty: add something before placing an order.", 422)
        pricing = operations.pricing(cart)
        email = email or cart.buyer_email
        with self.db.immediate() as conn:
            found = self._of_cart(conn, token, key)
            if found:  # placed meanwhile, by another request
                return self._placed(*found, conn=conn)
            now = self.clock()
            # Balances read under the write lock: two orders never spend the same money.
            cards = operations.gift_cards(cart, pricing.total, conn)
            number = conn.execute("SELECT COALESCE(MAX(number), ?) + 1 FROM demo_orders",
                                  (FIRST_NUMBER - 1,)).fetchone()[0]
            market = operations.market(cart)
            order = payloads.order(
                order_id=payloads.new_id(), number=number, lines=lines,
                line_attributes={line.id: line.attributes for line in cart.lines},
                pricing=pricing, attributes=cart.attributes, note=cart.note,
                currencies=payloads.Currencies(self.shop.catalog.shop.currency_code,
                                               market.currency, market.rate),
                customer_id=self._customer_id(conn, email), cart_token=token, now=now,
                gift_cards_paid=sum((card.presented for card in cards), Decimal(0)),
            )
            self.shop.gift_cards.record(
                conn, order["id"], [(card.card.id, card.used) for card in cards], now)
            paid = payloads.paid(copy.deepcopy(order))
            order_key = secrets.token_urlsafe(24)
            conn.execute(
                "INSERT INTO demo_orders (id, number, cart_token, cart_key_sha256, key, created,"
                " body) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (order["id"], number, token, _sha256(key), order_key, now, json.dumps(paid)))
            self.outbox.add(conn, order["id"],
                            [("orders/create", order), ("orders/paid", paid)], target, now)
        self.shop.carts.remove(token, key)
        return Placed(paid, order_key, new=True)

    def _placed(self, order_id: int, order_key: str, conn=None) -> Placed:
        conn = conn or self.db.connection()
        body = conn.execute("SELECT body FROM demo_orders WHERE id = ?", (order_id,)).fetchone()[0]
        return Placed(json.loads(body), order_key, new=False)

    def refund(self, order_id: int, key: str, line_item_id: int, target: str | None) -> dict:
        """Refund one unit of a line; the order after it. Raises Refused."""
        with self.db.immediate() as conn:
            order = self._locked(conn, order_id, key)
            if order["cancelled_at"]:
                raise Refused("This order is cancelled: there is nothing left to refund.")
            left = payloads.refundable(order)
            if line_item_id not in left:
                raise Refused("This order has no such line.", 404)
            if not left[line_item_id]:
                raise Refused("Every unit of this line has been refunded already.")
            now = self.clock()
            refund = self._refund(conn, order, {line_item_id: 1}, now)
            order["refunds"].append(refund)
            payloads.with_refunds(payloads.updated(order, now), self.currencies(order))
            self._save(conn, order)
            self.outbox.add(conn, order_id,
                            [("refunds/create", refund), ("orders/updated", order)], target, now)
        return order

    def cancel(self, order_id: int, key: str, target: str | None) -> dict:
        """Refund what is left and cancel; the order after it. Raises Refused."""
        with self.db.immediate() as conn:
            order = self._locked(conn, order_id, key)
            if order["cancelled_at"]:
                raise Refused("This order is cancelled already.")
            now = self.clock()
            webhooks = []
            left = {item: count for item, count in payloads.refundable(order).items() if count}
            if left and payloads.presented(order, "current_total_price") > 0:
                refund = self._refund(conn, order, left, now)
                order["refunds"].append(refund)
                webhooks.append(("refunds/create", refund))
            payloads.cancelled(order, now, self.currencies(order))
            webhooks.append(("orders/cancelled", order))
            self._save(conn, order)
            self.outbox.add(conn, order_id, webhooks, target, now)
        return order

    def currencies(self, order: dict) -> payloads.Currencies:
        """The order's shop and presentment currencies, at the rate of the market that
        sells in the latter (the demo's rates never change while an order lives)."""
        presentment = order.get("presentment_currency") or order["currency"]
        market = next((m for m in self.shop.catalog.shop.markets if m.currency == presentment),
                      None)
        return payloads.Currencies(order["currency"], presentment,
                                   market.rate if market else Decimal(1))

    def _refund(self, conn: sqlite3.Connection, order: dict, quantities: dict[int, int],
                now: float) -> dict:
        """A refund of `quantities`; what goes back to gift cards is on them again.

        Cards hold the shop's currency: what they still hold of the order is converted
        to the order's currency to split the refund, and what the refund returns to
        them back to the shop's."""
        currencies = self.currencies(order)
        held = sum((net for _, _, net in self.shop.gift_cards.of_order(order["id"], conn)),
                   Decimal(0))
        refund = payloads.refund(order, quantities, now, currencies,
                                 gift_cards_paid=currencies.to_presentment(held))
        back = payloads.to_gift_cards(refund)
        if back and currencies.rate != 1:
            back = min(currencies.to_shop(back), held)
        self.shop.gift_cards.give_back(conn, order["id"], back, now)
        return refund

    def gift_card_payments(self, order_id: int) -> list[tuple[str, Decimal]]:
        """(last characters, amount paid) of each gift card that paid the order."""
        catalog = self.shop.catalog
        return [(card.last_characters if card else "", paid)
                for card_id, paid, _ in self.shop.gift_cards.of_order(order_id)
                for card in [catalog.gift_card_by_id(card_id)]]

    def _locked(self, conn: sqlite3.Connection, order_id: int, key: str) -> dict:
        row = conn.execute("SELECT key, body FROM demo_orders WHERE id = ?",
                           (order_id,)).fetchone()
        if row is None or not _same(row["key"], key):
            raise Refused("This order doesn't exist, or the link is incomplete.", 404)
        return json.loads(row["body"])

    def _save(self, conn: sqlite3.Connection, order: dict) -> None:
        conn.execute("UPDATE demo_orders SET body = ? WHERE id = ?",
                     (json.dumps(order), order["id"]))

    def _customer_id(self, conn: sqlite3.Connection, email: str | None) -> int:
        """The same id for the same email (any case), without keeping the email; else a new one."""
        if not email:
            return payloads.new_id()
        conn.execute("INSERT OR IGNORE INTO demo_shop_secrets (name, value) VALUES (?, ?)",
                     ("customer_ids", secrets.token_hex(32)))
        secret = conn.execute("SELECT value FROM demo_shop_secrets WHERE name = ?",
                              ("customer_ids",)).fetchone()[0]
        digest = hmac.new(secret.encode(), email.strip().casefold().encode(), "sha256").digest()
        return 10**12 + int.from_bytes(digest[:8], "big") % (9 * 10**12)
