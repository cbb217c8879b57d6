"""All creators of a folder, looked up by handle or alias, and reloaded when files change.

The registry holds one immutable snapshot (files, lookups, problems). Loading
builds a new snapshot beside the old one and swaps it in with one assignment,
so a request in another thread sees either the old creators or the new ones,
never a mix. A refresh parses only the files whose name, size, mtime or inode
changed since the last one, so watching 10,000 files costs one directory scan.

A file written within RACY_NS of a scan may change again without its stamp
changing (timestamps are coarse), so until it is older than that its content
digest is compared too, as git does for "racily clean" index entries.

`load_later()` puts the first load off until the first lookup: a command
that never asks for a creator never reads them, and one that does can read
them while the database works (flask creators payouts); serving processes
load at their start (creators.init_app).

Given a `cache_file`, the first load of a registry starts from what an
earlier process checked (checked.py) by the same rule, so a new process
re-checks only the files changed since, and it keeps its result there.

With CREATORS_SOURCE=shopify or both, the creators of Shopify's metaobjects
(sources.ShopifyCreators) join the files'. Only the watcher fetches them: a
refresh with `fetch=True`, in the one process of the machine whose turn it
is; the others read the copy it writes when it tells them. With both, a file
wins over a metaobject of the same handle (see `_resolve`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

from storefront.creators import checked, metaobjects, rules
from storefront.creators.checked import CheckedFile, Stamp
from storefront.creators.model import Creator
from storefront.creators.sources import ShopifyCreators
from storefront.creators.turns import Turns
from storefront.creators.validate import (
    Context,
    check_conflicts,
    check_source,
    label_of,
    scan_context,
)

log = logging.getLogger("storefront.creators")

T = TypeVar("T")

RACY_NS = 2_000_000_000  # 2 s: coarser than any file system's timestamps but FAT's
LOOKUP_MAX = 255  # longer than any id or code a file may hold: not worth a lookup


@dataclass(frozen=True, slots=True)
class _Record:
    """One metaobject as last checked: its fingerprint, and its creator or its problems."""

    label: str  # how messages name it: shopify:creator/maya
    digest: str
    creator: Creator | None
    problems: tuple[str, ...]


@dataclass(frozen=True)
class _Snapshot:
    context: Context | None = None
    files: Mapping[str, CheckedFile] = field(default_factory=dict)  # file name -> what it held
    records: Mapping[str, _Record] = field(default_factory=dict)  # metaobject handle -> ...
    by_name: Mapping[str, Creator] = field(default_factory=dict)  # handle or alias -> creator
    # (platform, referral id casefolded) -> creator, from `[legacy_ids]`
    by_platform_id: Mapping[tuple[str, str], Creator] = field(default_factory=dict)
    by_code: Mapping[str, Creator] = field(default_factory=dict)  # casefolded code -> creator
    creators: tuple[Creator, ...] = ()  # sorted by handle
    # file name (or a metaobject's label, shopify:creator/maya) -> problems
    skipped: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def problems(self) -> list[str]:
        return [problem for problems in self.skipped.values() for problem in problems]


class Registry:
    """The creators in `directory` (one `<handle>.toml` each), valid ones only.

    Invalid files are logged (logger `storefront.creators`) and skipped; their
    messages are in `problems`. Lookups never touch the disk.
    """

    def __init__(
        self,
        directory: Path,
        themes_dir: Path | None = None,
        *,
        log_problems: bool = True,
        source: str = "files",
        shopify: ShopifyCreators | None = None,
        cache_file: Path | None = None,
    ) -> None:
        """`source` is CREATORS_SOURCE; `shopify` reads the metaobjects (shopify, both).

        `cache_file` (in the instance folder) keeps the checked files between
        processes; without it, the first load checks every file.
        """
        if (source != "files") != (shopify is not None):
            raise ValueError(f"source {source!r} goes with a ShopifyCreators if and only if "
                             "it is not 'files'")
        self.directory = Path(directory)
        self.themes_dir = Path(themes_dir) if themes_dir else None
        self.log_problems = log_problems
        self.source = source
        self.shopify = shopify
        self.cache_file = Path(cache_file) if cache_file else None
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

    def source_of(self, handle: str) -> str:
        """Where the creator `handle` comes from: "file" or "shopify" (a metaobject)."""
        record = self._snapshot.records.get(handle)
        return "shopify" if record is not None and record.creator is not None \
            and self._snapshot.by_name.get(handle) is record.creator else "file"

    @property
    def metaobject_count(self) -> int:
        """How many creator metaobjects the last list from Shopify held, valid or not."""
        return len(self._snapshot.records)

    # -- loading ---------------------------------------------------------------------

    def load(self) -> None:
        """Read every file again and log every invalid one.

        With a `cache_file`, a registry's first load reads again only the files
        changed since an earlier process checked them (see checked.py).

        Metaobjects come from the copy of the last list read from Shopify, if
        any: nothing waits on Shopify here (the watcher fetches; see fetch()).
        """
        self._build(full=True)

    def load_later(self) -> None:
        """Put the first load off until the first lookup (or `ready()`), in any thread."""
        with self._lock:
            found = self.__dict__.get("_snapshot")
            if found is not None and found.context is None:  # nothing loaded yet
                del self._snapshot  # (__getattr__ loads it when it is next asked for)

    def ready(self) -> None:
        """Load now if the first load was put off; otherwise nothing."""
        self._snapshot  # noqa: B018 (reading it is what loads it)

    def ready_beside(self, work: Callable[[], T]) -> T:
        """`work()`, run in another thread while this registry makes its first load (if
        it has not yet): a command's database query and its creators at once (the
        query waits in the database, not for the interpreter). Its result, or its
        exception."""
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="beside-creators") as pool:
            running = pool.submit(work)
            self.ready()
            return running.result()

    def __getattr__(self, name: str):
        # Python asks here only for attributes that are not set: the snapshot of a
        # registry whose load was put off (load_later). One thread loads it.
        if name != "_snapshot":
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        self._build(full=True, first=True)
        return self.__dict__["_snapshot"]

    def fetch(self) -> bool:
        """Read the metaobjects from Shopify now (and the files); True if anything changed.

        For commands and tests; a failure keeps the last good list (see
        `shopify.error`). Serving processes leave it to the watcher.
        """
        return self._build(full=False, fetch=True, force=True)

    def reload(self) -> None:
        """The same as load(): a full reload, for callers that mean "again"."""
        self._build(full=True)

    def refresh(self, *, fetch: bool = False) -> bool:
        """Re-read only added and changed files, drop removed ones; True if anything changed.

        A changed media folder or themes folder re-checks every file, since a
        file's validity depends on the images and themes it names. Metaobjects
        are taken from the copy when another process wrote it, or fetched from
        Shopify when `fetch` and one is due.
        """
        return self._build(full=False, fetch=fetch)

    def _build(self, *, full: bool, fetch: bool = False, force: bool = False,
               first: bool = False) -> bool:
        with self._lock:
            old = self.__dict__.get("_snapshot")
            if old is None:  # put off (load_later): this is the first load
                old = _Snapshot()
            elif first:
                return False  # another thread made the first load meanwhile
            now = time.time_ns()
            stamps = self._scan() if self.source != "shopify" else {}
            context = scan_context(self.directory, self.themes_dir)
            reuse = not full and context == old.context
            changed = not reuse or stamps.keys() != old.files.keys()
            known = old.files if reuse else {}
            cache_key, cached = self._cached(context) if old.context is None else (None, None)
            if cached is not None:
                known = cached  # this process's first load: what an earlier one checked
            files: dict[str, CheckedFile] = {}
            for name in sorted(stamps, key=lambda name: name[:-5]):
                previous = known.get(name)
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
                    files[name] = CheckedFile(stamp, b"", True, None, (problem,))
                    continue
                digest = hashlib.blake2b(raw, digest_size=16).digest()
                racy = stamp[0] >= now - RACY_NS
                if previous is not None and previous.digest == digest:
                    files[name] = CheckedFile(stamp, digest, racy, previous.creator,
                                              previous.problems)
                    continue
                changed = True
                creator, problems = check_source(name, raw, context, label)
                if creator is not None:
                    creator = replace(creator, revision=digest.hex())
                files[name] = CheckedFile(stamp, digest, racy, creator, tuple(problems))
            records = old.records
            if self.shopify is not None:
                fresh = self.shopify.update(fetch=fetch, force=force)
                if fresh or not reuse:
                    records = _check_records(self.shopify, context, old.records if reuse else {})
                    changed = changed or records != old.records
            if not changed:
                if files != old.files:  # only stamps moved on: keep them, nothing to swap
                    self._snapshot = replace(old, files=MappingProxyType(files))
                return False
            self._snapshot = snapshot = _resolve(self.directory, context, files, records)
        if cache_key is not None and _differ(files, cached):
            checked.write(self.cache_file, cache_key, files)
        if self.log_problems:
            _log_skipped(self.directory, snapshot, _Snapshot() if full else old)
        return True

    def _cached(self, context: Context) -> tuple[tuple | None, dict[str, CheckedFile] | None]:
        """The cache file's key for `context`, and the files it holds under it (or None).

        (None, None) when there is no cache file, or no files to keep in it.
        """
        if self.cache_file is None or self.source == "shopify":
            return None, None  # metaobjects are checked again: Shopify's list may have moved
        cache_key = checked.key(self.directory, context)
        return cache_key, checked.read(self.cache_file, cache_key)

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
                    # The process whose turn it is fetches from Shopify; the others
                    # follow it (they refresh from its copy when it says so).
                    turns.tick(partial(_refresh_in_turn, registry, turns))
                else:
                    registry.refresh(fetch=True)
            except Exception:  # a vanished folder, a full disk: keep the creators we have
                log.exception("creators: refreshing %s failed", registry.directory)
            del registry
    finally:
        if turns:
            turns.close()  # the scanner's turn passes to another process


def _check_records(
    shopify: ShopifyCreators, context: Context, previous: Mapping[str, _Record]
) -> Mapping[str, _Record]:
    """Every metaobject checked (in Shopify's order), re-using the unchanged ones' results."""
    records: dict[str, _Record] = {}
    for raw in shopify.records:
        handle = raw.get("handle")
        digest = metaobjects.digest(raw)
        if not isinstance(handle, str) or handle in records:
            continue  # Shopify keeps handles unique within a type
        known = previous.get(handle)
        if known is not None and known.digest == digest:
            records[handle] = known
            continue
        creator, problems = metaobjects.check_metaobject(raw, context, shopify.type, digest)
        label = metaobjects.label_of(shopify.type, handle)
        records[handle] = _Record(label, digest, creator, tuple(problems))
    return MappingProxyType(records)


def _refresh_in_turn(registry: Registry, turns: Turns) -> bool:
    return registry.refresh(fetch=turns.scanning())


def _resolve(
    directory: Path, context: Context, files: dict[str, CheckedFile],
    records: Mapping[str, _Record] | None = None,
) -> _Snapshot:
    """The snapshot of parsed `files` (in load order) and metaobject `records`, with clashes
    settled: files first, so a file wins over a metaobject of its handle or alias."""
    records = records or {}
    prefix = label_of(directory, "")  # (once: a Path's name is worked out on every use)
    handles = {
        name[:-5] for name in files if rules.handle_problem(name[:-5]) is None
    }
    candidates = [
        (prefix + name, file.creator)
        for name, file in files.items()
        if file.creator is not None
    ]
    skipped: dict[str, tuple[str, ...]] = {}
    claimed = {alias: label for label, creator in candidates for alias in creator.aliases}
    shown: set[str] = set()  # metaobject handles that no file holds
    for handle, record in records.items():
        label = record.label
        if handle in handles or handle in claimed:
            owner = claimed.get(handle) or label_of(directory, handle + ".toml")
            how = "as an alias" if handle in claimed else "as its handle"
            skipped[label] = (f"{label}: not used: {owner} has {handle!r} {how}, and creator "
                              "files win over metaobjects (CREATORS_SOURCE=both)",)
        else:
            shown.add(handle)
            if record.creator is not None:
                candidates.append((label, record.creator))
    handles.update(handle for handle in shown if rules.handle_problem(handle) is None)
    accepted, clashes = check_conflicts(candidates, handles)
    for name, file in files.items():
        problems = file.problems or tuple(clashes.get(prefix + name, ()))
        if problems:
            skipped[name] = problems
    for record in records.values():
        problems = record.problems or tuple(clashes.get(record.label, ()))
        if problems and record.label not in skipped:
            skipped[record.label] = problems
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
        records=records,
        by_name=MappingProxyType(by_name),
        by_platform_id=MappingProxyType(by_platform_id),
        by_code=MappingProxyType({code: c for code, c in by_code.items() if c is not None}),
        creators=tuple(sorted(accepted, key=lambda creator: creator.handle)),
        skipped=MappingProxyType(skipped),
    )


def _differ(files: Mapping[str, CheckedFile], cached: Mapping[str, CheckedFile] | None) -> bool:
    """Whether `files` hold anything the cache file doesn't (entries kept as they were
    are the same objects; one read again may still be equal)."""
    if cached is None or files.keys() != cached.keys():
        return True
    return any(file is not cached[name] and file != cached[name] for name, file in files.items())


def _log_skipped(directory: Path, new: _Snapshot, old: _Snapshot) -> None:
    """Log each skipped file once: again only when its problems change."""
    for name, problems in new.skipped.items():
        if old.skipped.get(name) != problems:
            if name.startswith("shopify:"):
                label, what = name, "creator metaobject"
            else:
                label, what = label_of(directory, name), "creator file"
            log.warning("%s skipped: %s\n  %s", what, label, "\n  ".join(problems))


# Every live registry, so a forked child can reset their locks (see Registry._after_fork).
_registries: weakref.WeakSet[Registry] = weakref.WeakSet()


def _reset_after_fork() -> None:
    for registry in list(_registries):
        registry._after_fork()


os.register_at_fork(after_in_child=_reset_after_fork)
