"""`flask orders ...`: migrate the ledger's database, list and retry failed deliveries,
report, and import the orders of Shopify's order export."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from storefront.bulk import collector_off
from storefront.orders import Unavailable
from storefront.orders import ledger_for as ledger

orders_cli = AppGroup("orders", help="The orders ledger fed by Shopify's order webhooks.")


def _database_errors() -> type[Exception]:
    # Imported when a command runs: registering the commands must not load SQLAlchemy.
    from sqlalchemy.exc import SQLAlchemyError

    return SQLAlchemyError


def _failing(error: Exception) -> click.ClickException:
    from storefront.orders.db import shown  # (the password, if any, as ***)

    return click.ClickException(f"cannot use the orders database ({shown(ledger().url)}): "
                                f"{error}")


@orders_cli.command("migrate")
def migrate_command() -> None:
    """Bring the database's schema to the current revision (also done on first use)."""
    from storefront.orders import db

    try:
        db.migrate(ledger().engine)
    except _database_errors() as error:
        raise _failing(error) from None
    click.echo(f"orders database at the current revision: {db.shown(ledger().url)}")


@orders_cli.command("failures")
def failures_command() -> None:
    """Deliveries stored but not applied yet, with the error each failed with."""
    try:
        rows = ledger().failures()
    except _database_errors() as error:
        raise _failing(error) from None
    if not rows:
        click.echo("no failed deliveries")
        return
    for row in rows:
        click.echo(f"{row['id']}  {row['topic']}  {row['received_at']:%Y-%m-%d %H:%M:%S}Z  "
                   f"{row['status']} after {row['attempts']} attempt(s): {row['error'] or '-'}")


@orders_cli.command("retry")
@click.argument("ids", nargs=-1, type=int)
def retry_command(ids: tuple[int, ...]) -> None:
    """Apply again the deliveries IDS, or every failed one (after a fix, say)."""
    try:
        results = ledger().retry(list(ids) or None)
    except _database_errors() as error:
        raise _failing(error) from None
    for delivery_id, error in results.items():
        click.echo(f"{delivery_id}: {'applied' if error is None else 'failed: ' + error}")
    failed = sum(error is not None for error in results.values())
    click.echo(f"{len(results) - failed} applied, {failed} still failing")
    if failed:
        raise SystemExit(1)


@orders_cli.command("report")
@click.option("--period", help="A month, YYYY-MM (default: this month, UTC).")
@click.option("--format", "output", type=click.Choice(("table", "csv", "json")),
              default="table", show_default=True)
@collector_off
def report_command(period: str | None, output: str) -> None:
    """Orders, net sales and average order value per creator and the brand."""
    from storefront.orders import report

    book = ledger()
    period = period or book.clock().strftime("%Y-%m")
    try:
        start, end = report.month(period)
    except report.BadPeriod as problem:
        raise click.BadParameter(str(problem), param_hint="--period") from None
    try:
        # (The creators, for their names, are read while the database adds up.)
        rows = book.registry.ready_beside(
            lambda: report.rows(book.engine, book.registry, start, end))
    except _database_errors() as error:
        raise _failing(error) from None
    if output == "csv":
        click.echo(report.as_csv(rows), nl=False)
    elif output == "json":
        click.echo(report.as_json(rows, period))
    else:
        click.echo(report.as_table(rows, period), nl=False)


@orders_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True,
                                        path_type=Path))
@click.option("--apply", "apply_", is_flag=True,
              help="Import the orders (without it: only say what the import would do).")
def import_command(file: Path, apply_: bool) -> None:
    """Credit the orders of Shopify admin's order export (Orders > Export, CSV) FILE.

    A dry run unless --apply. Each order goes through the ledger like a
    webhook (topic orders/import), so importing the same file again adds
    nothing, and an import never overrides what a webhook said.
    """
    from storefront.orders import backfill

    try:
        export = backfill.read(file)
    except backfill.NotAnExport as problem:
        raise click.ClickException(f"{file.name}: {problem}") from None
    except OSError as error:
        raise click.ClickException(f"cannot read {file}: {error.strerror or error}") from None
    book = ledger()
    summary = backfill.summarize(export, book.registry, book.conflict)
    mode = "importing" if apply_ else "dry run: nothing is stored (--apply imports)"
    click.echo(f"{file.name}: {len(export.orders)} order(s) on {export.rows} row(s); {mode}")
    _echo_summary(summary)
    for problem in export.problems:
        click.echo(f"skipped, {problem}")
    if not apply_:
        return
    try:
        done = backfill.apply(book, export)
    except _database_errors() as error:
        raise _failing(error) from None
    except Unavailable as error:
        raise _failing(error) from None
    for exported, error in done.failed:
        click.echo(f"failed, line {exported.line} ({exported.name!r}): {error}")
    click.echo(f"imported: {done.new} new, {done.already} already imported, "
               f"{len(done.failed)} failed, {len(export.problems)} skipped")
    if done.failed:
        click.echo("(failed orders are stored: `flask orders failures` lists them, "
                   "`flask orders retry` applies them again)")
    if done.failed or export.problems:
        raise SystemExit(1)


def _echo_summary(summary) -> None:
    if not summary.orders:
        return
    click.echo("credit: " + ", ".join(f"{rule} {count}"
                                      for rule, count in sorted(summary.rules.items())))
    rows = sorted(summary.creators.items(),
                  key=lambda item: (-item[1].net_sales, item[0][0] or "", item[0][1]))
    for (handle, currency), tally in rows:
        cancelled = f", {tally.cancelled} cancelled" if tally.cancelled else ""
        click.echo(f"  {handle or '(brand)'}: {tally.orders} order(s){cancelled}, "
                   f"net sales {tally.net_sales} {currency}")
    click.echo("net sales: " + ", ".join(f"{total} {currency}" for currency, total
                                         in sorted(summary.net_sales.items()))
               + f" ({summary.refunded} order(s) with refunds)")
