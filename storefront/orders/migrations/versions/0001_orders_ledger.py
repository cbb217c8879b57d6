"""The orders ledger: deliveries, orders, refunds.

Revision ID: 0001
Revises:
Create Date: 2026-11-26

Types are spelled out here rather than imported from tables.py, so this
revision keeps creating what it created when tables.py moves on.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Exact decimals: Numeric where the database has it, text on SQLite (tables.Money).
# Numeric without a scale keeps each amount's own (90.00 stays 90.00, not 90.0000).
MONEY = sa.Numeric().with_variant(sa.String(40), "sqlite")


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("webhook_id", sa.String(200), unique=True, nullable=True),
        sa.Column("topic", sa.String(100), nullable=False),
        sa.Column("body_sha256", sa.String(64), nullable=False),
        sa.Column("event_id", sa.String(200), nullable=True),
        sa.Column("triggered_at", sa.String(64), nullable=True),
        sa.Column("shop_domain", sa.String(255), nullable=True),
        sa.Column("api_version", sa.String(20), nullable=True),
        sa.Column("received_at", sa.DateTime, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_attempt_at", sa.DateTime, nullable=True),
        sa.UniqueConstraint("topic", "body_sha256", name="uq_deliveries_topic_body"),
    )
    op.create_index("ix_deliveries_status", "deliveries", ["status"])
    op.create_table(
        "orders",
        sa.Column("order_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("version", sa.String(120), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("financial_status", sa.String(32), nullable=True),
        sa.Column("cancelled_at", sa.DateTime, nullable=True),
        sa.Column("taxes_included", sa.Boolean, nullable=False),
        sa.Column("subtotal", MONEY, nullable=False),
        sa.Column("tax", MONEY, nullable=False),
        sa.Column("reflected_refunds", sa.Text, nullable=False),
        sa.Column("net_sales", MONEY, nullable=False),
        sa.Column("customer_id", sa.BigInteger, nullable=True),
        sa.Column("discount_codes", sa.Text, nullable=False),
        sa.Column("landing_site", sa.String(2000), nullable=True),
        sa.Column("creator", sa.String(64), nullable=True),
        sa.Column("credit_rule", sa.String(16), nullable=False),
        sa.Column("link_creator", sa.String(64), nullable=True),
        sa.Column("code_creator", sa.String(64), nullable=True),
        sa.Column("delivery_id", sa.Integer, nullable=True),
    )
    op.create_index("ix_orders_created_at", "orders", ["created_at"])
    op.create_index("ix_orders_creator", "orders", ["creator"])
    op.create_table(
        "refunds",
        sa.Column("refund_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("order_id", sa.BigInteger, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=True),
        sa.Column("subtotal", MONEY, nullable=False),
        sa.Column("tax", MONEY, nullable=False),
        sa.Column("delivery_id", sa.Integer, nullable=True),
    )
    op.create_index("ix_refunds_order_id", "refunds", ["order_id"])


def downgrade() -> None:
    op.drop_table("refunds")
    op.drop_table("orders")
    op.drop_table("deliveries")
