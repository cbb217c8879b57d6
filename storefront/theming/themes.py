"""Themes on disk: a folder with templates/, static/ and theme.toml, and its parents.

A child theme names its parent in theme.toml; its templates, static files and
settings win over the parent's, and whatever it leaves out comes from the parent,
through a chain of any depth.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader, PrefixLoader
from werkzeug.security import safe_join

NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")
COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
# A CSS font-family list: names in quotes ("Helvetica Neue") or plain words (Georgia,
# sans-serif), separated by commas. Nothing else, so a value goes into a <style>
# block as it is: no escaping (which the browser would not undo there), no way out.
_FAMILY = r"""(?:"[^"\\<>\n]+"|'[^'\\<>\n]+'|[A-Za-z0-9_-]+(?: [A-Za-z0-9_-]+)*)"""
FONT_FAMILIES = re.compile(rf"{_FAMILY}(?:\s*,\s*{_FAMILY})*")
KEYS = ("description", "name", "parent", "settings")


class ThemeError(ValueError):
    """A theme is missing or wrong; the message names the file and the key to fix."""


@dataclass(frozen=True, eq=False)
class Theme:
    """One loaded theme. `settings` are merged over the parent's and read-only."""

    name: str  # the folder name
    title: str
    path: Path
    parent: Theme | None = None
    description: str = ""
    settings: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def chain(self) -> list[Theme]:
        """This theme, then its parent, grandparent, ... (the lookup order)."""
        chain: list[Theme] = []
        theme: Theme | None = self
        while theme is not None:
            chain.append(theme)
            theme = theme.parent
        return chain

    @property
    def template_dirs(self) -> list[Path]:
        return [theme.path / "templates" for theme in self.chain]

    @property
    def static_dirs(self) -> list[Path]:
        return [theme.path / "static" for theme in self.chain]

    def find_static(self, path: str) -> Path | None:
        """The file `path` names in the nearest static/ of the chain, or None.

        Never a file outside the static folders: `..`, absolute paths,
        backslashes, NUL and dot-files are refused whatever their encoding was.
        """
        if not is_plain_path(path):
            return None
        for folder in self.static_dirs:
            joined = safe_join(str(folder), path)
            if joined is not None and Path(joined).is_file():
                return Path(joined)
        return None


def is_plain_path(path: str) -> bool:
    """True for a relative a/b/c.ext with no empty, `.`-leading or escaping segment."""
    if not path or "\\" in path or "\x00" in path or path.startswith("/"):
        return False
    return all(part and not part.startswith(".") for part in path.split("/"))


def load_theme(name: str, themes_dir: Path) -> Theme:
    """Load theme `name` and its parents from `themes_dir`, checking every theme.toml."""
    themes_dir = Path(themes_dir).absolute()
    if not NAME.fullmatch(name):
        raise ThemeError(
            f"{name!r} is not a theme name: use lowercase letters, digits, '-' and '_'"
        )
    if not (themes_dir / name).is_dir():
        raise ThemeError(f"no theme named {name!r}: there is no folder {themes_dir / name}")
    return _load(name, themes_dir, ())


def _load(name: str, themes_dir: Path, children: tuple[str, ...]) -> Theme:
    where = f"{themes_dir.name}/{name}/theme.toml"
    data = _read(themes_dir / name / "theme.toml", where)
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise ThemeError(f"{where}: unknown key {unknown[0]!r}; allowed: {', '.join(KEYS)}")
    for key in ("name", "parent", "description"):
        if key in data and not isinstance(data[key], str):
            raise ThemeError(f"{where}: {key}: must be a string")

    parent = None
    if "parent" in data:
        parent_name = data["parent"]
        if not NAME.fullmatch(parent_name):
            raise ThemeError(f"{where}: parent: {parent_name!r} is not a theme folder name")
        lineage = (*children, name)
        if parent_name in lineage:
            cycle = " -> ".join((*lineage[lineage.index(parent_name):], parent_name))
            raise ThemeError(f"{where}: parent: {parent_name!r} makes a cycle ({cycle})")
        if not (themes_dir / parent_name).is_dir():
            raise ThemeError(f"{where}: parent: no theme named {parent_name!r}")
        parent = _load(parent_name, themes_dir, lineage)

    own = data.get("settings", {})
    _check_settings(own, where)
    theme = Theme(
        name=name,
        title=data.get("name", name),
        path=themes_dir / name,
        parent=parent,
        description=data.get("description", ""),
        settings=_freeze(_merge(parent.settings if parent else {}, own)),
    )
    logo = own.get("logo")
    if logo and theme.find_static(logo) is None:
        folders = ", ".join(f"{t.name}/static" for t in theme.chain)
        raise ThemeError(f"{where}: settings.logo: no file {logo!r} in {folders}")
    return theme


def _read(path: Path, where: str) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except FileNotFoundError:
        raise ThemeError(
            f"{where}: missing; every theme needs one, with at least name = \"...\" "
            "(and parent = \"base\" for a child theme)"
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise ThemeError(f"{where}: not valid TOML: {error}") from None


def _check_settings(settings: Any, where: str) -> None:
    # Only what templates rely on is checked; other settings are the theme's own business.
    if not isinstance(settings, dict):
        raise ThemeError(f"{where}: settings: must be a table")
    colors = settings.get("colors", {})
    if not isinstance(colors, dict):
        raise ThemeError(f"{where}: settings.colors: must be a table of #rrggbb colours")
    for key, value in colors.items():
        if not isinstance(value, str) or not COLOR.fullmatch(value):
            raise ThemeError(
                f"{where}: settings.colors.{key}: {value!r} is not a colour; use #rgb or #rrggbb"
            )
    fonts = settings.get("fonts", {})
    if not isinstance(fonts, dict):
        raise ThemeError(f"{where}: settings.fonts: must be a table of CSS font-family lists")
    for key, value in fonts.items():
        if not isinstance(value, str) or not FONT_FAMILIES.fullmatch(value):
            raise ThemeError(
                f"{where}: settings.fonts.{key}: {value!r} is not a font-family list; use "
                "names in quotes or plain words, separated by commas: "
                "'\"Helvetica Neue\", Arial, sans-serif'"
            )
    if not isinstance(settings.get("logo", ""), str):
        raise ThemeError(f"{where}: settings.logo: must be a path inside static/, or \"\"")


def _merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """`over` on top of `base`; tables present in both are merged key by key."""
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _freeze(value: Any) -> Any:
    # Settings are shared by every request: a template must not be able to change them.
    if isinstance(value, Mapping):
        return MappingProxyType({key: _freeze(item) for key, item in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(item) for item in value)
    return value


def template_loader(theme: Theme) -> BaseLoader:
    """Child-first lookup through the chain, plus `<theme>:<template>` for one theme's own."""
    return ChoiceLoader(
        [
            PrefixLoader(
                {t.name: FileSystemLoader(t.path / "templates") for t in theme.chain},
                delimiter=":",
            ),
            *(FileSystemLoader(folder) for folder in theme.template_dirs),
        ]
    )
