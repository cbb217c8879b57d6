"""One watcher per machine scans the creators folder; the others follow its word.

Scanning 10,000 creator files takes about 25 ms. With every gunicorn worker
scanning every CREATORS_RELOAD_SECONDS, that cost a tenth of the CPU of a
cached page view. So the process that holds an exclusive flock on a lock file
scans, and when a scan finds a change it writes a new token to a marker file;
the other processes read the marker (a few bytes) and refresh when the token
moves. The lock goes with its process: when the scanner exits, another
process takes over on its next tick. Where the lock file cannot be made (a
read-only folder), every process scans, as without turns.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import secrets
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger("storefront.creators")

# Followers read the marker this many times per interval, so a change reaches
# them soon after the scanner sees it (a read costs microseconds).
FOLLOWER_READS = 4


class Turns:
    def __init__(self, folder: Path, directory: Path) -> None:
        name = hashlib.blake2b(str(Path(directory).resolve()).encode(), digest_size=8).hexdigest()
        self.folder = Path(folder)
        self.lock_path = self.folder / f"creators-{name}.lock"
        self.marker_path = self.folder / f"creators-{name}.changed"
        self._fd: int | None = None
        self._pid: int | None = None
        self._seen: str | None = None  # the marker as last read; None: not yet
        self._alone = False  # no lock file possible: scan every time

    def tick(self, refresh: Callable[[], bool]) -> None:
        """Scan (`refresh`) if this process is the scanner, else refresh when it says so."""
        if self.scanning():
            if refresh() and not self._alone:
                self._announce()
            return
        token = self._read()
        if token != self._seen:  # first tick too: changes since this process loaded
            self._seen = token
            refresh()

    def wait_seconds(self, interval: float) -> float:
        # From the last tick's outcome: trying the lock again here would open
        # the lock file twice per tick.
        holds = self._alone or (self._fd is not None and self._pid == os.getpid())
        return interval if holds else interval / FOLLOWER_READS

    def scanning(self) -> bool:
        if self._alone:
            return True
        if self._fd is not None and self._pid != os.getpid():
            # A forked child shares the parent's lock; closing its copy of the
            # descriptor leaves the parent's hold, and lets the child try its own.
            os.close(self._fd)
            self._fd = None
        if self._fd is None:
            self._fd = self._acquire()
            self._pid = os.getpid()
        return self._fd is not None or self._alone

    def close(self) -> None:
        """Give the scanner's turn up (another process takes it on its next tick)."""
        if self._fd is not None and self._pid == os.getpid():
            os.close(self._fd)
        self._fd = None

    def _acquire(self) -> int | None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as error:
            log.warning("creators: no lock file in %s (%s); every process scans", self.folder,
                        error.strerror)
            self._alone = True
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # another process scans
            os.close(fd)
            return None
        return fd

    def _read(self) -> str:
        try:
            return self.marker_path.read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError):
            return ""

    def _announce(self) -> None:
        temporary = self.marker_path.with_name(f"{self.marker_path.name}.{os.getpid()}")
        try:
            temporary.write_text(secrets.token_hex(8), encoding="ascii")
            os.replace(temporary, self.marker_path)  # followers never read half a token
        except OSError as error:
            log.warning("creators: could not write %s: %s", self.marker_path, error.strerror)
