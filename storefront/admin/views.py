"""/admin/creators: the creator funnels as a sortable table with charts, one page per
creator, and the same figures as CSV.

Every URL here asks for the admin credentials first, and no response is
stored by a cache or indexed by a search engine.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from datetime import UTC, datetime

from flask import Blueprint, Response, current_app, redirect, request, url_for

from storefront.admin import auth, charts, table
from storefront.admin.pages import render
from storefront.funnels import report

log = logging.getLogger(__name__)

bp = Blueprint("admin", __name__, url_prefix="/admin")

BRAND_HANDLE = "_brand"  # the brand's own store in URLs (no creator handle starts with _)
DEFAULT_SINCE = "7d"
PERIODS = (("7d", "7 days"), ("30d", "30 days"), ("90d", "90 days"))
PRIVATE = (("Cache-Control", "no-store"), ("X-Robots-Tag", "noindex, nofollow"))


class Refused(Exception):
    """A request the dashboard cannot answer: shown as a short page with `status`."""

    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(message)
        self.status, self.title, self.message = status, title, message


@bp.before_request
def _sign_in():
    # remote_addr is the client's own address: ProxyFix has already corrected it
    # when TRUSTED_PROXY_COUNT is set (the same value web.context sends Shopify).
    sign_in: auth.SignIn = current_app.extensions["admin_sign_in"]
    return sign_in.check(request.authorization, request.remote_addr)


@bp.after_request
def _private(response: Response) -> Response:
    for name, value in PRIVATE:
        response.headers[name] = value
    return response


@bp.errorhandler(Refused)
def _refused(refused: Refused):
    return render("message.html", title=refused.title, message=refused.message), refused.status


@bp.get("/")
def index():
    return redirect(url_for(".creators"))


@bp.get("/creators")
def creators():
    recorder = current_app.extensions.get("funnels")
    if recorder is None:
        return render("off.html")
    span, everyone = _span(), request.args.get("all") == "1"
    column, order = _sort()
    with _reading(recorder):
        rows = report.rows(recorder.store, current_app.extensions["creators"], span, everyone)
        days = report.daily(recorder.store, span)
    rows = table.sort_rows(rows, column, order)
    return render(
        "creators.html", span=span, rows=rows, total=table.totals(rows),
        trend=charts.trend(days), funnel_of=charts.small_funnel,
        headers=table.HEADERS, column=column, order=order, everyone=everyone,
        link=_link, sort_link=lambda key: _sort_link(key, column, order),
        csv_url=url_for(".creators_csv", since=_since(), all="1" if everyone else None),
        **_frame(recorder),
    )


@bp.get("/creators/<handle>")
def creator(handle: str):
    recorder = current_app.extensions.get("funnels")
    if recorder is None:
        return render("off.html")
    registry = current_app.extensions["creators"]
    key = report.BRAND if handle == BRAND_HANDLE else handle
    known = registry.get(key) if key else None
    if known is not None and known.handle != key:  # an alias: the creator's own page
        return redirect(url_for(".creator", handle=known.handle, since=request.args.get("since")))
    span = _span()
    with _reading(recorder):
        # (everyone: a known creator with nothing in the period gets a page of zeros)
        rows = report.rows(recorder.store, registry, span, everyone=True)
        days = report.daily(recorder.store, span, key)
    row = next((row for row in rows if row.creator == key), None)
    if row is None:
        raise Refused(404, "No such creator", f"No creator file and no figures for {handle!r} "
                      f"from {span.first} to {span.last}.")
    return render(
        "creator.html", span=span, row=row, funnel=charts.large_funnel(row),
        trend=charts.trend(days), products=row.top_products(limit=10),
        link=lambda **changes: url_for(".creator", handle=handle, **changes),
        **_frame(recorder),
    )


@bp.get("/creators.csv")
def creators_csv():
    recorder = current_app.extensions.get("funnels")
    if recorder is None:
        return Response("Creator funnels are off (FUNNELS_URL=off): nothing is recorded.\n",
                        404, {"Content-Type": "text/plain; charset=utf-8"})
    span, everyone = _span(), request.args.get("all") == "1"
    with _reading(recorder):
        rows = report.rows(recorder.store, current_app.extensions["creators"], span, everyone)
    filename = f"creator-funnels-{span.first}-to-{span.last}.csv"
    return Response(report.as_csv(rows), 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="{filename}"',
    })


def _since() -> str:
    return request.args.get("since", DEFAULT_SINCE)


def _span() -> report.Period:
    try:
        return report.period(_since(), datetime.now(UTC).date())
    except report.BadPeriod as problem:
        raise Refused(400, "Period not understood", str(problem)) from None


def _sort() -> tuple[str, str]:
    column = request.args.get("sort", table.DEFAULT[0])
    order = request.args.get("order", table.first_order(column))
    try:
        return table.check(column, order)
    except table.BadSort as problem:
        raise Refused(400, "Sort not understood", str(problem)) from None


@contextmanager
def _reading(recorder):
    """Reads of the counts; a store that cannot be read is a 503 page naming it."""
    recorder.flush()  # this worker's latest counts (the others' arrive within seconds)
    try:
        yield
    except Exception:
        log.exception("funnel counts could not be read from %s", recorder.store.describe())
        raise Refused(503, "Figures unavailable", "The funnel counts could not be read from "
                      f"{recorder.store.describe()}. Try again in a moment.") from None


def _frame(recorder) -> dict:
    """What every page's header and footer show."""
    since = _since()
    keep = {key: request.args[key] for key in ("all", "sort", "order") if key in request.args}
    return {"since": since, "keep": keep, "periods": PERIODS, "source": recorder.store.describe(),
            "flush_seconds": recorder.flush_seconds,
            "retention_days": current_app.config["FUNNELS_RETENTION_DAYS"],
            "creator_url": lambda who: url_for(".creator", handle=who or BRAND_HANDLE,
                                               since=since)}


def _link(**changes) -> str:
    """The table's URL with some query parameters changed (None drops one)."""
    args = {key: request.args[key] for key in ("since", "all", "sort", "order")
            if key in request.args}
    args.update(changes)
    return url_for(".creators", **{key: value for key, value in args.items() if value is not None})


def _sort_link(key: str, column: str, order: str) -> str:
    """A column header's link: the other order when sorted by it, else its first order."""
    if key == column:
        return _link(sort=key, order="asc" if order == "desc" else "desc")
    return _link(sort=key, order=table.first_order(key))
