"""Creator payouts: a month's commission per creator, what is payable now, and payout batches.

Every figure comes from the orders' current commission (kept exact per order
by the ledger, commission.py) and from what payout batches paid for each
order; nothing is accumulated, so a refund or a late webhook changes the
figures without anything to undo. For a period P (a month, UTC), per creator
and currency:
- orders, net sales, earned: P's orders (created in P; cancelled ones are
  not counted among the orders, and earn 0);
- payable: what is owed now on the orders created up to the end of P whose
  holding period (COMMISSION_HOLD_DAYS after the order) is over: each
  order's commission less what batches paid for it so far;
- adjustments: the part of `payable` on orders paid before, whose
  commission changed since: negative after a refund (a clawback), positive
  if it rose. A refund after a payout shows here in the next run;
- paid: what batches paid so far for P's orders;
- amount: what the payments tool pays. With P's batch recorded, what that
  batch paid the creator; before, what --mark-paid would pay.

`mark_paid` records P's batch: an item per order for what is owed on it now
(negative for a clawback), in one transaction. A creator is paid only when
what they are owed comes to more than 0: a negative total (clawbacks ahead of
new commission) is not paid and not recorded, it stays owed on its orders and
is taken from their next payout. One batch per period, ever: once P is
recorded, marking it again is refused (what became payable since goes into
the next period's batch), and the database holds both rules (tables.py):
a unique period, and each item numbered among its order's items, so two
batches made at once from the same figures cannot both pay an order.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Connection, Engine, case, func, insert, select
from sqlalchemy.exc import IntegrityError

from storefront.orders import sums
from storefront.orders.money import ZERO, rounded
from storefront.orders.report import BadPeriod, month
from storefront.orders.tables import orders, payout_batches, payout_items
from storefront.spreadsheet import safe_cell

__all__ = ["AlreadyPaid", "BadPeriod", "Balance", "Batch", "Busy", "NotOver", "PayoutError",
           "Row", "Statement", "as_csv", "as_json", "as_table", "balances", "mark_paid",
           "statement"]

COLUMNS = ["creator", "name", "currency", "amount", "period", "batch", "orders", "net_sales",
           "earned", "adjustments", "payable", "paid"]
MONEY_COLUMNS = ("net_sales", "earned", "adjustments", "payable", "paid", "amount")


class PayoutError(Exception):
    """A payout batch that cannot be recorded; the message says why and what to do."""


class AlreadyPaid(PayoutError):
    pass


class NotOver(PayoutError):
    pass


class Busy(PayoutError):
    pass


@dataclass(frozen=True)
class Batch:
    id: int
    period: str
    created_at: datetime  # naive UTC
    hold_days: int


@dataclass
class Row:
    creator: str
    name: str
    currency: str
    orders: int = 0
    net_sales: Decimal = ZERO
    earned: Decimal = ZERO
    adjustments: Decimal = ZERO
    payable: Decimal = ZERO
    paid: Decimal = ZERO
    amount: Decimal = ZERO

    def as_dict(self, period: str, batch: Batch | None) -> dict:
        money = {c: str(rounded(getattr(self, c), self.currency)) for c in MONEY_COLUMNS}
        return {"creator": self.creator, "name": self.name, "currency": self.currency,
                "period": period, "batch": batch.id if batch else None,
                "orders": self.orders, **money}


@dataclass
class Statement:
    period: str
    as_of: datetime  # naive UTC: the clock when the figures were read
    hold_days: int
    batch: Batch | None
    rows: list[Row] = field(default_factory=list)

    def totals(self) -> dict[str, Decimal]:
        """The amount to pay per currency."""
        found: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for row in self.rows:
            found[row.currency] += row.amount
        return {currency: rounded(total, currency) for currency, total in sorted(found.items())}


@dataclass
class _Share:
    """One creator's part in one order: the commission due to them, and what they were paid."""

    order_id: int
    creator: str
    currency: str
    created_at: datetime
    due: Decimal = ZERO
    paid: Decimal = ZERO
    payments: int = 0  # items paid for it so far

    @property
    def owed(self) -> Decimal:
        return self.due - self.paid


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _batch(conn: Connection, period: str) -> Batch | None:
    found = conn.execute(select(payout_batches).where(payout_batches.c.period == period)).first()
    return Batch(found.id, found.period, found.created_at, found.hold_days) if found else None


