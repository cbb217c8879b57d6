"""`flask creators link`: a creator's own link to their figures (made, listed, revoked).

Listed with the other creator commands (storefront.creators.cli), but kept here
with the page it opens: the creators package knows nothing of this one. The
command is the editor's too (commands.py), with the figures page's words and table.
"""

from __future__ import annotations

from storefront.creator_stats import commands
from storefront.creator_stats.kinds import FIGURES
from storefront.creators.cli import creators_cli

link_command = commands.link_command(FIGURES, """Make a link to a read-only page of
    HANDLE's own figures (visits, orders, net sales, earnings, payable and paid, by day
    and by product), or --revoke it.

    Anyone holding the link sees the page: send it to the creator only. It works
    until it is revoked (or SECRET_KEY changes with the old key left out of
    SECRET_KEY_FALLBACKS). An alias makes a link for the creator it belongs to.
    """)

creators_cli.add_command(link_command)
