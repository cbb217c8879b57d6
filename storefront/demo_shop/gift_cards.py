"""Gift cards at the demo shop: which codes apply, what a cart uses of each card, and the
balances orders spend, kept in the shop's database.

Shopify takes a gift card as a payment, not a discount. It comes off what is left to pay
once every discount is taken (`Cart.cost.totalAmount`), never off the subtotal, a line or
a discount allocation; an order's `total_price` keeps the whole amount, with "gift_card"
among its `payment_gateway_names`. Cards pay in the order they were added, each at most
its balance: a card worth more than what is left pays part of it and keeps the rest
(`AppliedGiftCard.balance`, the amount left on the card).

Cards hold the shop's currency. In a cart of another market a card pays in the cart's
currency, its balance converted at the market's rate (markets.py); what it paid comes off
the card in its own currency, which `AppliedGiftCard.amountUsed` and `balance` show, and
`presentmentAmountUsed` is what that paid of the cart, as Shopify's fields say.

A code cannot be applied when no card has it (in any case, but exactly: Shopify trims
nothing), the card is disabled, it expired (its `expiresOn` is before the shop's today,
read from the cart store's clock) or nothing is left on it. Shopify's `CartErrorCode`
and `CartWarningCode` have no value of their own for these: the demo answers `INVALID`
on the code's place in `giftCardCodes`, with a message that never repeats the code.
Applying a card twice is no error and applies it once, as Shopify does. A card that
expires, is disabled or runs out after it was applied stays on the cart but pays nothing
and is not listed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from storefront.demo_shop.catalog import GiftCard
from storefront.demo_shop.database import SqliteFile
from storefront.demo_shop.markets import Market
from storefront.demo_shop.money import ZERO, cents

SCHEMA = """
CREATE TABLE IF NOT EXISTS demo_gift_card_uses (
    id INTEGER PRIMARY KEY,
    card_id INTEGER NOT NULL,
    order_id INTEGER NOT NULL,
    cents INTEGER NOT NULL,
    created REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS demo_gift_card_uses_card ON demo_gift_card_uses (card_id);
CREATE INDEX IF NOT EXISTS demo_gift_card_uses_order ON demo_gift_card_uses (order_id);
"""

GATEWAY = "gift_card"  # the payment gateway Shopify names a gift card payment after

# Why a code can't be applied: the message of its INVALID user error.
UNKNOWN = "The gift card code is not valid."
DISABLED = "The gift card is disabled."
EXPIRED = "The gift card has expired."
USED_UP = "There is nothing left on the gift card."


@dataclass(frozen=True)
class Applied:
    """A card on a cart: what it pays, and what is left on it afterwards."""

    card: GiftCard
    used: Decimal  # taken from the card, in its currency
    balance: Decimal  # left on it, in its currency
    presented: Decimal  # what that pays of the cart, in the cart's currency


def problem(card: GiftCard | None, balance: Decimal, today: date) -> str | None:
    """Why `card` (None: no card has the code) can't pay today, or None when it can."""
    if card is None:
        return UNKNOWN
    if not card.enabled:
        return DISABLED
    if card.expires_on is not None and today > card.expires_on:
        return EXPIRED
    if balance <= 0:
        return USED_UP
    return None


def apply(
    cards: Iterable[tuple[GiftCard, Decimal]], total: Decimal, market: Market
) -> tuple[Applied, ...]:
    """Each (card, balance) in turn pays what it can of `total`, in `market`'s currency:
    its balance converted at the market's rate, and what it paid taken from the card in
    the card's currency (all of it when it paid all it could)."""
    left, applied = total, []
    for card, balance in cards:
        available = market.convert(balance)
        paid = min(available, max(left, ZERO))
        used = balance if paid == available else min(market.to_shop(paid), balance)
        left -= paid
        applied.append(Applied(card, used, balance - used, paid))
    return tuple(applied)


class Ledger:
    """What orders spent of each card (and refunds gave back), in the shop's database.

    Amounts are kept in cents, so sums are exact. Spending and giving back happen in
    the transaction of the order or refund they belong to (`conn`).
    """

    def __init__(self, db: SqliteFile) -> None:
        self.db = db
        db.require(SCHEMA)

    def spent(
        self, card_ids: Sequence[int], conn: sqlite3.Connection | None = None
    ) -> dict[int, Decimal]:
        """Card id -> what has been spent of it so far (cards never used are left out)."""
        if not card_ids:  # most carts: no need to open the database at all
            return {}
        conn = conn or self.db.connection()
        marks = ",".join("?" * len(card_ids))
        rows = conn.execute(
            f"SELECT card_id, SUM(cents) FROM demo_gift_card_uses WHERE card_id IN ({marks})"
            " GROUP BY card_id", list(card_ids)).fetchall()
        return {card_id: Decimal(total) / 100 for card_id, total in rows}

    def balances(
        self, cards: Sequence[GiftCard], conn: sqlite3.Connection | None = None
    ) -> dict[int, Decimal]:
        """Card id -> what is left on it: its catalog balance, less what orders spent."""
        spent = self.spent([card.id for card in cards], conn)
        return {card.id: card.balance - spent.get(card.id, ZERO) for card in cards}

    def of_order(
        self, order_id: int, conn: sqlite3.Connection | None = None
    ) -> list[tuple[int, Decimal, Decimal]]:
        """(card id, what it paid, what it still holds of the order once refunds gave some
        back) for each card the order used, in the order they paid."""
        conn = conn or self.db.connection()
        rows = conn.execute(
            "SELECT card_id, SUM(MAX(cents, 0)), SUM(cents) FROM demo_gift_card_uses"
            " WHERE order_id = ? GROUP BY card_id ORDER BY MIN(id)", (order_id,)).fetchall()
        return [(card_id, Decimal(paid) / 100, Decimal(net) / 100) for card_id, paid, net in rows]

    def record(self, conn: sqlite3.Connection, order_id: int,
               amounts: Iterable[tuple[int, Decimal]], now: float) -> None:
        """Spend (a positive amount) or give back (a negative one) on each card."""
        conn.executemany(
            "INSERT INTO demo_gift_card_uses (card_id, order_id, cents, created)"
            " VALUES (?, ?, ?, ?)",
            [(card_id, order_id, cents(value), now) for card_id, value in amounts if value])

    def give_back(self, conn: sqlite3.Connection, order_id: int, value: Decimal,
                  now: float) -> None:
        """Return `value` of a refund to the cards the order used, the last one first."""
        returned = []
        for card_id, _, net in reversed(self.of_order(order_id, conn)):
            share = min(net, value)
            if share > 0:
                returned.append((card_id, -share))
                value -= share
        self.record(conn, order_id, returned, now)
