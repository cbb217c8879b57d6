"""The creator files as earlier processes checked them, kept in one file on disk.

Checking 10,000 creator files (TOML parsing, then every field) takes seconds,
and every gunicorn worker and every `flask` command used to pay it at start.
A registry's first load reads what an earlier process wrote here and re-checks
only the files that changed since (the registry's reuse rule, as in refresh()).

What was checked is only good for the same folder, the same media files and
themes, and the same checking code, so those make the file's key: a file with
another key, or one that can't be read or is damaged, is ignored and replaced.

The file is a pickle. It lives in the instance folder, which is the operator's
as the SQLite databases beside it are: whoever can write there can change what
the store does anyway.
"""

from __future__ import annotations

import copyreg
import dataclasses
import gc
import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from storefront.creators import model
from storefront.creators.fields import LEGACY_PLATFORMS, Context
from storefront.creators.model import Creator

log = logging.getLogger("storefront.creators")

NAME = "creators-checked.pickle"  # in the instance folder
FORMAT = 1  # of the file's layout; the code digest covers everything else

Stamp = tuple[int, int, int]  # (mtime_ns, size, inode): a changed file changes one of them


@dataclass(frozen=True, slots=True)
class CheckedFile:
    """One creator file as last read: its stamp, and its creator or its own problems."""

    stamp: Stamp
    digest: bytes  # of the content, to tell a real change from a touch
    racy: bool  # written so recently that a change might not show in the stamp
    creator: Creator | None
    problems: tuple[str, ...]

    def __reduce__(self) -> tuple[type[CheckedFile], tuple[Any, ...]]:
        # Unpickled by __init__: a slotted dataclass's default way looks its fields up
        # again for every object, and there are ten thousand of them.
        return CheckedFile, (self.stamp, self.digest, self.racy, self.creator, self.problems)


def key(directory: Path, context: Context) -> tuple[Any, ...]:
    """What the entries of `directory`, checked against `context`, are good for."""
    return (
        FORMAT,
        sys.version,  # another Python may unpickle or parse differently
        _code_digest(),
        LEGACY_PLATFORMS,  # the one input of the checks from outside this package
        str(directory.resolve()),
        directory.name,  # messages name files by it (label_of)
        context,
    )


def read(path: Path, wanted: tuple[Any, ...]) -> dict[str, CheckedFile] | None:
    """The files kept in `path` under the key `wanted`, by name; None if there are none to use."""
    try:
        with open(path, "rb") as file, _collector_paused():
            # The key comes first, on its own: another key's entries aren't even unpickled.
            if pickle.load(file) != wanted:
                return None
            entries = pickle.load(file)
    except (FileNotFoundError, NotADirectoryError):  # none yet (or no instance folder)
        return None
    except Exception as error:  # unpickling a damaged file can raise almost anything
        log.debug("creators: ignoring %s (%s: %s)", path, type(error).__name__, error)
        return None
    if not _well_formed(entries):
        log.debug("creators: ignoring %s (not the entries this version writes)", path)
        return None
    return entries


def write(path: Path, wanted: tuple[Any, ...], entries: Mapping[str, CheckedFile]) -> None:
    """Keep `entries` (file name -> CheckedFile) in `path` under the key `wanted`; log one
    line (and go on) if it can't be written.

    The file is replaced in one step, so processes starting together read the
    old file or the new one, never half of one. No fsync: a file lost to a
    crash only means checking everything once more.
    """
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        # mkstemp's 0600 would keep the workers out when a deploy's command, run as
        # another user, wrote it; it holds no more than the creator files themselves.
        os.chmod(handle, 0o644)
        with os.fdopen(handle, "wb") as file, _collector_paused():
            # Two pickles: read() stops after the first when the key differs.
            for part in (wanted, dict(entries)):
                pickler = pickle.Pickler(file, pickle.HIGHEST_PROTOCOL)
                pickler.dispatch_table = _REDUCERS
                pickler.dump(part)
        os.replace(temporary, path)
    except Exception as error:  # the creators are loaded all the same: checked again next time
        if isinstance(error, OSError):  # a read-only instance folder, a full disk
            log.info("creators: not keeping checked files in %s: %s", path,
                     error.strerror or error)
        else:  # something of a creator that doesn't pickle: ours to fix
            log.warning("creators: could not keep checked files in %s (%s: %s)", path,
                        type(error).__name__, error)
        if temporary is not None:
            try:
                os.unlink(temporary)
            except OSError:
                pass


# The model's records are pickled as calls to their own __init__ with their fields in
# order: unpickled 40% faster than by their default way (a slotted dataclass's state,
# whose fields are looked up again for each object). Read-only mappings don't pickle
# by default at all. A class whose __init__ doesn't take every field keeps the default.
def _by_fields(record: Any) -> tuple[type, tuple[Any, ...]]:
    return type(record), tuple(getattr(record, name) for name in _FIELDS[type(record)])


def _read_only(values: dict[str, Any]) -> MappingProxyType[str, Any]:
    return MappingProxyType(values)


_FIELDS = {
    kind: tuple(field.name for field in dataclasses.fields(kind))
    for kind in vars(model).values()
    if isinstance(kind, type) and dataclasses.is_dataclass(kind)
    and all(field.init for field in dataclasses.fields(kind))
}
_REDUCERS = copyreg.dispatch_table.copy()
_REDUCERS.update(dict.fromkeys(_FIELDS, _by_fields))
_REDUCERS[MappingProxyType] = lambda mapping: (_read_only, (dict(mapping),))


@contextmanager
def _collector_paused() -> Iterator[None]:
    # Pickling or unpickling tens of thousands of objects sets the cyclic garbage
    # collector off again and again, over all of them: that took as long as the
    # pickling itself. Nothing here makes cycles for it to find.
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


@cache
def _code_digest() -> str:
    """A digest of this package's source: a deploy that changes the checks re-checks all."""
    digest = hashlib.blake2b(digest_size=16)
    package = Path(__file__).parent
    for source in sorted(package.rglob("*.py")):
        digest.update(str(source.relative_to(package)).encode() + b"\0")
        digest.update(source.read_bytes() + b"\0")
    return digest.hexdigest()


def _well_formed(entries: Any) -> bool:
    if not isinstance(entries, dict):
        return False
    for name, entry in entries.items():
        if not (isinstance(name, str) and type(entry) is CheckedFile):
            return False
        stamp, digest, racy, creator, problems = (
            entry.stamp, entry.digest, entry.racy, entry.creator, entry.problems)
        if not (isinstance(stamp, tuple) and len(stamp) == 3
                and all(type(number) is int for number in stamp)
                and isinstance(digest, bytes) and type(racy) is bool
                and (creator is None
                     or isinstance(creator, Creator) and creator.revision == digest.hex())
                and isinstance(problems, tuple)
                and all(isinstance(problem, str) for problem in problems)
                # A file holds a creator or has problems, never both nor neither.
                and (creator is None) == bool(problems)):
            return False
    return True
