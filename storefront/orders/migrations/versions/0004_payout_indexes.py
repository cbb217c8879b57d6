"""Indexes for payouts over a large ledger: orders by creator with their commission,
payout items by order and creator.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29

`flask creators payouts` adds up, per creator, the commission of every order
whose holding period is over, and what payout items paid for each share of
an order (payouts.py). Over 1,000,000 orders (`python -m bench.orders`),
SQLite read those orders through the creator index a row at a time, each row
from the table (2.4-4 s of CPU); with the creator index carrying currency,
time and commission, it reads the index alone, in the order it groups by
(0.25 s). The items' index does the same for the paid shares (1.8 s -> 1.5 s)
and answers "did an item pay this creator for this order" for a batch. The
creator index becomes the wider one: it serves every lookup by creator as
before, and an order is written to as many indexes as before; its entry moves
when its commission changes (set just after the order is written, and on a
refund), which on PostgreSQL makes that update touch every index of the row.
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_orders_creator", table_name="orders")
    op.create_index("ix_orders_creator_commission", "orders",
                    ["creator", "currency", "created_at", "commission"])
    op.create_index("ix_payout_items_order_creator", "payout_items",
                    ["order_id", "creator", "currency", "amount"])


def downgrade() -> None:
    op.drop_index("ix_payout_items_order_creator", table_name="payout_items")
    op.drop_index("ix_orders_creator_commission", table_name="orders")
    op.create_index("ix_orders_creator", "orders", ["creator"])
