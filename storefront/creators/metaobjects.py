"""Creators kept in Shopify: one metaobject each, read into the shape of a creator file.

A metaobject (type `creator` by default) is turned into the dict that parsing
`creators/<handle>.toml` would give, then checked by `validate.check_data`
like a file, so both sources give the same messages, named
`shopify:creator/<handle>: hero.image: ...`. The mapping is by field key:

- a field named like a creator-file key holds that key: `name`, `status`,
  `bio`, `avatar`, `theme`, `aliases` (a list field), and any table as a JSON
  field (`hero`, `discount`, `collections`, `notes`, `social`, ...);
- `<table>_<key>` holds one key of a table: `hero_title`, `hero_image`,
  `discount_code`, `social_instagram`, `theme_settings_accent`. The longest
  creator-file key that prefixes the field key names the table.

So a key the creator file gains later is carried with no change here. Values
are read by the field's Shopify type: JSON and list fields as JSON, numbers,
booleans and dates as such, and a file reference to an image as that image's
URL. The metaobject's handle is the creator's handle.

Metaobjects come as plain dicts (see `record()`), the form the fetcher keeps
on disk too: {"handle", "fields": [{"key", "type", "value", "image"}]}.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from storefront.creators import rules
from storefront.creators.fields import TOP_KEYS
from storefront.creators.model import Creator
from storefront.creators.validate import Context, check_data

DEFAULT_TYPE = "creator"
# The creator-file keys that a `<key>_...` field can fill, longest first, so
# `theme_settings_accent` goes to [theme_settings], not to `theme`.
_PREFIXES = sorted(TOP_KEYS, key=len, reverse=True)


def label_of(type_: str, handle: str) -> str:
    """How messages name a metaobject: `shopify:creator/maya`."""
    return f"shopify:{type_}/{handle}"


def record(metaobject: Any) -> dict[str, Any]:
    """The plain, JSON-ready form of a storefront.shopify.models.Metaobject."""
    return {
        "id": metaobject.id,
        "handle": metaobject.handle,
        "updatedAt": metaobject.updated_at,
        "fields": [
            {"key": f.key, "type": f.type, "value": f.value, "image": f.image_url}
            for f in metaobject.entries
        ],
    }


def digest(raw: Mapping[str, Any]) -> str:
    """A fingerprint of one record: a creator's `revision` (cached pages follow it)."""
    # Records keep one key order (record(), and JSON read back), so no sorting is needed.
    text = json.dumps(raw, separators=(",", ":"), ensure_ascii=False)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def check_metaobject(
    raw: Mapping[str, Any], context: Context, type_: str = DEFAULT_TYPE,
    revision: str | None = None,
) -> tuple[Creator | None, list[str]]:
    """The Creator a metaobject record describes, or None and its problems (with the label).

    `revision` is the record's digest() when the caller has it already.
    """
    handle = raw.get("handle") if isinstance(raw.get("handle"), str) else ""
    label = label_of(type_, handle)
    problems: list[str] = []
    if (problem := rules.handle_problem(handle)) is not None:
        problems.append(f"the metaobject's handle must be a creator handle: {problem}")
    data, found = to_data(raw.get("fields") or [])
    problems.extend(found)
    creator, found = check_data(handle, data, context)
    problems.extend(found)
    if problems or creator is None:
        return None, [f"{label}: {problem}" for problem in problems]
    return replace(creator, revision=revision or digest(raw)), []


def to_data(fields: list[Mapping[str, Any]]) -> tuple[dict[str, Any], list[str]]:
    """The creator-file dict that metaobject `fields` describe, and the problems met on the way.

    Empty fields are left out, as a key missing from a file.
    """
    data: dict[str, Any] = {}
    problems: list[str] = []
    for field in fields:
        key = field.get("key")
        if not isinstance(key, str) or field.get("value") in (None, ""):
            continue
        table, inner = _place(key)
        path = f"{table}.{inner}" if inner else table
        try:
            value = _value(field)
        except ValueError as error:
            problems.append(f"{path}: {error} (field '{key}')")
            continue
        if key == "collections" and isinstance(value, list):
            # A list field of collection handles is enough: [[collections]] without titles.
            value = [{"handle": item} if isinstance(item, str) else item for item in value]
        if inner is None:
            if isinstance(data.get(table), dict) and isinstance(value, dict):
                # `hero` as JSON beside `hero_title`: both kept, each key once.
                problems.extend(_merge(data[table], value, table, key))
            else:
                data[table] = value
            continue
        holder = data.setdefault(table, {})
        if not isinstance(holder, dict):
            problems.append(f"{path}: field '{key}' fills a key of [{table}], but '{table}' "
                            "is set and is not a table")
        elif inner in holder:
            problems.append(f"{path}: set twice, by field '{key}' and in field '{table}'; "
                            "keep one")
        else:
            holder[inner] = value
    return data, problems


def _merge(holder: dict[str, Any], value: dict[str, Any], table: str, key: str) -> list[str]:
    problems = []
    for inner, item in value.items():
        if inner in holder:
            problems.append(f"{table}.{inner}: set twice, in field '{key}' and by field "
                            f"'{table}_{inner}'; keep one")
        else:
            holder[inner] = item
    return problems


def _place(key: str) -> tuple[str, str | None]:
    """(creator-file key, key inside its table or None) that field `key` fills."""
    if key in TOP_KEYS:
        return key, None
    for prefix in _PREFIXES:
        if key.startswith(prefix + "_") and len(key) > len(prefix) + 1:
            return prefix, key[len(prefix) + 1:]
    return key, None  # an unknown key: check_data names it (with a close match if any)


def _value(field: Mapping[str, Any]) -> Any:
    """A field's value read by its Shopify type; ValueError says why it can't be."""
    kind = field.get("type") or "single_line_text_field"
    value = field["value"]
    if not isinstance(value, str):
        raise ValueError(f"must be text, not {type(value).__name__}")
    if kind == "file_reference":
        image = field.get("image")
        if not image:
            raise ValueError("the file is not an image (use a file reference to an image)")
        return image
    if kind == "rich_text_field":
        raise ValueError("rich text is not read: use a multi-line text field")
    if kind == "json" or (kind.startswith("list.") and kind != "list.file_reference"):
        try:
            return json.loads(value)
        except ValueError as error:
            raise ValueError(f"is not valid JSON: {error}") from None
    if kind.endswith("_reference"):
        raise ValueError(f"a {kind} field is not read here: use text, JSON or an image")
    readers = {"number_integer": int, "date": date.fromisoformat,
               "date_time": datetime.fromisoformat}
    if kind in readers:
        try:
            return readers[kind](value)
        except ValueError:
            raise ValueError(f"{value!r} is not a {kind}") from None
    if kind == "boolean":
        return value == "true"
    # Text, URLs, colours and decimals stay text (a decimal is read exactly from text).
    return value