def _read(conn: Connection, end: datetime):
    """The credited orders created before `end`, every share in them, and each order's
    number of payout items (for the next item's sequence)."""
    credited = list(conn.execute(
        select(orders.c.order_id, orders.c.creator, orders.c.currency, orders.c.created_at,
               orders.c.cancelled_at, orders.c.net_sales, orders.c.commission)
        .where(orders.c.creator.is_not(None), orders.c.created_at < end)))
    shares: dict[tuple[int, str], _Share] = {}
    for order in credited:
        shares[(order.order_id, order.creator)] = _Share(
            order.order_id, order.creator, order.currency, order.created_at, due=order.commission)
    items: dict[int, int] = defaultdict(int)
    # Items of orders whose credit moved to another creator (or the brand) since
    # count too: what the earlier creator was paid is owed back.
    for item in conn.execute(
            select(payout_items.c.order_id, payout_items.c.creator, payout_items.c.amount,
                   payout_items.c.sequence, orders.c.currency, orders.c.created_at)
            .join(orders, orders.c.order_id == payout_items.c.order_id)
            .where(orders.c.created_at < end)):
        share = shares.setdefault((item.order_id, item.creator), _Share(
            item.order_id, item.creator, item.currency, item.created_at))
        share.paid += item.amount
        share.payments += 1
        items[item.order_id] = max(items[item.order_id], item.sequence)
    return credited, list(shares.values()), items


def _payable(shares: list[_Share], now: datetime, hold_days: int) -> list[_Share]:
    """The shares owed something (either way) whose holding period is over."""
    hold = timedelta(days=hold_days)
    return [s for s in shares if s.owed != ZERO and s.created_at + hold <= now]


def statement(engine: Engine, registry, period: str, now: datetime,
              hold_days: int) -> Statement:
    """The figures of `period` as of `now`, one row per creator and currency, by handle.

    Raises BadPeriod for a period that is not YYYY-MM.
    """
    start, end = month(period)
    now = _naive_utc(now)
    with engine.connect() as conn:
        batch = _batch(conn, period)
        credited, shares, _ = _read(conn, end)
        batch_items = list(conn.execute(
            select(payout_items.c.creator, payout_items.c.currency, payout_items.c.amount)
            .where(payout_items.c.batch_id == batch.id))) if batch else []
    rows: dict[tuple[str, str], Row] = {}

    def row(handle: str, currency: str) -> Row:
        if (handle, currency) not in rows:
            creator = registry.get(handle)
            rows[(handle, currency)] = Row(handle, creator.name if creator else "", currency)
        return rows[(handle, currency)]

    for order in credited:
        if order.created_at >= start:
            line = row(order.creator, order.currency)
            line.orders += order.cancelled_at is None
            line.net_sales += order.net_sales
            line.earned += order.commission
    for share in shares:
        if share.created_at >= start and share.paid:
            row(share.creator, share.currency).paid += share.paid
    for share in _payable(shares, now, hold_days):
        line = row(share.creator, share.currency)
        line.payable += share.owed
        if share.payments:
            line.adjustments += share.owed
    if batch:
        for item in batch_items:
            row(item.creator, item.currency).amount += item.amount
    else:
        for line in rows.values():
            line.amount = max(line.payable, ZERO)
    return Statement(period, now, hold_days, batch,
                     [rows[key] for key in sorted(rows)])


