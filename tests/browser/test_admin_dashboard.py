"""The creator-funnel dashboard in a real browser, after real shoppers.

Three shoppers browse a store of its own (gunicorn, funnel counts in a temporary
SQLite file written every 0.2 s, the admin on): one through Maya's link to the
demo checkout, one through Leo's, one straight to the shop. Once the CSV shows
their figures, the dashboard is opened with the admin credentials, checked,
and photographed at desktop and phone widths into $TEST_ARTIFACTS_DIR/screenshots/.
Every admin page fits a phone, with JavaScript or without: the page never
scrolls sideways and its charts are within the screen, today included.
"""

from __future__ import annotations

import base64
import csv
import io
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator

import pytest

from tests.browser import Browser, Page, expect
from tests.browser.test_creator_journey import TEE, add_to_cart, check_out
from tests.browser.test_screenshots import DEVICES, save_screenshot
from tests.support import processes

ADMIN = {"username": "dashboard", "password": "let me see the funnels"}
# Chromium's own User-Agent says "HeadlessChrome", which the funnels leave out as a robot.
SHOPPER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0"


@pytest.fixture(scope="module")
def admin_store(tmp_path_factory) -> Iterator[processes.Server]:
    """The storefront as in conftest's `store`, with funnels in its own file and the admin on."""
    folder = tmp_path_factory.mktemp("admin-store")
    server = processes.start(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
        env={
            "BIND": "127.0.0.1:0",
            "WEB_CONCURRENCY": "1",
            "DEMO_SHOP_CART_DB": str(folder / "carts.sqlite3"),
            "SHOPIFY_STORE_DOMAIN": "",
            "THEME": "base",
            "CACHE_TYPE": "SimpleCache",
            "FUNNELS_URL": f"sqlite:///{folder / 'funnels.sqlite3'}",
            "FUNNELS_FLUSH_SECONDS": "0.2",
            "ADMIN_USERNAME": ADMIN["username"],
            "ADMIN_PASSWORD": ADMIN["password"],
        },
    )
    yield server
    server.stop()
    assert "Traceback" not in server.log(), server.log()


@pytest.fixture
def open_page(browser: Browser, admin_store: processes.Server) -> Iterator[Callable[..., Page]]:
    """Like conftest's `open_page`, on the admin store: console errors (a CSP
    violation is one) and uncaught exceptions fail the test."""
    contexts, problems = [], []

    def open_(**options) -> Page:
        context = browser.new_context(base_url=admin_store.url, **options)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: problems.append(
            f"console error on {page.url}: {message.text}") if message.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(f"page error on {page.url}: {error}"))
        return page

    yield open_
    for context in contexts:
        context.close()
    assert not problems, "\n".join(problems)


def shop(open_page: Callable[..., Page]) -> None:
    """Maya's shopper checks out, Leo's looks at a product, a third comes straight in."""
    maya = open_page(user_agent=SHOPPER + " maya-shopper")
    maya.goto("/@maya")
    maya.goto(TEE)
    add_to_cart(maya)
    maya.goto("/cart")
    check_out(maya)

    leo = open_page(user_agent=SHOPPER + " leo-shopper")
    leo.goto("/@leo")
    leo.goto("/products/chore-jacket")
    expect(leo.locator("main h1")).to_have_text("Canvas Chore Jacket")

    direct = open_page(user_agent=SHOPPER + " direct-shopper")
    direct.goto("/")  # no Referer: an arrival from elsewhere, the brand's visit
    direct.locator(f"main a[href='{TEE}']").first.click()  # same site: a view, not a visit
    direct.wait_for_url(f"**{TEE}")


def csv_rows(url: str) -> dict[str, dict[str, str]]:
    token = base64.b64encode(f"{ADMIN['username']}:{ADMIN['password']}".encode()).decode()
    request = urllib.request.Request(url + "/admin/creators.csv?since=1d",
                                     headers={"Authorization": f"Basic {token}"})
    with urllib.request.urlopen(request, timeout=10) as reply:
        return {row["creator"]: row for row in csv.DictReader(io.StringIO(reply.read().decode()))}


def figures(row: dict[str, str]) -> list[int]:
    return [int(row[key]) for key in ("visits", "product_views", "add_to_carts", "checkouts")]


def counted(url: str, timeout: float = 20) -> dict[str, list[int]]:
    """The CSV's figures once every shopper's last step is in (the worker writes every 0.2 s)."""
    deadline = time.monotonic() + timeout
    while True:
        found = {who: figures(row) for who, row in csv_rows(url).items()}
        done = (found.get("maya", [0])[-1] == 1 and found.get("leo", [0, 0])[1] >= 1
                and found.get("(brand)", [0, 0])[1] >= 1)
        if done:
            return found
        assert time.monotonic() < deadline, f"the counts never arrived: {found}"
        time.sleep(0.1)


