"""Creators' own links: made, listed and revoked, one row each in a table of links.

A link is a row: a random id, the creator's handle, when it was made and
when it was revoked. The URL a creator gets carries the id and the handle,
signed (storefront/creator_stats/tokens.py); the page opens only while the
row says the link is not revoked. The random id, not the signature alone,
is what makes a link unguessable: the demo shop's SECRET_KEY is public, and
a signature made with it still names no link that exists.

Two tables hold links, with the same columns: `creator_links` (the figures
page's, `FIGURES` here) and `creator_edit_links` (the editor's,
storefront/self_service/store.py, which also logs each link made and revoked).
Kept apart, a figures link never opens the editor, nor the reverse.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, Table, insert, select, update

from storefront.orders import db
from storefront.orders.tables import creator_links

ID_BYTES = 12  # 16 URL-safe characters, 96 random bits

# Told of each link made ("link_made") or revoked ("link_revoked"), inside the same
# transaction: (connection, now, handle, event, actor, link id).
Hook = Callable[[Connection, datetime, str, str, str, str], None]


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


def _link(row) -> Link:
    return Link(row.link_id, row.handle, row.created_at, row.revoked_at)


@dataclass(frozen=True)
class Links:
    """The links kept in `table`; `hook`, if given, hears of each one made or revoked.

    `actor` (who did it: "cli", "admin:<user>"...) only reaches the hook.
    """

    table: Table
    hook: Hook | None = None

    def create(self, engine: Engine, handle: str, now: datetime, actor: str = "cli") -> Link:
        """A new link for `handle` (the creator's current handle)."""
        link = Link(secrets.token_urlsafe(ID_BYTES), handle, _naive_utc(now), None)
        with engine.begin() as conn:
            conn.execute(insert(self.table).values(
                link_id=link.link_id, handle=link.handle, created_at=link.created_at))
            if self.hook:
                self.hook(conn, now, handle, "link_made", actor, link.link_id)
        return link

    def find(self, engine: Engine, link_id: str) -> Link | None:
        """The link `link_id`, revoked or not; None when there is no such link."""
        columns = self.table.c
        with db.reading(engine) as conn:
            row = conn.execute(select(self.table).where(columns.link_id == link_id)).first()
        return _link(row) if row else None

    def of(self, engine: Engine, handles: tuple[str, ...]) -> list[Link]:
        """Every link of `handles` (a creator's handle and aliases), oldest first."""
        columns = self.table.c
        with db.reading(engine) as conn:
            rows = conn.execute(select(self.table).where(columns.handle.in_(handles))
                                .order_by(columns.created_at, columns.link_id))
            return [_link(row) for row in rows]

    def revoke(self, engine: Engine, handles: tuple[str, ...], now: datetime,
               link_id: str | None = None, actor: str = "cli") -> list[str]:
        """Revoke the live links of `handles` (only `link_id`, if given); the ids revoked."""
        columns = self.table.c
        live = (columns.handle.in_(handles), columns.revoked_at.is_(None))
        if link_id is not None:
            live = (*live, columns.link_id == link_id)
        with engine.begin() as conn:
            found = conn.execute(select(columns.link_id, columns.handle).where(*live)
                                 .order_by(columns.link_id)).all()
            if found:
                conn.execute(update(self.table)
                             .where(columns.link_id.in_([row.link_id for row in found]))
                             .values(revoked_at=_naive_utc(now)))
                for row in found:
                    if self.hook:
                        self.hook(conn, now, row.handle, "link_revoked", actor, row.link_id)
        return [row.link_id for row in found]


FIGURES = Links(creator_links)  # the figures page's (`flask creators link`)