def mark_paid(engine: Engine, registry, period: str, now: datetime,
              hold_days: int) -> Statement:
    """Record `period`'s payout batch as of `now`, then its statement.

    Raises BadPeriod, NotOver (the month is not over yet), AlreadyPaid (the
    period has its batch), or Busy (another batch was recorded at the same
    moment and this one was rolled back: run it again).
    """
    _, end = month(period)
    now = _naive_utc(now)
    if now < end:
        raise NotOver(f"{period} is not over yet (it ends {end:%Y-%m-%d %H:%M} UTC): "
                      "record its payouts after that")
    try:
        with engine.begin() as conn:
            # SQLite: BEGIN IMMEDIATE (db.py) lets one batch be made at a time.
            # PostgreSQL: the unique keys make a batch made at the same moment fail.
            if (found := _batch(conn, period)) is not None:
                raise _already(found)
            batch_id = conn.execute(insert(payout_batches).values(
                period=period, created_at=now, hold_days=hold_days)).inserted_primary_key[0]
            _, shares, sequences = _read(conn, end)
            items = _items(batch_id, _payable(shares, now, hold_days), sequences)
            if items:
                conn.execute(insert(payout_items), items)
    except IntegrityError:
        with engine.connect() as conn:
            found = _batch(conn, period)
        if found is not None:
            raise _already(found) from None
        raise Busy("another payout batch was being recorded at the same moment; nothing "
                   "was recorded for this one: run the command again") from None
    return statement(engine, registry, period, now, hold_days)


def _items(batch_id: int, owed: list[_Share], sequences: dict[int, int]) -> list[dict]:
    by_creator: dict[tuple[str, str], list[_Share]] = defaultdict(list)
    for share in owed:
        by_creator[(share.creator, share.currency)].append(share)
    items = []
    for _key, shares in sorted(by_creator.items()):
        if sum((s.owed for s in shares), ZERO) <= ZERO:
            continue  # carried: never a negative payment; taken from their next payout
        for share in sorted(shares, key=lambda s: s.order_id):
            sequences[share.order_id] += 1
            items.append({"batch_id": batch_id, "order_id": share.order_id,
                          "sequence": sequences[share.order_id], "creator": share.creator,
                          "currency": share.currency, "amount": share.owed})
    return items


def _already(batch: Batch) -> AlreadyPaid:
    return AlreadyPaid(
        f"{batch.period} was already paid: batch {batch.id}, recorded "
        f"{batch.created_at:%Y-%m-%d %H:%M} UTC. Nothing was paid twice; what became payable "
        "since goes into the next period's batch")


# -- balances, for the dashboards -----------------------------------------------------


@dataclass(frozen=True)
class Balance:
    """One creator's commission in one currency, as `statement` counts it."""

    payable: Decimal  # owed now on the orders created before the span's end
    paid: Decimal  # paid so far for the orders created in the span


def balances(engine: Engine, start: datetime, end: datetime, now: datetime, hold_days: int,
             creator: str | None = None) -> dict[tuple[str, str], Balance]:
    """Per (creator, currency): payable and paid as `statement` has them, for any span
    [start, end) (naive UTC; not only a month) as of `now`; `creator`: that one only.

    The rules are `_payable`'s: a share is owed once its holding period is over
    (created_at + hold_days <= now), its commission less what batches paid for it.
    Added up per creator, the shares owed nothing add nothing, so the sums are
    taken in the database (two GROUP BYs, exact: sums.py) instead of order by order.
    """
    now = _naive_utc(now)
    held = now - timedelta(days=hold_days)  # created up to then: the hold is over
    due = select(orders.c.creator, orders.c.currency,
                 func.sum(sums.units(orders.c.commission)).label("units")) \
        .where(orders.c.creator.is_not(None), orders.c.created_at < end,
               orders.c.created_at <= held) \
        .group_by(orders.c.creator, orders.c.currency)
    amount = sums.units(payout_items.c.amount)
    # Items of orders whose credit moved since count for the creator they paid.
    paid = select(payout_items.c.creator, orders.c.currency,
                  func.sum(case((orders.c.created_at <= held, amount), else_=0)).label("held"),
                  func.sum(case((orders.c.created_at >= start, amount), else_=0)).label("span")) \
        .join(orders, orders.c.order_id == payout_items.c.order_id) \
        .where(orders.c.created_at < end) \
        .group_by(payout_items.c.creator, orders.c.currency)
    if creator is not None:
        due = due.where(orders.c.creator == creator)
        paid = paid.where(payout_items.c.creator == creator)
    found: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])  # payable, paid
    with engine.connect() as conn:
        for row in conn.execute(due):
            found[(row.creator, row.currency)][0] += int(row.units or 0)
        for row in conn.execute(paid):
            units = found[(row.creator, row.currency)]
            units[0] -= int(row.held or 0)
            units[1] += int(row.span or 0)
    return {(handle, currency): Balance(sums.amount(payable, currency),
                                        sums.amount(paid_units, currency))
            for (handle, currency), (payable, paid_units) in sorted(found.items())}


