"""Browser tests, and the few helpers they share.

Playwright is imported here once; when it is missing the names are None and
the `browser` fixture (conftest.py) skips the tests, or fails them in CI.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

try:
    from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright
except ImportError:
    Browser = ConsoleMessage = Page = expect = sync_playwright = None

__all__ = [
    "FAVICON", "Browser", "ConsoleMessage", "Page", "expect", "money", "new_document",
    "page_at", "store_with", "sync_playwright",
]

FAVICON = "/favicon.ico"  # browsers ask for it on every site that names no other icon


@contextmanager
def store_with(root: Path, creators: Path, theme: str) -> Iterator[str]:
    """The store under gunicorn (one worker, the demo shop) with `creators` and `theme`,
    its files under `root`; yields its URL, and fails on a traceback in its log."""
    from tests.support import processes

    store = processes.start(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
        env={"BIND": "127.0.0.1:0", "WEB_CONCURRENCY": "1", "SHOPIFY_STORE_DOMAIN": "",
             "DEMO_SHOP_CART_DB": str(root / "carts.sqlite3"), "CREATORS_DIR": str(creators),
             "INSTANCE_DIR": str(root / "instance"), "THEME": theme,
             "CACHE_TYPE": "SimpleCache", "FUNNELS_URL": "off"})
    try:
        yield store.url
    finally:
        store.stop()
    assert "Traceback" not in store.log(), store.log()


@contextmanager
def page_at(browser: Browser, base_url: str) -> Iterator[Page]:
    """A page in a browser context of its own (its own cookies, hence its own cart) whose
    base URL is `base_url`; an uncaught error in any page it shows fails the test."""
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()
    assert not errors, errors


def money(text: str) -> Decimal:
    """The amount in a price as the store shows it, e.g. "$1,102.60" -> Decimal("1102.60")."""
    return Decimal(text.strip().lstrip("−-").replace("$", "").replace(",", ""))


@contextmanager
def new_document(page: Page) -> Iterator[None]:
    """Wait, after the block, until `page` shows a new document: a form posted and was
    redirected back to the same URL, where waiting for the URL would prove nothing."""
    page.evaluate("document.documentElement.dataset.before = 'yes'")
    yield
    expect(page.locator("html[data-before]")).to_have_count(0)
    # The old document is gone; the new one may still be parsing (no <html> yet), and
    # a script evaluated then would find no document element.
    page.wait_for_load_state("domcontentloaded")
