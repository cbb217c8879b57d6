"""An approved change written into the creator's file: only the keys a creator edits, in
place (tomlkit keeps the file's other keys, its comments and its order), checked whole
before anything is replaced, then the registry reloaded.

An uploaded image is copied into the creators' media folder under its content-hashed
name, so the file names it as it names any image (`image = "<name>.jpg"`) and
/creator-media/ serves it; rules.image_problem needs no change.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path
from typing import Any

import tomlkit

from storefront.creators import editing, validate
from storefront.creators.fields import SOCIAL_PLATFORMS
from storefront.creators.registry import Registry
from storefront.self_service import draft as drafts


class NotWritten(Exception):
    """The change cannot be written; the message says why (the file is untouched)."""


def creator_file(registry: Registry, handle: str) -> Path:
    return registry.directory / f"{handle}.toml"


def read_data(path: Path) -> dict[str, Any]:
    """The parsed creator file at `path` (it was valid when the registry loaded it)."""
    return tomllib.loads(path.read_text(encoding="utf-8"))


def write(registry: Registry, handle: str, draft: dict[str, Any], uploads: Path) -> None:
    """Put `draft` into `handle`'s file; NotWritten if it cannot be."""
    if registry.source_of(handle) != "file":
        # approvals.py sends those to metaobject_write.py instead.
        raise NotWritten(f"{handle} is kept in Shopify (a metaobject), not in a creator file")
    path = creator_file(registry, handle)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise NotWritten(f"{path.name} cannot be read: {error.strerror}") from None
    doc = tomlkit.parse(text)
    copied = _bring_upload(draft, registry.directory / "media", uploads)
    _edit(doc, draft)
    new = tomlkit.dumps(doc)
    context = validate.scan_context(registry.directory, registry.themes_dir)
    label = validate.label_of(registry.directory, path.name)
    creator, problems = validate.check_source(path.name, new.encode("utf-8"), context, label)
    if creator is None:
        if copied is not None:
            copied.unlink(missing_ok=True)
        raise NotWritten("the file would not be valid: " + "; ".join(problems))
    editing.write_atomically(path, new)
    registry.refresh()


def _bring_upload(draft: dict[str, Any], media: Path, uploads: Path) -> Path | None:
    """Copy the draft's uploaded image into the media folder; the copy, if one was made."""
    name = drafts.upload_name(draft["hero_image"])
    if name is None:
        return None
    source, target = uploads / name, media / name
    if target.exists():
        return None
    if not source.is_file():
        raise NotWritten(f"the uploaded image {name} is no longer on this server "
                         "(INSTANCE_DIR/creator-uploads/): ask the creator to upload it again")
    media.mkdir(parents=True, exist_ok=True)
    temp = media / f".{name}.tmp"
    shutil.copyfile(source, temp)
    temp.replace(target)
    return target


def _set_or_drop(table, key: str, value: str) -> None:
    if value:
        if table.get(key) != value:  # an unchanged value keeps how it was written
            table[key] = value
    elif key in table:
        del table[key]


def _edit(doc: tomlkit.TOMLDocument, draft: dict[str, Any]) -> None:
    hero = doc.get("hero")
    wanted = {"title": draft["hero_title"], "subtitle": draft["hero_subtitle"],
              "image": drafts.file_value(draft["hero_image"])}
    if hero is None and any(wanted.values()):
        hero = doc["hero"] = tomlkit.table()
    if hero is not None:
        for key, value in wanted.items():
            _set_or_drop(hero, key, value)
        if not hero:
            del doc["hero"]
    _set_or_drop(doc, "bio", draft["bio"])
    _edit_social(doc, draft["social"])
    _edit_notes(doc, [(handle, note) for handle, note, _title in draft["picks"]])


def _edit_social(doc: tomlkit.TOMLDocument, social: dict[str, str]) -> None:
    table = doc.get("social")
    if table is None:
        if not social:
            return
        table = doc["social"] = tomlkit.table()
    for platform in SOCIAL_PLATFORMS:
        _set_or_drop(table, platform, social.get(platform, ""))
    if not table:
        del doc["social"]


def _edit_notes(doc: tomlkit.TOMLDocument, picks: list[tuple[str, str]]) -> None:
    table = doc.get("notes")
    wanted = dict(picks)
    if table is None:
        if picks:
            doc["notes"] = tomlkit.table()
            for handle, note in picks:
                doc["notes"][handle] = note
        return
    for handle in [key for key in table if key not in wanted]:
        del table[handle]
    for handle, note in picks:
        if table.get(handle) != note:
            table[handle] = note  # in place when the key is there (its comment kept)
    if list(table) != list(wanted):
        # The order changed (picks are shown in file order): the table is written anew.
        fresh = tomlkit.table()
        for handle, note in picks:
            fresh[handle] = note
        doc["notes"] = fresh
    if not wanted:
        del doc["notes"]


def current_data(registry: Registry, creator) -> dict[str, Any]:
    """The creator's record as parsed TOML: their file, or (a metaobject) their name alone,
    which is all that validation needs beside the keys a creator edits."""
    if registry.source_of(creator.handle) == "file":
        try:
            return read_data(creator_file(registry, creator.handle))
        except (OSError, tomllib.TOMLDecodeError):
            pass  # changed under us: the registry keeps the last good one
    return {"name": creator.name}


def current_draft(registry: Registry, creator) -> dict[str, Any]:
    """What the creator's page holds now, as a draft."""
    if registry.source_of(creator.handle) == "file":
        try:
            return drafts.from_data(read_data(creator_file(registry, creator.handle)))
        except (OSError, tomllib.TOMLDecodeError):
            pass
    return drafts.from_creator(creator)


def context(registry: Registry) -> validate.Context:
    return validate.scan_context(registry.directory, registry.themes_dir)
