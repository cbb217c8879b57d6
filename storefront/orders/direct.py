"""The statements of every delivery, handed to the database driver's cursor directly.

A webhook runs about eight statements. Through SQLAlchemy's Connection.execute
each cost about 50 µs of CPU before the driver saw it (execution context,
events, result set-up), against 2 µs for the driver's own cursor: over a third
of a delivery's CPU (`python -m bench.orders`, py-spy). So the ledger's hot
path keeps SQLAlchemy for the connection, the transaction and savepoints, and
sends these statements to the cursor of that same connection, inside that
same transaction.

Values are converted exactly as SQLAlchemy converts them, by the bind and
result processors of each column's own type for the dialect in use (Money as
text on SQLite, its DateTime format), so every other reader of the ledger,
through SQLAlchemy, reads the same rows. The SQL is written with `:name`
parameters (sqlite3's style) and rewritten once for psycopg (`%(name)s`).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Column, Connection, Table
from sqlalchemy.engine import Dialect

from storefront.orders.tables import (
    Money,
    deliveries,
    order_lines,
    orders,
    payout_items,
    refund_lines,
    refunds,
)

_NAMED = re.compile(r":([a-z_][a-z0-9_]*)")


@dataclass(frozen=True)
class Statement:
    sql: str  # in the driver's parameter style
    binds: tuple[tuple[str, Callable[[Any], Any]], ...]  # parameters that need converting
    results: tuple[Callable[[Any], Any] | None, ...]  # per result column

    def params(self, values: Mapping[str, Any]) -> dict[str, Any]:
        if not self.binds:
            return values  # type: ignore[return-value]
        converted = dict(values)
        for name, process in self.binds:
            converted[name] = process(converted[name])
        return converted

    def row(self, found: Sequence[Any]) -> tuple:
        if not self.results:
            return tuple(found)
        return tuple(value if process is None else process(value)
                     for process, value in zip(self.results, found, strict=True))


def _statement(dialect: Dialect, sql: str, binds: Mapping[str, Column],
               results: Iterable[Column] = ()) -> Statement:
    # sqlite3 takes :name whatever style SQLAlchemy uses with it; psycopg takes %(name)s.
    if dialect.driver == "psycopg":
        sql = _NAMED.sub(r"%(\1)s", sql)
    elif dialect.driver != "pysqlite":
        raise ValueError(f"no direct statements for the {dialect.driver} driver")
    processed = []
    for name, column in binds.items():
        process = column.type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            processed.append((name, process))
    readers = tuple(_reader(column, dialect) for column in results)
    return Statement(sql, tuple(processed), readers)


def _reader(column: Column, dialect: Dialect) -> Callable[[Any], Any] | None:
    # Money and Boolean by their meaning (psycopg's numeric reader wants the column's
    # type code, which a plain cursor does not give); others as SQLAlchemy reads them.
    if isinstance(column.type, Money):
        return _money
    if isinstance(column.type, Boolean):
        return _boolean
    return column.type.dialect_impl(dialect).result_processor(dialect, None)


def _money(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _boolean(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _insert(table: Table, columns: Sequence[str], tail: str = "") -> tuple[str, dict]:
    names = ", ".join(columns)
    values = ", ".join(f":{name}" for name in columns)
    return (f"INSERT INTO {table.name} ({names}) VALUES ({values}){tail}",
            {name: table.c[name] for name in columns})


DELIVERY_COLUMNS = ("webhook_id", "topic", "body_sha256", "event_id", "triggered_at",
                    "shop_domain", "api_version", "received_at", "body", "status", "error",
                    "attempts", "last_attempt_at")
ORDER_VALUES = ("name", "created_at", "updated_at", "version", "currency", "financial_status",
                "cancelled_at", "taxes_included", "subtotal", "tax", "reflected_refunds",
                "net_sales", "customer_id", "discount_codes", "landing_site", "creator",
                "credit_rule", "link_creator", "code_creator", "delivery_id", "commission",
                "commission_rule", "lines_digest")
LINE_COLUMNS = ("order_id", "line_item_id", "product_id", "variant_id", "title", "quantity",
                "net")
REFUND_COLUMNS = ("refund_id", "order_id", "created_at", "subtotal", "tax", "delivery_id")
REFUND_LINE_COLUMNS = ("refund_id", "order_id", "line_item_id", "quantity", "subtotal", "tax")
RECOMPUTED = ("subtotal", "tax", "taxes_included", "cancelled_at", "currency",
              "reflected_refunds", "commission_rule")


class Statements:
    """The ledger's per-delivery statements for one dialect (see `for_dialect`)."""

    def __init__(self, dialect: Dialect) -> None:
        self.postgresql = dialect.name == "postgresql"
        c = orders.c
        # A repeat (unique webhook id, or topic and body) inserts nothing and returns no id.
        sql, binds = _insert(deliveries, DELIVERY_COLUMNS,
                             " ON CONFLICT DO NOTHING RETURNING id")
        self.insert_delivery = _statement(dialect, sql, binds)
        # An order's row (NULLs: none yet) and its stored refunds, in one round trip:
        # a row per refund, or one.
        r = refunds.c
        self.current = _statement(
            dialect, "SELECT o.version, o.creator, o.commission_rule, o.lines_digest, "
                     "r.refund_id, r.subtotal, r.tax "
                     "FROM (SELECT CAST(:oid AS BIGINT) AS oid) AS k "
                     "LEFT JOIN orders AS o ON o.order_id = k.oid "
                     "LEFT JOIN refunds AS r ON r.order_id = k.oid", {},
            (c.version, c.creator, c.commission_rule, c.lines_digest, r.refund_id,
             r.subtotal, r.tax))
        # What payout items paid for an order, read when its credit moves (ledger.py).
        self.items_of = _statement(
            dialect, "SELECT creator, amount FROM payout_items WHERE order_id = :oid", {},
            (payout_items.c.creator, payout_items.c.amount))
        # Only then: payouts.mark_paid adds to paid_units of orders whose credit stays.
        self.set_paid = _statement(
            dialect, "UPDATE orders SET paid_units = :paid_units, paid_away = :paid_away "
                     "WHERE order_id = :oid", {"paid_away": c.paid_away})
        self.refunds_of = _statement(
            dialect, "SELECT refund_id, subtotal, tax FROM refunds WHERE order_id = :oid", {},
            (refunds.c.refund_id, refunds.c.subtotal, refunds.c.tax))
        sql, binds = _insert(orders, ("order_id", *ORDER_VALUES))
        self.insert_order = _statement(dialect, sql, binds)
        sets = ", ".join(f"{name} = :{name}" for name in ORDER_VALUES)
        self.update_order = _statement(
            dialect, f"UPDATE orders SET {sets} WHERE order_id = :oid AND version < :newer",
            {name: c[name] for name in ORDER_VALUES})
        self.delete_lines = _statement(dialect, "DELETE FROM order_lines WHERE order_id = :oid",
                                       {})
        self.insert_lines = _statement(dialect, *_insert(order_lines, LINE_COLUMNS))
        self.refund_known = _statement(
            dialect, "SELECT 1 FROM refunds WHERE refund_id = :rid", {})
        self.insert_refund = _statement(dialect, *_insert(refunds, REFUND_COLUMNS))
        self.insert_refund_lines = _statement(dialect,
                                              *_insert(refund_lines, REFUND_LINE_COLUMNS))
        self.order_for_recompute = _statement(
            dialect, f"SELECT {', '.join(RECOMPUTED)} FROM orders WHERE order_id = :oid", {},
            tuple(c[name] for name in RECOMPUTED))
        self.set_net = _statement(
            dialect, "UPDATE orders SET net_sales = :net_sales, commission = :commission "
                     "WHERE order_id = :oid", {"net_sales": c.net_sales,
                                               "commission": c.commission})


