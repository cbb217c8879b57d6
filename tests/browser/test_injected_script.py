"""A script in Shopify's HTML that names the store's old nonce marker does not run.

Before slots, `<script nonce="__sf-csp-nonce__">` in a product description got
the response's real nonce from the page cache, and Chromium ran it despite the
CSP. Here the store (under gunicorn, on a catalog whose product, page and
collection carry that script, a style hiding the page and an image sending the
old CSRF marker to another site; credited to a creator whose texts carry them
too) is opened twice per page: rendered, then from the fast path.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from tests.browser import Browser
from tests.hostile.test_slots import CREATOR_TEXT, SEARCH, write_catalog, write_creator
from tests.support import processes

PAGES = ["/products/organic-cotton-tee", "/pages/about", "/collections/apparel", "/",
         "/search?q=" + quote(SEARCH)]
INJECTED = PAGES[:3]  # the pages with the catalog's script (the others show it as text)
CREATOR = f"""
name = "Mallory"
bio = {json.dumps(CREATOR_TEXT)}
[hero]
title = {json.dumps(CREATOR_TEXT)}
[notes]
organic-cotton-tee = {json.dumps(CREATOR_TEXT)}
"""
PIXEL = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'
ACCENT = "#2f4a3a"  # the base theme's, from its own nonce'd <style>


@pytest.fixture(scope="module")
def poisoned_store(tmp_path_factory) -> Iterator[processes.Server]:
    folder = tmp_path_factory.mktemp("poisoned")
    catalog = write_catalog(folder / "catalog")
    server = processes.gunicorn(
        f"tests.hostile.test_slots:poisoned_app({str(catalog)!r})",
        env={
            "WEB_CONCURRENCY": "1",
            "DEMO_SHOP_CART_DB": str(folder / "carts.sqlite3"),
            "CREATORS_DIR": str(write_creator(folder / "creators", CREATOR)),
            "SHOPIFY_STORE_DOMAIN": "",  # the demo shop, never the network
            "THEME": "base",
            "CACHE_TYPE": "SimpleCache",
            "LOG_LEVEL": "DEBUG",  # a line per request, saying which ones the fast path took
        },
    )
    yield server
    server.stop()
    assert "Traceback" not in server.log(), server.log()


def test_the_injected_script_does_not_run(browser: Browser, poisoned_store):
    context = browser.new_context(base_url=poisoned_store.url)
    elsewhere: list[str] = []  # what reached the other site

    def other_site(route):
        elsewhere.append(route.request.url)
        route.fulfill(status=200, content_type="image/svg+xml", body=PIXEL)

    context.route("https://evil.example/**", other_site)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    try:
        page.goto("/@mallory")
        for url in PAGES:
            for view in ("rendered", "from the page cache"):
                errors.clear()
                page.goto(url)
                where = f"{url} ({view})"
                assert page.evaluate("window.__pwned") is None, where
                assert page.title() != "pwned", where
                # The injected style was refused; the theme's own (nonce'd) one applies.
                assert page.evaluate("getComputedStyle(document.body).display") != "none", where
                accent = page.evaluate("getComputedStyle(document.documentElement)"
                                       ".getPropertyValue('--color-accent').trim()")
                assert accent == ACCENT, where
                # The only errors are Chromium refusing what the page smuggled in.
                assert all("Content Security Policy" in error for error in errors), (where, errors)
                if url in INJECTED:  # ("Executing inline script violates ...")
                    assert any("inline script" in error for error in errors), (where, errors)
    finally:
        context.close()
    # The image in Shopify's HTML went out with the marker, not a visitor's token.
    assert elsewhere, "the catalog's image was never requested"
    for url in elsewhere:
        assert parse_qs(urlsplit(url).query) == {"t": ["__sf-csrf-token__"]}, url
    fast = [line for line in poisoned_store.output if '"fast_path": true' in line]
    assert len(fast) >= len(PAGES), poisoned_store.log()[-3000:]
