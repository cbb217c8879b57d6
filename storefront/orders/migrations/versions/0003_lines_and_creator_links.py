"""Order and refund line items (a creator's figures by product), and creators' own links.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28

Orders and refunds already in the ledger get their lines here, from the
delivery each was kept from (orders.delivery_id, refunds.delivery_id): the
stored body still holds its line items (payload.redact keeps them), so
nothing waits for a webhook that may never come again. The bodies are read
with payload.lines and payload.refund_lines, as the ledger reads new ones; a
body they cannot read leaves that order (or refund) without lines, counted
in the log, and its figures by product short of it. The work is done in
batches of orders, so a large ledger is never all in memory.
"""

import json
import logging
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

from storefront.orders import payload

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

log = logging.getLogger(__name__)

# As in 0001 (tables.Money): exact decimals, text on SQLite.
MONEY = sa.Numeric().with_variant(sa.String(40), "sqlite")
BATCH = 500


def upgrade() -> None:
    op.create_table(
        "order_lines",
        sa.Column("order_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("line_item_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("product_id", sa.BigInteger, nullable=True),
        sa.Column("variant_id", sa.BigInteger, nullable=True),
        sa.Column("title", sa.String(255), nullable=True),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("net", MONEY, nullable=False),
    )
    op.create_index("ix_order_lines_product_id", "order_lines", ["product_id"])
    op.create_table(
        "refund_lines",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("refund_id", sa.BigInteger, nullable=False),
        sa.Column("order_id", sa.BigInteger, nullable=False),
        sa.Column("line_item_id", sa.BigInteger, nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("subtotal", MONEY, nullable=False),
        sa.Column("tax", MONEY, nullable=False),
    )
    op.create_index("ix_refund_lines_order_id", "refund_lines", ["order_id"])
    op.create_index("ix_refund_lines_refund_id", "refund_lines", ["refund_id"])
    op.create_table(
        "creator_links",
        sa.Column("link_id", sa.String(32), primary_key=True, autoincrement=False),
        sa.Column("handle", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("revoked_at", sa.DateTime, nullable=True),
    )
    op.create_index("ix_creator_links_handle", "creator_links", ["handle"])
    _backfill(op.get_bind())


def downgrade() -> None:
    op.drop_table("creator_links")
    op.drop_table("refund_lines")
    op.drop_table("order_lines")


# -- the lines of what the ledger already holds --------------------------------------

deliveries = sa.table("deliveries", sa.column("id", sa.Integer), sa.column("topic", sa.String),
                      sa.column("body", sa.Text))
orders = sa.table("orders", sa.column("order_id", sa.BigInteger),
                  sa.column("delivery_id", sa.Integer), sa.column("taxes_included", sa.Boolean))
refunds = sa.table("refunds", sa.column("refund_id", sa.BigInteger),
                   sa.column("order_id", sa.BigInteger), sa.column("delivery_id", sa.Integer))
order_lines = sa.table(
    "order_lines", *(sa.column(name) for name in (
        "order_id", "line_item_id", "product_id", "variant_id", "title", "quantity", "net")))
refund_lines = sa.table(
    "refund_lines", *(sa.column(name) for name in (
        "refund_id", "order_id", "line_item_id", "quantity", "subtotal", "tax")))


def _backfill(conn: sa.Connection) -> None:
    # Money goes in as the column keeps it: text on SQLite, a decimal elsewhere.
    money = str if conn.dialect.name == "sqlite" else Decimal
    unread = 0
    after = None
    while True:  # orders, a batch at a time, in key order
        query = sa.select(orders.c.order_id, orders.c.taxes_included, deliveries.c.body) \
            .join(deliveries, deliveries.c.id == orders.c.delivery_id) \
            .order_by(orders.c.order_id).limit(BATCH)
        if after is not None:
            query = query.where(orders.c.order_id > after)
        batch = conn.execute(query).all()
        if not batch:
            break
        after = batch[-1].order_id
        rows = []
        for order_id, taxes_included, body in batch:
            try:
                lines = payload.lines(json.loads(body, parse_float=Decimal), bool(taxes_included))
            except (ValueError, TypeError, AttributeError, RecursionError):  # (BadPayload too)
                unread += 1
                continue
            rows += [{"order_id": order_id, "line_item_id": line.id,
                      "product_id": line.product_id, "variant_id": line.variant_id,
                      "title": line.title[:255] if line.title else None,
                      "quantity": line.quantity, "net": money(line.net)} for line in lines]
        if rows:
            conn.execute(sa.insert(order_lines), rows)
    after = None
    while True:  # refunds, likewise
        query = sa.select(refunds.c.refund_id, refunds.c.order_id, deliveries.c.topic,
                          deliveries.c.body) \
            .join(deliveries, deliveries.c.id == refunds.c.delivery_id) \
            .order_by(refunds.c.refund_id).limit(BATCH)
        if after is not None:
            query = query.where(refunds.c.refund_id > after)
        batch = conn.execute(query).all()
        if not batch:
            break
        after = batch[-1].refund_id
        rows = []
        for refund_id, order_id, topic, body in batch:
            try:
                lines = payload.refund_lines(_refund_in(refund_id, topic, body))
            except (ValueError, TypeError, AttributeError, RecursionError):
                unread += 1
                continue
            rows += [{"refund_id": refund_id, "order_id": order_id,
                      "line_item_id": line.line_item_id, "quantity": line.quantity,
                      "subtotal": money(line.subtotal), "tax": money(line.tax)}
                     for line in lines]
        if rows:
            conn.execute(sa.insert(refund_lines), rows)
    if unread:
        log.warning("%d stored orders or refunds have line items that cannot be read: "
                    "they are left out of the figures by product", unread)


def _refund_in(refund_id: int, topic: str, body: str) -> dict:
    """The refund `refund_id` in a stored body: a refunds/create, or an order listing it."""
    data = json.loads(body, parse_float=Decimal)
    if topic == "refunds/create":
        return data
    for refund in data.get("refunds") or ():
        if isinstance(refund, dict) and refund.get("id") == refund_id:
            return refund
    raise ValueError(f"refund {refund_id} is not in its delivery")
