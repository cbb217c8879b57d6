"""Where creators come from (CREATORS_SOURCE): files, Shopify metaobjects, or both.

`ShopifyCreators` holds the creator metaobjects as last read from Shopify,
every page of them, and a copy of that list under INSTANCE_DIR, so that:

- a fetch that fails halfway changes nothing: the last good list stays;
- a store that starts while Shopify is down serves the copy meanwhile;
- the processes of a machine share one fetch: one of them fetches and writes
  the copy, the others read it when told (the registry's turns, turns.py);
- any process can tell whether a fetch is due from the copy alone: it records
  when it was fetched and the shared generation it answered. A
  `metaobjects/*` webhook bumps that generation (web/webhooks.py), so the
  fetcher sees it on its next tick; a periodic poll catches anything missed.

Nothing here runs on a page view: the registry's watcher thread calls it.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from storefront.creators import metaobjects
from storefront.shopify import api
from storefront.shopify.client import StorefrontClient
from storefront.shopify.errors import Rejected, StorefrontError

log = logging.getLogger("storefront.creators")

SOURCES = ("files", "shopify", "both")
# The shared cache's generation that metaobjects/* webhooks bump (web/webhooks.py).
WEBHOOK_TAG = "creator-metaobjects"
COPY_VERSION = 1
MAX_PAGES = 1000  # 250,000 metaobjects: past any plan's limit, so a cursor loop stops
FIRST_RETRY_SECONDS = 1.0
MAX_RETRY_SECONDS = 60.0

# One page of records, and the cursor of the next page (None: that was the last).
FetchPage = Callable[[str | None], tuple[list[dict[str, Any]], str | None]]


class FetchFailed(Exception):
    """Shopify's list could not be read completely; the last good list stays."""


