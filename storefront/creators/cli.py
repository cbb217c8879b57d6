"""`flask creators check | list | new | import | payouts | link`: the creator files from the
command line, the creators' payouts, and their links to their own figures (the orders
ledger's, loaded only for those commands).

Each command reads CREATORS_DIR (and THEMES_DIR) of the app; `check` and
`import` exit 1 when something needs fixing, so they can gate a deploy. With
CREATORS_SOURCE=shopify or both, `check` and `list` read the creator
metaobjects from Shopify first (all of them, page by page).
"""

from __future__ import annotations

import csv
import io
import json
import sys
import tomllib
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup

from storefront.bulk import collector_off
from storefront.creators import importer, platforms, rules
from storefront.creators.model import STATUSES, Creator
from storefront.creators.registry import Registry
from storefront.creators.starter import default_name, starter_file
from storefront.creators.validate import check_data, label_of, scan_context

creators_cli = AppGroup("creators", help="Creator files: check, list, start and import them; "
                                        "creator payouts.")


def _directory() -> Path:
    return Path(current_app.config["CREATORS_DIR"])


def _themes_dir() -> Path | None:
    themes = current_app.config.get("THEMES_DIR")
    return Path(themes) if themes else None


def _registry() -> Registry:
    """The app's registry (loaded when the app was made), or a fresh one."""
    registry = current_app.extensions.get("creators")
    if registry is None:
        registry = Registry(_directory(), _themes_dir(), log_problems=False)
        registry.load()
    return registry


def _source() -> str:
    return current_app.config.get("CREATORS_SOURCE") or "files"


def _with_shopify(registry: Registry) -> str | None:
    """Read `registry`'s metaobjects from Shopify now; why it failed, or None."""
    if registry.shopify is None:
        return None
    registry.fetch()
    return registry.shopify.error


def _where(registry: Registry) -> str:
    """Where the creators came from, for the summary line."""
    shopify = registry.shopify
    if shopify is None:
        return ""
    metaobjects = f"{_plural(registry.metaobject_count, 'metaobject')} of type {shopify.type!r}"
    if registry.source == "shopify":
        return f" (from {metaobjects})"
    return f" (from {_plural(registry.file_count, 'file')} and {metaobjects}; files win)"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(1)


@creators_cli.command("check")
@click.argument(
    "directory",
    required=False,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
@click.option("--shop", is_flag=True,
              help="Also try each creator's code in the shop: a sample cart priced without "
                   "and with it (one cart per code, throttled), and check that the shop "
                   "sells in each creator's market; exit 1 if one fails.")
def check_command(directory: Path | None, shop: bool) -> None:
    """Check every creator file (default: CREATORS_DIR); exit 1 on any problem.

    With CREATORS_SOURCE=shopify or both, the creator metaobjects are read from
    Shopify and checked too (named shopify:<type>/<handle>); Shopify not
    answering is a problem.
    """
    from storefront.creators import shopify_creators

    folder = (directory or _directory()).resolve()
    source = _source()
    app = current_app._get_current_object()
    registry = Registry(folder, _themes_dir(), log_problems=False, source=source,
                        shopify=shopify_creators(app) if source != "files" else None)
    registry.load()
    failed = _with_shopify(registry)
    problems = registry.problems
    for problem in problems:
        click.echo(problem)
    if failed:
        click.echo(f"shopify: {failed}")
    if problems or failed:
        files = len({problem.split(": ", 1)[0] for problem in problems})
        click.echo(f"{_plural(len(problems), 'problem')} in {_plural(files, 'file')}"
                   + ("; Shopify could not be read" if failed else ""))
        sys.exit(1)
    click.echo(f"{_plural(len(registry), 'creator')} OK{_where(registry)}")
    if shop:
        failing = _check_codes(app, registry)
        failing = _check_markets(app, registry) or failing
        if failing:
            sys.exit(1)


def _check_codes(app, registry: Registry) -> bool:
    """`check --shop`: each code tried in the shop; the results also kept for the running
    store (its banners and prices follow them at once, not at its next scheduled check).
    Whether one fails."""
    from datetime import UTC, datetime

    from storefront.creators import code_checks, shop_check

    results, lines, failing = shop_check.report(
        app.extensions["storefront_client"], list(registry), now=datetime.now(UTC))
    for line in lines:
        click.echo(line)
    code_checks.checks_of(app).save({c.handle: c for c in registry}, results)
    return failing


def _check_markets(app, registry: Registry) -> bool:
    """`check --shop`: each creator's `market`, one the shop sells in? Whether one is not
    (or Shopify could not say)."""
    from storefront import markets
    from storefront.creators import market_check
    from storefront.shopify import api
    from storefront.shopify.errors import StorefrontError

    if not market_check.with_market(registry):
        return False
    config = app.config
    try:
        localization = api.layout(app.extensions["storefront_client"], config["MAIN_MENU"],
                                  config["FOOTER_MENU"]).localization
    except StorefrontError as error:
        click.echo(f"markets: not checked: Shopify failed ({type(error).__name__})")
        return True
    if localization is None:
        click.echo("markets: not checked: Shopify listed no markets")
        return True
    lines, failing = market_check.report(localization, registry, markets.primary(config))
    for line in lines:
        click.echo(line)
    return failing


@creators_cli.command("list")
@click.option("--status", type=click.Choice(STATUSES), help="Only creators with this status.")
@click.option(
    "--format",
    "output",
    type=click.Choice(("table", "csv", "json")),
    default="table",
    show_default=True,
)
def list_command(status: str | None, output: str) -> None:
    """List the valid creators: handle, name, status, code, aliases (and, with
    CREATORS_SOURCE=shopify or both, where each comes from: file or shopify)."""
    registry = _registry()
    failed = _with_shopify(registry)
    if failed:
        click.echo(f"(Shopify could not be read: {failed}; listing the creators last read "
                   "from it)", err=True)
    fields = _row_fields(registry)
    rows = [_row(c, registry) for c in registry if status is None or c.status == status]
    if output == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    elif output == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(fields), lineterminator="\n")
        writer.writeheader()
        writer.writerows({**row, "aliases": "|".join(row["aliases"])} for row in rows)
        click.echo(buffer.getvalue(), nl=False)
    else:
        _echo_table([{**row, "aliases": ", ".join(row["aliases"])} for row in rows], fields)
    if registry.problems:
        skipped = len({problem.split(": ", 1)[0] for problem in registry.problems})
        click.echo(
            f"({_plural(skipped, 'file')} skipped: see `flask creators check`)", err=True
        )


