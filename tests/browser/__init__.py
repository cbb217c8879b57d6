"""Browser tests, and the few helpers they share.

Playwright is imported here once; when it is missing the names are None and
the `browser` fixture (conftest.py) skips the tests, or fails them in CI.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

try:
    from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright
except ImportError:
    Browser = ConsoleMessage = Page = expect = sync_playwright = None

__all__ = [
    "FAVICON", "Browser", "ConsoleMessage", "Page", "expect", "money", "new_document",
    "sync_playwright",
]

FAVICON = "/favicon.ico"  # browsers ask for it on every site that names no other icon


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
