"""The orders ledger: deliveries stored first, then applied, idempotently and in any order.

`receive` stores a signed delivery (its JSON less personal data, payload.py)
and commits before anything else is attempted: from then on it is Shopify's
200, whatever processing does. A repeat (the same X-Shopify-Webhook-Id, or the
same body on the same topic, which carries nothing new) is recognised by the
database's unique keys and stored once.

Applying is idempotent and order-free:
- an order keeps its highest version: updated_at, then the topic and the
  body's digest to break ties (a total order), so an older orders/updated
  never rolls an order back, and any arrival order ends on the same row;
- refunds are kept by id, whether they come in refunds/create or listed in
  an order; one that arrives before its order waits for it;
- net sales are recomputed from the order's version and every refund known
  for it (money.net_sales), never accumulated, so nothing counts twice;
- so is the creator's commission (commission.py), with the rule the order
  keeps from when it was first credited to that creator: editing a creator
  file later does not re-price past orders (a credit moved to another
  creator takes the new creator's rule);
- an order's line items are those of its highest version, replaced with it,
  and a refund's are kept with the refund (a creator's page by product).

A delivery that fails (a field missing, a bug, the database busy) stays
stored as `failed` with its error. Each new delivery then retries a few
failed ones that are due (backoff doubling from a minute, up to
AUTO_ATTEMPTS tries), and `flask orders retry` retries them all at once
(after a fix, say); `flask orders failures` lists them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import Connection, Engine, bindparam, or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from storefront.orders import commission as commissions
from storefront.orders import credit as credits
from storefront.orders import db, direct, payload, sums
from storefront.orders.delivery import (
    BadDelivery,
    Delivery,
    Receipt,
    Unavailable,
)
from storefront.orders.money import net_sales
from storefront.orders.tables import deliveries, orders
from storefront.orders.together import Job, Together

log = logging.getLogger(__name__)

# Breaks a tie of equal updated_at; a cancellation outranks a payment.
TOPIC_RANK = {"orders/import": -1, "orders/create": 0, "orders/updated": 1, "orders/paid": 1,
              "orders/cancelled": 2}  # an import (backfill.py) is outranked by any webhook
AUTO_RETRIES_PER_DELIVERY = 3
AUTO_ATTEMPTS = 8
FIRST_BACKOFF = timedelta(minutes=1)
MAX_BACKOFF = timedelta(hours=6)
MAX_ERROR = 2000
LOOK_EVERY = timedelta(seconds=10)


# Statements of the retry path, built once (SQLAlchemy keys its compiled-statement
# cache on each statement object). Those of every delivery go to the driver
# directly (direct.py).
_STORED = select(deliveries.c.topic, deliveries.c.body, deliveries.c.body_sha256).where(
    deliveries.c.id == bindparam("did"))
_MARK = update(deliveries).where(deliveries.c.id == bindparam("did")).values(
    attempts=deliveries.c.attempts + 1)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _short(text: str | None, limit: int) -> str | None:
    return text[:limit] if text else None


class Ledger:
    """Orders and refunds from Shopify's webhooks, in DATABASE_URL.

    `registry` is the creators registry (credit goes through it); `clock`
    returns an aware UTC datetime (tests pass their own); `commission_percent`
    is the rule of creators whose file has no [commission] (COMMISSION_PERCENT).
    """

    def __init__(self, url: str, registry, conflict: str = "link",
                 clock: Callable[[], datetime] = _utc_now,
                 commission_percent: Decimal | str = commissions.DEFAULT_PERCENT) -> None:
        self.url = url
        self.registry = registry
        self.conflict = conflict
        self.clock = clock
        self.commission_percent = Decimal(str(commission_percent))
        self._engine: Engine | None = None
        self._lock = threading.Lock()
        self._next_look: datetime | None = None  # retry_due's next look (naive UTC)
        self._together = Together(self._commit, turn=lambda: db.write_turn(self.engine))

    @property
    def engine(self) -> Engine:
        """The engine, the schema migrated to head on first use in this process (db.py)."""
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    engine = db.make_engine(self.url)
                    db.migrate(engine)
                    self._price_unpriced(engine)
                    self._engine = engine
        return self._engine

    def _now(self) -> datetime:
        return self.clock().astimezone(UTC).replace(tzinfo=None)

    # -- receiving -------------------------------------------------------------------

    def receive(self, delivery: Delivery) -> Receipt:
        """Store `delivery` and apply it, then retry a few failed ones that are due.

        The delivery and its effect are committed together, and with the
        deliveries other threads of this process hand in meanwhile (together.py):
        one commit, one flush to disk, answers them all. A delivery that fails
        to apply is stored as failed before the answer. Nothing is acknowledged
        unstored. Raises BadDelivery (not a JSON object) or Unavailable (not stored).
        """
        stored = self._prepare(delivery)
        try:
            receipt = self._together.submit(stored)
        except Exception as problem:  # the database unreachable, locked, not migratable...
            log.error("order delivery %s not stored", delivery.topic[:100], exc_info=problem)
            raise Unavailable(str(problem)) from None
        self.retry_due()
        return receipt

    def _prepare(self, delivery: Delivery) -> _Stored:
        """`delivery` as it is stored and applied; raises BadDelivery."""
        try:
            data = json.loads(delivery.body, parse_float=Decimal)
            if not isinstance(data, dict):
                raise BadDelivery("the body is not a JSON object")
            # Applied as stored: a retry of the stored body must do what this did.
            data = payload.redact(delivery.topic, data)
            kept = json.dumps(data, default=str, separators=(",", ":"))
        except (ValueError, RecursionError) as problem:
            if isinstance(problem, BadDelivery):
                raise
            raise BadDelivery("the body is not a JSON object") from None
        now = self._now()
        row = {
            "webhook_id": _short(delivery.webhook_id, 200),
            "topic": delivery.topic[:100],
            "body_sha256": hashlib.sha256(delivery.body).hexdigest(),
            "event_id": _short(delivery.event_id, 200),
            "triggered_at": _short(delivery.triggered_at, 64),
            "shop_domain": _short(delivery.shop_domain, 255),
            "api_version": _short(delivery.api_version, 20),
            "received_at": now,
            "body": kept,
            "status": "done",
            "error": None,
            "attempts": 1,
            "last_attempt_at": now,
        }
        return _Stored(row, data, _order_key(data))

    def _commit(self, jobs: list[Job]) -> None:
        """Store and apply the deliveries of `jobs` in one transaction (together.py).

        First all at once: a duplicate is told by the insert that does nothing
        (ON CONFLICT DO NOTHING), so no delivery needs a savepoint of its own.
        If one fails to apply, that transaction is rolled back and the batch is
        done again, each delivery in a savepoint (`_store_careful`): the failed
        one is undone alone and kept as failed, and the others go on. Failures
        are rare; a savepoint for every delivery cost each of them two statements.
        """
        # In order id order: on PostgreSQL, batches of two processes then take
        # their orders' locks in one order, and never deadlock.
        jobs = sorted(jobs, key=lambda job: job.work.order_key)
        engine = self.engine
        # (In this process's turn to write: Together takes it before the batch.)
        try:
            with engine.connect() as conn, conn.begin():
                outcomes = [(job, self._store(conn, job.work), None) for job in jobs]
        except _ApplyFailed:
            with engine.connect() as conn, conn.begin():
                outcomes = [(job, *self._store_careful(conn, job.work)) for job in jobs]
        for job, receipt, failure in outcomes:  # committed: now they are answers
            job.result = receipt
            if failure is not None:
                _log_failure(receipt.delivery_id, failure)

    def _insert_delivery(self, cur: direct.Cursor, row: dict) -> int | None:
        """The new delivery's id, or None when it is a repeat (its webhook id, or its topic
        and body, stored already)."""
        found = cur.one(cur.statements.insert_delivery, row)
        return None if found is None else found[0]

    def _store(self, conn: Connection, stored: _Stored) -> Receipt:
        cur = direct.Cursor(conn)
        delivery_id = self._insert_delivery(cur, stored.row)
        if delivery_id is None:
            return Receipt(duplicate=True)
        try:
            self._apply(cur, delivery_id, stored.row["topic"], stored.data,
                        stored.row["body_sha256"])
        except Exception as problem:  # done again with care, and kept as failed there
            raise _ApplyFailed from problem
        return Receipt(duplicate=False, delivery_id=delivery_id)

    def _store_careful(self, conn: Connection,
                       stored: _Stored) -> tuple[Receipt, Exception | None]:
        row = stored.row
        attempt = conn.begin_nested()
        cur = direct.Cursor(conn)
        delivery_id = self._insert_delivery(cur, row)
        if delivery_id is None:
            attempt.rollback()
            return Receipt(duplicate=True), None
        try:
            self._apply(cur, delivery_id, row["topic"], stored.data, row["body_sha256"])
        except Exception as problem:
            attempt.rollback()
            # Kept as failed (its half-applied effect undone), so it is retried.
            error = _error(problem)
            delivery_id = self._insert_delivery(
                cur, {**row, "status": "failed", "error": error[:MAX_ERROR]})
            return Receipt(duplicate=False, delivery_id=delivery_id, error=error), problem
        attempt.commit()
        return Receipt(duplicate=False, delivery_id=delivery_id), None

    # -- processing ------------------------------------------------------------------

    def process(self, delivery_id: int) -> str | None:
        """Apply one stored delivery again; None when it is applied, else the error it keeps."""
        try:
            with db.write_turn(self.engine), self.engine.begin() as conn:
                found = conn.execute(_STORED, {"did": delivery_id}).one_or_none()
                if found is None:
                    return f"no delivery {delivery_id}"
                topic, body, digest = found
                self._apply(direct.Cursor(conn), delivery_id, topic,
                            json.loads(body, parse_float=Decimal), digest)
                self._mark(conn, delivery_id, "done", None)
            return None
        except Exception as problem:  # kept and retried whatever it was: never lost
            error = _error(problem)
            _log_failure(delivery_id, problem)
        try:
            with self.engine.begin() as conn:
                self._mark(conn, delivery_id, "failed", error[:MAX_ERROR])
        except SQLAlchemyError:
            # Left as it was: retry_due picks it up again.
            log.exception("order delivery %s: could not record its failure", delivery_id)
        return error

    def _mark(self, conn: Connection, delivery_id: int, status: str, error: str | None) -> None:
        conn.execute(_MARK, {"did": delivery_id, "status": status, "error": error,
                             "last_attempt_at": self._now()})

    def _apply(self, cur: direct.Cursor, delivery_id: int, topic: str, data: dict,
               digest: str) -> None:
        if topic == "refunds/create":
            refund = payload.refund(data)
            cur.lock_order(refund.order_id)  # one delivery of an order at a time (db.lock_order)
            self._keep_refund(cur, refund, delivery_id)
            self._recompute(cur, refund.order_id)
            return
        order = payload.order(data)
        cur.lock_order(order.id)
        kept = [self._keep_refund(cur, refund, delivery_id) for refund in order.refunds]
        version = f"{order.updated_at:%Y-%m-%dT%H:%M:%S.%f}|{TOPIC_RANK.get(topic, 1)}|{digest}"
        found = cur.all(cur.statements.current, {"oid": order.id})
        current = None if found[0][0] is None else _Current(*found[0][:4])
        if current is None or version > current.version:
            stored = [(refund_id, subtotal, tax) for *_, refund_id, subtotal, tax in found
                      if refund_id is not None]
            self._write_order(cur, order, current, stored, version, delivery_id)
        elif any(kept):
            self._recompute(cur, order.id)  # an older version, listing a refund new to us

    def _write_order(self, cur: direct.Cursor, order: payload.Order, current: _Current | None,
                     stored: list[tuple], version: str, delivery_id: int) -> None:
        """Write `order` (newer than `current`, the row's version, creator and rule, or None)
        with its net sales and commission, and its line items. `stored`: the order's
        refunds in the ledger (id, subtotal, tax), this delivery's own included."""
        credit = credits.credit(order, self.registry, self.conflict)
        rule = None  # the brand's order: no commission
        if credit.creator is not None:
            # The rule the order keeps for this creator, else theirs now (first
            # credited, or credited to another creator now).
            same = current is not None and current.creator == credit.creator
            rule = (current.commission_rule if same and current.commission_rule
                    else self._rule_of(credit.creator))
        reflected = {refund.id for refund in order.refunds}
        later = [(subtotal, tax) for refund_id, subtotal, tax in stored
                 if refund_id not in reflected]
        cancelled = order.cancelled_at is not None
        net = net_sales(order.subtotal, order.tax, order.taxes_included, cancelled, later,
                        order.currency)
        # The lines as this (newest) version lists them, for pages by product.
        lines = [(line.id, line.product_id, line.variant_id, _short(line.title, 255),
                  line.quantity, line.net) for line in order.lines]
        lines_digest = hashlib.blake2b(repr(lines).encode(), digest_size=16).hexdigest()
        values = {
            "name": _short(order.name, 64),
            "created_at": order.created_at,
            "updated_at": order.updated_at,
            "version": version,
            "currency": order.currency,
            "financial_status": _short(order.financial_status, 32),
            "cancelled_at": order.cancelled_at,
            "taxes_included": order.taxes_included,
            "subtotal": order.subtotal,
            "tax": order.tax,
            "reflected_refunds": json.dumps(sorted(reflected)),
            "net_sales": net,
            "customer_id": order.customer_id,
            "discount_codes": json.dumps(list(order.discount_codes)),
            "landing_site": _short(order.landing_site, 2000),
            "creator": credit.creator,
            "credit_rule": credit.rule,
            "link_creator": credit.link_creator,
            "code_creator": credit.code_creator,
            "delivery_id": delivery_id,
            "commission": commissions.commission(rule, net, cancelled, order.currency),
            "commission_rule": rule,
            "lines_digest": lines_digest,
        }
        statements = cur.statements
        if current is None:
            cur.run(statements.insert_order, {"order_id": order.id, **values})
        else:
            # Conditional, so a newer version written meanwhile is never overwritten
            # (lock_order already lets one delivery of an order in at a time).
            cur.run(statements.update_order, {**values, "oid": order.id, "newer": version})
            if not cur.rowcount():
                return
            if current.creator != credit.creator:  # the credit moved: who was paid for it?
                paid_units, paid_away = _paid_to(cur, order.id, credit.creator)
                cur.run(statements.set_paid, {"paid_units": paid_units,
                                              "paid_away": paid_away, "oid": order.id})
            if current.lines_digest == lines_digest:
                return  # (the same items as the lines already written: most versions)
            cur.run(statements.delete_lines, {"oid": order.id})
        if lines:
            cur.run_many(statements.insert_lines,
                         [dict(zip(direct.LINE_COLUMNS, (order.id, *line), strict=True))
                          for line in lines])

    # -- commission ------------------------------------------------------------------

    def _rule_of(self, handle: str) -> str:
        """The creator's rule as their file says now, else the shop's default."""
        creator = self.registry.get(handle)
        if creator is not None and creator.commission is not None:
            return creator.commission.rule
        return commissions.percent_rule(self.commission_percent)

    def _price_unpriced(self, engine: Engine) -> None:
        """Price the credited orders stored before the ledger knew commission (revision
        0002 added it): each gets its creator's rule as the files say now."""
        with engine.begin() as conn:
            unpriced = list(conn.execute(
                select(orders.c.order_id, orders.c.creator)
                .where(orders.c.creator.is_not(None), orders.c.commission_rule.is_(None))
                # In id order, so two processes pricing at once take the order
                # locks in one order and never deadlock.
                .order_by(orders.c.order_id)))
            cur = direct.Cursor(conn)
            for order_id, creator in unpriced:
                cur.lock_order(order_id)
                conn.execute(update(orders).where(orders.c.order_id == order_id,
                                                  orders.c.commission_rule.is_(None))
                             .values(commission_rule=self._rule_of(creator)))
                self._recompute(cur, order_id)

    def _keep_refund(self, cur: direct.Cursor, refund: payload.Refund,
                     delivery_id: int) -> bool:
        """Keep `refund` unless it is known (a refund never changes once made: the first
        copy is kept); whether it was new."""
        if cur.one(cur.statements.refund_known, {"rid": refund.id}) is not None:
            return False
        cur.run(cur.statements.insert_refund, {
            "refund_id": refund.id, "order_id": refund.order_id,
            "created_at": refund.created_at, "subtotal": refund.subtotal, "tax": refund.tax,
            "delivery_id": delivery_id})
        if refund.lines:  # (kept with it, once: what pages by product take off)
            cur.run_many(cur.statements.insert_refund_lines, [
                {"refund_id": refund.id, "order_id": refund.order_id,
                 "line_item_id": line.line_item_id, "quantity": line.quantity,
                 "subtotal": line.subtotal, "tax": line.tax} for line in refund.lines])
        return True

    def _recompute(self, cur: direct.Cursor, order_id: int) -> None:
        statements = cur.statements
        found = cur.one(statements.order_for_recompute, {"oid": order_id})
        if found is None:
            return  # a refund ahead of its order: applied when the order arrives
        subtotal, tax, taxes_included, cancelled_at, currency, reflected_json, rule = found
        reflected = set(json.loads(reflected_json))
        later = [(subtotal_, tax_) for refund_id, subtotal_, tax_
                 in cur.all(statements.refunds_of, {"oid": order_id})
                 if refund_id not in reflected]
        cancelled = cancelled_at is not None
        net = net_sales(subtotal, tax, taxes_included, cancelled, later, currency)
        earned = commissions.commission(rule, net, cancelled, currency)
        cur.run(statements.set_net, {"net_sales": net, "commission": earned, "oid": order_id})

    # -- retrying --------------------------------------------------------------------

    def retry_due(self, limit: int = AUTO_RETRIES_PER_DELIVERY) -> None:
        """Retry up to `limit` failed (or stranded pending) deliveries whose backoff is over.

        Looks at most once per LOOK_EVERY in this process: backoffs are a minute
        or more, and a query on every delivery was a tenth of its cost.
        """
        now = self._now()
        if self._next_look is not None and now < self._next_look:
            return
        self._next_look = now + LOOK_EVERY
        try:
            with db.reading(self.engine) as conn:
                candidates = conn.execute(
                    select(deliveries.c.id, deliveries.c.attempts, deliveries.c.received_at,
                           deliveries.c.last_attempt_at)
                    .where(deliveries.c.status.in_(("failed", "pending")),
                           deliveries.c.attempts < AUTO_ATTEMPTS)
                    .order_by(deliveries.c.id).limit(200)
                ).all()
        except SQLAlchemyError:
            log.exception("could not look for order deliveries to retry")
            return
        due = [c.id for c in candidates
               if (c.last_attempt_at or c.received_at) + _backoff(c.attempts) <= now]
        for delivery_id in due[:limit]:
            self.process(delivery_id)

    def retry(self, ids: list[int] | None = None) -> dict[int, str | None]:
        """Retry the given deliveries, or every failed or pending one; id -> error or None."""
        with self.engine.connect() as conn:
            query = select(deliveries.c.id).order_by(deliveries.c.id)
            if ids:
                query = query.where(deliveries.c.id.in_(ids))
            else:
                query = query.where(or_(deliveries.c.status == "failed",
                                        deliveries.c.status == "pending"))
            found = list(conn.execute(query).scalars())
        return {delivery_id: self.process(delivery_id) for delivery_id in found}

    def failures(self) -> list[dict]:
        """Deliveries not applied yet: id, topic, received_at, attempts, error."""
        with db.reading(self.engine) as conn:
            rows = conn.execute(
                select(deliveries.c.id, deliveries.c.topic, deliveries.c.webhook_id,
                       deliveries.c.received_at, deliveries.c.status, deliveries.c.attempts,
                       deliveries.c.error)
                .where(deliveries.c.status != "done").order_by(deliveries.c.id))
            return [dict(row._mapping) for row in rows]


class _Current(NamedTuple):
    """What applying reads of an order's row first."""

    version: str
    creator: str | None
    commission_rule: str | None
    lines_digest: str | None


class _ApplyFailed(Exception):
    """A delivery of the batch failed to apply (its cause is the exception's __cause__)."""


@dataclass(frozen=True)
class _Stored:
    """A delivery as it is stored (its row) and applied (its redacted body)."""

    row: dict
    data: dict
    order_key: int  # its order's id (0: none found): the order batches apply in


def _paid_to(cur: direct.Cursor, order_id: int, creator: str | None) -> tuple[int | None, bool]:
    """What payout items paid `creator` for the order (sums.units; None: no item paid
    them), and whether an item paid someone else: the order's paid_units and paid_away
    once its credit has moved to `creator` (tables.py). A new order has neither (no
    item names it), and an order whose credit stays keeps its own: mark_paid adds to
    them."""
    # Read after the order's row was updated: on PostgreSQL that UPDATE waited for a
    # payout batch that had updated the row (payouts.mark_paid does, after adding its
    # items) to commit, so its items are seen here; a batch after it waits for this one.
    items = cur.all(cur.statements.items_of, {"oid": order_id})
    theirs = [sums.units_of(amount) for who, amount in items if who == creator]
    return (sum(theirs) if theirs else None), any(who != creator for who, _ in items)


def _order_key(data: dict) -> int:
    found = data.get("order_id", data.get("id"))
    return found if isinstance(found, int) and not isinstance(found, bool) else 0


def _error(problem: Exception) -> str:
    """What a delivery that failed to apply is kept with."""
    if isinstance(problem, payload.BadPayload):
        return str(problem)
    return f"{type(problem).__name__}: {problem}"


def _log_failure(delivery_id: int, problem: Exception) -> None:
    if isinstance(problem, payload.BadPayload):  # Shopify's data, not our bug: no traceback
        log.warning("order delivery %s failed: %s", delivery_id, problem)
    else:
        log.error("order delivery %s failed", delivery_id, exc_info=problem)


def _backoff(attempts: int) -> timedelta:
    # A pending delivery is given a minute: its own request may still be applying it.
    return min(FIRST_BACKOFF * (2 ** max(attempts - 1, 0)), MAX_BACKOFF)
