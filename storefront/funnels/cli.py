"""`flask creators report`: each creator's funnel over a period, as a table, CSV or JSON."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from storefront.funnels import report, store_for


@click.command("report")
@click.option("--since", default="7d", show_default=True,
              help="Days back including today (7d), or a start date (2026-11-01). UTC days.")
@click.option("--format", "output", type=click.Choice(("table", "csv", "json")),
              default="table", show_default=True)
@click.option("--all", "everyone", is_flag=True,
              help="Also list active and paused creators with no activity.")
@with_appcontext
def report_command(since: str, output: str, everyone: bool) -> None:
    """Visits, unique visitors, product views, add-to-carts and checkouts per creator."""
    today = datetime.now(UTC).date()
    try:
        span = report.period(since, today)
    except report.BadPeriod as problem:
        raise click.BadParameter(str(problem), param_hint="--since") from None
    recorder = current_app.extensions.get("funnels")
    store = recorder.store if recorder is not None else store_for(current_app)
    if store is None:
        raise click.ClickException("funnels are off (FUNNELS_URL=off): nothing was recorded")
    if recorder is not None:
        recorder.flush()  # (counts of this process, if any: a CLI process has none)
    try:
        rows = report.rows(store, current_app.extensions["creators"], span, everyone)
    except Exception as error:  # the store is unreachable or unreadable: say which
        raise click.ClickException(f"cannot read the funnel counts from "
                                   f"{store.describe()}: {error}") from None
    if output == "csv":
        click.echo(report.as_csv(rows), nl=False)
    elif output == "json":
        click.echo(report.as_json(rows, span))
    else:
        click.echo(report.as_table(rows, span), nl=False)
        click.echo(f"\nfrom {store.describe()}; unique visitors count only the last "
                   f"{current_app.config['FUNNELS_RETENTION_DAYS']} days "
                   "(FUNNELS_RETENTION_DAYS)", err=True)
