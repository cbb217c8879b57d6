"""`flask creators report`: each creator's funnel over a period, and the orders ledger's
figures for the same UTC days (orders, net sales, commission, customers), as a table,
CSV or JSON.

The ledger (and SQLAlchemy) is loaded only when the command runs; when its
database cannot be read, the funnel is still reported, and the output says the
rest is unavailable and why (stderr; the table and the JSON say it too).
Top products are named by their titles from the Storefront API (funnels/titles.py);
when Shopify cannot be asked, by their handles, and stderr says so.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from storefront.bulk import collector_off
from storefront.funnels import report, store_for
from storefront.funnels.titles import titles
from storefront.locales import shopper_locale


@click.command("report")
@click.option("--since", default="7d", show_default=True,
              help="Days back including today (7d), or a start date (2026-11-01). UTC days.")
@click.option("--format", "output", type=click.Choice(("table", "csv", "json")),
              default="table", show_default=True)
@click.option("--all", "everyone", is_flag=True,
              help="Also list active and paused creators with no activity.")
@with_appcontext
@collector_off
def report_command(since: str, output: str, everyone: bool) -> None:
    """Visits, unique visitors, product views, add-to-carts and checkouts per creator,
    then orders, net sales, AOV, orders per visit, commission earned and payable now,
    new customers, repeat rate and 90-day LTV (the brand's own store included)."""
    recorder = current_app.extensions.get("funnels")
    # The day the counts are being written into (the recorder's clock), else the date.
    today = recorder.today() if recorder is not None else datetime.now(UTC).date()
    try:
        span = report.period(since, today)
    except report.BadPeriod as problem:
        raise click.BadParameter(str(problem), param_hint="--since") from None
    store = recorder.store if recorder is not None else store_for(current_app)
    if store is None:
        raise click.ClickException("funnels are off (FUNNELS_URL=off): nothing was recorded")
    if recorder is not None:
        recorder.flush()  # (counts of this process, if any: a CLI process has none)
    creators = current_app.extensions["creators"]
    with ThreadPoolExecutor(max_workers=1) as pool:
        # The ledger adds up in the database while the funnel (and the creators) is read.
        revenue = pool.submit(_revenue, current_app._get_current_object(), span)
        try:
            rows = report.rows(store, creators, span, everyone)
        except Exception as error:  # the store is unreachable or unreadable: say which
            raise click.ClickException(f"cannot read the funnel counts from "
                                       f"{store.describe()}: {error}") from None
        creators.ready()  # (their names, for the rows the ledger adds, while it adds up)
        sales, unavailable = revenue.result()
    if sales is not None:
        rows = report.with_revenue(rows, sales, creators)
    names = titles(current_app.extensions["storefront"], report.product_handles(rows))
    rows = report.with_titles(rows, names.by_handle)
    if unavailable:  # on stderr: stdout stays the CSV or JSON a script reads
        click.echo(f"Revenue unavailable, the funnel only: {unavailable}", err=True)
    if names.problem:
        click.echo(names.problem, err=True)
    if output == "csv":
        click.echo(report.as_csv(rows, revenue=unavailable is None), nl=False)
    elif output == "json":
        click.echo(report.as_json(rows, span, unavailable))
    else:
        click.echo(report.as_table(rows, span, unavailable, shopper_locale()), nl=False)
        click.echo(f"\nfrom {store.describe()}; unique visitors count only the last "
                   f"{current_app.config['FUNNELS_RETENTION_DAYS']} days "
                   "(FUNNELS_RETENTION_DAYS)", err=True)


def _revenue(app, span: report.Period):
    """The ledger's figures for `span`, and None; or None, and why they are unavailable."""
    from storefront.orders import ledger_for  # (the ledger is made, and loaded, on first use)

    try:
        book = ledger_for(app)
    except Exception as error:  # (DATABASE_URL not a database URL SQLAlchemy knows)
        return None, f"cannot open the orders ledger (DATABASE_URL): {error}"
    try:
        return report.revenue_of(book, span, app.config["COMMISSION_HOLD_DAYS"]), None
    except report.RevenueUnavailable as problem:
        return None, str(problem)
