"""Compressed responses in a real browser: the store under gunicorn, Chromium decoding them.

Chromium asks for `gzip, deflate, br, zstd`: a page comes as gzip (joined from
the pieces kept with the cached page, whichever path answers), the theme's CSS
and JavaScript as Brotli. The page is opened by two visitors in turn: rendered
(under a query no other test asks for), then from the page cache, below Flask.
Decoded, the page shows, its style applies and its script runs (it loads the
recommendations, a shared fragment, gzip too).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.browser import Page, expect

PRODUCT = "/products/organic-cotton-tee"


def codings_of(page: Page) -> dict[str, str | None]:
    """From now on, the Content-Encoding of every response `page` gets, by file name."""
    codings: dict[str, str | None] = {}

    def note(response) -> None:
        codings[response.url.split("/")[-1]] = response.headers.get("content-encoding")

    page.on("response", note)
    return codings


@pytest.mark.parametrize(("accept", "page_coding", "asset_coding"), [
    (None, "gzip", "br"),  # Chromium's own Accept-Encoding
    ("gzip", "gzip", "gzip"),
    ("br", None, "br"),  # pages are never Brotli (storefront.compression)
])
def test_compressed_pages_and_files_render_and_run(open_page: Callable[..., Page],
                                                   accept, page_coding, asset_coding):
    for view in ("rendered", "from the page cache"):
        page = open_page(extra_http_headers={"Accept-Encoding": accept} if accept else {})
        codings = codings_of(page)
        with page.expect_response(lambda r: r.url.endswith("/recommendations")) as fragment:
            document = page.goto(f"{PRODUCT}?compression-test={accept}")
        assert document is not None and document.status == 200, view
        assert document.headers.get("content-encoding") == page_coding, view
        assert "accept-encoding" in document.headers["vary"].lower()
        expect(page.get_by_role("heading", level=1)).to_have_text("Organic Cotton Tee")
        # base.css applied (72rem wide main), and storefront.js fetched and showed the
        # recommendations.
        assert page.evaluate("getComputedStyle(document.querySelector('main')).maxWidth") \
            == "1152px", view
        expect(page.get_by_role("heading", name="You may also like")).to_be_visible()
        assert fragment.value.headers.get("content-encoding") == page_coding, view
        files = {name: coding for name, coding in codings.items()
                 if name.endswith((".css", ".js"))}
        assert len(files) == 2 and set(files.values()) == {asset_coding}, (view, files)
