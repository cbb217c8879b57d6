"""/admin/creators: the creator funnels as a sortable table with charts, one page per
creator, and the same figures as CSV.

Beside the funnel, the orders ledger's figures for the same UTC days
(storefront/orders/revenue.py): orders, net sales, AOV, orders per visit,
commission, payable, new customers, LTV and repeat rate, and net sales by day.
The ledger (SQLAlchemy with it) is loaded on the first request that shows
them, never by a worker that only serves the shop. When its database cannot be
read, the funnel is still shown, with a notice (and the error in the log).
No customer data is shown: customers are counted, never listed.
Top products are named by their titles from the Storefront API (funnels/titles.py);
when Shopify cannot answer, by their handles, with a notice.

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
from storefront.creators.code_checks import checks_of
from storefront.funnels import report
from storefront.funnels.titles import titles

log = logging.getLogger(__name__)

bp = Blueprint("admin", __name__, url_prefix="/admin")

WINDOWS = (30, 90, 365)  # the LTV windows a creator's page shows (orders/customers.py)
BRAND_HANDLE = "_brand"  # the brand's own store in URLs (no creator handle starts with _)
DEFAULT_SINCE = "7d"
PRODUCTS_SHOWN = 10  # on a creator's page (the table shows each row's 3)
PERIODS = (("7d", "7 days"), ("30d", "30 days"), ("90d", "90 days"))


class Refused(Exception):
    """A request an admin page cannot answer: shown as a short page with `status`
    (the dashboard's, and the approvals' in storefront/self_service)."""

    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(message)
        self.status, self.title, self.message = status, title, message


auth.staff_only(bp)


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
    registry = current_app.extensions["creators"]
    with _reading(recorder):
        rows = report.rows(recorder.store, registry, span, everyone)
        days = report.daily(recorder.store, span)
    found, unavailable = _ledger(lambda revenue, book, hold: (
        revenue.figures(book.engine, span.first, span.last, book.clock(), hold),
        revenue.by_day(book.engine, span.first, span.last)))
    sales, by_day = found or ([], {})
    if found is not None:
        rows = report.with_revenue(rows, sales, registry)
    rows = table.sort_rows(rows, column, order)
    names = _titles(rows)
    return render(
        "creators.html", span=span, rows=rows, total=table.totals(rows),
        trend=charts.trends(days), funnel_of=charts.small_funnel,
        revenue_charts=[charts.revenues(series, currency) for currency, series in by_day.items()],
        unavailable=unavailable, titles_problem=names.problem,
        headers=table.headers(found is not None), column=column, order=order,
        everyone=everyone, link=_link, sort_link=lambda key: _sort_link(key, column, order),
        csv_url=url_for(".creators_csv", since=_since(), all="1" if everyone else None),
        code_check=_code_check(registry),
        **_frame(recorder),
    )


def _code_check(registry):
    """The template's `code_check(handle)`: the last check of that creator's code against
    the shop (storefront.creators.shop_check.Result), or None (not checked, or changed since)."""
    checks = checks_of(current_app)

    def code_check(handle: str):
        creator = registry.get(handle)
        return checks.for_creator(creator) if creator is not None else None

    return code_check


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
    found, unavailable = _ledger(lambda revenue, book, hold: revenue.for_creator(
        book.engine, key, span.first, span.last, book.clock(), hold))
    row = next((row for row in rows if row.creator == key), None)
    if row is None and found is not None and found.sales:  # orders, but no funnel counts
        row = report.with_revenue([], found.sales, registry)[0]
    elif row is not None and found is not None:
        row.sales = list(found.sales)
    if row is None:
        raise Refused(404, "No such creator", f"No creator file and no figures for {handle!r} "
                      f"from {span.first} to {span.last}.")
    names = _titles([row], limit=PRODUCTS_SHOWN)
    return render(
        "creator.html", span=span, row=row, funnel=charts.large_funnel(row),
        trend=charts.trends(days), products=row.top_products(limit=PRODUCTS_SHOWN),
        titles_problem=names.problem,
        revenue_charts=[] if found is None else [
            charts.revenues(series, currency) for currency, series in found.days.items()],
        revenue_known=found is not None, unavailable=unavailable, windows=WINDOWS,
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
    registry = current_app.extensions["creators"]
    with _reading(recorder):
        rows = report.rows(recorder.store, registry, span, everyone)
    sales, _ = _ledger(lambda revenue, book, hold: revenue.figures(
        book.engine, span.first, span.last, book.clock(), hold))
    if sales is not None:
        rows = report.with_revenue(rows, sales, registry)
    _titles(rows)
    filename = f"creator-funnels-{span.first}-to-{span.last}.csv"
    # (Without the ledger, its columns are empty: the file keeps its shape.)
    return Response(report.as_csv(rows, revenue=sales is not None), 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="{filename}"',
    })


def _titles(rows: list[report.Row], limit: int = 3):
    """Names the rows' `limit` top products (titles.Titles: and why some could not be)."""
    names = titles(current_app.extensions["storefront"], report.product_handles(rows, limit))
    report.with_titles(rows, names.by_handle)
    return names


def _ledger(read):
    """`read(revenue module, ledger, hold days)`, and None; or None and what to tell
    the reader when the orders database cannot be read (the error goes to the log)."""
    from storefront.orders import ledger_for, revenue  # (loaded here, on first use)

    try:
        return read(revenue, ledger_for(current_app),
                    current_app.config["COMMISSION_HOLD_DAYS"]), None
    except Exception:
        log.exception("the orders ledger could not be read for /admin")
        return None, ("Orders, net sales and commission could not be read from the orders "
                      "database (DATABASE_URL); the funnel is shown without them. Try again "
                      "in a moment.")


def _since() -> str:
    return request.args.get("since", DEFAULT_SINCE)


def _span() -> report.Period:
    try:
        recorder = current_app.extensions.get("funnels")  # (its clock dates the counts)
        today = recorder.today() if recorder is not None else datetime.now(UTC).date()
        return report.period(_since(), today)
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
