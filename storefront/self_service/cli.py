"""`flask creators edit-link`: a creator's own link to edit their page (made, listed, revoked).

Listed with the other creator commands, kept here with the pages it opens, as
`flask creators link` (the figures page's) is kept in storefront/creator_stats.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from storefront.creators.cli import _fail, _plural, _registry, creators_cli
from storefront.self_service import PREFIX, tokens


@click.command("edit-link")
@with_appcontext
@click.argument("handle")
@click.option("--revoke", is_flag=True,
              help="Turn off HANDLE's edit links: every one, or only the one given with --id.")
@click.option("--id", "link_id", help="With --revoke: only this link (see --list).")
@click.option("--list", "list_links", is_flag=True, help="List HANDLE's edit links.")
@click.option("--base-url", help="The store's public address, e.g. https://brand.com, "
                                 "to print the whole URL.")
def edit_link_command(handle: str, revoke: bool, link_id: str | None, list_links: bool,
                      base_url: str | None) -> None:
    """Make a link for HANDLE to edit their own page (hero, bio, links, picks and notes),
    or --revoke it.

    What they send waits for approval at /admin/creators/changes. Anyone holding the
    link can propose changes as HANDLE: send it to the creator only.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from storefront.orders import ledger_for
    from storefront.self_service import store

    if link_id is not None and not revoke:
        raise click.UsageError("--id goes with --revoke")
    if base_url is not None and not base_url.startswith(("https://", "http://")):
        raise click.BadParameter("give the address with its scheme, e.g. https://brand.com",
                                 param_hint="--base-url")
    creator = _registry().get(handle)
    if creator is None and not (revoke or list_links):
        _fail(f"no creator {handle!r}: see `flask creators list` for the handles")
    handles = (creator.handle, *creator.aliases) if creator else (handle.lower(),)
    try:
        book = ledger_for(current_app)
        if list_links:
            found = store.links_of(book.engine, handles)
            if not found:
                click.echo(f"{handles[0]} has no edit links.")
            for link in found:
                state = (f"revoked {link.revoked_at:%Y-%m-%d %H:%M} UTC" if link.revoked
                         else "live")
                click.echo(f"{link.link_id}  {link.handle}  made "
                           f"{link.created_at:%Y-%m-%d %H:%M} UTC  {state}")
        elif revoke:
            revoked = store.revoke_links(book.engine, handles, book.clock(), link_id)
            if not revoked:
                _fail(f"no live edit link {link_id!r} of {handles[0]!r}" if link_id else
                      f"{handles[0]!r} has no live edit links: nothing to revoke")
            click.echo(f"Revoked {_plural(len(revoked), 'edit link')} of {handles[0]}: "
                       f"{', '.join(revoked)}.")
        else:
            made = store.create_link(book.engine, creator.handle, book.clock())
            claim = tokens.Claim(made.handle, made.link_id)
            path = f"{PREFIX}/{tokens.sign(claim, current_app.secret_key)}"
            click.echo(base_url.rstrip("/") + path if base_url else path)
            click.echo(f"Edit link {made.link_id} for {creator.handle} ({creator.name}). "
                       "Anyone holding it can propose changes to their page: send it to them "
                       f"only. Turn it off with `flask creators edit-link {creator.handle} "
                       "--revoke`.", err=True)
    except (SQLAlchemyError, OSError) as error:
        raise click.ClickException(
            f"cannot use the orders database (DATABASE_URL): {error}") from None


creators_cli.add_command(edit_link_command)
