"""/creator-stats/<token>: a creator's month of figures, for whoever holds their link.

The link is opened as opening.py says (429 for an address that sent too many
links that do not work, then 404, 410 or 503). Paused and archived creators
still see their figures: they keep the credit and commission of their orders
(README, "Orders"), and the brand ends a link with `--revoke`. Then the month
(`?period=YYYY-MM`, this month by default): 400 when it is not one. The ledger
being unreachable is a 503 page, never a traceback. Every answer is neither
stored (no-store), indexed (noindex) nor sent on as a Referer.
"""

from __future__ import annotations

import logging
from datetime import UTC

from flask import Blueprint, current_app, request

from storefront.creator_stats import figures, opening, pages
from storefront.creator_stats.kinds import FIGURES
from storefront.creator_stats.opening import Refused

log = logging.getLogger(__name__)

bp = Blueprint("creator_stats", __name__)

STATUS_NOTES = {
    "paused": "Your creator page is paused: your links lead to the brand's own store for "
              "now, and new orders through them are not credited to you. What you earned "
              "before is shown here.",
    "archived": "Your creator page is archived: your links lead to the brand's own store, "
                "and new orders through them are not credited to you. What you earned "
                "before is shown here.",
}


opening.link_pages(bp, FIGURES, pages.render)


@bp.get("/<token>")
def page(token: str):
    opened = opening.open_link(FIGURES, token)
    today = opened.ledger.clock().astimezone(UTC).date()
    try:
        when = figures.month(request.args.get("period"), today)
    except figures.BadMonth as problem:
        raise Refused(400, "Month not understood", str(problem)) from None
    creator = opened.creator
    found = _read(opened.ledger, creator.handle, when)
    return pages.render("page.html", creator=creator, figures=found,
                        note=STATUS_NOTES.get(creator.status),
                        hold_days=current_app.config["COMMISSION_HOLD_DAYS"])


def _read(ledger, handle: str, when: figures.Month) -> figures.Figures:
    try:
        return figures.read(ledger, current_app.extensions.get("funnels"), handle, when,
                            current_app.config["COMMISSION_HOLD_DAYS"])
    except Exception:
        log.exception("creator stats: figures for %s could not be read", handle)
        raise opening.unavailable(FIGURES) from None
