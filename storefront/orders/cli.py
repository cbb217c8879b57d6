"""`flask orders ...`: migrate the ledger's database, list and retry failed deliveries."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from storefront.orders import ledger_for as ledger

orders_cli = AppGroup("orders", help="The orders ledger fed by Shopify's order webhooks.")


def _database_errors() -> type[Exception]:
    # Imported when a command runs: registering the commands must not load SQLAlchemy.
    from sqlalchemy.exc import SQLAlchemyError

    return SQLAlchemyError


def _failing(error: Exception) -> click.ClickException:
    return click.ClickException(f"cannot use the orders database ({ledger().url}): {error}")


@orders_cli.command("migrate")
def migrate_command() -> None:
    """Bring the database's schema to the current revision (also done on first use)."""
    from storefront.orders import db

    try:
        db.migrate(ledger().engine)
    except _database_errors() as error:
        raise _failing(error) from None
    click.echo(f"orders database at the current revision: {ledger().url}")


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
        rows = report.rows(book.engine, book.registry, start, end)
    except _database_errors() as error:
        raise _failing(error) from None
    if output == "csv":
        click.echo(report.as_csv(rows), nl=False)
    elif output == "json":
        click.echo(report.as_json(rows, period))
    else:
        click.echo(report.as_table(rows, period), nl=False)
