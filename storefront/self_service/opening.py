"""Opening an edit link: the token checked, then its row, then the creator behind it.

Each step as the figures page does it (storefront/creator_stats/views.py): a token
that is not ours or names no link is a 404, a revoked link a 410, and both count
against the address that sent them (past the budget: 429, the token unread).
The handle comes from the link's row, never from the request: a link opens its
own creator's page and nothing else.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from flask import current_app

from storefront.creators.model import Creator
from storefront.self_service import tokens

log = logging.getLogger(__name__)

NOT_VALID = ("This link does not work. Check that it was copied whole, or ask the brand "
             "for a new one.")


class Refused(Exception):
    """A request the editor cannot answer: a short page with `status`; `counts` when it
    is a failed attempt of the address that sent it."""

    def __init__(self, status: int, title: str, message: str, counts: bool = False) -> None:
        super().__init__(message)
        self.status, self.title, self.message, self.counts = status, title, message, counts


@dataclass(frozen=True)
class Opened:
    ledger: Any  # storefront.orders.ledger.Ledger: its engine and clock
    link_id: str
    creator: Creator

    @property
    def handle(self) -> str:
        return self.creator.handle

    @property
    def actor(self) -> str:
        return f"link:{self.link_id}"


def unavailable() -> Refused:
    return Refused(503, "Editing unavailable", "Your page cannot be edited just now. Try "
                   "again in a few minutes.")


def open_link(token: str) -> Opened:
    """The link `token` opens; raises Refused."""
    claim = tokens.read(token, current_app.secret_key,
                        current_app.config["SECRET_KEY_FALLBACKS"] or ())
    if claim is None:
        raise Refused(404, "Link not found", NOT_VALID, counts=True)
    # The database layer, SQLAlchemy with it, is loaded here: on a good signature only.
    from storefront.orders import ledger_for
    from storefront.self_service import store

    try:
        ledger = ledger_for(current_app)
        link = store.find_link(ledger.engine, claim.link_id)
    except Exception:  # the database unreachable, DATABASE_URL wrong...
        log.exception("creator edit: the orders database cannot be read")
        raise unavailable() from None
    if link is None or link.handle != claim.handle:
        raise Refused(404, "Link not found", NOT_VALID, counts=True)
    if link.revoked:
        raise Refused(410, "Link turned off", "The brand has turned this link off. Ask them "
                      "for a new one if you still need it.", counts=True)
    creator = current_app.extensions["creators"].get(link.handle)
    if creator is None:
        raise Refused(410, "Link no longer works", "There is no creator page behind this "
                      "link any more. Ask the brand if you think that is a mistake.")
    return Opened(ledger, link.link_id, creator)
