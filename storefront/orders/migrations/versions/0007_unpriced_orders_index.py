"""A partial index of credited orders without a commission rule, so finding them is free.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26

Orders stored before revision 0002 have no commission rule; each process prices
them on its first use of the ledger (ledger.Ledger._price_unpriced). Every order
written since gets its rule as it is written, so there are none on any ledger
begun after 0002, but the search for them read the whole orders table: 0.7 s of
every `flask orders ...` and `flask creators ...` command over 1,000,000 orders
(`python -m bench.orders`). The index holds only the orders still to price
(none, nearly always), so the search reads an empty index instead.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

UNPRICED = sa.text("creator IS NOT NULL AND commission_rule IS NULL")


def upgrade() -> None:
    op.create_index("ix_orders_unpriced", "orders", ["order_id"],
                    sqlite_where=UNPRICED, postgresql_where=UNPRICED)


def downgrade() -> None:
    op.drop_index("ix_orders_unpriced", table_name="orders")
