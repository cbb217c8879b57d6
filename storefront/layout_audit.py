"""The layout audit: a store's pages opened in headless Chromium at a phone's and a
desktop's width, looking for what `theme check`'s rendering cannot see.

For each page and width it reports (layout_audit.js does the looking):
- overflow: an element past the right edge, so the page scrolls sideways;
- overlap: two controls (links, buttons, fields) covering each other;
- contrast: text reading below 4.5:1 (3:1 for large text) on the colour behind it.

`flask theme check --audit` runs it against the embedded demo shop, for the brand
and for each active creator (their landing page, a product and an article they wrote about).
The browser tests run it for every demo creator in every shipped theme. It needs
Playwright's Python driver and Debian's Chromium (`/usr/bin/chromium`); it never
downloads a browser.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).with_name("layout_audit.js").read_text("utf-8")
CHROMIUM = Path("/usr/bin/chromium")
WIDTHS = (390, 1280)
BRAND_PAGES = ("/", "/collections/apparel", "/products/organic-cotton-tee",
               "/search?q=linen", "/blogs/journal", "/blogs/journal/how-to-care-for-linen",
               "/cart")


@dataclass(frozen=True)
class Finding:
    url: str
    width: int
    kind: str  # overflow, overlap or contrast
    element: str
    detail: str
    creator: str | None = None  # the handle whose pages these were

    def __str__(self) -> str:
        return f"{self.width}px GET {self.url}: {self.kind}: {self.element}: {self.detail}"


def audit_page(page: Any, url: str, width: int, creator: str | None = None) -> list[Finding]:
    """Open `url` in the Playwright `page` at `width` and audit it."""
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(url)
    page.wait_for_load_state("load")
    return [Finding(url=url, width=width, creator=creator, **item)
            for item in page.evaluate(SCRIPT)]


def creator_pages(creators: Iterable[Any]) -> Iterator[tuple[str, list[str]]]:
    """(handle, URLs) for each active creator: their link, then a product they wrote about,
    and an article they wrote about when they did (its note is on the page)."""
    for creator in creators:
        if creator.is_active:
            product = next(iter(creator.notes), "organic-cotton-tee")
            urls = [f"/@{creator.handle}", f"/products/{product}"]
            urls += [f"/blogs/{article}" for article in list(creator.article_notes)[:1]]
            yield creator.handle, urls


def audit_app(app: Any, widths: Iterable[int] = WIDTHS) -> list[Finding]:
    """Audit `app`'s brand pages and each active creator's pages, over loopback HTTP.

    Playwright runs in a thread of its own: its sync API refuses a thread that already
    runs an event loop (or another Playwright, as in the browser tests).
    """
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1, thread_name_prefix="layout-audit") as pool:
        return pool.submit(_audit_app, app, tuple(widths)).result()


def _audit_app(app: Any, widths: tuple[int, ...]) -> list[Finding]:
    from playwright.sync_api import sync_playwright  # a test requirement; only --audit needs it

    registry = app.extensions.get("creators")
    journeys = [(None, list(BRAND_PAGES)), *creator_pages(registry or ())]
    findings: list[Finding] = []
    with serving(app) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=["--no-sandbox"])
        try:
            for creator, urls in journeys:
                context = browser.new_context(base_url=base)  # a visitor of their own
                page = context.new_page()
                if creator is None:  # the cart with a line in it
                    page.goto("/products/organic-cotton-tee")
                    page.locator("form.buy button[type=submit]").first.click()
                    page.wait_for_load_state("load")
                for width in widths:
                    for url in urls:
                        findings += audit_page(page, url, width, creator)
                context.close()
        finally:
            browser.close()
    return findings


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """`app` served on a free loopback port for the length of the block; yields its URL."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args: Any, **kwargs: Any) -> None:
            pass  # the audit's findings are the output, not an access log

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
    thread = threading.Thread(target=server.serve_forever, name="layout-audit", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
