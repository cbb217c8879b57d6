"""Creators from a CSV: the project's own columns, or an affiliate platform's export
(`platform=`, see storefront.creators.platforms), merged into creators/ without losing edits.

`plan_import` reads the CSV and works out, row by row, what would be added,
changed, left alone, or refused; nothing is written until `apply_import`.
For a file that exists, a CSV value only fills a key the file lacks; a key
whose value differs is a conflict and stays as the file has it, unless
`overwrite`. A platform's referral ids are only ever added to a file's
`[legacy_ids]`. Files are edited with tomlkit, so comments, order and keys the
CSV doesn't know survive. Every file written has passed validation first.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomlkit
import tomlkit.exceptions

from storefront.creators import platforms, rules
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
    notes: list[str] = field(default_factory=list)  # worth knowing, not in the way
    text: str | None = None  # the file to write, for add and change
    creator: Creator | None = None


@dataclass
class ImportPlan:
    rows: list[RowPlan]
    ignored_columns: list[str]
    platform: platforms.Platform | None = None  # None: the project's own columns
    columns: list[platforms.Column] = field(default_factory=list)  # a platform's, as chosen
    notes: list[str] = field(default_factory=list)  # about the whole file

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def conflict_count(self) -> int:
        return sum(len(row.conflicts) for row in self.rows)


def plan_import(
    csv_path: Path, directory: Path, themes_dir: Path | None = None, *, overwrite: bool = False,
    platform: str | None = None, overrides: Mapping[str, str] | None = None,
) -> ImportPlan:
    """What importing `csv_path` into `directory` would do; nothing is written.

    With `platform` (a name of platforms.PLATFORMS) the file is that platform's
    export, its columns recognised by name, `overrides` ({column: field}, see
    platforms.parse_overrides) first.
    """
    if platform is not None:
        return _plan_platform(csv_path, directory, themes_dir, overwrite,
                              platforms.PLATFORMS[platform], overrides or {})
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
    """The project's own columns: the header (lowercased) and each row by column."""
    rows = _read_rows(csv_path)
    header = [name.strip().lower() for name in rows[0]]
    for column in REQUIRED_COLUMNS:
        if column not in header:
            columns = ", ".join(header)
            raise CSVError(f"{csv_path}: there is no {column!r} column (it has: {columns})")
    _no_doubles(csv_path, header)
    records = []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        values = {name: cell.strip() for name, cell in zip(header, cells, strict=False)}
        records.append((number, values))
    return header, records


def _read_rows(csv_path: Path) -> list[list[str]]:
    """Every row of the file (the header first), or a CSVError saying on which line it fails."""
    try:
        raw = csv_path.read_bytes()
    except OSError as exc:
        raise CSVError(f"{csv_path}: can't be read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise CSVError(f"{csv_path}: line {line}: is not UTF-8 text (byte 0x{raw[exc.start]:02x}); "
                       "export it again as CSV UTF-8") from None
    # strict: a quote never closed is an error, not the rest of the file in one cell
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows = []
    while True:
        start = reader.line_num + 1
        try:
            rows.append(next(reader))
        except StopIteration:
            break
        except csv.Error as exc:
            hint = " (a quote that is never closed?)" if "end of data" in str(exc) else ""
            raise CSVError(f"{csv_path}: line {start}: not valid CSV: {exc}{hint}") from None
    if not rows:
        raise CSVError(f"{csv_path}: is empty (a header row is needed)")
    return rows


def _no_doubles(csv_path: Path, header: list[str]) -> None:
    doubled = sorted({name for name in header if name and header.count(name) > 1})
    if doubled:
        raise CSVError(f"{csv_path}: column {doubled[0]!r} appears twice")


# A platform export's fields that are also the project's own columns (FIELDS above).
_OWN_COLUMNS = {"code": "discount_code", "discount_label": "discount_label", "bio": "bio",
                "instagram": "instagram", "tiktok": "tiktok", "youtube": "youtube",
                "website": "website", "aliases": "aliases"}
_ID_SEPARATORS = re.compile(r"[\s,;|]+")  # several ids in one cell


