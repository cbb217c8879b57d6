"""Theme tests build throwaway theme trees; these helpers write them and start the app."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flask import Flask

from storefront import create_app


def write_theme(
    themes: Path,
    name: str,
    toml: str | None = None,
    templates: dict[str, str] | None = None,
    static: dict[str, str | bytes] | None = None,
) -> Path:
    """Write themes/<name>/: theme.toml (dedented) when given, and the given files."""
    folder = themes / name
    folder.mkdir(parents=True, exist_ok=True)
    if toml is not None:
        (folder / "theme.toml").write_text(textwrap.dedent(toml))
    for kind, files in (("templates", templates or {}), ("static", static or {})):
        for path, content in files.items():
            file = folder / kind / path
            file.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                file.write_bytes(content)
            else:
                file.write_text(textwrap.dedent(content))
    return folder


def write_base(themes: Path, **files: dict[str, str | bytes]) -> Path:
    """A minimal root theme named base, with a 404 page so error pages render quietly."""
    templates = {"errors/404.html": "not found", **files.pop("templates", {})}
    return write_theme(
        themes,
        "base",
        """
        name = "Base"
        [settings]
        colors = { background = "#fff", accent = "#2f4a3a" }
        fonts = { body = "system-ui", heading = "Georgia" }
        """,
        templates=templates,
        **files,
    )


def make_app(themes: Path, theme: str, tmp_path: Path, **config) -> Flask:
    """The store on the demo shop, with theme `theme` from the folder `themes`."""
    return create_app(
        {
            "THEME": theme,
            "THEMES_DIR": str(themes),
            "DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3"),
            "SHOPIFY_STORE_DOMAIN": "",
            **config,
        }
    )
