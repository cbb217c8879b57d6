"""All creators of a folder, looked up by handle or alias, and reloaded when files change.

The registry holds one immutable snapshot (files, lookups, problems). Loading
builds a new snapshot beside the old one and swaps it in with one assignment,
so a request in another thread sees either the old creators or the new ones,
never a mix. A refresh parses only the files whose name, size, mtime or inode
changed since the last one, so watching 10,000 files costs one directory scan.

A file written within RACY_NS of a scan may change again without its stamp
changing (timestamps are coarse), so until it is older than that its content
digest is compared too, as git does for "racily clean" index entries.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

from storefront.creators import rules
from storefront.creators.model import Creator
from storefront.creators.turns import Turns
from storefront.creators.validate import (
    Context,
    check_conflicts,
    check_source,
    label_of,
    scan_context,
)

log = logging.getLogger("storefront.creators")

Stamp = tuple[int, int, int]  # (mtime_ns, size, inode): a changed file changes one of them
RACY_NS = 2_000_000_000  # 2 s: coarser than any file system's timestamps but FAT's
LOOKUP_MAX = 255  # longer than any id or code a file may hold: not worth a lookup


@dataclass(frozen=True, slots=True)
class _File:
    """One file as last read: its stamp, and its creator or its own problems."""

    stamp: Stamp
    digest: bytes  # of the content, to tell a real change from a touch
    racy: bool  # written so recently that a change might not show in the stamp
    creator: Creator | None
    problems: tuple[str, ...]


@dataclass(frozen=True)
class _Snapshot:
    context: Context | None = None
    files: Mapping[str, _File] = field(default_factory=dict)  # file name -> what it held
    by_name: Mapping[str, Creator] = field(default_factory=dict)  # handle or alias -> creator
    # (platform, referral id casefolded) -> creator, from `[legacy_ids]`
    by_platform_id: Mapping[tuple[str, str], Creator] = field(default_factory=dict)
    by_code: Mapping[str, Creator] = field(default_factory=dict)  # casefolded code -> creator
    creators: tuple[Creator, ...] = ()  # sorted by handle
    skipped: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # file name -> problems

    @property
    def problems(self) -> list[str]:
        return [problem for problems in self.skipped.values() for problem in problems]


class Registry:
    """The creators in `directory` (one `<handle>.toml` each), valid ones only.

    Invalid files are logged (logger `storefront.creators`) and skipped; their
    messages are in `problems`. Lookups never touch the disk.
    """

    def __init__(
        self, directory: Path, themes_dir: Path | None = None, *, log_problems: bool = True
    ) -> None:
        self.directory = Path(directory)
        self.themes_dir = Path(themes_dir) if themes_dir else None
        self.log_problems = log_problems
        self._snapshot = _Snapshot()
        self._lock = threading.Lock()  # one loader at a time; readers never wait
        self._start_lock = threading.Lock()
        self._watching_pid: int | None = None
        self._stop = threading.Event()
        _registries.add(self)

    # -- lookups ---------------------------------------------------------------------

    def get(self, name: str) -> Creator | None:
        """The creator whose handle or alias is `name`, in any case; None if there's none.

        `creator.handle != name.lower()` means `name` is an alias (views redirect).
        """
        if not isinstance(name, str) or not name.isascii():
            return None
        return self._snapshot.by_name.get(name.lower())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def __len__(self) -> int:
        return len(self._snapshot.creators)

    def __iter__(self) -> Iterator[Creator]:
        """Every valid creator (any status), sorted by handle."""
        return iter(self._snapshot.creators)

    def by_platform_id(self, platform: str, value: str) -> Creator | None:
        """The creator whose `[legacy_ids]` give `platform` the id `value` (in any case)."""
        if not isinstance(value, str) or len(value) > LOOKUP_MAX:
            return None
        return self._snapshot.by_platform_id.get((platform, value.casefold()))

    def by_code(self, code: str) -> Creator | None:
        """The creator whose discount code is `code` (in any case, as Shopify reads codes).

        A code that two creators share names neither of them.
        """
        if not isinstance(code, str) or len(code) > LOOKUP_MAX:
            return None
        return self._snapshot.by_code.get(code.casefold())

    @property
    def problems(self) -> list[str]:
        """Every message of the last load or refresh, file by file."""
        return self._snapshot.problems

    @property
    def file_count(self) -> int:
        """How many creator files the last load or refresh found, valid or not."""
        return len(self._snapshot.files)

    # -- loading ---------------------------------------------------------------------

    def load(self) -> None:
        """Read every file again and log every invalid one."""
        self._build(full=True)

    def reload(self) -> None:
        """The same as load(): a full reload, for callers that mean "again"."""
        self._build(full=True)

    def refresh(self) -> bool:
        """Re-read only added and changed files, drop removed ones; True if anything changed.

        A changed media folder or themes folder re-checks every file, since a
        file's validity depends on the images and themes it names.
        """
        return self._build(full=False)

    def _build(self, *, full: bool) -> bool:
        with self._lock:
            old = self._snapshot
            now = time.time_ns()
            stamps = self._scan()
            context = scan_context(self.directory, self.themes_dir)
            reuse = not full and context == old.context
            changed = not reuse or stamps.keys() != old.files.keys()
            files: dict[str, _File] = {}
            for name in sorted(stamps, key=lambda name: name[:-5]):
                previous = old.files.get(name) if reuse else None
                stamp = stamps[name]
                if previous is not None and previous.stamp == stamp and not previous.racy:
                    files[name] = previous
                    continue
                label = label_of(self.directory, name)
                try:
                    raw = (self.directory / name).read_bytes()
                except FileNotFoundError:  # removed since the scan
                    changed = True
                    continue
                except OSError as exc:  # e.g. no permission: skipped, and tried again next time
                    changed = changed or previous is None or previous.digest != b""
                    problem = f"{label}: can't be read: {exc.strerror}"
                    files[name] = _File(stamp, b"", True, None, (problem,))
                    continue
                digest = hashlib.blake2b(raw, digest_size=16).digest()
                racy = stamp[0] >= now - RACY_NS
                if previous is not None and previous.digest == digest:
                    files[name] = _File(stamp, digest, racy, previous.creator, previous.problems)
                    continue
                changed = True
                creator, problems = check_source(name, raw, context, label)
                if creator is not None:
                    creator = replace(creator, revision=digest.hex())
                files[name] = _File(stamp, digest, racy, creator, tuple(problems))
            if not changed:
                if files != old.files:  # only stamps moved on: keep them, nothing to swap
                    self._snapshot = replace(old, files=MappingProxyType(files))
                return False
            self._snapshot = snapshot = _resolve(self.directory, context, files)
        if self.log_problems:
            _log_skipped(self.directory, snapshot, _Snapshot() if full else old)
        return True

    def _scan(self) -> dict[str, Stamp]:
        stamps: dict[str, Stamp] = {}
        with os.scandir(self.directory) as entries:
            for entry in entries:
                # Dotfiles are editors' and tools' (".#maya.toml"), as for a shell's *.toml.
                if entry.name.endswith(".toml") and not entry.name.startswith("."):
                    try:
                        if not entry.is_file():
                            continue
                        stat = entry.stat()
                    except FileNotFoundError:  # removed while we looked
                        continue
                    stamps[entry.name] = (stat.st_mtime_ns, stat.st_size, entry.inode())
        return stamps

    # -- watching --------------------------------------------------------------------

    def start_watching(self, interval: float = 2.0, shared: Path | None = None) -> None:
        """Call refresh() every `interval` seconds in a daemon thread (once per process).

        With `shared` (a writable folder), the processes of a machine take turns:
        one scans and the others follow it (see turns.py).
        """
        with self._start_lock:
            if self._watching_pid == os.getpid():
                return
            self._stop.set()  # a watcher of this process's past, if any, ends
            self._stop = stop = threading.Event()
            # The thread holds the registry weakly: an app that is let go (as in
            # tests) takes its watcher with it.
            thread = threading.Thread(
                target=_watch,
                args=(weakref.ref(self), interval, stop,
                      Turns(shared, self.directory) if shared else None),
                name=f"creators-watcher {self.directory}",
                daemon=True,
            )
            thread.start()
            self._watching_pid = os.getpid()

    def ensure_watching(self, interval: float = 2.0, shared: Path | None = None) -> None:
        """start_watching() unless it runs in this process already; 0 means don't watch.

        Threads don't survive fork(): each serving process starts its own watcher
        (storefront.lifecycle: gunicorn's post_worker_init, or the first request
        under another server), checked by process id.
        """
        if interval > 0 and self._watching_pid != os.getpid():
            self.start_watching(interval, shared)

    def stop_watching(self) -> None:
        self._stop.set()
        self._watching_pid = None

    @property
    def watching(self) -> bool:
        return self._watching_pid == os.getpid()

    def _after_fork(self) -> None:
        # A lock held by a parent's thread at fork time would stay held forever here.
        self._lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._watching_pid = None


def _watch(
    ref: weakref.ref[Registry], interval: float, stop: threading.Event, turns: Turns | None
) -> None:
    try:
        while not stop.wait(turns.wait_seconds(interval) if turns else interval):
            registry = ref()
            if registry is None:
                return
            try:
                if turns:
                    turns.tick(registry.refresh)
                else:
                    registry.refresh()
            except Exception:  # a vanished folder, a full disk: keep the creators we have
                log.exception("creators: refreshing %s failed", registry.directory)
            del registry
    finally:
        if turns:
            turns.close()  # the scanner's turn passes to another process


def _resolve(directory: Path, context: Context, files: dict[str, _File]) -> _Snapshot:
    """The snapshot of parsed `files` (in load order), with clashes between files settled."""
    handles = {
        name[:-5] for name in files if rules.handle_problem(name[:-5]) is None
    }
    candidates = [
        (label_of(directory, name), file.creator)
        for name, file in files.items()
        if file.creator is not None
    ]
    accepted, clashes = check_conflicts(candidates, handles)
    skipped: dict[str, tuple[str, ...]] = {}
    for name, file in files.items():
        problems = file.problems or tuple(clashes.get(label_of(directory, name), ()))
        if problems:
            skipped[name] = problems
    by_name: dict[str, Creator] = {}
    by_platform_id: dict[tuple[str, str], Creator] = {}
    by_code: dict[str, Creator | None] = {}
    for creator in accepted:
        by_name[creator.handle] = creator
        by_name.update(dict.fromkeys(creator.aliases, creator))
        by_platform_id.update({(platform, value.casefold()): creator
                               for platform, value in creator.legacy_ids})
        if creator.discount is not None:
            code = creator.discount.code.casefold()
            by_code[code] = None if code in by_code else creator  # shared: nobody's
    return _Snapshot(
        context=context,
        files=MappingProxyType(files),
        by_name=MappingProxyType(by_name),
        by_platform_id=MappingProxyType(by_platform_id),
        by_code=MappingProxyType({code: c for code, c in by_code.items() if c is not None}),
        creators=tuple(sorted(accepted, key=lambda creator: creator.handle)),
        skipped=MappingProxyType(skipped),
    )


def _log_skipped(directory: Path, new: _Snapshot, old: _Snapshot) -> None:
    """Log each skipped file once: again only when its problems change."""
    for name, problems in new.skipped.items():
        if old.skipped.get(name) != problems:
            label = label_of(directory, name)
            log.warning("creator file skipped: %s\n  %s", label, "\n  ".join(problems))


# Every live registry, so a forked child can reset their locks (see Registry._after_fork).
_registries: weakref.WeakSet[Registry] = weakref.WeakSet()


def _reset_after_fork() -> None:
    for registry in list(_registries):
        registry._after_fork()


os.register_at_fork(after_in_child=_reset_after_fork)
