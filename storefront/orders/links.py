"""Creators' own links to their figures: made, listed and revoked (table `creator_links`).

A link is a row: a random id, the creator's handle, when it was made and
when it was revoked. The URL a creator gets carries the id and the handle,
signed (storefront/creator_stats/tokens.py); the page opens only while the
row says the link is not revoked. The random id, not the signature alone,
is what makes a link unguessable: the demo shop's SECRET_KEY is public, and
a signature made with it still names no link that exists.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, insert, select, update

from storefront.orders.tables import creator_links

ID_BYTES = 12  # 16 URL-safe characters, 96 random bits


@dataclass(frozen=True)
class Link:
    link_id: str
    handle: str
    created_at: datetime  # naive UTC
    revoked_at: datetime | None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def create(engine: Engine, handle: str, now: datetime) -> Link:
    """A new link for `handle` (the creator's current handle)."""
    link = Link(secrets.token_urlsafe(ID_BYTES), handle, _naive_utc(now), None)
    with engine.begin() as conn:
        conn.execute(insert(creator_links).values(
            link_id=link.link_id, handle=link.handle, created_at=link.created_at))
    return link


def find(engine: Engine, link_id: str) -> Link | None:
    """The link `link_id`, revoked or not; None when there is no such link."""
    with engine.connect() as conn:
        row = conn.execute(select(creator_links)
                           .where(creator_links.c.link_id == link_id)).first()
    return Link(row.link_id, row.handle, row.created_at, row.revoked_at) if row else None


def of(engine: Engine, handles: tuple[str, ...]) -> list[Link]:
    """Every link of `handles` (a creator's handle and aliases), oldest first."""
    with engine.connect() as conn:
        rows = conn.execute(select(creator_links)
                            .where(creator_links.c.handle.in_(handles))
                            .order_by(creator_links.c.created_at, creator_links.c.link_id))
        return [Link(row.link_id, row.handle, row.created_at, row.revoked_at) for row in rows]


def revoke(engine: Engine, handles: tuple[str, ...], now: datetime,
           link_id: str | None = None) -> list[str]:
    """Revoke the live links of `handles` (only `link_id`, if given); the ids revoked."""
    live = (creator_links.c.handle.in_(handles), creator_links.c.revoked_at.is_(None))
    if link_id is not None:
        live = (*live, creator_links.c.link_id == link_id)
    with engine.begin() as conn:
        ids = list(conn.execute(select(creator_links.c.link_id).where(*live)
                                .order_by(creator_links.c.link_id)).scalars())
        if ids:
            conn.execute(update(creator_links).where(creator_links.c.link_id.in_(ids))
                         .values(revoked_at=_naive_utc(now)))
    return ids
