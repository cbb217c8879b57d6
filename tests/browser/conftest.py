"""A shopper's browser: headless Chromium (Debian's) against the store under gunicorn.

One gunicorn and one Chromium serve the whole session. Each test opens fresh
browser contexts (so its own cookies, hence its own cart) through `open_page`,
and every page it opens fails the test on a console error or an uncaught
exception. Without Chromium or Playwright the tests skip, except in CI.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.browser import Browser, ConsoleMessage, Page, sync_playwright
from tests.support import processes

CHROMIUM = Path("/usr/bin/chromium")


def _missing(what: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what}: browser tests must run in CI")
    pytest.skip(what)


@pytest.fixture(scope="session")
def store(tmp_path_factory) -> Iterator[processes.Server]:
    """The storefront on the embedded demo shop, under gunicorn as in production."""
    carts = tmp_path_factory.mktemp("demo-shop") / "carts.sqlite3"
    server = processes.start(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
        env={
            "BIND": "127.0.0.1:0",
            "WEB_CONCURRENCY": "1",
            "DEMO_SHOP_CART_DB": str(carts),
            "SHOPIFY_STORE_DOMAIN": "",  # empty means unset: the demo shop, never the network
            "THEME": "base",
            "CACHE_TYPE": "SimpleCache",
        },
    )
    yield server
    server.stop()
    assert "Traceback" not in server.log(), server.log()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if sync_playwright is None:
        _missing("playwright is not installed (pip install -r requirements-test.txt)")
    if not os.access(CHROMIUM, os.X_OK):
        _missing(f"{CHROMIUM} is missing (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser: Browser, store: processes.Server) -> Iterator[Callable[..., Page]]:
    """`open_page(**context_options)`: a page in a new context whose base URL is the store."""
    contexts = []
    problems: list[str] = []

    def open_(**options) -> Page:
        context = browser.new_context(base_url=store.url, **options)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: _console(message, page, problems))
        page.on("pageerror", lambda error: problems.append(f"page error on {page.url}: {error}"))
        return page

    yield open_
    for context in contexts:
        context.close()
    assert not problems, "\n".join(problems)


def _console(message: ConsoleMessage, page: Page, problems: list[str]) -> None:
    if message.type != "error":
        return
    source = message.location.get("url", "")
    problems.append(f"console error on {page.url}: {message.text} ({source})")


@pytest.fixture
def page(open_page: Callable[..., Page]) -> Page:
    """A desktop page with JavaScript on."""
    return open_page()

