"""Creators: one `creators/<handle>.toml` per creator, checked, indexed and hot-reloaded.

`init_app(app)` loads the registry from CREATORS_DIR, keeps it fresh (a watcher
thread in each serving process, started by storefront.lifecycle, scans every
CREATORS_RELOAD_SECONDS; 0 turns it off), serves the files' images under
`/creator-media/`, and adds `flask creators ...`. What it checked is kept in the
instance folder (checked.py), so the next process re-checks only changed files.
Services and views ask `registry().get(handle_or_alias)`.

With CREATORS_SOURCE=shopify or both, creators also come from Shopify's
metaobjects (storefront.creators.sources), fetched by the same watcher.

The file format, its rules and the CLI are described in creators/README.md.
"""

from __future__ import annotations

import weakref
from pathlib import Path

from flask import Flask, current_app

from storefront import lifecycle
from storefront.creators.model import CollectionRef, Creator, Discount, Hero
from storefront.creators.registry import Registry

__all__ = [
    "CollectionRef",
    "Creator",
    "Discount",
    "Hero",
    "Registry",
    "init_app",
    "registry",
]

DEFAULT_RELOAD_SECONDS = 2.0


def init_app(app: Flask) -> Registry:
    """Load the app's creators and wire the reload hook, the media route and the CLI.

    Calling it again on the same app returns the registry it already has.
    """
    if "creators" in app.extensions:
        return app.extensions["creators"]
    from storefront.creators import checked, media
    from storefront.creators.cli import creators_cli

    themes_dir = app.config.get("THEMES_DIR")
    instance_dir = app.config.get("INSTANCE_DIR")
    source = app.config.get("CREATORS_SOURCE") or "files"
    loaded = Registry(
        Path(app.config["CREATORS_DIR"]), Path(themes_dir) if themes_dir else None,
        source=source, shopify=shopify_creators(app) if source != "files" else None,
        # What earlier processes checked: a new worker or command re-checks only changes.
        # Only in the store's INSTANCE_DIR: an app not made by create_app (tests, tools)
        # has no folder of ours to write in, so it checks every file.
        cache_file=Path(instance_dir) / checked.NAME if instance_dir else None,
    )
    # Read at the first lookup: a command such as `flask orders report` never asks for
    # a creator (10,000 of them are most of its start). A serving process reads them as
    # it starts (each gunicorn worker before its first request).
    loaded.load_later()
    app.extensions["creators"] = loaded
    lifecycle.on_start(app, loaded.ready)

    interval = float(app.config.get("CREATORS_RELOAD_SECONDS", DEFAULT_RELOAD_SECONDS))
    if interval <= 0 and source != "files":
        interval = DEFAULT_RELOAD_SECONDS  # the watcher is what fetches from Shopify
    if interval > 0:
        # Not started here: in each process that serves the app (every gunicorn
        # worker gets a watcher thread of its own), and never by a test or a
        # CLI command that only builds it.
        shared = Path(app.instance_path)
        lifecycle.on_start(app, lambda: loaded.ensure_watching(interval, shared))

    app.register_blueprint(media.bp)
    app.add_template_filter(media.media_url)
    app.cli.add_command(creators_cli)
    return loaded


def shopify_creators(app: Flask):
    """The reader of `app`'s creator metaobjects, through its Storefront API client."""
    from storefront.caching import store
    from storefront.creators.sources import WEBHOOK_TAG, ShopifyCreators, copy_name, page_reader

    config = app.config
    type_ = config.get("CREATORS_METAOBJECT_TYPE") or "creator"
    app_ref = weakref.ref(app)  # the watcher thread must not keep the app alive

    def wanted() -> int:
        # The generation that metaobjects/* webhooks bump in the shared cache.
        current = app_ref()
        return store.generations((WEBHOOK_TAG,), current)[0] if current is not None else 0

    return ShopifyCreators(
        page_reader(app.extensions["storefront_client"], type_,
                    int(config.get("CREATORS_PAGE_SIZE") or 250)),
        Path(app.instance_path) / copy_name(type_),
        type_,
        shop=config.get("SHOPIFY_STORE_DOMAIN") or "demo shop",
        poll_seconds=float(config.get("CREATORS_POLL_SECONDS", 300.0)),
        wanted=wanted,
        tell=lambda: store.purge(WEBHOOK_TAG),  # in the webhook's request
    )


def registry(app: Flask | None = None) -> Registry:
    """The creators of `app`, or of the current app."""
    return (app or current_app).extensions["creators"]
