"""Creators from an affiliate platform's CSV export, merged into creators/ without losing edits.

`plan_import` reads the CSV and works out, row by row, what would be added,
changed, left alone, or refused; nothing is written until `apply_import`.
For a file that exists, a CSV value only fills a key the file lacks; a key
whose value differs is a conflict and stays as the file has it, unless
`overwrite`. Files are edited with tomlkit, so comments, order and keys the
CSV doesn't know survive. Every file written has passed validation first.
"""

from __future__ import annotations

import csv
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomlkit
import tomlkit.exceptions

from storefront.creators import rules
from storefront.creators.editing import get_key, new_document, set_key, write_atomically
from storefront.creators.model import Creator
from storefront.creators.registry import Registry
from storefront.creators.validate import Context, check_data, label_of, scan_context

__all__ = [
    "COLUMNS",
    "CSVError",
    "Change",
    "ImportPlan",
    "RowPlan",
    "apply_import",
    "plan_import",
]

REQUIRED_COLUMNS = ("handle", "name")
# CSV column -> key in the creator file
FIELDS = {
    "name": "name",
    "status": "status",
    "discount_code": "discount.code",
    "discount_label": "discount.label",
    "bio": "bio",
    "instagram": "social.instagram",
    "tiktok": "social.tiktok",
    "youtube": "social.youtube",
    "website": "social.website",
    "aliases": "aliases",
}
COLUMNS = ("handle", *FIELDS)
DEFAULTS = {"status": "active"}  # what a file means when it leaves the key out
# Exports often hold a user name where a URL belongs: @maya -> the profile URL.
PROFILE_URLS = {
    "instagram": "https://www.instagram.com/{}",
    "tiktok": "https://www.tiktok.com/@{}",
    "youtube": "https://www.youtube.com/@{}",
}
_USER_NAME = re.compile(r"@?([A-Za-z0-9._-]{1,64})")


class CSVError(Exception):
    """The CSV as a whole can't be imported (unreadable, or a required column missing)."""


@dataclass(frozen=True)
class Change:
    key: str  # dotted, as in messages: discount.code
    old: Any  # None when the file lacks the key
    new: Any


@dataclass
class RowPlan:
    row: int  # as a spreadsheet numbers it: the header is row 1
    handle: str
    action: str = "unchanged"  # add | change | unchanged | invalid
    changes: list[Change] = field(default_factory=list)
    conflicts: list[Change] = field(default_factory=list)  # old = the file's, new = the CSV's
    problems: list[str] = field(default_factory=list)
    text: str | None = None  # the file to write, for add and change
    creator: Creator | None = None


@dataclass
class ImportPlan:
    rows: list[RowPlan]
    ignored_columns: list[str]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def conflict_count(self) -> int:
        return sum(len(row.conflicts) for row in self.rows)


def plan_import(
    csv_path: Path, directory: Path, themes_dir: Path | None = None, *, overwrite: bool = False
) -> ImportPlan:
    """What importing `csv_path` into `directory` would do; nothing is written."""
    header, records = _read_csv(csv_path)
    context = scan_context(directory, themes_dir)
    plans: list[RowPlan] = []
    first_row: dict[str, int] = {}
    for number, values in records:
        handle = values.get("handle", "").strip().lower()
        plan = RowPlan(row=number, handle=handle)
        plans.append(plan)
        if not handle:
            plan.problems.append("handle is empty")
        elif (problem := rules.handle_problem(handle)) is not None:
            plan.problems.append(f"handle {handle!r} is not a handle: {problem}")
        elif handle in first_row:
            plan.problems.append(f"handle {handle!r} is also on row {first_row[handle]}")
        elif not values.get("name"):
            plan.problems.append("name is empty")
        else:
            first_row[handle] = number
            _plan_row(plan, _wanted(values), directory, context, overwrite)
        if plan.problems:
            plan.action = "invalid"
    _check_clashes(plans, directory, themes_dir)
    ignored = [name for name in header if name and name not in COLUMNS]
    return ImportPlan(rows=plans, ignored_columns=ignored)


def apply_import(plan: ImportPlan, directory: Path) -> list[Path]:
    """Write the plan's new and changed files (each replaced atomically); the paths written."""
    written = []
    for row in plan.rows:
        if row.action in ("add", "change") and row.text is not None:
            path = directory / f"{row.handle}.toml"
            write_atomically(path, row.text)
            written.append(path)
    return written


