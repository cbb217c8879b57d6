"""The ledger's tables, in SQLAlchemy Core: deliveries as received, orders, refunds, payouts,
order and refund lines, creator links.

The schema is created and changed by the Alembic revisions in migrations/;
these definitions are what the code reads and writes, and a test checks that
they match what the migrations make.

Money is exact: Numeric on real databases, without a fixed scale, so an
amount comes back as it was written (90.00, or 11345 yen), as on SQLite;
text on SQLite, which would otherwise keep decimals as binary floats (12.10
back as 12.0999...).
Times are naive UTC, the one form every database stores alike.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.types import TypeDecorator

metadata = MetaData()


class Money(TypeDecorator):
    """A Decimal amount, stored without going through a float on any database."""

    impl = Numeric()
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(40))
        return dialect.type_descriptor(Numeric())

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return str(value) if dialect.name == "sqlite" else Decimal(value)

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(str(value))


# Every signed order delivery, stored before it is processed, so none is lost
# whatever processing does. A repeat is recognised by Shopify's delivery id,
# or by the same body on the same topic (the same information twice).
deliveries = Table(
    "deliveries", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("webhook_id", String(200), unique=True, nullable=True),
    Column("topic", String(100), nullable=False),
    Column("body_sha256", String(64), nullable=False),
    Column("event_id", String(200), nullable=True),
    Column("triggered_at", String(64), nullable=True),  # as Shopify wrote it
    Column("shop_domain", String(255), nullable=True),
    Column("api_version", String(20), nullable=True),
    Column("received_at", DateTime, nullable=False),
    Column("body", Text, nullable=False),  # the JSON body, less personal data (payload.py)
    Column("status", String(10), nullable=False),  # pending, done, failed
    Column("error", Text, nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_attempt_at", DateTime, nullable=True),
    UniqueConstraint("topic", "body_sha256", name="uq_deliveries_topic_body"),
    Index("ix_deliveries_status", "status"),
)

_UNPRICED = text("creator IS NOT NULL AND commission_rule IS NULL")
# (SQLite uses a partial index for a query that has its very terms: the `paid_away = 1`
# SQLAlchemy writes there for a true test; PostgreSQL proves it from `paid_away = true`.)
_PAID_AWAY_SQLITE, _PAID_AWAY = text("paid_away = 1"), text("paid_away")

# One row per Shopify order: its latest known version and what it earned whom.
orders = Table(
    "orders", metadata,
    Column("order_id", BigInteger, primary_key=True, autoincrement=False),
    Column("name", String(64), nullable=True),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    # updated_at, then topic and body digest to break ties: a total order, so
    # any delivery order ends on the same version (ledger.py).
    Column("version", String(120), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("financial_status", String(32), nullable=True),
    Column("cancelled_at", DateTime, nullable=True),
    Column("taxes_included", Boolean, nullable=False),
    Column("subtotal", Money, nullable=False),  # current_subtotal_price_set, shop money
    Column("tax", Money, nullable=False),  # current_total_tax_set, shop money
    Column("reflected_refunds", Text, nullable=False),  # JSON ids already in `subtotal`
    Column("net_sales", Money, nullable=False),
    Column("customer_id", BigInteger, nullable=True),
    Column("discount_codes", Text, nullable=False),  # JSON list, as typed
    Column("landing_site", String(2000), nullable=True),
    Column("creator", String(64), nullable=True),  # None: the brand
    Column("credit_rule", String(16), nullable=False),  # attribute, code, landing_site, brand
    Column("link_creator", String(64), nullable=True),
    Column("code_creator", String(64), nullable=True),
    Column("delivery_id", Integer, nullable=True),
    # What the creator earns on it (commission.py): from net_sales, with the rule
    # fixed when the order was first credited to its creator (None: the brand's).
    Column("commission", Money, nullable=False),
    Column("commission_rule", String(40), nullable=True),  # percent:15, per_order:5.00
    # What the order's lines in order_lines were written from (ledger.py; None: unknown,
    # written before 0008): a newer version with the same items leaves them be.
    Column("lines_digest", String(32), nullable=True),
    # What payout items paid the creator credited now, in sums.units (None: no item
    # paid them), and whether one paid another creator (the credit moved since): kept
    # in step with payout_items by payouts.mark_paid and the ledger (0009).
    Column("paid_units", BigInteger, nullable=True),
    Column("paid_away", Boolean, nullable=False, server_default=false()),
    Index("ix_orders_created_at", "created_at"),
    # By creator, with what payouts add up, so they read the index alone (0004, 0009).
    Index("ix_orders_creator_paid", "creator", "currency", "created_at", "commission",
          "paid_units"),
    # New customers (customers.py), read from the index alone (0005).
    Index("ix_orders_customer_created", "customer_id", "created_at", "cancelled_at", "order_id",
          "currency", "net_sales"),
    # Credited orders still without a commission rule (stored before 0002): nearly always
    # none, so the ledger finds them without reading the table (0007).
    Index("ix_orders_unpriced", "order_id", sqlite_where=_UNPRICED, postgresql_where=_UNPRICED),
    # The few orders a payout item paid another creator for (0009).
    Index("ix_orders_paid_away", "order_id", sqlite_where=_PAID_AWAY_SQLITE,
          postgresql_where=_PAID_AWAY),
)

# Refunds by id; one may arrive before its order, and waits here for it.
refunds = Table(
    "refunds", metadata,
    Column("refund_id", BigInteger, primary_key=True, autoincrement=False),
    Column("order_id", BigInteger, nullable=False),
    Column("created_at", DateTime, nullable=True),
    Column("subtotal", Money, nullable=False),  # refund line items' subtotal_set, shop money
    Column("tax", Money, nullable=False),  # their total_tax_set
    Column("delivery_id", Integer, nullable=True),
    Index("ix_refunds_order_id", "order_id"),
)

# One payout batch per month (`flask creators payouts --mark-paid`, payouts.py):
# the period is unique, so a month is never paid twice.
payout_batches = Table(
    "payout_batches", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("period", String(7), nullable=False),  # YYYY-MM
    Column("created_at", DateTime, nullable=False),
    Column("hold_days", Integer, nullable=False),  # COMMISSION_HOLD_DAYS when it was made
    UniqueConstraint("period", name="uq_payout_batches_period"),
)

# What a batch paid a creator for one order: the commission not paid before
# (negative: a clawback after a refund). `sequence` numbers the items of an
# order (1, 2, ...) from what was paid when the batch was made: two batches
# made at once from the same state both take the same number, and the second
# fails on the unique key, so an order's commission is never paid twice.
payout_items = Table(
    "payout_items", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("batch_id", Integer, ForeignKey("payout_batches.id", name="fk_payout_items_batch"),
           nullable=False),
    Column("order_id", BigInteger, ForeignKey("orders.order_id", name="fk_payout_items_order"),
           nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("creator", String(64), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("amount", Money, nullable=False),
    # The order's created_at (it never changes): balances sum the items alone (0005).
    Column("order_created_at", DateTime, nullable=True),
    UniqueConstraint("order_id", "sequence", name="uq_payout_items_order_sequence"),
    UniqueConstraint("batch_id", "order_id", "creator", name="uq_payout_items_batch_order"),
    Index("ix_payout_items_creator_due", "creator", "currency", "order_created_at",
          "amount"),  # 0005
    Index("ix_payout_items_order_creator", "order_id", "creator", "currency", "amount"),  # 0004
)

# An order's line items as its latest version lists them (replaced with each newer
# version, ledger.py): what a creator's page shows by product. `net` is the line's
# price times quantity less its discounts (and its tax where prices include tax),
# in shop money; refunds are not taken off here but from `refund_lines`. The key
# (order_id first) also serves the lookups by order.
order_lines = Table(
    "order_lines", metadata,
    Column("order_id", BigInteger, primary_key=True, autoincrement=False),
    Column("line_item_id", BigInteger, primary_key=True, autoincrement=False),
    Column("product_id", BigInteger, nullable=True),  # None: a custom item
    Column("variant_id", BigInteger, nullable=True),
    Column("title", String(255), nullable=True),  # the product's title as ordered
    Column("quantity", Integer, nullable=False),
    Column("net", Money, nullable=False),
    Index("ix_order_lines_product_id", "product_id"),
)

# The line items of each refund, kept with the refund (once, like it): subtotal and
# tax as Shopify gives them (subtotal_set, total_tax_set, shop money); the order's
# taxes_included says whether the tax is inside the subtotal.
refund_lines = Table(
    "refund_lines", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("refund_id", BigInteger, nullable=False),
    Column("order_id", BigInteger, nullable=False),
    Column("line_item_id", BigInteger, nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("subtotal", Money, nullable=False),
    Column("tax", Money, nullable=False),
    Index("ix_refund_lines_order_id", "order_id"),
    Index("ix_refund_lines_refund_id", "refund_id"),
)

# Creators' own links to their figures (`flask creators link`, links.py). The
# signed token carries the handle and `link_id`; the link works while its row
# says it is not revoked.
creator_links = Table(
    "creator_links", metadata,
    Column("link_id", String(32), primary_key=True, autoincrement=False),
    Column("handle", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("revoked_at", DateTime, nullable=True),
    Index("ix_creator_links_handle", "handle"),
)
