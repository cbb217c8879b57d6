"""A large orders ledger made fast: 1,000,000 orders of 10,000 creators, straight into the tables.

Going through the webhooks would take hours, so the rows are written as the
ledger would have left them (tables.py), by bulk inserts: executemany on
SQLite, COPY on PostgreSQL. The schema comes from the migrations first, so the
tables and indexes are the shipped ones.

The shape (one seed, so every run builds the same ledger):
- orders spread evenly over the months before `now` and the current month so
  far, order ids rising with time, as Shopify's do;
- a fifth of them the brand's own; the rest credited to the generated
  creators (bench/creators.py handles), a few creators far busier than most,
  by note attribute, code or landing site, a few with a link and a code that
  disagree; commission by the rule kept on the order (10 %, 15 % or 5.00 an
  order), rounded half-even to the cent as commission.py does;
- customers with repeat orders, and some orders without a customer;
- 2 % cancelled (net sales and commission 0), 8 % partly or wholly refunded
  (the refund row kept, the order's subtotal after it);
- every month before PERIOD paid in a batch a few days after it ended, paying
  what was payable then (COMMISSION_HOLD_DAYS after the order); a refund after
  a payment is clawed back by the next batch, or, after the last one, is an
  adjustment still owed: what `flask creators payouts` sees in a real shop.
"""

from __future__ import annotations

import json
import random
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bench import creators
from storefront.orders import db
from storefront.orders.report import month

HOLD_DAYS = 30  # COMMISSION_HOLD_DAYS' default: batches paid orders this old
CHUNK = 20_000
BRAND_SHARE = 0.20
CANCELLED_SHARE = 0.02
REFUNDED_SHARE = 0.08
CUSTOMERS_PER_ORDER = 0.65  # distinct customers / orders: about a third come back
NO_CUSTOMER_SHARE = 0.04
CODES = creators.DISCOUNT_CODES
ORDER_COLUMNS = (
    "order_id", "name", "created_at", "updated_at", "version", "currency", "financial_status",
    "cancelled_at", "taxes_included", "subtotal", "tax", "reflected_refunds", "net_sales",
    "customer_id", "discount_codes", "landing_site", "creator", "credit_rule", "link_creator",
    "code_creator", "delivery_id", "commission", "commission_rule", "paid_units",
)
REFUND_COLUMNS = ("refund_id", "order_id", "created_at", "subtotal", "tax", "delivery_id")
BATCH_COLUMNS = ("id", "period", "created_at", "hold_days")
ITEM_COLUMNS = ("id", "batch_id", "order_id", "sequence", "creator", "currency", "amount",
                "order_created_at")
FIRST_ORDER_ID = 5_000_000_000_000
FIRST_REFUND_ID = 900_000_000_000


@dataclass(frozen=True)
class Shape:
    """What to build: how many orders and creators, over how many months before `now`."""

    now: datetime  # naive UTC: the commands read the ledger with the real clock
    orders: int = 1_000_000
    creators: int = 10_000
    months: int = 6
    seed: int = 16

    @property
    def period(self) -> str:
        """The last complete month: the one `report` and `payouts` are asked for."""
        return _month_before(self.now.replace(day=1, hour=0, minute=0, second=0,
                                              microsecond=0)).strftime("%Y-%m")

    @property
    def start(self) -> datetime:
        first = self.now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        for _ in range(self.months):
            first = _month_before(first)
        return first

    def batches(self) -> list[tuple[int, str, datetime]]:
        """(id, period, recorded at) of the batches already paid: every month before PERIOD."""
        found, current, number = [], self.start, 1
        while current.strftime("%Y-%m") < self.period:
            _, end = month(current.strftime("%Y-%m"))
            found.append((number, current.strftime("%Y-%m"), end + timedelta(days=3, hours=9)))
            current, number = end, number + 1
        return found


def _month_before(first: datetime) -> datetime:
    return (first - timedelta(days=1)).replace(day=1)


@dataclass
class Built:
    """What was written, and how long it took."""

    orders: int = 0
    credited: int = 0
    cancelled: int = 0
    refunds: int = 0
    batches: int = 0
    items: int = 0
    clawbacks: int = 0  # items taking back commission paid before a refund
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


# -- the rows ----------------------------------------------------------------------------


def _cents(value: int) -> str:
    sign, value = ("-", -value) if value < 0 else ("", value)
    return f"{sign}{value // 100}.{value % 100:02d}"


def _stamp(moment: datetime) -> str:
    # SQLAlchemy's own text form of a DateTime on SQLite (microseconds always
    # written): stored times compare as text, so the form must be exactly this.
    return moment.isoformat(" ", "microseconds")


