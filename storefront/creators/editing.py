"""Editing creator files in place: keys set through tomlkit, files replaced atomically.

tomlkit keeps what a person wrote around the keys it changes (comments,
order, spacing, keys it was not asked about), so a tool may edit a file that
people also edit by hand.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import tomlkit


def new_document() -> tomlkit.TOMLDocument:
    """An empty creator file that says where it came from."""
    doc = tomlkit.document()
    doc.add(tomlkit.comment(f"Imported from a CSV export on {date.today().isoformat()}."))
    doc.add(tomlkit.comment("Every key is described in creators/README.md."))
    doc.add(tomlkit.nl())
    return doc


def get_key(data: Mapping[str, Any], key: str) -> Any:
    """The value at a dotted `key` (discount.code), or None."""
    for part in key.split("."):
        if not isinstance(data, Mapping) or part not in data:
            return None
        data = data[part]
    return data


def set_key(doc: tomlkit.TOMLDocument, key: str, value: Any) -> None:
    """Set a dotted `key`, adding its table when the file has none."""
    *tables, last = key.split(".")
    container: Any = doc
    for name in tables:
        if name not in container:
            container[name] = tomlkit.table()
        container = container[name]
    container[last] = value


def write_atomically(path: Path, text: str) -> None:
    """Replace `path` with `text`, keeping its permissions (new files: as open() makes them)."""
    # The registry's watcher may read the folder at any moment: it must never
    # see half a file, so write beside it and rename over.
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask  # what open() would have made; mkstemp's 0600 is too tight
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
