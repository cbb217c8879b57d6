"""Per-request themes: the configured theme, or the one a creator picked.

Each theme gets its own Jinja environment (an overlay of the app's, sharing
its filters but not its template cache, since `layout.html` means a different
file in each theme) and its own asset lookup. A view renders with `render()`,
which uses the theme chosen for this request with `use()`.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from flask import Flask, current_app
from jinja2 import Environment

from storefront.current import visit_if_any
from storefront.theming.assets import Assets
from storefront.theming.themes import Theme, ThemeError, load_theme, template_loader

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Loaded:
    theme: Theme
    env: Environment
    assets: Assets


class Themes:
    """Every theme requests may use, loaded on first use and kept."""

    def __init__(self, app: Flask, default: Theme, themes_dir) -> None:
        self.app = app
        self.default_name = default.name
        self.themes_dir = themes_dir
        self._loaded: dict[str, Loaded | None] = {}
        self._lock = threading.Lock()
        self._default = default

    def _make(self, theme: Theme) -> Loaded:
        if theme.name == self.default_name:
            env = self.app.jinja_env
        else:
            env = self.app.jinja_env.overlay(loader=template_loader(theme))
            # overlay() shares the globals dict; this theme needs its own `theme`.
            env.globals = {**self.app.jinja_env.globals, "theme": theme}
        return Loaded(theme, env, Assets(theme))

    def get(self, name: str | None) -> Loaded | None:
        """The theme named `name`, or None when there is no such (valid) theme."""
        name = name or self.default_name
        if name in self._loaded:
            return self._loaded[name]
        with self._lock:
            if name not in self._loaded:
                try:
                    theme = (
                        self._default if name == self.default_name
                        else load_theme(name, self.themes_dir)
                    )
                    self._loaded[name] = self._make(theme)
                except ThemeError as error:
                    log.error("theme %r cannot be used: %s", name, error)
                    self._loaded[name] = None
        return self._loaded[name]

    def default(self) -> Loaded:
        loaded = self.get(self.default_name)
        assert loaded is not None
        return loaded

    def loaded(self) -> list[Loaded]:
        return [item for item in self._loaded.values() if item is not None]

    def every(self) -> list[Loaded]:
        """Every usable theme of the themes folder (an asset request may come to a
        worker that has not rendered with that theme yet)."""
        for folder in sorted(self.themes_dir.glob("*/theme.toml")):
            self.get(folder.parent.name)
        return self.loaded()


def themes(app: Flask | None = None) -> Themes:
    return (app or current_app).extensions["themes"]


def use(name: str | None) -> Theme:
    """Render this request with theme `name` (falling back to the configured one)."""
    loaded = themes().get(name) or themes().default()
    state = visit_if_any()
    if state is not None:
        state.theme_name = loaded.theme.name
    return loaded.theme


def active() -> Loaded:
    state = visit_if_any()
    chosen = state.theme_name if state is not None else None
    return themes().get(chosen) or themes().default()


def render(template_name: str, **context) -> str:
    """flask.render_template, with this request's theme."""
    env = active().env
    current_app.update_template_context(context)
    return env.get_or_select_template(template_name).render(context)