def _rule(number: int) -> str:
    """The rule kept on a creator's orders: most at 10 %, some at 15 % or 5.00 an order."""
    return ("per_order:5.00" if number % 10 == 0 else "percent:15" if number % 10 == 1
            else "percent:10")


def _commission(rule: str | None, net: int) -> int:
    """commission.commission in whole cents: half-even, 0 for nothing sold."""
    if rule is None or net <= 0:
        return 0
    kind, _, value = rule.partition(":")
    if kind == "per_order":
        return 500
    whole, rest = divmod(net * int(value), 100)
    if rest * 2 > 100 or (rest * 2 == 100 and whole % 2):
        whole += 1
    return whole


class _Payouts:
    """The batches already recorded, and the items they wrote for each order."""

    def __init__(self, shape: Shape) -> None:
        self.batches = shape.batches()
        self.hold = timedelta(days=HOLD_DAYS)
        self.items: list[tuple] = []
        self.clawbacks = 0

    def pay(self, order_id: int, handle: str, created: datetime, before: int, after: int,
            refunded_at: datetime | None) -> int | None:
        """Items for one credited order: commission `before` a refund at `refunded_at`
        (None: no refund) and `after` it. What they paid the creator, in cents (the
        order's paid_units is 100 times that), or None without an item."""
        paid_by = next((b for b in self.batches if created + self.hold <= b[2]), None)
        if paid_by is None:
            return None
        first = after if refunded_at is not None and refunded_at <= paid_by[2] else before
        if first == 0:
            return None
        self._item(paid_by[0], order_id, 1, handle, first, created)
        if refunded_at is None or first == after:
            return first
        taken_by = next((b for b in self.batches if b[2] >= refunded_at), None)
        if taken_by is None:
            return first
        self._item(taken_by[0], order_id, 2, handle, after - first, created)
        self.clawbacks += 1
        return after

    def _item(self, batch: int, order_id: int, sequence: int, handle: str, cents: int,
              created: datetime) -> None:
        self.items.append((len(self.items) + 1, batch, order_id, sequence, handle, "USD",
                           _cents(cents), _stamp(created)))


def rows(shape: Shape, built: Built) -> Iterator[tuple[list[tuple], list[tuple], list[tuple]]]:
    """Chunks of (orders, refunds, payout items), in order id order."""
    rng = random.Random(shape.seed)
    payouts = _Payouts(shape)
    handles = [creators.handle(n) for n in range(shape.creators + 2)]
    rules = [_rule(n) for n in range(shape.creators + 2)]
    start = shape.start
    step = (shape.now - timedelta(minutes=5) - start).total_seconds() / shape.orders
    no_codes = "[]"
    code_lists = [json.dumps([code]) for code in CODES]
    customers = max(1, int(shape.orders * CUSTOMERS_PER_ORDER))
    orders: list[tuple] = []
    refunds: list[tuple] = []
    for number in range(shape.orders):
        order_id = FIRST_ORDER_ID + number
        created = start + timedelta(seconds=step * (number + rng.random()))
        subtotal = 1500 + int(rng.random() * 38500)
        tax = subtotal * 8 // 100
        handle = rule = link = code_creator = None
        credit_rule, codes, landing = "brand", no_codes, "/"
        if rng.random() >= BRAND_SHARE:
            creator_number = 1 + int(shape.creators * rng.random() ** 2.2)
            creator_number = min(creator_number, shape.creators)
            handle, rule = handles[creator_number], rules[creator_number]
            how = rng.random()
            credit_rule = "attribute" if how < 0.7 else "code" if how < 0.85 else "landing_site"
            if credit_rule != "code":
                link, landing = handle, f"/@{handle}"
            if credit_rule == "code" or rng.random() < 0.5:
                code_creator = handle
                codes = code_lists[creator_number % len(CODES)]
            if credit_rule == "attribute" and rng.random() < 0.01:  # link and code disagree
                code_creator = handles[1 + (creator_number + 7) % shape.creators]
            built.credited += 1
        cancelled = refunded_at = None
        refund = 0
        updated = created + timedelta(minutes=5)
        status = "paid"
        chance = rng.random()
        if chance < CANCELLED_SHARE:
            cancelled = updated = created + timedelta(hours=2)
            status = "voided"
            built.cancelled += 1
        elif chance < CANCELLED_SHARE + REFUNDED_SHARE and created < shape.now - timedelta(days=2):
            longest = min(75 * 86400, (shape.now - created).total_seconds() - 3600)
            refunded_at = updated = created + timedelta(seconds=rng.uniform(86400, longest))
            refund = subtotal // 4 + int(rng.random() * (subtotal - subtotal // 4 + 1))
            status = "refunded" if refund == subtotal else "partially_refunded"
            refund_id = FIRST_REFUND_ID + number
            refunds.append((refund_id, order_id, _stamp(refunded_at), _cents(refund), "0.00",
                            None))
        net = 0 if cancelled else subtotal - refund
        before, after = _commission(rule, 0 if cancelled else subtotal), _commission(rule, net)
        paid = None
        if handle is not None:
            paid = payouts.pay(order_id, handle, created, before, after, refunded_at)
        customer = None if rng.random() < NO_CUSTOMER_SHARE else \
            7_000_000_000 + int(rng.random() * customers)
        orders.append((
            order_id, f"#{1001 + number}", _stamp(created), _stamp(updated),
            f"{updated.isoformat('T', 'microseconds')}|1|{number:064x}", "USD", status,
            _stamp(cancelled) if cancelled else None, False, _cents(subtotal - refund),
            _cents(tax), json.dumps([refund_id]) if refunded_at else "[]", _cents(net),
            customer, codes, landing, handle, credit_rule, link, code_creator, None,
            _cents(after), rule, None if paid is None else paid * 100,
        ))
        if len(orders) == CHUNK:
            yield orders, refunds, []
            orders, refunds = [], []
    built.orders = shape.orders
    yield orders, refunds, payouts.items
    built.items, built.clawbacks = len(payouts.items), payouts.clawbacks
    built.batches = len(payouts.batches)