def _row_fields(registry: Registry) -> tuple[str, ...]:
    fields = ("handle", "name", "status", "code", "aliases")
    return fields if registry.source == "files" else (*fields, "source")


def _row(creator: Creator, registry: Registry) -> dict[str, Any]:
    row = {
        "handle": creator.handle,
        "name": creator.name,
        "status": creator.status,
        "code": creator.discount.code if creator.discount else "",
        "aliases": list(creator.aliases),
    }
    if registry.source != "files":
        row["source"] = registry.source_of(creator.handle)
    return row


def _echo_table(rows: list[dict[str, str]], fields: tuple[str, ...]) -> None:
    widths = {f: max([len(f), *(len(row[f]) for row in rows)]) for f in fields}
    click.echo("  ".join(f.ljust(widths[f]) for f in fields).rstrip())
    for row in rows:
        click.echo("  ".join(row[f].ljust(widths[f]) for f in fields).rstrip())


@creators_cli.command("new")
@click.argument("handle")
@click.option("--name", help="Their display name (default: from the handle).")
def new_command(handle: str, name: str | None) -> None:
    """Start creators/<HANDLE>.toml with every key shown and explained."""
    directory = _directory()
    if (problem := rules.handle_problem(handle)) is not None:
        _fail(f"{handle!r} is not a handle: {problem}")
    path = directory / f"{handle}.toml"
    label = label_of(directory, path.name)
    if path.exists():
        _fail(f"{label} already exists; edit it instead")
    owner = _registry().get(handle)
    if owner is not None:
        _fail(f"{handle!r} is already an alias of {label_of(directory, owner.handle + '.toml')}")
    text = starter_file(handle, name or default_name(handle))
    _, problems = check_data(handle, tomllib.loads(text), scan_context(directory, _themes_dir()))
    if problems:
        _fail("\n".join(f"{label}: {problem}" for problem in problems))
    try:
        with open(path, "x", encoding="utf-8") as stream:
            stream.write(text)
    except FileExistsError:
        _fail(f"{label} already exists; edit it instead")
    click.echo(f"Created {label}: fill it in, then run `flask creators check`.")


@creators_cli.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--from", "platform", type=click.Choice(tuple(platforms.PLATFORMS)),
              help="The file is this affiliate platform's export (default: the project's "
                   "own columns).")
@click.option("--map", "mappings", multiple=True, metavar="COLUMN=FIELD",
              help="With --from: read COLUMN as FIELD (or `ignore` it); repeatable.")
@click.option("--apply", "apply_", is_flag=True, help="Write the changes (default: dry run).")
@click.option("--overwrite", is_flag=True, help="Replace values edited in the files by hand.")
def import_command(csv_file: Path, platform: str | None, mappings: tuple[str, ...],
                   apply_: bool, overwrite: bool) -> None:
    """Add and update creators from a CSV, or from an affiliate platform's export.

    Columns (header row, any case): handle, name, status, discount_code,
    discount_label, bio, instagram, tiktok, youtube, website, aliases (a|b).
    With --from, the export's own columns are recognised by name (the mapping
    is shown; --map changes it), and the platform's referral ids are kept so
    the links creators shared there still credit them. Emails are never stored.
    """
    directory = _directory()
    if mappings and platform is None:
        raise click.UsageError("--map goes with --from (the project's own columns have "
                               "fixed names)")
    try:
        overrides = platforms.parse_overrides(mappings)
        plan = importer.plan_import(csv_file, directory, _themes_dir(), overwrite=overwrite,
                                    platform=platform, overrides=overrides)
    except platforms.MappingError as exc:
        raise click.BadParameter(str(exc).removeprefix("--map "), param_hint="--map") from None
    except importer.CSVError as exc:
        _fail(str(exc))
    if plan.platform is not None:
        for line in _describe_columns(plan):
            click.echo(line)
    elif plan.ignored_columns:
        click.echo(f"Ignored columns: {', '.join(plan.ignored_columns)}")
    for note in plan.notes:
        click.echo(f"Note: {note}")
    for row in plan.rows:
        for line in _describe(row, directory):
            click.echo(line)
    summary = (
        f"{plan.count('add')} to add, {plan.count('change')} to change, "
        f"{plan.count('unchanged')} unchanged, {plan.count('invalid')} invalid, "
        f"{_plural(plan.conflict_count, 'conflict')}"
    )
    if not apply_:
        click.echo(f"Dry run: {summary}. Nothing written; run again with --apply to write.")
    else:
        written = importer.apply_import(plan, directory)
        click.echo(f"{summary}. Wrote {_plural(len(written), 'file')}.")
    if plan.count("invalid"):
        sys.exit(1)


