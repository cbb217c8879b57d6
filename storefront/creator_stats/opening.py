"""Opening a creator's link, of either kind (kinds.py): the figures page's or the editor's.

Cheapest test first:
1. an address that has sent too many links that do not work: 429 with
   Retry-After, the token unread (as /admin refuses a throttled address even
   with the right password: otherwise the 429 would tell a guesser which
   token is right);
2. a token that is not ours, intact (garbage, cut short, signed with a key
   that is neither SECRET_KEY nor one of SECRET_KEY_FALLBACKS, or for the
   other kind of link): 404;
3. a link its table does not know, or made for another handle: 404; a
   revoked one: 410. Steps 2 and 3 count against the address;
4. a creator whose file is gone: 410 (not counted: the link was good).
The database being unreachable is a 503 page, never a traceback. The handle
comes from the link's row, never from the request: a link opens its own
creator's page and nothing else.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, current_app, request

from storefront.admin import auth
from storefront.creator_stats import tokens
from storefront.creator_stats.kinds import LinkKind
from storefront.creators.model import Creator

log = logging.getLogger(__name__)

# On every answer of a link's page: never stored, indexed, nor sent on as a Referer.
PRIVATE = (("Cache-Control", "no-store"), ("X-Robots-Tag", "noindex, nofollow"),
           ("Referrer-Policy", "no-referrer"))
NOT_VALID = ("This link does not work. Check that it was copied whole, or ask the brand "
             "for a new one.")
TOO_MANY = "Too many links that do not work came from your address."


class Refused(Exception):
    """A request the page cannot answer: a short page with `status`; `counts` when it is
    a failed attempt of the address that sent it."""

    def __init__(self, status: int, title: str, message: str, counts: bool = False) -> None:
        super().__init__(message)
        self.status, self.title, self.message, self.counts = status, title, message, counts


class Throttled(Exception):
    """The address has used up its budget: 429 after `wait` seconds."""

    def __init__(self, wait: float) -> None:
        super().__init__(wait)
        self.wait = wait


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


def unavailable(kind: LinkKind) -> Refused:
    """The 503 for `kind`'s pages when the database cannot be read."""
    return Refused(503, *kind.unavailable)


def open_link(kind: LinkKind, token: str) -> Opened:
    """The link `token` opens; raises Throttled or Refused."""
    throttle = current_app.extensions[kind.extension]
    wait = throttle.budget.wait(request.remote_addr or "unknown", throttle.clock())
    if wait:
        raise Throttled(wait)
    claim = tokens.read(token, current_app.secret_key,
                        current_app.config["SECRET_KEY_FALLBACKS"] or (), salt=kind.salt)
    if claim is None:
        raise Refused(404, "Link not found", NOT_VALID, counts=True)
    # The ledger, and SQLAlchemy with it, is loaded here: on a good signature only.
    from storefront.orders import ledger_for

    try:
        ledger = ledger_for(current_app)
        link = kind.links().find(ledger.engine, claim.link_id)
    except Exception:  # the database unreachable, DATABASE_URL wrong...
        log.exception("%s: %s", kind.name, kind.unreadable)
        raise unavailable(kind) from None
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


def link_pages(bp: Blueprint, kind: LinkKind, render: Callable[..., str]) -> None:
    """Make `bp` the pages of `kind`'s links: every answer PRIVATE; Throttled, wherever
    its views raise it, a 429; Refused the `render`ed message.html, a failed attempt
    counted against the address when it counts."""

    @bp.after_request
    def _private(response: Response) -> Response:
        for name, value in PRIVATE:
            response.headers[name] = value
        return response

    @bp.errorhandler(Throttled)
    def _throttled(throttled: Throttled) -> Response:
        return auth.too_many(throttled.wait, TOO_MANY)

    @bp.errorhandler(Refused)
    def _refused(refused: Refused):
        if refused.counts:
            _count_failure(kind)
        return render("message.html", title=refused.title,
                      message=refused.message), refused.status


def _count_failure(kind: LinkKind) -> None:
    throttle = current_app.extensions[kind.extension]
    address = request.remote_addr or "unknown"
    if throttle.budget.failed(address, throttle.clock()):
        log.warning("%s: %d links that do not work from %s; refusing it for up to %d s",
                    kind.name, auth.ADDRESS_FAILURES, address, auth.ADDRESS_SECONDS)