# -- writing -----------------------------------------------------------------------------


def build(urls: list[str], shape: Shape) -> Built:
    """Migrate the empty databases at `urls` (as DATABASE_URL has them) and fill each
    with the same ledger, made once."""
    started = time.perf_counter()
    for url in urls:
        engine = db.make_engine(db.database_url(url, "."))
        db.migrate(engine)
        engine.dispose()
    writers = [_SQLite(url) if url.startswith("sqlite") else _PostgreSQL(url) for url in urls]
    built = Built()
    batches = [(n, period, _stamp(at), HOLD_DAYS) for n, period, at in shape.batches()]
    try:
        for orders, refunds, items in rows(shape, built):
            for writer in writers:
                writer.write("orders", ORDER_COLUMNS, orders)
                writer.write("refunds", REFUND_COLUMNS, refunds)
                if items:
                    writer.write("payout_batches", BATCH_COLUMNS, batches)
                    writer.write("payout_items", ITEM_COLUMNS, items)
            built.refunds += len(refunds)
        for writer in writers:
            writer.finish()
    finally:
        for writer in writers:
            writer.close()
    built.seconds = round(time.perf_counter() - started, 1)
    return built


class _SQLite:
    def __init__(self, url: str) -> None:
        self.connection = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        # A scratch file: nothing to protect from a power cut while it is made.
        self.connection.execute("PRAGMA synchronous=OFF")
        self.connection.execute("PRAGMA cache_size=-1000000")  # 1 GB: indexes stay in memory
        self.connection.execute("BEGIN")

    def write(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        self.connection.executemany(f"INSERT INTO {table} ({', '.join(columns)}) "
                                    f"VALUES ({', '.join('?' for _ in columns)})", rows)

    def finish(self) -> None:
        self.connection.execute("COMMIT")
        # No ANALYZE: the store never runs it, so its queries are planned without
        # statistics, as they are here.
        self.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        self.connection.close()


class _PostgreSQL:
    def __init__(self, url: str) -> None:
        import psycopg

        self.url = url
        self.connection = psycopg.connect(url)
        self.cursor = self.connection.cursor()
        # Rows made consistent by construction: their foreign keys are not checked
        # one by one (the server's own switch for bulk loads; we are its superuser).
        self.cursor.execute("SET session_replication_role = replica")

    def write(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        if rows:
            with self.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                copy.write(_copy_text(rows))

    def finish(self) -> None:
        import psycopg

        # The ids were given: the serial columns go on from the highest.
        for table in ("payout_batches", "payout_items"):
            self.cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                f"GREATEST((SELECT MAX(id) FROM {table}), 1))")
        self.connection.commit()
        # What autovacuum does by itself soon after a bulk load (statistics, and the
        # visibility map index-only scans rely on); done now, so the timings do not
        # depend on whether it got there first.
        with psycopg.connect(self.url, autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")

    def close(self) -> None:
        self.connection.close()


def _copy_text(rows: list[tuple]) -> str:
    """Rows in COPY's text format (none of the values here needs escaping)."""
    def cell(value) -> str:
        if value is None:
            return "\\N"
        if isinstance(value, bool):
            return "t" if value else "f"
        return str(value)

    return "".join("\t".join(map(cell, row)) + "\n" for row in rows)
