"""The orders bench's ledger, written straight into the database, is one the ledger could
have made: each order keeps what its payout items paid (paid_units, migration 0009)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select

from bench import ledger_data
from storefront.orders import db
from storefront.orders.tables import orders, payout_items


def test_the_built_orders_keep_what_their_items_paid(tmp_path):
    url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    shape = ledger_data.Shape(now=datetime(2026, 11, 26, 12), orders=3000, creators=40)
    built = ledger_data.build([url], shape)
    assert built.items > 100 and built.clawbacks > 0
    engine = db.make_engine(url)
    with engine.connect() as conn:
        paid = defaultdict(int)
        for order_id, amount in conn.execute(select(payout_items.c.order_id,
                                                    payout_items.c.amount)):
            paid[order_id] += int(amount.scaleb(4))
        kept = {order_id: units for order_id, units, away in conn.execute(
            select(orders.c.order_id, orders.c.paid_units, orders.c.paid_away)
            .where(orders.c.paid_units.is_not(None) | orders.c.paid_away))}
    engine.dispose()
    assert kept == dict(paid)
