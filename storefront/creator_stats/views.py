"""/creator-stats/<token>: a creator's month of figures, for whoever holds their link.

Each request, cheapest test first:
1. an address that has sent too many links that do not work: 429 with
   Retry-After, the token unread (as /admin refuses a throttled address even
   with the right password: otherwise the 429 would tell a guesser which
   token is right);
2. a token that is not ours, intact (garbage, cut short, signed with a key
   that is neither SECRET_KEY nor one of SECRET_KEY_FALLBACKS): 404;
3. a link the ledger does not know, or made for another handle: 404; a
   revoked one: 410. Steps 2 and 3 count against the address;
4. a creator whose file is gone: 410 (not counted: the link was good).
   Paused and archived creators still see their figures: they keep the
   credit and commission of their orders (README, "Orders"), and the brand
   ends a link with `--revoke`;
5. the month (`?period=YYYY-MM`, this month by default): 400 when it is not one.
The ledger being unreachable is a 503 page, never a traceback. Every answer
is neither stored (no-store), indexed (noindex) nor sent on as a Referer.
"""

from __future__ import annotations

import logging
from datetime import UTC

from flask import Blueprint, Response, current_app, request

from storefront.admin import auth
from storefront.creator_stats import figures, pages, tokens

log = logging.getLogger(__name__)

bp = Blueprint("creator_stats", __name__)

PRIVATE = (("Cache-Control", "no-store"), ("X-Robots-Tag", "noindex, nofollow"),
           ("Referrer-Policy", "no-referrer"))
NOT_VALID = ("This link does not work. Check that it was copied whole, or ask the brand "
             "for a new one.")
STATUS_NOTES = {
    "paused": "Your creator page is paused: your links lead to the brand's own store for "
              "now, and new orders through them are not credited to you. What you earned "
              "before is shown here.",
    "archived": "Your creator page is archived: your links lead to the brand's own store, "
                "and new orders through them are not credited to you. What you earned "
                "before is shown here.",
}


class Refused(Exception):
    """A request the page cannot answer: a short page with `status`; `counts` when it is
    a failed attempt of the address that sent it."""

    def __init__(self, status: int, title: str, message: str, counts: bool = False) -> None:
        super().__init__(message)
        self.status, self.title, self.message, self.counts = status, title, message, counts


@bp.after_request
def _private(response: Response) -> Response:
    for name, value in PRIVATE:
        response.headers[name] = value
    return response


@bp.get("/<token>")
def page(token: str):
    throttle = current_app.extensions["creator_stats"]
    address = request.remote_addr or "unknown"
    now = throttle.clock()
    wait = throttle.budget.wait(address, now)
    if wait:
        return auth.too_many(wait, "Too many links that do not work came from your address.")
    try:
        ledger, creator = _opened(token)
        today = ledger.clock().astimezone(UTC).date()
        try:
            when = figures.month(request.args.get("period"), today)
        except figures.BadMonth as problem:
            raise Refused(400, "Month not understood", str(problem)) from None
        found = _read(ledger, creator.handle, when)
    except Refused as refused:
        if refused.counts and throttle.budget.failed(address, now):
            log.warning("creator stats: %d links that do not work from %s; refusing it for "
                        "up to %d s", auth.ADDRESS_FAILURES, address, auth.ADDRESS_SECONDS)
        return pages.render("message.html", title=refused.title,
                            message=refused.message), refused.status
    return pages.render("page.html", creator=creator, figures=found,
                        note=STATUS_NOTES.get(creator.status),
                        hold_days=current_app.config["COMMISSION_HOLD_DAYS"])


def _opened(token: str):
    """The ledger and the creator `token` opens; raises Refused."""
    claim = tokens.read(token, current_app.secret_key,
                        current_app.config["SECRET_KEY_FALLBACKS"] or ())
    if claim is None:
        raise Refused(404, "Link not found", NOT_VALID, counts=True)
    # The ledger, and SQLAlchemy with it, is loaded here: on a good signature only.
    from storefront.orders import ledger_for, links

    try:
        ledger = ledger_for(current_app)
        link = links.find(ledger.engine, claim.link_id)
    except Exception:  # the database unreachable, DATABASE_URL wrong...
        log.exception("creator stats: the orders ledger cannot be read")
        raise Refused(503, "Figures unavailable", "Your figures cannot be read just now. "
                      "Try again in a few minutes.") from None
    if link is None or link.handle != claim.handle:
        raise Refused(404, "Link not found", NOT_VALID, counts=True)
    if link.revoked:
        raise Refused(410, "Link turned off", "The brand has turned this link off. Ask them "
                      "for a new one if you still need it.", counts=True)
    creator = current_app.extensions["creators"].get(link.handle)
    if creator is None:
        raise Refused(410, "Link no longer works", "There is no creator page behind this "
                      "link any more. Ask the brand if you think that is a mistake.")
    return ledger, creator


def _read(ledger, handle: str, when: figures.Month) -> figures.Figures:
    try:
        return figures.read(ledger, current_app.extensions.get("funnels"), handle, when,
                            current_app.config["COMMISSION_HOLD_DAYS"])
    except Exception:
        log.exception("creator stats: figures for %s could not be read", handle)
        raise Refused(503, "Figures unavailable", "Your figures cannot be read just now. "
                      "Try again in a few minutes.") from None