def test_the_dashboard_shows_what_shoppers_did(open_page, admin_store):
    shop(open_page)
    found = counted(admin_store.url)
    assert found["maya"] == [1, 1, 1, 1]
    assert found["leo"] == [1, 1, 0, 0]
    assert found["(brand)"] == [1, 1, 0, 0]

    for device in ("desktop", "phone"):
        options = DEVICES[device]
        page = open_page(http_credentials=ADMIN, **options)
        page.goto("/admin/creators?since=7d")
        expect(page.locator("h1")).to_have_text("Creator funnels")
        rows = page.locator("table.figures tbody tr")
        expect(rows).to_have_count(3)
        maya = page.locator("tr[data-creator='maya']")
        expect(maya.locator("td.num").nth(0)).to_have_text("1")  # visits
        expect(maya.locator("svg rect[data-value='1']")).to_have_count(4)
        # (Each chart is drawn for wide screens and for phones: one of the two shows.)
        expect(page.locator("svg.trend:visible polyline")).to_have_count(4)
        expect(page.locator("tr[data-creator='leo'] ol.products li").first).to_contain_text(
            "Canvas Chore Jacket")  # the product's name, not its handle
        expect(page.locator("[data-total='checkouts']")).to_have_text("1")
        # Styled by the nonce'd stylesheet: the CSP let it through.
        assert page.locator("table.figures").evaluate(
            "t => getComputedStyle(t).borderCollapse") == "collapse"
        save_screenshot(page, "admin-creators", options, device)

    page = open_page(http_credentials=ADMIN, **DEVICES["desktop"])
    page.goto("/admin/creators?sort=creator&order=asc")
    expect(page.locator("table.figures tbody tr").first).to_have_attribute("data-creator", "")
    page.get_by_role("link", name="Creator", exact=True).click()  # the header again: Z to A
    expect(page.locator("table.figures tbody tr").first).to_have_attribute(
        "data-creator", "maya")
    page.locator("tr[data-creator='maya'] th a").click()
    page.wait_for_url("**/admin/creators/maya?since=7d")
    expect(page.locator("h1")).to_contain_text("Maya Rivers")
    expect(page.locator("svg.funnel--large:visible rect")).to_have_count(4)
    expect(page.locator("svg.trend:visible")).to_be_visible()
    save_screenshot(page, "admin-creator-maya", DEVICES["desktop"], "desktop")


def test_the_dashboard_asks_for_credentials(browser, admin_store):
    """(Asked through the context's API client: a browser would show its sign-in prompt.)"""
    for credentials in (None, {**ADMIN, "password": "guess"}):
        context = browser.new_context(base_url=admin_store.url, http_credentials=credentials)
        try:
            for url in ("/admin/creators", "/admin/creators.csv", "/admin/creators/maya"):
                reply = context.request.get(url)
                assert reply.status == 401, url
                assert reply.headers["www-authenticate"] == (
                    'Basic realm="Storefront admin", charset="UTF-8"')
                assert reply.headers["cache-control"] == "no-store"
        finally:
            context.close()


# Every page of the admin, and those it answers with when it cannot show figures, with
# how many charts each has at least (the funnel, the days, net sales by day if any).
ADMIN_PAGES = {"/admin/creators?since=7d": 1, "/admin/creators?since=90d&all=1": 1,
               "/admin/creators/maya?since=30d": 2, "/admin/creators/_brand?since=7d": 2,
               "/admin/creators/changes": 0, "/admin/creators?since=bad": 0,
               "/admin/creators/nobody": 0}


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_every_admin_page_fits_a_phone(browser, admin_store, javascript):
    """(In a context of its own: the 400 and 404 pages are console errors for open_page.)"""
    phone = DEVICES["phone"]
    width = phone["viewport"]["width"]
    context = browser.new_context(base_url=admin_store.url, http_credentials=ADMIN,
                                  java_script_enabled=javascript, **phone)
    problems: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
        for url, least in ADMIN_PAGES.items():
            page.goto(url)
            expect(page.locator("h1")).to_be_visible()
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            assert scroll_width <= width, f"{url} scrolls sideways: {scroll_width} px"
            charts = page.locator(".chart svg:visible")
            assert charts.count() >= least, url
            for i in range(charts.count()):
                box = charts.nth(i).bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= width, (url, i, box)
            if least:
                # The chart's last day, today, is on the screen without scrolling.
                box = page.locator("svg.trend:visible g.days text").last.bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= width, (url, box)
        page.goto("/admin/creators?since=7d")
        # The table is wider than a phone: it scrolls inside its own box, not the page.
        assert page.locator(".table-scroll").evaluate(
            "box => box.scrollWidth > box.clientWidth")
        if javascript:
            page.goto("/admin/creators/maya?since=30d")
            save_screenshot(page, "admin-creator-maya", phone, "phone")
    finally:
        context.close()
    assert not problems, problems
