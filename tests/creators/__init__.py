"""Creator tests write throwaway creators/ folders; these helpers write files and apps."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flask import Flask

from storefront import creators
from storefront.creators.validate import check_file, label_of, scan_context

MEDIA = ("maya.svg", "maya-hero.svg")
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>\n'


def make_folder(parent: Path, name: str = "creators") -> Path:
    """An empty creators folder (named `creators`, as messages name it) with media/."""
    folder = parent / name
    (folder / "media").mkdir(parents=True)
    for file in MEDIA:
        (folder / "media" / file).write_text(SVG)
    return folder


def write(folder: Path, name: str, text: str) -> Path:
    """Write `folder`/`name` (dedented); `name` without a suffix gets .toml."""
    path = folder / (name if "." in name else f"{name}.toml")
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems_of(folder: Path, name: str, text: str) -> list[str]:
    """The messages of one file, checked on its own."""
    path = write(folder, name, text)
    creator, problems = check_file(path, scan_context(folder), label_of(folder, path.name))
    assert (creator is None) == bool(problems)
    return problems


def make_app(folder: Path, **config) -> Flask:
    """A bare Flask app with the creators extension (no watcher unless asked for)."""
    # Its instance folder (the scan lock and marker) beside the creators, not in the clone.
    app = Flask("creators_test", instance_path=str(folder.parent.resolve() / "instance"))
    app.config.update({"CREATORS_DIR": str(folder), "CREATORS_RELOAD_SECONDS": 0, **config})
    creators.init_app(app)
    return app


def watching_server_env(tmp_path: Path, creators: Path, **more: str) -> dict[str, str]:
    """gunicorn's environment for two workers watching `creators` every 0.2 s."""
    return {
        "CREATORS_DIR": str(creators),
        "CREATORS_RELOAD_SECONDS": "0.2",
        "INSTANCE_DIR": str(tmp_path / "instance"),
        "DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3"),
        "WEB_CONCURRENCY": "2",
        "FUNNELS_URL": "off",
        **more,
    }
