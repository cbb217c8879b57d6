"""Creators: one `creators/<handle>.toml` per creator, checked, indexed and hot-reloaded.

`init_app(app)` loads the registry from CREATORS_DIR, keeps it fresh (a watcher
thread in each serving process, started by storefront.lifecycle, scans every
CREATORS_RELOAD_SECONDS; 0 turns it off), serves the files' images under
`/creator-media/`, and adds `flask creators ...`.
Services and views ask `registry().get(handle_or_alias)`.

The file format, its rules and the CLI are described in creators/README.md.
"""

from __future__ import annotations

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
    from storefront.creators import media
    from storefront.creators.cli import creators_cli

    themes_dir = app.config.get("THEMES_DIR")
    loaded = Registry(
        Path(app.config["CREATORS_DIR"]), Path(themes_dir) if themes_dir else None
    )
    loaded.load()
    app.extensions["creators"] = loaded

    interval = float(app.config.get("CREATORS_RELOAD_SECONDS", DEFAULT_RELOAD_SECONDS))
    if interval > 0:
        # Not started here: in each process that serves the app (every gunicorn
        # worker gets a watcher thread of its own), and never by a test or a
        # CLI command that only builds it.
        shared = Path(app.instance_path)
        lifecycle.on_start(app, lambda: loaded.ensure_watching(interval, shared))

    app.register_blueprint(media.bp)
    app.cli.add_command(creators_cli)
    return loaded


def registry(app: Flask | None = None) -> Registry:
    """The creators of `app`, or of the current app."""
    return (app or current_app).extensions["creators"]
