"""Payout items carry their order's creation time, so balances read the items alone; the
customer index carries what new-customer figures read.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26

A creator's balance (payable now, paid in a span: the dashboards and `creators
report`) adds up every payout item ever made, split by its order's creation
time. The items had to be joined to their orders for that time: over 482,000
items of 1,000,000 orders (`python -m bench.orders`), one lookup in the orders
table per item was most of the report's time. An order's creation time never
changes, so the item keeps a copy, and an index on (creator, currency, that
time, amount) answers the sums from the index alone. It also serves every
lookup by creator, so the creator-only index goes.

New customers (customers.py) look up each order of a span's customers, and of
the year after, by (customer_id, created_at): the index now also carries what
those lookups read (cancelled_at, order_id, currency, net_sales), so they are
answered from it (1.55 s -> 1.07 s over the same ledger, 30 days).
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

CUSTOMER_COLUMNS = ["customer_id", "created_at", "cancelled_at", "order_id", "currency",
                    "net_sales"]


def upgrade() -> None:
    op.add_column("payout_items", sa.Column("order_created_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE payout_items SET order_created_at = (SELECT orders.created_at FROM orders "
               "WHERE orders.order_id = payout_items.order_id)")
    op.drop_index("ix_payout_items_creator", table_name="payout_items")
    op.create_index("ix_payout_items_creator_due", "payout_items",
                    ["creator", "currency", "order_created_at", "amount"])
    op.drop_index("ix_orders_customer_created", table_name="orders")
    op.create_index("ix_orders_customer_created", "orders", CUSTOMER_COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_orders_customer_created", table_name="orders")
    op.create_index("ix_orders_customer_created", "orders", ["customer_id", "created_at"])
    op.drop_index("ix_payout_items_creator_due", table_name="payout_items")
    op.create_index("ix_payout_items_creator", "payout_items", ["creator"])
    with op.batch_alter_table("payout_items") as batch:
        batch.drop_column("order_created_at")
