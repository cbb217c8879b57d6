"""The kinds of creator link: what tells the figures page's links from the editor's.

Both kinds are made, listed and revoked by the same command (commands.py) and opened
the same way (opening.py); a `LinkKind` holds only what differs: the salt of their
tokens, the table of their rows, their words. The editor's is
storefront.self_service.EDIT. Nothing here loads the ledger or SQLAlchemy: `links`
imports the table's module when it is called.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from storefront.creator_stats import PREFIX, tokens


@dataclass(frozen=True)
class LinkKind:
    name: str  # in log lines: "creator stats"
    extension: str  # app.extensions key of its Throttle
    prefix: str  # of the page's path: "/creator-stats"
    salt: str  # its tokens' (tokens.py); never changed, or every link made stops working
    links: Callable  # () -> the orders.links.Links of its table (imported on call)
    command: str  # `flask creators <command>`
    noun: str  # what the command calls one: "link"
    grants: str  # what holding one lets anyone do: "sees their figures"
    unavailable: tuple[str, str]  # the 503 page's title and message
    unreadable: str  # logged when its table cannot be read
    hints: bool = False  # whether a made link comes with the alias and address hints

    def path_of(self, token: str) -> str:
        return f"{self.prefix}/{token}"


def _figures_links():
    from storefront.orders import links

    return links.FIGURES


FIGURES = LinkKind(
    name="creator stats", extension="creator_stats", prefix=PREFIX, salt=tokens.SALT,
    links=_figures_links, command="link", noun="link", grants="sees their figures",
    unavailable=("Figures unavailable",
                 "Your figures cannot be read just now. Try again in a few minutes."),
    unreadable="the orders ledger cannot be read", hints=True)
