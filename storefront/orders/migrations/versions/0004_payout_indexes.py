"""Indexes for payouts over a large ledger: orders by creator with their commission,
payout items by order and creator.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29

`flask creators payouts` adds up, per creator, the commission of every order
whose holding period is over and what each paid share of an order was paid
(payouts.py). Over 1,000,000 orders (`python -m bench.orders`), SQLite read
the orders through the creator index one row at a time (about 4 s of the
statement's CPU) and grouped the payout items in a temporary B-tree; with
these two indexes both are read in index order, from the index alone (about
0.3 s and half the items' time). The creator index becomes the wider one: it
still serves every lookup by creator, and an order is written to as many
indexes as before.
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
