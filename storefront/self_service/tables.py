"""The self-service tables, in the orders database beside the ledger's (same metadata, same
migrations: storefront/orders/migrations/versions/0006_self_service.py).

Kept out of storefront/orders/tables.py: the ledger never reads them. Times are naive UTC,
as the ledger's.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Index, Integer, String, Table, Text

from storefront.orders.tables import metadata

# A creator's links to edit their page (`flask creators edit-link`): the signed token
# carries the handle and `link_id`; the link works while its row is not revoked. Apart
# from creator_links, so a link to the figures never opens the editor, nor the reverse.
edit_links = Table(
    "creator_edit_links", metadata,
    Column("link_id", String(32), primary_key=True, autoincrement=False),
    Column("handle", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("revoked_at", DateTime, nullable=True),
    Index("ix_creator_edit_links_handle", "handle"),
)

# A creator's proposed page: a draft while they edit, pending once submitted, then
# approved or rejected by the brand (or superseded by a later submission). `data` is
# the JSON of the editable fields (changes.Draft); only an approved change reaches
# the creator file.
changes = Table(
    "creator_changes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("handle", String(64), nullable=False),
    Column("link_id", String(32), nullable=False),  # the link it was made through
    Column("status", String(12), nullable=False),  # draft pending approved rejected superseded
    Column("data", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("submitted_at", DateTime, nullable=True),
    Column("decided_at", DateTime, nullable=True),
    Column("decided_by", String(200), nullable=True),  # "admin:<user name>"
    Column("reason", Text, nullable=True),  # why it was rejected, for the creator
    Index("ix_creator_changes_handle_status", "handle", "status"),
    Index("ix_creator_changes_status", "status"),
)

# Who did what, when: link made or revoked, change submitted, approved or rejected.
# `actor` is "link:<link id>" (a creator through their link), "admin:<user>" or
# "cli" (a command run on the server).
events = Table(
    "creator_change_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),
    Column("handle", String(64), nullable=False),
    Column("event", String(20), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("change_id", Integer, nullable=True),
    Column("detail", Text, nullable=True),
    Index("ix_creator_change_events_handle", "handle", "at"),
)