def _plan_platform(csv_path: Path, directory: Path, themes_dir: Path | None, overwrite: bool,
                   platform: platforms.Platform, overrides: Mapping[str, str]) -> ImportPlan:
    rows = _read_rows(csv_path)
    header = [name.strip() for name in rows[0]]
    _no_doubles(csv_path, [platforms.normal(name) for name in header])
    try:
        columns = platforms.choose(header, platform, overrides)
    except platforms.MappingError as exc:
        raise CSVError(f"{csv_path}: {exc}") from None
    fields = {column.field: column for column in columns if column.field != "ignore"}
    if not fields.keys() & {"name", "first_name", "last_name"}:
        raise CSVError(f"{csv_path}: no column holds the name (the columns: "
                       f"{', '.join(header)}); say which with --map COLUMN=name")
    ignored = [column.header for column in columns if column.field == "ignore" and column.header]
    plan = ImportPlan(rows=[], ignored_columns=ignored, platform=platform, columns=columns)
    if not fields.keys() & {"ref", "link"}:
        plan.notes.append(f"no column holds the {platform.title} referral link or id, so the links "
                          "creators shared there won't credit them here (--map COLUMN=link)")
    context = scan_context(directory, themes_dir)
    existing = Registry(directory, themes_dir, log_problems=False)
    existing.load()
    seen: dict[str, int] = {}  # "handle:maya", "email:...", "id:..." -> the first row with it
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        row = RowPlan(row=number, handle="")
        plan.rows.append(row)
        wanted = _affiliate(row, cells, len(header), fields, platform, existing, seen)
        if wanted is not None:
            _plan_row(row, wanted, directory, context, overwrite)
        if row.problems:
            row.action = "invalid"
    _check_clashes(plan.rows, directory, themes_dir)
    return plan


def _affiliate(row: RowPlan, cells: list[str], width: int, fields: dict[str, platforms.Column],
               platform: platforms.Platform, existing: Registry,
               seen: dict[str, int]) -> dict[str, Any] | None:
    """The file keys a platform's row sets (and `row.handle`), or None and `row.problems`."""
    if len(cells) > width and any(cell.strip() for cell in cells[width:]):
        row.problems.append(f"{len(cells)} cells, but the header names {width} columns "
                            "(a comma in a cell that is not quoted?)")
        return None
    cell = {name: cells[column.index].strip() if column.index < len(cells) else ""
            for name, column in fields.items()}
    name = cell.get("name") or " ".join(
        part for part in (cell.get("first_name"), cell.get("last_name")) if part)
    if not name:
        named = [repr(fields[key].header) for key in ("name", "first_name", "last_name")
                 if key in fields]
        row.problems.append(f"the name is empty ({' and '.join(named)})")
        return None
    ids = _ids(row, cell, fields, platform)
    status = platforms.status_of(cell["status"]) if cell.get("status") else None
    if cell.get("status") and status is None:
        row.problems.append(f"{fields['status'].header!r}: {cell['status']!r} is not a status "
                            f"the import knows ({', '.join(platforms.STATUS_WORDS)})")
    _choose_handle(row, cell.get("handle", "").lower(), name, ids, platform, existing, seen)
    email = cell.get("email", "").casefold()
    if email and "email:" + email in seen:  # (the address itself is never shown)
        row.problems.append(f"the same email as row {seen['email:' + email]} "
                            "(one affiliate listed twice?)")
    for value in ids:
        if f"id:{value.casefold()}" in seen:
            row.problems.append(f"{platform.parameter} {value!r} is also on row "
                                f"{seen[f'id:{value.casefold()}']}")
    if row.problems:
        return None
    keys = [f"handle:{row.handle}", *([f"email:{email}"] if email else []),
            *(f"id:{value.casefold()}" for value in ids)]
    seen.update(dict.fromkeys(keys, row.row))
    values = {own: cell[key] for key, own in _OWN_COLUMNS.items() if cell.get(key)}
    wanted = _wanted({**values, "name": name, **({"status": status} if status else {})})
    current = existing.get(row.handle)
    known = [value for key, value in current.legacy_ids if key == platform.name] if (
        current is not None and current.handle == row.handle) else []
    folded = {value.casefold() for value in known}
    added = [value for value in ids if value.casefold() not in folded]
    if added:  # ids are added to the file's, never put in their place
        every = known + added
        wanted[f"legacy_ids.{platform.name}"] = every[0] if len(every) == 1 else every
    if platform.parameter == "ref":  # ours too: a handle or alias is looked up first
        for value in ids:
            other = existing.get(value)
            if other is not None and other.handle != row.handle:
                row.notes.append(f"?ref={value} leads to {other.handle}, whose handle or "
                                 "alias it is, not to this creator")
    return wanted


