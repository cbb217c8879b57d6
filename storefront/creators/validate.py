"""Creator files checked key by key, every problem at once, and turned into Creators.

Messages name the file and the key (`creators/maya.toml: hero.image: no file
'x.png' in creators/media/`) so that whoever edits the file knows where to look.
`check_data` is shared by the registry (files) and the CSV importer (rows).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Any

from storefront import colors
from storefront.config import PROJECT_ROOT
from storefront.creators import rules
from storefront.creators.fields import Checker, Context
from storefront.creators.model import Creator
from storefront.theming.themes import ThemeError, load_theme

__all__ = [
    "Context",
    "check_conflicts",
    "check_data",
    "check_file",
    "check_source",
    "label_of",
    "scan_context",
]


def scan_context(directory: Path, themes_dir: Path | None = None) -> Context:
    """The media files in `directory`/media/ and the themes (folders with theme.toml)."""
    themes_dir = themes_dir or PROJECT_ROOT / "themes"
    media: set[str] = set()
    try:
        with os.scandir(directory / "media") as entries:
            media = {entry.name for entry in entries if entry.is_file()}
    except (FileNotFoundError, NotADirectoryError):
        pass
    themes: set[str] = set()
    try:
        with os.scandir(themes_dir) as entries:
            themes = {
                entry.name
                for entry in entries
                if entry.is_dir() and os.path.isfile(os.path.join(entry.path, "theme.toml"))
            }
    except (FileNotFoundError, NotADirectoryError):
        pass
    palettes = tuple(sorted((name, _palette(themes_dir, name)) for name in themes))
    return Context(
        media_files=frozenset(media),
        themes=frozenset(themes),
        media_label=f"{directory.name}/media/",
        themes_label=f"{themes_dir.name}/",
        palettes=palettes,
        default_theme=_default_theme(),
    )


def _palette(themes_dir: Path, name: str) -> tuple[tuple[str, str], ...]:
    """Theme `name`'s colours (its chain's [settings] colors) over base.css's; base.css's
    alone when the theme can't be loaded (`theme check` reports why)."""
    try:
        found = load_theme(name, themes_dir).settings.get("colors") or {}
    except ThemeError:
        found = {}
    return tuple(sorted({**colors.BASE, **found}.items()))


def _default_theme() -> str:
    """THEME: the theme of creators who name none (the app's setting, else the environment)."""
    from flask import current_app, has_app_context

    if has_app_context():
        return str(current_app.config.get("THEME") or "base")
    return os.environ.get("THEME") or "base"


def label_of(directory: Path, filename: str) -> str:
    """How messages name a file: `creators/maya.toml`."""
    return f"{directory.name}/{filename}"


def check_file(path: Path, context: Context, label: str) -> tuple[Creator | None, list[str]]:
    """The Creator in the file at `path`, or None and every problem, each prefixed by `label`."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [f"{label}: can't be read: {exc.strerror}"]
    return check_source(path.name, raw, context, label)


def check_source(
    filename: str, raw: bytes, context: Context, label: str
) -> tuple[Creator | None, list[str]]:
    """check_file() for content already read: `raw` is the file `filename`'s bytes."""
    handle = filename.removesuffix(".toml")
    problems = []
    if (problem := rules.handle_problem(handle)) is not None:
        problems.append(f"the file name must be a handle: {problem}")
    creator = None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        problems.append(f"is not UTF-8 text (a bad byte at position {exc.start})")
    except tomllib.TOMLDecodeError as exc:
        problems.append(f"not valid TOML: {exc}")
    else:
        creator, found = check_data(handle, data, context)
        problems.extend(found)
    if problems:
        return None, [f"{label}: {problem}" for problem in problems]
    return creator, []


def check_conflicts(
    candidates: Iterable[tuple[str, Creator]], handles: Collection[str]
) -> tuple[list[Creator], dict[str, list[str]]]:
    """Accepted creators, and the problems of the files skipped for clashing with others.

    `candidates` are (label, creator) in load order; `handles` are those of all
    creator files, valid or not. An alias may not be any file's handle; an
    alias claimed twice stays with the first file, and the later one is skipped.
    So does a platform's referral id (`[legacy_ids]`, in any case): a link
    credits one creator.
    """
    claimed: dict[str, str] = {}
    ids: dict[tuple[str, str], str] = {}
    accepted: list[Creator] = []
    problems: dict[str, list[str]] = {}
    for label, creator in candidates:
        found = []
        for alias in creator.aliases:
            if alias in handles:
                found.append(f"{label}: aliases: {alias!r} is another creator's handle")
            elif alias in claimed:
                found.append(f"{label}: aliases: {alias!r} is already an alias of {claimed[alias]}")
        for platform, value in creator.legacy_ids:
            if (owner := ids.get((platform, value.casefold()))) is not None:
                found.append(f"{label}: legacy_ids.{platform}: {value!r} is already "
                             f"{owner}'s")
        if found:
            problems[label] = found
            continue
        accepted.append(creator)
        claimed.update(dict.fromkeys(creator.aliases, label))
        ids.update({(platform, value.casefold()): label for platform, value in creator.legacy_ids})
    return accepted, problems


def check_data(
    handle: str, data: Mapping[str, Any], context: Context
) -> tuple[Creator | None, list[str]]:
    """The Creator that parsed TOML `data` describes, or None and its problems (no prefix)."""
    checker = Checker(context)
    creator = checker.creator(handle, data)
    return (None, checker.problems) if checker.problems else (creator, [])


