"""`flask creators edit-link`: a creator's own link to edit their page (made, listed, revoked).

Listed with the other creator commands, kept here with the pages it opens; the
command itself is `flask creators link`'s (storefront/creator_stats/commands.py),
with the editor's words and table (EDIT).
"""

from __future__ import annotations

from storefront.creator_stats import commands
from storefront.creators.cli import creators_cli
from storefront.self_service import EDIT

edit_link_command = commands.link_command(EDIT, """Make a link for HANDLE to edit their
    own page (hero, bio, links, picks and notes), or --revoke it.

    What they send waits for approval at /admin/creators/changes. Anyone holding the
    link can propose changes as HANDLE: send it to the creator only.
    """)

creators_cli.add_command(edit_link_command)