def _describe_columns(plan: importer.ImportPlan) -> list[str]:
    """The mapping the import chose for a platform's export, column by column."""
    platform = plan.platform
    lines = [f"Columns of the {platform.title} export (links: ?{platform.parameter}=, kept "
             f"in legacy_ids.{platform.name}):"]
    for column in plan.columns:
        if not column.header:
            continue
        if column.field == "ignore":
            used = "not used" + (" (--map)" if column.how == "--map" else "")
        else:
            used = f"{column.field}: {platforms.FIELDS[column.field]}"
            used += " (--map)" if column.how == "--map" else ""
        lines.append(f"  {column.header!r} -> {used}")
    lines.append("Change one with --map COLUMN=FIELD; fields: "
                 f"{', '.join(platforms.FIELDS)}.")
    return lines


def _describe(row: importer.RowPlan, directory: Path) -> list[str]:
    where = f"row {row.row}"
    label = label_of(directory, f"{row.handle}.toml")
    if row.action == "invalid":
        return [f"invalid {where}: {problem}" for problem in row.problems]
    lines = []
    if row.action == "add":
        lines.append(f"add {label} ({where}): {', '.join(c.key for c in row.changes)}")
    elif row.action == "change":
        lines.append(f"change {label} ({where}):")
        lines.extend(f"  {c.key}: {_show(c.old)} -> {_show(c.new)}" for c in row.changes)
    else:
        lines.append(f"unchanged {label} ({where})")
    lines.extend(
        f"  conflict {c.key}: the file has {_show(c.old)}, the CSV {_show(c.new)}; "
        "kept the file's (--overwrite replaces it)"
        for c in row.conflicts
    )
    lines.extend(f"  note: {note}" for note in row.notes)
    return lines


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return "[" + ", ".join(repr(item) for item in value) + "]"
    return repr(value)


@creators_cli.command("payouts")
@click.option("--period", required=True, help="A month, YYYY-MM (UTC).")
@click.option(
    "--format",
    "output",
    type=click.Choice(("table", "csv", "json")),
    default="table",
    show_default=True,
)
@click.option("--mark-paid", is_flag=True,
              help="Record the period's payout batch (once per period, ever).")
@collector_off
def payouts_command(period: str, output: str, mark_paid: bool) -> None:
    """Commission per creator for a month: orders, net sales, earned, adjustments,
    payable now, already paid, and the amount to pay (the CSV is for a payments tool).

    Commission becomes payable COMMISSION_HOLD_DAYS after the order. --mark-paid
    records what is payable now as the period's batch; a period is paid once.
    """
    # The orders ledger, and SQLAlchemy with it, is loaded only when this command runs.
    from sqlalchemy.exc import SQLAlchemyError

    from storefront.orders import ledger_for, payouts

    book = ledger_for(current_app)
    figures = payouts.mark_paid if mark_paid else payouts.statement
    hold_days = current_app.config["COMMISSION_HOLD_DAYS"]
    try:
        # (The creators, for their names, are read while the database adds up.)
        report = book.registry.ready_beside(lambda: figures(
            book.engine, book.registry, period, book.clock(), hold_days))
    except payouts.BadPeriod as problem:
        raise click.BadParameter(str(problem), param_hint="--period") from None
    except payouts.PayoutError as problem:
        raise click.ClickException(str(problem)) from None
    except SQLAlchemyError as error:
        raise click.ClickException(
            f"cannot use the orders database (DATABASE_URL): {error}") from None
    if output == "csv":
        click.echo(payouts.as_csv(report), nl=False)
    elif output == "json":
        click.echo(payouts.as_json(report))
    else:
        click.echo(payouts.as_table(report), nl=False)
    if mark_paid:  # on stderr: stdout stays the CSV or JSON a script reads
        click.echo(f"Recorded payout batch {report.batch.id} for {period}.", err=True)


def _add_report() -> None:
    # The report lives with the funnels; it is listed with the other creator commands.
    from storefront.funnels.cli import report_command

    creators_cli.add_command(report_command)


_add_report()
