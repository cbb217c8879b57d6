"""Commission on each order, payout batches and their items; orders by customer and time.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27

Orders already in the ledger get commission 0 and no rule here: a migration
cannot read the creator files nor COMMISSION_PERCENT. The ledger prices them
on its first use after this revision (Ledger.engine: each credited order
without a rule gets its creator's rule as the files say then, and its
commission from its net sales), before anything reads commission.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# As in 0001 (tables.Money): exact decimals, text on SQLite.
MONEY = sa.Numeric().with_variant(sa.String(40), "sqlite")


def upgrade() -> None:
    op.add_column("orders", sa.Column("commission", MONEY, nullable=False,
                                      server_default="0"))
    op.add_column("orders", sa.Column("commission_rule", sa.String(40), nullable=True))
    op.create_index("ix_orders_customer_created", "orders", ["customer_id", "created_at"])
    op.create_table(
        "payout_batches",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("hold_days", sa.Integer, nullable=False),
        sa.UniqueConstraint("period", name="uq_payout_batches_period"),
    )
    op.create_table(
        "payout_items",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("batch_id", sa.Integer,
                  sa.ForeignKey("payout_batches.id", name="fk_payout_items_batch"),
                  nullable=False),
        sa.Column("order_id", sa.BigInteger,
                  sa.ForeignKey("orders.order_id", name="fk_payout_items_order"),
                  nullable=False),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.Column("creator", sa.String(64), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.UniqueConstraint("order_id", "sequence", name="uq_payout_items_order_sequence"),
        sa.UniqueConstraint("batch_id", "order_id", "creator",
                            name="uq_payout_items_batch_order"),
    )
    op.create_index("ix_payout_items_creator", "payout_items", ["creator"])


def downgrade() -> None:
    op.drop_table("payout_items")
    op.drop_table("payout_batches")
    op.drop_index("ix_orders_customer_created", table_name="orders")
    # batch mode: SQLite can drop a column only by rebuilding the table.
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("commission_rule")
        batch.drop_column("commission")