def _read_csv(csv_path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    try:
        with open(csv_path, encoding="utf-8-sig", newline="") as stream:
            rows = list(csv.reader(stream))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CSVError(f"{csv_path}: can't be read: {exc}") from None
    if not rows:
        raise CSVError(f"{csv_path}: is empty (a header row is needed)")
    header = [name.strip().lower() for name in rows[0]]
    for column in REQUIRED_COLUMNS:
        if column not in header:
            columns = ", ".join(header)
            raise CSVError(f"{csv_path}: there is no {column!r} column (it has: {columns})")
    doubled = sorted({name for name in header if name and header.count(name) > 1})
    if doubled:
        raise CSVError(f"{csv_path}: column {doubled[0]!r} appears twice")
    records = []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        values = {name: cell.strip() for name, cell in zip(header, cells, strict=False)}
        records.append((number, values))
    return header, records


def _wanted(values: Mapping[str, str]) -> dict[str, Any]:
    """The file keys a row sets: empty cells set nothing (an import never deletes)."""
    wanted: dict[str, Any] = {}
    for column, key in FIELDS.items():
        value = values.get(column, "")
        if not value:
            continue
        if column == "aliases":
            aliases = [alias.strip().lower() for alias in value.split("|")]
            wanted[key] = [alias for alias in aliases if alias]
        elif column == "status":
            wanted[key] = value.lower()
        elif column in PROFILE_URLS and (match := _USER_NAME.fullmatch(value)):
            wanted[key] = PROFILE_URLS[column].format(match.group(1))
        else:
            wanted[key] = value
    return wanted


def _plan_row(
    plan: RowPlan, wanted: dict[str, Any], directory: Path, context: Context, overwrite: bool
) -> None:
    path = directory / f"{plan.handle}.toml"
    label = label_of(directory, path.name)
    if path.exists():
        try:
            doc = tomlkit.parse(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomlkit.exceptions.ParseError) as exc:
            plan.problems.append(f"{label} can't be read ({exc}); fix it first")
            return
        current = doc.unwrap()
        for table in ("discount", "social"):
            if table in current and not isinstance(current[table], dict):
                plan.problems.append(f"{label}: {table}: is not a table; fix the file first")
                return
        for key, new in wanted.items():
            old = get_key(current, key)
            if _same(DEFAULTS.get(key) if old is None else old, new):
                continue
            if old is None or overwrite:
                plan.changes.append(Change(key, old, new))
                set_key(doc, key, new)
            else:
                plan.conflicts.append(Change(key, old, new))
        plan.action = "change" if plan.changes else "unchanged"
    else:
        doc = new_document()
        for key, new in wanted.items():
            plan.changes.append(Change(key, None, new))
            set_key(doc, key, new)
        plan.action = "add"
    text = doc.as_string()
    creator, problems = check_data(plan.handle, tomllib.loads(text), context)
    if plan.action == "unchanged":
        plan.creator = creator  # an untouched file's own problems are `check`'s business
        return
    plan.problems.extend(f"{label}: {problem}" for problem in problems)
    plan.text, plan.creator = text, creator


def _check_clashes(plans: list[RowPlan], directory: Path, themes_dir: Path | None) -> None:
    """Refuse rows whose handle or aliases collide with another creator's."""
    existing = Registry(directory, themes_dir, log_problems=False)
    existing.load()
    writing = [plan for plan in plans if plan.action in ("add", "change") and plan.creator]
    touched = {plan.handle for plan in writing}
    claimed = {
        alias: label_of(directory, f"{creator.handle}.toml")
        for creator in existing
        if creator.handle not in touched
        for alias in creator.aliases
    }
    for plan in writing:
        if plan.handle in claimed:
            owner = claimed[plan.handle]
            label = label_of(directory, f"{plan.handle}.toml")
            _refuse(plan, f"{label}: handle {plan.handle!r} is already an alias of {owner}")
    handles = {path.stem for path in directory.glob("*.toml")}
    handles |= {plan.handle for plan in writing if plan.action != "invalid"}
    for plan in writing:
        if plan.action == "invalid":
            continue
        label = label_of(directory, f"{plan.handle}.toml")
        for alias in plan.creator.aliases:
            if alias in handles:
                _refuse(plan, f"{label}: aliases: {alias!r} is another creator's handle")
            elif (owner := claimed.get(alias, label)) != label:
                _refuse(plan, f"{label}: aliases: {alias!r} is already an alias of {owner}")
        if plan.action != "invalid":
            claimed.update(dict.fromkeys(plan.creator.aliases, label))


def _refuse(plan: RowPlan, problem: str) -> None:
    plan.problems.append(problem)
    plan.action = "invalid"


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, list) and isinstance(new, list):
        return sorted(map(str, old)) == sorted(map(str, new))  # aliases: order doesn't matter
    return old == new
