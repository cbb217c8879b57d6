"""The store's side of the code checks (storefront.creators.shop_check): kept, read, re-run.

Results live in the shared cache (one entry, every worker and `flask creators check
--shop` write it), each under the creator's handle and with a fingerprint of what
was checked (the code and the [offer]): a result for another code or offer is
ignored, so a creator who changes is promised as before until checked again.
Each process reads the entry at most every READ_SECONDS, never checking on a
page view. A creator whose code does not apply loses the checkout promise and
their prices (`shop_checked`); one whose code applies otherwise than declared
loses their prices.

In the background (`start`), one process at a time (a claim in the shared cache)
re-checks every CREATORS_SHOP_CHECK_HOURS, and at once when a creator's code or
offer is not yet checked (a change), through the throttle of shop_check.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime

from flask import Flask

from storefront.caching import store
from storefront.creators import shop_check
from storefront.creators.model import Creator

log = logging.getLogger(__name__)

KEY = "creators:code-checks"
CLAIM = "creators:code-checks:running"
READ_SECONDS = 30.0  # how stale a process's copy of the results may be
POLL_SECONDS = 60.0  # how often the background looks for changed creators
KEEP_SECONDS = 0  # results are kept until replaced (0: no expiry)
_MARK = "~code-"


def fingerprint(creator: Creator) -> str:
    """What a result was about: the code and the declared offer."""
    discount = creator.discount
    return repr((discount.code.casefold(), discount.offer)) if discount else ""


class CodeChecks:
    """This process's copy of the results; `for_creator` is cheap enough for every request."""

    def __init__(self, app: Flask, clock=time.monotonic) -> None:
        self.app = app
        self.clock = clock
        self.results: dict[str, tuple[str, shop_check.Result]] = {}
        self.read_at = float("-inf")
        self.lock = threading.Lock()
        self._keyed: dict[tuple[str, str, str], Creator] = {}

    def reload(self) -> None:
        found = store.get(KEY, app=self.app)
        self.results = dict(found) if isinstance(found, dict) else {}
        self.read_at = self.clock()

    def for_creator(self, creator: Creator) -> shop_check.Result | None:
        """The latest known result of this creator's code and offer as they are now."""
        if self.clock() - self.read_at > READ_SECONDS:
            with self.lock:
                if self.clock() - self.read_at > READ_SECONDS:
                    self.reload()
        kept = self.results.get(creator.handle)
        if kept is None or kept[0] != fingerprint(creator):
            return None
        return kept[1]

    def save(self, creators: dict[str, Creator], results: list[shop_check.Result]) -> None:
        """Add `results` (of `creators`, by handle) to the shared entry; unchecked ones keep
        the last known result."""
        merged = dict(store.get(KEY, app=self.app) or {})
        for result in results:
            if result.known and result.handle in creators:
                merged[result.handle] = (fingerprint(creators[result.handle]), result)
        store.set(KEY, merged, KEEP_SECONDS)
        self.results, self.read_at = merged, self.clock()

    def shop_checked(self, creator: Creator) -> Creator:
        """`creator` as pages show them: without the promise (and prices) when their code
        does not apply, without prices when it applies otherwise than declared. Page keys
        follow (the revision names the outcome)."""
        if creator.discount is None:
            return creator
        result = self.for_creator(creator)
        if result is None or result.as_declared or not result.known:
            return creator
        key = (creator.handle, creator.revision, result.outcome)
        found = self._keyed.get(key)
        if found is None:
            if len(self._keyed) > 10_000:
                self._keyed.clear()
            discount = replace(creator.discount, applies=result.applies, as_declared=False)
            found = self._keyed[key] = replace(
                creator, discount=discount, revision=f"{creator.revision}{_MARK}{result.outcome}")
        return found


def checks_of(app: Flask) -> CodeChecks:
    found = app.extensions.get("code_checks")
    if found is None:
        found = app.extensions["code_checks"] = CodeChecks(app)
    return found


def due(app: Flask, now: float) -> list[Creator]:
    """The creators to check now: all when the last full run is older than the interval,
    else those whose code or offer has no result yet (changed since)."""
    checks = checks_of(app)
    checks.reload()
    candidates = shop_check.to_check(app.extensions["creators"])
    hours = float(app.config.get("CREATORS_SHOP_CHECK_HOURS") or 0)
    last = store.get(f"{KEY}:full-run", app=app) or 0.0
    if hours > 0 and now - float(last) >= hours * 3600:
        return candidates
    return [c for c in candidates if checks.for_creator(c) is None]


def run_once(app: Flask, throttle: shop_check.Throttle | None = None) -> int:
    """One background round, if this process wins the claim: how many codes it checked."""
    with app.app_context():
        now = time.time()
        creators = due(app, now)
        if not creators or not store.claim(CLAIM, timeout=3600):
            return 0
        try:
            full = len(creators) == len(shop_check.to_check(app.extensions["creators"]))
            results = shop_check.check_all(
                app.extensions["storefront_client"], creators, now=datetime.now(UTC),
                throttle=throttle or shop_check.Throttle())
            checks_of(app).save({c.handle: c for c in creators}, results)
            if full:
                store.set(f"{KEY}:full-run", now, KEEP_SECONDS)
            for result in results:
                if result.known and not result.as_declared:
                    log.warning("creator code check: %s", result.line())
            return len(results)
        finally:
            store.delete(CLAIM)


def start(app: Flask) -> None:
    """The background checker of this process (lifecycle.on_start), when
    CREATORS_SHOP_CHECK_HOURS > 0."""
    hours = float(app.config.get("CREATORS_SHOP_CHECK_HOURS") or 0)
    if hours <= 0:
        return

    def loop() -> None:
        while True:
            try:
                run_once(app)
            except Exception:  # keep checking later; a page view never waits on this
                log.exception("creator code check failed")
            time.sleep(POLL_SECONDS)

    threading.Thread(target=loop, name="storefront-code-checks", daemon=True).start()
