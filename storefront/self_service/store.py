"""Edit links, proposed changes and the log of who did what, in the orders database.

Every function takes the engine and the time from the caller (the ledger's,
`storefront.orders.ledger_for(app)`), so tests move the clock as the ledger's do.
Links are kept as the figures page's are (storefront/orders/links.py): a random id is
what makes a link unguessable, the signature only says the store made it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, insert, select, update

from storefront.orders.links import Links
from storefront.self_service.tables import changes, edit_links, events

# What a change is, from draft to decision.
DRAFT, PENDING, APPROVED, REJECTED, SUPERSEDED = (
    "draft", "pending", "approved", "rejected", "superseded")


@dataclass(frozen=True)
class Change:
    id: int
    handle: str
    link_id: str
    status: str
    data: dict[str, Any]
    created_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None
    decided_by: str | None
    reason: str | None


@dataclass(frozen=True)
class Event:
    at: datetime
    handle: str
    event: str
    actor: str
    change_id: int | None
    detail: str | None


def naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def log(conn, now: datetime, handle: str, event: str, actor: str,
        change_id: int | None = None, detail: str | None = None) -> None:
    conn.execute(insert(events).values(at=naive_utc(now), handle=handle, event=event,
                                       actor=actor, change_id=change_id, detail=detail))


# -- links ---------------------------------------------------------------------------

def _logged(conn, now: datetime, handle: str, event: str, actor: str, link_id: str) -> None:
    log(conn, now, handle, event, actor, detail=link_id)


# Made and revoked as the figures page's are, each one logged ("link_made",
# "link_revoked", the link's id as the detail).
LINKS = Links(edit_links, hook=_logged)


# -- changes -------------------------------------------------------------------------

def _change(row) -> Change:
    return Change(row.id, row.handle, row.link_id, row.status, json.loads(row.data),
                  row.created_at, row.submitted_at, row.decided_at, row.decided_by, row.reason)


def draft_of(engine: Engine, handle: str) -> Change | None:
    """`handle`'s draft (one at most), or None."""
    with engine.connect() as conn:
        row = conn.execute(select(changes).where(changes.c.handle == handle,
                                                 changes.c.status == DRAFT)
                           .order_by(changes.c.id.desc())).first()
    return _change(row) if row else None


def save_draft(engine: Engine, handle: str, link_id: str, data: dict[str, Any],
               now: datetime) -> int:
    """Keep `data` as `handle`'s draft (made, or replaced); its id."""
    text = json.dumps(data, sort_keys=True)
    with engine.begin() as conn:
        found = conn.execute(select(changes.c.id).where(changes.c.handle == handle,
                                                        changes.c.status == DRAFT)).scalar()
        if found is None:
            return conn.execute(insert(changes).values(
                handle=handle, link_id=link_id, status=DRAFT, data=text,
                created_at=naive_utc(now))).inserted_primary_key[0]
        conn.execute(update(changes).where(changes.c.id == found)
                     .values(data=text, link_id=link_id))
        return found


def submit(engine: Engine, handle: str, link_id: str, now: datetime) -> int | None:
    """Send `handle`'s draft to the brand: it becomes pending, and an earlier pending
    change of theirs is superseded. Its id, or None when there was no draft."""
    with engine.begin() as conn:
        found = conn.execute(select(changes.c.id).where(changes.c.handle == handle,
                                                        changes.c.status == DRAFT)).scalar()
        if found is None:
            return None
        older = conn.execute(select(changes.c.id).where(changes.c.handle == handle,
                                                        changes.c.status == PENDING)).scalars()
        for old in list(older):
            conn.execute(update(changes).where(changes.c.id == old)
                         .values(status=SUPERSEDED, decided_at=naive_utc(now)))
            log(conn, now, handle, "superseded", f"link:{link_id}", old)
        conn.execute(update(changes).where(changes.c.id == found).values(
            status=PENDING, submitted_at=naive_utc(now), link_id=link_id))
        log(conn, now, handle, "submitted", f"link:{link_id}", found)
        return found


def get(engine: Engine, change_id: int) -> Change | None:
    with engine.connect() as conn:
        row = conn.execute(select(changes).where(changes.c.id == change_id)).first()
    return _change(row) if row else None


def pending(engine: Engine) -> list[Change]:
    """Every change waiting for the brand, oldest first."""
    with engine.connect() as conn:
        rows = conn.execute(select(changes).where(changes.c.status == PENDING)
                            .order_by(changes.c.submitted_at, changes.c.id))
        return [_change(row) for row in rows]


def latest_of(engine: Engine, handle: str) -> Change | None:
    """`handle`'s latest submitted change, whatever became of it."""
    with engine.connect() as conn:
        row = conn.execute(select(changes).where(changes.c.handle == handle,
                                                 changes.c.status != DRAFT)
                           .order_by(changes.c.id.desc())).first()
    return _change(row) if row else None


def decide(engine: Engine, change_id: int, status: str, actor: str, now: datetime,
           reason: str | None = None, detail: str | None = None) -> bool:
    """Mark pending change `change_id` approved or rejected; False if it was not pending
    (decided meanwhile, superseded): then nothing is written."""
    assert status in (APPROVED, REJECTED)
    with engine.begin() as conn:
        row = conn.execute(select(changes.c.handle).where(changes.c.id == change_id,
                                                          changes.c.status == PENDING)).first()
        if row is None:
            return False
        conn.execute(update(changes).where(changes.c.id == change_id).values(
            status=status, decided_at=naive_utc(now), decided_by=actor, reason=reason))
        log(conn, now, row.handle, status, actor, change_id, detail or reason)
    return True


def recent_events(engine: Engine, limit: int = 50) -> list[Event]:
    with engine.connect() as conn:
        rows = conn.execute(select(events).order_by(events.c.at.desc(), events.c.id.desc())
                            .limit(limit))
        return [Event(r.at, r.handle, r.event, r.actor, r.change_id, r.detail) for r in rows]
