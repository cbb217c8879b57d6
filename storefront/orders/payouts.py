"""Creator payouts: a month's commission per creator, what is payable now, and payout batches.

Every figure comes from the orders' current commission (kept exact per order
by the ledger, commission.py) and from what payout batches paid for each
order (its items; the order keeps their sum for the creator it is credited
to, paid_units, and whether one paid another creator, paid_away: migration
0009); nothing else is accumulated, so a refund or a late webhook changes the
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

The figures are added up in the database (SQL GROUP BYs, exact: sums.py), not
order by order in Python: the whole ledger counts towards what is payable, and
`python -m bench.orders` times the statement over 1,000,000 orders. A batch
reads only the shares owed something. The orders' creator index (0004, 0009)
holds what both read of the orders; only orders whose credit moved after a
payout are joined to their items.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Connection,
    Engine,
    and_,
    bindparam,
    case,
    cast,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.exc import IntegrityError

from storefront import listing
from storefront.orders import db, sums
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

    @property
    def owed(self) -> Decimal:
        return self.due - self.paid


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _batch(conn: Connection, period: str) -> Batch | None:
    found = conn.execute(select(payout_batches).where(payout_batches.c.period == period)).first()
    return Batch(found.id, found.period, found.created_at, found.hold_days) if found else None


def _read(conn: Connection, end: datetime):
    """The shares owed something (either way) in the orders created before `end`, and
    the number of payout items each of their orders has (for the next item's sequence).

    Only those: a share paid what it earns is settled, and most of a ledger is.
    They are found in the database: credited orders whose commission differs
    from what items paid their creator (paid_units; none paid: owed it all),
    and the shares of creators the credit has moved from since they were paid
    (owed back what they were paid).
    """
    def last_item(order_id):
        return select(func.max(payout_items.c.sequence)) \
            .where(payout_items.c.order_id == order_id).scalar_subquery()

    commission = sums.units(orders.c.commission)
    paid = func.coalesce(orders.c.paid_units, 0)
    current = select(orders.c.order_id, orders.c.creator, orders.c.currency,
                     orders.c.created_at, commission.label("due"), paid.label("paid"),
                     last_item(orders.c.order_id).label("items")) \
        .where(orders.c.creator.is_not(None), orders.c.created_at < end, commission != paid)
    share = _moved_shares(end)
    moved = select(share.c.order_id, share.c.creator, share.c.currency, share.c.created_at,
                   literal(0).label("due"), share.c.paid,
                   last_item(share.c.order_id).label("items")) \
        .where(share.c.paid != 0)
    shares, sequences = [], defaultdict(int)
    for found in conn.execute(union_all(current, moved)):
        shares.append(_Share(found.order_id, found.creator, found.currency, found.created_at,
                             sums.amount(found.due, found.currency),
                             sums.amount(found.paid, found.currency)))
        sequences[found.order_id] = int(found.items or 0)
    return shares, sequences


def _moved_shares(end: datetime):
    """The shares of creators an order's credit moved from after items paid them, in
    orders created before `end` (the few with paid_away): the order and the creator,
    the currency they were paid in, the order's time, and what they were paid (in
    sums.units). They earn nothing now: what was paid is owed back.

    (The shares of the creators orders are credited to now are the orders' own:
    their commission, and paid_units.)
    """
    # The orders are found in their partial index (ix_orders_paid_away) first: asked
    # for as a join, SQLite read every item in the items' index order instead.
    away = orders.alias("away")
    return select(
        payout_items.c.order_id, payout_items.c.creator,
        func.min(payout_items.c.currency).label("currency"),
        func.min(orders.c.created_at).label("created_at"),
        # (A whole number again: PostgreSQL's SUM of BIGINT is NUMERIC, slower to add up.)
        cast(func.sum(sums.units(payout_items.c.amount)), BigInteger).label("paid"),
    ).join(orders, orders.c.order_id == payout_items.c.order_id) \
        .where(orders.c.order_id.in_(select(away.c.order_id).where(away.c.paid_away == true())),
               orders.c.created_at < end,
               or_(orders.c.creator.is_(None), payout_items.c.creator != orders.c.creator)) \
        .group_by(payout_items.c.order_id, payout_items.c.creator).subquery("moved")


def _payable(shares: list[_Share], now: datetime, hold_days: int) -> list[_Share]:
    """The shares owed something (either way) whose holding period is over."""
    hold = timedelta(days=hold_days)
    return [s for s in shares if s.owed != ZERO and s.created_at + hold <= now]


def _total(condition, value=1):
    return func.sum(case((condition, value), else_=0))


def _figures(engine: Engine, start: datetime, end: datetime, held: datetime) -> dict:
    """What `statement` shows, added up in the database per (creator, currency), in
    sums.units (exact on both databases): GROUP BYs, not a loop over the ledger.

    `period`: P's orders. `due`: the commission of every credited order whose
    holding period is over (created at `held` or before). `paid` and `moved`,
    from the paid shares (the orders' own, paid_units; then those of creators
    the credit moved from, _moved_shares): what was paid for held orders, the
    adjustments (what those shares earn now less what was paid), how many of
    them are owed something (`unsettled`), and what was paid for P's orders.

    Shares owed nothing add nothing to a sum, so payable = due - held paid,
    as if added share by share. Less the adjustments, what is left is the
    commission of the held orders nothing has paid yet: never negative, so not
    0 exactly when such an order is owed something. A creator's row shows when
    some share is owed something (that, or `unsettled`), never merely because
    sums differ from 0: the same rows as adding up share by share.

    The four are independent: each runs at once on a connection of its own
    (db.reading: on SQLite too, in WAL, taking no lock). The orders' index
    ix_orders_creator_paid holds all that `due` and `paid` read.
    """
    credited = (orders.c.creator.is_not(None), orders.c.created_at < end)
    commission = sums.units(orders.c.commission)
    key = (orders.c.creator, orders.c.currency)
    period = select(*key, func.sum(case((orders.c.cancelled_at.is_(None), 1), else_=0))
                    .label("orders"),
                    func.sum(sums.units(orders.c.net_sales)).label("net_sales"),
                    func.sum(commission).label("earned")) \
        .where(*credited, orders.c.created_at >= start).group_by(*key)
    due = select(*key, func.sum(commission).label("due")) \
        .where(*credited, orders.c.created_at <= held).group_by(*key)
    share_paid = orders.c.paid_units
    paid = _paid_sums(key, orders.c.created_at, commission, share_paid, held, start) \
        .where(*credited, share_paid.is_not(None)).group_by(*key)
    moved = _moved_shares(end)
    moved_key = (moved.c.creator, moved.c.currency)
    gone = _paid_sums(moved_key, moved.c.created_at, literal(0), moved.c.paid, held, start) \
        .group_by(*moved_key)
    queries = {"period": period, "due": due, "paid": paid, "moved": gone}
    with ThreadPoolExecutor(max_workers=len(queries),
                            thread_name_prefix="payouts") as pool:
        running = {name: pool.submit(_all, engine, query) for name, query in queries.items()}
    return {name: future.result() for name, future in running.items()}


def _paid_sums(key, created_at, due, paid, held: datetime, start: datetime):
    """The sums `statement` takes of paid shares (each with its order's `created_at`,
    what it earns now, `due`, and what was `paid` for it), per `key`."""
    held_share, in_period = created_at <= held, created_at >= start
    owed = due - paid
    return select(*key,
                  _total(held_share, paid).label("held_paid"),
                  _total(held_share, owed).label("adjustments"),
                  _total(and_(held_share, owed != 0)).label("unsettled"),
                  _total(in_period, paid).label("paid"),
                  _total(and_(in_period, paid != 0)).label("paid_shares"))


def _all(engine: Engine, query) -> list:
    with db.reading(engine) as conn:
        return conn.execute(query).all()


def statement(engine: Engine, registry, period: str, now: datetime,
              hold_days: int) -> Statement:
    """The figures of `period` as of `now`, one row per creator and currency, by handle.

    Raises BadPeriod for a period that is not YYYY-MM.
    """
    start, end = month(period)
    now = _naive_utc(now)
    found = _figures(engine, start, end, now - timedelta(days=hold_days))
    with db.reading(engine) as conn:
        batch = _batch(conn, period)
        batch_items = list(conn.execute(
            select(payout_items.c.creator, payout_items.c.currency,
                   func.sum(sums.units(payout_items.c.amount)).label("amount"))
            .where(payout_items.c.batch_id == batch.id)
            .group_by(payout_items.c.creator, payout_items.c.currency))) if batch else []
    rows: dict[tuple[str, str], Row] = {}

    def row(handle: str, currency: str) -> Row:
        if (handle, currency) not in rows:
            creator = registry.get(handle)
            rows[(handle, currency)] = Row(handle, creator.name if creator else "", currency)
        return rows[(handle, currency)]

    for line in found["period"]:
        figures = row(line.creator, line.currency)
        figures.orders = int(line.orders)
        figures.net_sales = sums.amount(line.net_sales, line.currency)
        figures.earned = sums.amount(line.earned, line.currency)
    # Per (creator, currency), in units: payable, adjustments, paid shares owed something.
    owed: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for line in found["due"]:
        owed[(line.creator, line.currency)][0] += int(line.due or 0)
    paid: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])  # units, shares
    for line in (*found["paid"], *found["moved"]):
        paid_figures = paid[(line.creator, line.currency)]
        paid_figures[0] += int(line.paid or 0)
        paid_figures[1] += int(line.paid_shares or 0)
        figures = owed[(line.creator, line.currency)]
        figures[0] -= int(line.held_paid or 0)
        figures[1] += int(line.adjustments or 0)
        figures[2] += int(line.unsettled or 0)
    for (handle, currency), (units, shares) in paid.items():
        if shares:
            row(handle, currency).paid = sums.amount(units, currency)
    for (handle, currency), (payable, adjustments, unsettled) in owed.items():
        if unsettled or payable != adjustments:  # a share owed something (see _figures)
            figures = row(handle, currency)
            figures.payable = sums.amount(payable, currency)
            figures.adjustments = sums.amount(adjustments, currency)
    if batch:
        for item in batch_items:
            row(item.creator, item.currency).amount = sums.amount(item.amount, item.currency)
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
            shares, sequences = _read(conn, end)
            items = _items(batch_id, _payable(shares, now, hold_days), sequences)
            if items:
                conn.execute(insert(payout_items), items)
                _keep_paid(conn, batch_id, items)
    except IntegrityError:
        with engine.connect() as conn:
            found = _batch(conn, period)
        if found is not None:
            raise _already(found) from None
        raise Busy("another payout batch was being recorded at the same moment; nothing "
                   "was recorded for this one: run the command again") from None
    return statement(engine, registry, period, now, hold_days)


# What an item adds to its order's paid_units, when its creator is the order's creator.
_ADD_PAID = update(orders).where(
    orders.c.order_id == bindparam("oid"), orders.c.creator == bindparam("who"),
).values(paid_units=func.coalesce(orders.c.paid_units, 0) + bindparam("units", type_=BigInteger))


def _keep_paid(conn: Connection, batch_id: int, items: list[dict]) -> None:
    """Bring the paid orders' paid_units and paid_away (tables.py) in step with the
    batch's `items`, just added.

    Each item adds to its order's paid_units when it paid the creator the order
    is credited to; the orders whose items paid someone else are marked
    paid_away, after: on PostgreSQL a delivery that moved an order's credit
    meanwhile either waited for these updates of its row (then it reads these
    items) or was waited for (then this creator is no longer the order's).
    """
    conn.execute(_ADD_PAID, [{"oid": item["order_id"], "who": item["creator"],
                              "units": sums.units_of(item["amount"])} for item in items])
    mine = payout_items.alias("mine")
    conn.execute(update(orders).where(
        orders.c.order_id.in_(select(mine.c.order_id).where(mine.c.batch_id == batch_id)),
        exists().where(payout_items.c.batch_id == batch_id,
                       payout_items.c.order_id == orders.c.order_id,
                       or_(orders.c.creator.is_(None),
                           payout_items.c.creator != orders.c.creator)),
    ).values(paid_away=True))


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
                          "currency": share.currency, "amount": share.owed,
                          "order_created_at": share.created_at})
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
    # Items of orders whose credit moved since count for the creator they paid, in the
    # currency they were paid in (the order's). Their order's time is on the item (0005):
    # the sums read one index, not an order per item.
    created = payout_items.c.order_created_at
    paid = select(payout_items.c.creator, payout_items.c.currency,
                  func.sum(case((created <= held, amount), else_=0)).label("held"),
                  func.sum(case((created >= start, amount), else_=0)).label("span")) \
        .where(created < end) \
        .group_by(payout_items.c.creator, payout_items.c.currency)
    if creator is not None:
        due = due.where(orders.c.creator == creator)
        paid = paid.where(payout_items.c.creator == creator)
    found: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])  # payable, paid
    with db.reading(engine) as conn:
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
    return listing.dumps({
        "period": report.period,
        "as_of": f"{report.as_of:%Y-%m-%dT%H:%M:%S}Z",
        "hold_days": report.hold_days,
        "batch": None if batch is None else {
            "id": batch.id, "created_at": f"{batch.created_at:%Y-%m-%dT%H:%M:%S}Z",
            "hold_days": batch.hold_days},
        "creators": [row.as_dict(report.period, batch) for row in report.rows],
        "totals": {currency: str(total) for currency, total in report.totals().items()},
    }, "creators", ensure_ascii=False)


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