_made: dict[str, Statements] = {}
_made_lock = threading.Lock()


def for_dialect(dialect: Dialect) -> Statements:
    found = _made.get(dialect.name)
    if found is None:
        with _made_lock:
            found = _made.setdefault(dialect.name, Statements(dialect))
    return found


class Cursor:
    """The driver's cursor of `conn` (SQLAlchemy's connection, in its transaction)."""

    def __init__(self, conn: Connection) -> None:
        self.statements = for_dialect(conn.dialect)
        self._cursor = conn.connection.cursor()

    def run(self, statement: Statement, values: Mapping[str, Any]) -> None:
        self._cursor.execute(statement.sql, statement.params(values))

    def run_many(self, statement: Statement, rows: list[Mapping[str, Any]]) -> None:
        self._cursor.executemany(statement.sql, [statement.params(row) for row in rows])

    def one(self, statement: Statement, values: Mapping[str, Any]) -> tuple | None:
        """The first row (converted) of `statement`, or None; the rest is read and dropped."""
        self._cursor.execute(statement.sql, statement.params(values))
        rows = self._cursor.fetchall()  # (all: a RETURNING statement is done only then)
        return statement.row(rows[0]) if rows else None

    def all(self, statement: Statement, values: Mapping[str, Any]) -> list[tuple]:
        self._cursor.execute(statement.sql, statement.params(values))
        return [statement.row(found) for found in self._cursor.fetchall()]

    def rowcount(self) -> int:
        return self._cursor.rowcount

    def lock_order(self, order_id: int) -> None:
        """Hold order `order_id` for the rest of this transaction: its deliveries apply one
        at a time.

        On PostgreSQL, a transaction-scoped advisory lock keyed on the order id,
        taken before anything of the order is read. Not SELECT ... FOR UPDATE:
        that locks rows that exist, and an order's first delivery has none yet,
        so two instances could both insert it (one failing on the key), or a
        refund could be kept while its order is being inserted, each transaction
        blind to the other's row, and net sales would miss the refund. A key
        shared with db.PG_MIGRATION_LOCK would only make that order wait for a
        migration. SQLite needs nothing: BEGIN IMMEDIATE (db.py) already lets one
        writer in at a time.
        """
        if self.statements.postgresql:
            self._cursor.execute("SELECT pg_advisory_xact_lock(%(oid)s)", {"oid": order_id})
            self._cursor.fetchall()

    def close(self) -> None:
        self._cursor.close()
