"""The command that makes, lists and revokes a kind of creator link (kinds.py):
`flask creators link` (the figures page's) and `flask creators edit-link` (the editor's).

One builder, so the two commands keep the same options, checks, output and exit
codes; a `LinkKind` gives the words and the table. Each is listed with the other
creator commands (storefront.creators.cli) but added by its own package's cli.py:
the creators package knows nothing of these.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from storefront.creator_stats import tokens
from storefront.creator_stats.kinds import LinkKind
from storefront.creators.cli import _fail, _plural, _registry


def link_command(kind: LinkKind, description: str) -> click.Command:
    """`flask creators <kind.command>`, with `description` as its help."""

    @click.command(kind.command, help=description)
    @with_appcontext
    @click.argument("handle")
    @click.option("--revoke", is_flag=True,
                  help=f"Turn off HANDLE's {kind.noun}s: every one, or only the one given "
                       "with --id.")
    @click.option("--id", "link_id", help="With --revoke: only this link (see --list).")
    @click.option("--list", "list_links", is_flag=True, help=f"List HANDLE's {kind.noun}s.")
    @click.option("--base-url", help="The store's public address, e.g. https://brand.com, "
                                     "to print the whole URL.")
    def command(handle: str, revoke: bool, link_id: str | None, list_links: bool,
                base_url: str | None) -> None:
        # The orders database, and SQLAlchemy with it, is loaded only when this runs.
        from sqlalchemy.exc import SQLAlchemyError

        from storefront.orders import ledger_for

        if link_id is not None and not revoke:
            raise click.UsageError("--id goes with --revoke")
        if base_url is not None and not base_url.startswith(("https://", "http://")):
            raise click.BadParameter("give the address with its scheme, e.g. https://brand.com",
                                     param_hint="--base-url")
        creator = _registry().get(handle)
        if creator is None and not (revoke or list_links):
            _fail(f"no creator {handle!r}: see `flask creators list` for the handles")
        # A creator's links may have been made under an alias that was their handle then.
        handles = (creator.handle, *creator.aliases) if creator else (handle.lower(),)
        try:
            book = ledger_for(current_app)
            if list_links:
                _list(kind, kind.links().of(book.engine, handles), handles[0])
            elif revoke:
                _revoke(kind, book, handles, link_id)
            else:
                _make(kind, book, creator, handle, base_url)
        except (SQLAlchemyError, OSError) as error:
            raise click.ClickException(
                f"cannot use the orders database (DATABASE_URL): {error}") from None

    return command


def _list(kind: LinkKind, found: list, handle: str) -> None:
    if not found:
        click.echo(f"{handle} has no {kind.noun}s.")
        return
    for link in found:
        state = f"revoked {link.revoked_at:%Y-%m-%d %H:%M} UTC" if link.revoked else "live"
        click.echo(f"{link.link_id}  {link.handle}  made {link.created_at:%Y-%m-%d %H:%M} UTC  "
                   f"{state}")


def _revoke(kind: LinkKind, book, handles: tuple[str, ...], link_id: str | None) -> None:
    revoked = kind.links().revoke(book.engine, handles, book.clock(), link_id)
    if not revoked:
        _fail(f"no live {kind.noun} {link_id!r} of {handles[0]!r}" if link_id else
              f"{handles[0]!r} has no live {kind.noun}s: nothing to revoke")
    click.echo(f"Revoked {_plural(len(revoked), kind.noun)} of {handles[0]}: "
               f"{', '.join(revoked)}.")


def _make(kind: LinkKind, book, creator, asked: str, base_url: str | None) -> None:
    made = kind.links().create(book.engine, creator.handle, book.clock())
    path = kind.path_of(tokens.sign(tokens.Claim(made.handle, made.link_id),
                                    current_app.secret_key, salt=kind.salt))
    click.echo(base_url.rstrip("/") + path if base_url else path)
    if kind.hints and asked.lower() != creator.handle:
        click.echo(f"({asked!r} is an alias: the link is for {creator.handle}.)", err=True)
    click.echo(f"{kind.noun.capitalize()} {made.link_id} for {creator.handle} "
               f"({creator.name}). Anyone holding it {kind.grants}: send it to them only. "
               f"Turn it off with `flask creators {kind.command} {creator.handle} --revoke`.",
               err=True)
    if kind.hints and not base_url:
        click.echo("Put the store's address in front of the path (e.g. "
                   f"https://brand.com{path[:28]}...), or pass --base-url.", err=True)