class ShopifyCreators:
    """The creator metaobjects of one type, fetched page by page and kept in `copy_path`."""

    def __init__(
        self,
        fetch_page: FetchPage,
        copy_path: Path,
        type_: str,
        *,
        shop: str = "",
        poll_seconds: float = 300.0,
        wanted: Callable[[], int] | None = None,
        tell: Callable[[], None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """`wanted()` reads the shared generation that `tell()` bumps (changed())."""
        self.fetch_page = fetch_page
        self.copy_path = Path(copy_path)
        self.type = type_
        self.shop = shop  # the copy of another shop (or the demo shop) is not used
        self.poll_seconds = poll_seconds
        self.wanted = wanted or (lambda: 0)
        self._tell = tell or self._forget
        self.clock = clock
        self.records: tuple[dict[str, Any], ...] = ()
        self.fetched_at: float | None = None  # None: never read from Shopify nor a copy
        self.generation = 0  # the shared generation the records answer
        self.error: str | None = None  # why the last fetch failed, until one succeeds
        self._stamp: tuple[int, int, int] | None = None  # of the copy last read or written
        self._failures = 0
        self._retry_at = 0.0

    # -- what the webhook and the registry ask ------------------------------------

    def changed(self) -> None:
        """Shopify says a creator metaobject changed: the next tick of the fetcher fetches."""
        self._tell()

    def _forget(self) -> None:
        # Without a shared generation (tests, commands): due at once, in this process.
        self.fetched_at = None
        self._retry_at = 0.0

    def update(self, *, fetch: bool, force: bool = False) -> bool:
        """Read the copy if another process wrote it, then fetch if `fetch` and due
        (or `force`: a command asking now). True when the records changed."""
        changed = self.read_copy()
        if fetch and (force or self.due()):
            changed = self.refresh() or changed
        return changed

    def due(self) -> bool:
        """Whether a fetch is wanted now: never fetched, told of a change, or the poll's time."""
        now = self.clock()
        if now < self._retry_at:
            return False
        if self.fetched_at is None or self.wanted() != self.generation:
            return True
        return self.poll_seconds > 0 and now - self.fetched_at >= self.poll_seconds

    def refresh(self) -> bool:
        """Fetch every page now and keep the result (and its copy); True if it changed.

        On failure the last good records stay, the error is logged and kept in
        `error`, and the next try waits (1 s, doubling up to a minute).
        """
        try:
            generation, records = self.fetch()
        except FetchFailed as error:
            self._failures += 1
            wait = min(FIRST_RETRY_SECONDS * 2 ** (self._failures - 1), MAX_RETRY_SECONDS)
            self._retry_at = self.clock() + wait
            if self.error != str(error):
                log.warning("creators from Shopify: %s; keeping the %d last read; trying again "
                            "in %g s", error, len(self.records), wait)
            self.error = str(error)
            return False
        if self.error is not None:
            log.info("creators from Shopify: read again (%d metaobjects)", len(records))
        self._failures, self._retry_at, self.error = 0, 0.0, None
        changed = records != self.records
        self.records, self.generation, self.fetched_at = records, generation, self.clock()
        self._write_copy()
        return changed

    def fetch(self) -> tuple[int, tuple[dict[str, Any], ...]]:
        """(the generation it answers, every record), page by page.

        Raises FetchFailed if any page fails.
        """
        # Read first: a webhook arriving during the fetch then brings another one.
        generation = self.wanted()
        records: list[dict[str, Any]] = []
        after: str | None = None
        for _ in range(MAX_PAGES):
            try:
                page, after = self.fetch_page(after)
            except Exception as error:  # Shopify's errors, and any other: keep what we have
                if not _expected(error):
                    log.exception("creators from Shopify: reading a page failed")
                raise FetchFailed(f"reading metaobjects of type {self.type!r} failed "
                                  f"after {len(records)}: {error}") from error
            records.extend(page)
            if after is None:
                return generation, tuple(records)
        raise FetchFailed(f"more than {MAX_PAGES} pages of metaobjects of type {self.type!r}")

    # -- the copy under INSTANCE_DIR ----------------------------------------------------

    def read_copy(self) -> bool:
        """Take the records of the copy when it changed since last read; True if they changed."""
        stamp = _stamp(self.copy_path)
        if stamp is None or stamp == self._stamp:
            return False
        try:
            saved = json.loads(self.copy_path.read_text(encoding="utf-8"))
            if (not isinstance(saved, dict) or saved.get("version") != COPY_VERSION
                    or saved.get("type") != self.type or saved.get("shop") != self.shop):
                self._stamp = stamp
                return False  # another version's, type's or shop's: fetched anew
            records = tuple(saved["metaobjects"])
            fetched_at, generation = float(saved["fetched_at"]), int(saved["generation"])
        except (OSError, ValueError, KeyError, TypeError) as error:
            log.warning("creators from Shopify: the copy %s can't be read (%s); it is "
                        "rewritten at the next fetch", self.copy_path, error)
            self._stamp = stamp
            return False
        self._stamp = stamp
        if self.fetched_at is not None and fetched_at < self.fetched_at:
            return False  # older than what this process already has
        changed = records != self.records
        self.records, self.fetched_at, self.generation = records, fetched_at, generation
        return changed

    def _write_copy(self) -> None:
        saved = {
            "version": COPY_VERSION,
            "type": self.type,
            "shop": self.shop,
            "fetched_at": self.fetched_at,
            "generation": self.generation,
            "metaobjects": list(self.records),
        }
        temporary = self.copy_path.with_name(f".{self.copy_path.name}.{os.getpid()}")
        try:
            self.copy_path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps(saved, ensure_ascii=False), encoding="utf-8")
            os.replace(temporary, self.copy_path)  # readers never see half a copy
            self._stamp = _stamp(self.copy_path)
        except OSError as error:
            log.warning("creators from Shopify: could not write %s: %s", self.copy_path,
                        error.strerror)


def page_reader(client: StorefrontClient, type_: str, first: int = 250) -> FetchPage:
    """Pages of `type_`'s metaobjects through the Storefront API, as plain records.

    A page Shopify finds too costly (MAX_COMPLEXITY_EXCEEDED: many fields, each
    with its reference) is asked again at half the size, and the smaller size
    is kept for the pages after it.
    """
    size = [max(1, min(first, api.MAX_PAGE_SIZE))]

    def read(after: str | None) -> tuple[list[dict[str, Any]], str | None]:
        while True:
            try:
                page = api.metaobjects(client, type_, first=size[0], after=after)
                break
            except Rejected as error:
                if error.code != "MAX_COMPLEXITY_EXCEEDED" or size[0] == 1:
                    raise
                size[0] //= 2
                log.info("creators from Shopify: pages of %d metaobjects from now on", size[0])
        records = [metaobjects.record(item) for item in page.items]
        info = page.page_info
        return records, info.end_cursor if info.has_next_page and info.end_cursor else None

    return read


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size, stat.st_ino


def _expected(error: Exception) -> bool:
    """Shopify being down or refusing is expected; anything else is a bug worth a traceback."""
    return isinstance(error, StorefrontError)


def copy_name(type_: str) -> str:
    """The copy's file name in INSTANCE_DIR, one per metaobject type."""
    return "creators-shopify-" + re.sub(r"[^A-Za-z0-9_-]", "_", type_) + ".json"