def _ids(row: RowPlan, cell: dict[str, str], fields: dict[str, platforms.Column],
         platform: platforms.Platform) -> list[str]:
    """The row's referral ids: the id column's, then the referral link's."""
    ids = [value for value in _ID_SEPARATORS.split(cell.get("ref", "")) if value]
    link = cell.get("link", "")
    if link:
        found = platforms.ids_in_link(link, platform.parameter)
        if not found:
            row.notes.append(f"{fields['link'].header!r}: {link!r} has no {platform.parameter}= "
                             "id, so links to it can't credit them here")
        ids += found
    unique: dict[str, str] = {}  # ids match in any case: the first spelling is kept
    for value in ids:
        unique.setdefault(value.casefold(), value)
    return list(unique.values())


def _choose_handle(row: RowPlan, given: str, name: str, ids: list[str],
                   platform: platforms.Platform, existing: Registry, seen: dict[str, int]) -> None:
    """`row.handle`: the handle column's; else that of the creator who has one of the row's
    ids already; else made from the name, numbered when another creator has it."""
    if given:
        row.handle = given
        if (problem := rules.handle_problem(given)) is not None:
            row.problems.append(f"handle {given!r} is not a handle: {problem}")
        elif f"handle:{given}" in seen:
            row.problems.append(f"handle {given!r} is also on row {seen[f'handle:{given}']}")
        return
    owner = next((creator for value in ids
                  if (creator := existing.by_platform_id(platform.name, value)) is not None), None)
    if owner is not None:
        row.handle = owner.handle
        return
    base = handle = platforms.handle_from(name)
    if not base:
        row.problems.append(f"no handle can be made of the name {name!r}: give the file a "
                            "handle column (--map COLUMN=handle)")
        return
    number = 1
    while _taken(handle, ids, platform, existing, seen):
        number += 1
        handle = f"{base[:rules.HANDLE_MAX - len(str(number)) - 1].rstrip('-')}-{number}"
    if handle != base:
        row.notes.append(f"handle {handle!r}: {base!r} is another creator's")
    row.handle = handle


def _taken(handle: str, ids: list[str], platform: platforms.Platform, existing: Registry,
           seen: dict[str, int]) -> bool:
    """Whether `handle`, made from a name, is another affiliate's: a row's before this one,
    another creator's alias, or a creator's with other ids on this platform."""
    if f"handle:{handle}" in seen:
        return True
    creator = existing.get(handle)
    if creator is None:
        return False
    theirs = {value.casefold() for key, value in creator.legacy_ids if key == platform.name}
    return creator.handle != handle or bool(theirs and theirs.isdisjoint(
        value.casefold() for value in ids))


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
        for table in ("discount", "social", "legacy_ids"):
            if table in current and not isinstance(current[table], dict):
                plan.problems.append(f"{label}: {table}: is not a table; fix the file first")
                return
        for key, new in wanted.items():
            old = get_key(current, key)
            if _same(DEFAULTS.get(key) if old is None else old, new):
                continue
            # Ids are only ever added (the new value holds the file's): never a conflict.
            if old is None or overwrite or key.startswith("legacy_ids."):
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
    """Refuse rows whose handle, aliases or referral ids collide with another creator's."""
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
    ids = {
        (platform, value.casefold()): label_of(directory, f"{creator.handle}.toml")
        for creator in existing
        if creator.handle not in touched
        for platform, value in creator.legacy_ids
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
        for platform, value in plan.creator.legacy_ids:
            if (owner := ids.get((platform, value.casefold()), label)) != label:
                _refuse(plan, f"{label}: legacy_ids.{platform}: {value!r} is already {owner}'s")
        if plan.action != "invalid":
            claimed.update(dict.fromkeys(plan.creator.aliases, label))
            ids.update({(platform, value.casefold()): label
                        for platform, value in plan.creator.legacy_ids})


def _refuse(plan: RowPlan, problem: str) -> None:
    plan.problems.append(problem)
    plan.action = "invalid"


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, list) and isinstance(new, list):
        return sorted(map(str, old)) == sorted(map(str, new))  # aliases: order doesn't matter
    return old == new