# -- output ----------------------------------------------------------------------------


def as_csv(report: Statement) -> str:
    """For a payments tool: one line per creator and currency; `amount` is what to pay."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in report.rows:
        data = row.as_dict(report.period, report.batch)
        # Handles and names come from files anyone may edit; the figures are ours.
        writer.writerow([safe_cell(data[c]) if c in ("creator", "name") else
                         ("" if data[c] is None else data[c]) for c in COLUMNS])
    return out.getvalue()


def as_json(report: Statement) -> str:
    batch = report.batch
    return json.dumps({
        "period": report.period,
        "as_of": f"{report.as_of:%Y-%m-%dT%H:%M:%S}Z",
        "hold_days": report.hold_days,
        "batch": None if batch is None else {
            "id": batch.id, "created_at": f"{batch.created_at:%Y-%m-%dT%H:%M:%S}Z",
            "hold_days": batch.hold_days},
        "creators": [row.as_dict(report.period, batch) for row in report.rows],
        "totals": {currency: str(total) for currency, total in report.totals().items()},
    }, indent=2, ensure_ascii=False)


def as_table(report: Statement) -> str:
    header = ["creator", "name", "currency", "orders", "net sales", "earned", "adjustments",
              "payable now", "paid", "amount"]
    lines = []
    for row in report.rows:
        data = row.as_dict(report.period, report.batch)
        lines.append([data["creator"], data["name"], data["currency"], str(data["orders"]),
                      data["net_sales"], data["earned"], data["adjustments"], data["payable"],
                      data["paid"], data["amount"]])
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(len(header))]

    def fmt(line):
        return "  ".join(cell.rjust(w) if i >= 3 else cell.ljust(w)
                         for i, (cell, w) in enumerate(zip(line, widths, strict=True))).rstrip()

    batch = report.batch
    title = [f"Payouts {report.period} (UTC), as of {report.as_of:%Y-%m-%d %H:%M} UTC; "
             f"commission is payable {report.hold_days} days after the order"]
    if batch is None:
        title.append("Not paid yet: amount is what --mark-paid would pay.")
    else:
        title.append(f"Paid: batch {batch.id}, recorded {batch.created_at:%Y-%m-%d %H:%M} UTC; "
                     "amount is what it paid, payable now goes into the next period's batch.")
    body = [fmt(header), fmt(["-" * w for w in widths]), *map(fmt, lines)] if lines \
        else ["no commission"]
    totals = report.totals()
    label = "to pay" if batch is None else f"paid in batch {batch.id}"
    footer = ["", f"{label}: " + ", ".join(f"{total} {currency}"
                                           for currency, total in totals.items())] \
        if totals else []
    if any(row.payable < ZERO for row in report.rows):
        footer.append("(a negative payable is not paid: it is taken from the creator's "
                      "next payout)")
    return "\n".join([*title, "", *body, *footer]) + "\n"
