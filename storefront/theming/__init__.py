"""Jinja themes with inheritance, and their fingerprinted static files.

`init_app(app)` loads the theme named by THEME from THEMES_DIR (default
`themes/`), points Jinja at its templates and its parents', and serves its
static files under `/assets/`. Templates get two globals: `theme` (name,
title, merged `settings`) and `asset_url(path)`, and gettext (`{% trans %}`,
`_()`) from the theme's catalogues (storefront.theming.translations).

A child theme's template replaces its parent's of the same name; one it lacks
comes from the parent. To extend the parent's version of the same template,
prefix the parent's folder name: `{% extends "base:product.html" %}`.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from storefront.config import PROJECT_ROOT, ConfigError
from storefront.theming import translations
from storefront.theming.routes import asset_url, asset_width, inline_asset
from storefront.theming.routes import bp as assets_bp
from storefront.theming.switch import Themes, active, render, use
from storefront.theming.themes import Theme, ThemeError, load_theme, template_loader

__all__ = [
    "Theme",
    "ThemeError",
    "asset_url",
    "current_theme",
    "init_app",
    "load_theme",
    "render",
    "use",
    "template_loader",
    "themes_dir",
]


def themes_dir(app: Flask) -> Path:
    """The folder holding the app's themes."""
    return Path(app.config.get("THEMES_DIR") or PROJECT_ROOT / "themes")


def current_theme(app: Flask) -> Theme:
    return app.extensions["theme"]


def check(name: str, folder: str | None) -> Theme:
    """Theme `name` from `folder` (THEMES_DIR, None: the project's themes/), checked;
    ConfigError naming THEME when it cannot be used."""
    try:
        return load_theme(name, Path(folder or PROJECT_ROOT / "themes"))
    except ThemeError as error:
        raise ConfigError(f"THEME={name!r}: {error}") from None


def init_app(app: Flask) -> Theme:
    """Load app.config["THEME"] and wire its templates, assets route and globals.

    (`flask theme check` is added by create_app: it builds apps itself.)"""
    theme = check(app.config["THEME"], app.config.get("THEMES_DIR"))

    app.jinja_loader = template_loader(theme)
    # (before any other theme's environment is made from the app's)
    translations.init_app(app, lambda: active().theme)
    app.extensions["theme"] = theme
    app.extensions["themes"] = Themes(app, theme, themes_dir(app))
    app.jinja_env.globals.update(theme=theme, asset_url=asset_url, asset_width=asset_width,
                                 inline_asset=inline_asset)
    app.register_blueprint(assets_bp)
    return theme
