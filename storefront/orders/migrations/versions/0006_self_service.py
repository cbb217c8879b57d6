"""Creator self-service: edit links, proposed changes, and who did what when.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

The tables are declared in storefront/self_service/tables.py (the ledger never
reads them). A creator edits their page through a signed, revocable link
(creator_edit_links); what they submit waits in creator_changes until the brand
approves or rejects it; every step is a row of creator_change_events.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "creator_edit_links",
        sa.Column("link_id", sa.String(32), primary_key=True, autoincrement=False),
        sa.Column("handle", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_creator_edit_links_handle", "creator_edit_links", ["handle"])
    op.create_table(
        "creator_changes",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("handle", sa.String(64), nullable=False),
        sa.Column("link_id", sa.String(32), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by", sa.String(200), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
    )
    op.create_index("ix_creator_changes_handle_status", "creator_changes", ["handle", "status"])
    op.create_index("ix_creator_changes_status", "creator_changes", ["status"])
    op.create_table(
        "creator_change_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("handle", sa.String(64), nullable=False),
        sa.Column("event", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
    )
    op.create_index("ix_creator_change_events_handle", "creator_change_events",
                    ["handle", "at"])


def downgrade() -> None:
    op.drop_index("ix_creator_change_events_handle", table_name="creator_change_events")
    op.drop_table("creator_change_events")
    op.drop_index("ix_creator_changes_status", table_name="creator_changes")
    op.drop_index("ix_creator_changes_handle_status", table_name="creator_changes")
    op.drop_table("creator_changes")
    op.drop_index("ix_creator_edit_links_handle", table_name="creator_edit_links")
    op.drop_table("creator_edit_links")
