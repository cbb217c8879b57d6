"""`flask creators link`: a creator's own link to their figures (made, listed, revoked).

Listed with the other creator commands (storefront.creators.cli), but kept here
with the page it opens: the creators package knows nothing of this one.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from storefront.creator_stats import path_of, tokens
from storefront.creators.cli import _fail, _plural, _registry, creators_cli


@click.command("link")
@with_appcontext
@click.argument("handle")
@click.option("--revoke", is_flag=True,
              help="Turn off HANDLE's links: every one, or only the one given with --id.")
@click.option("--id", "link_id", help="With --revoke: only this link (see --list).")
@click.option("--list", "list_links", is_flag=True, help="List HANDLE's links.")
@click.option("--base-url", help="The store's public address, e.g. https://brand.com, "
                                 "to print the whole URL.")
def link_command(handle: str, revoke: bool, link_id: str | None, list_links: bool,
                 base_url: str | None) -> None:
    """Make a link to a read-only page of HANDLE's own figures (visits, orders, net sales,
    earnings, payable and paid, by day and by product), or --revoke it.

    Anyone holding the link sees the page: send it to the creator only. It works
    until it is revoked (or SECRET_KEY changes with the old key left out of
    SECRET_KEY_FALLBACKS). An alias makes a link for the creator it belongs to.
    """
    # The orders ledger, and SQLAlchemy with it, is loaded only when this command runs.
    from sqlalchemy.exc import SQLAlchemyError

    from storefront.orders import ledger_for, links

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
            _echo_links(links.of(book.engine, handles), handles[0])
        elif revoke:
            revoked = links.revoke(book.engine, handles, book.clock(), link_id)
            if not revoked:
                _fail(f"no live link {link_id!r} of {handles[0]!r}" if link_id else
                      f"{handles[0]!r} has no live links: nothing to revoke")
            click.echo(f"Revoked {_plural(len(revoked), 'link')} of {handles[0]}: "
                       f"{', '.join(revoked)}.")
        else:
            made = links.create(book.engine, creator.handle, book.clock())
            path = path_of(tokens.sign(tokens.Claim(made.handle, made.link_id),
                                       current_app.secret_key))
            click.echo(base_url.rstrip("/") + path if base_url else path)
            if handle.lower() != creator.handle:
                click.echo(f"({handle!r} is an alias: the link is for {creator.handle}.)",
                           err=True)
            click.echo(f"Link {made.link_id} for {creator.handle} ({creator.name}). Anyone "
                       "holding it sees their figures: send it to them only. Turn it off "
                       f"with `flask creators link {creator.handle} --revoke`.", err=True)
            if not base_url:
                click.echo("Put the store's address in front of the path (e.g. "
                           f"https://brand.com{path[:28]}...), or pass --base-url.", err=True)
    except (SQLAlchemyError, OSError) as error:
        raise click.ClickException(
            f"cannot use the orders database (DATABASE_URL): {error}") from None


def _echo_links(found: list, handle: str) -> None:
    if not found:
        click.echo(f"{handle} has no links.")
        return
    for link in found:
        state = f"revoked {link.revoked_at:%Y-%m-%d %H:%M} UTC" if link.revoked else "live"
        click.echo(f"{link.link_id}  {link.handle}  made {link.created_at:%Y-%m-%d %H:%M} UTC  "
                   f"{state}")


creators_cli.add_command(link_command)
