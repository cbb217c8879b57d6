"""Self-service in Chromium over real HTTP: a creator edits their page (text, a pick found by
searching the catalog, a photo), previews it, sends it; the brand approves it at
/admin/creators/changes; shoppers then see it at /@maya. The store runs under gunicorn
with its own copy of the creators, its own database and the admin on.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterator

import pytest

from storefront import create_app
from tests.browser import Browser, Page, expect
from tests.fixtures import CREATORS as FIXTURE_CREATORS
from tests.self_service.conftest import ADMIN, KEY, edit_link, jpeg
from tests.support import processes


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> Iterator[tuple[processes.Server, dict]]:
    folder = tmp_path_factory.mktemp("self-service")
    shutil.copytree(FIXTURE_CREATORS, folder / "creators")
    settings = {
        "CREATORS_DIR": str(folder / "creators"),
        "DATABASE_URL": f"sqlite:///{folder / 'orders.sqlite3'}",
        "INSTANCE_DIR": str(folder / "instance"),
        "DEMO_SHOP_CART_DB": str(folder / "carts.sqlite3"),
        "SECRET_KEY": KEY,
        "ADMIN_USERNAME": ADMIN["username"],
        "ADMIN_PASSWORD": ADMIN["password"],
    }
    server = processes.start(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
        env={**settings, "BIND": "127.0.0.1:0", "WEB_CONCURRENCY": "1",
             "SHOPIFY_STORE_DOMAIN": "", "THEME": "base", "CACHE_TYPE": "SimpleCache"},
    )
    yield server, settings
    server.stop()
    log = server.log()
    assert "Traceback" not in log, log
    assert "/creator-edit/Wy" not in log  # tokens never reach the logs


@pytest.fixture
def open_page(browser: Browser, shop) -> Iterator[Callable[..., Page]]:
    server, _settings = shop
    contexts, problems = [], []

    def open_(**options) -> Page:
        context = browser.new_context(base_url=server.url, **options)
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


def test_edit_preview_submit_approve_and_live(shop, open_page):
    _server, settings = shop
    path = edit_link(create_app(settings), "maya")

    creator = open_page()
    creator.goto(path)
    expect(creator.locator("h1")).to_have_text("Maya Rivers")
    creator.fill("#hero_title", "Maya's winter layers")
    creator.fill("#bio", "Stylist. I keep a small wardrobe and wear it hard.")
    creator.set_input_files("#hero_image_file", files=[
        {"name": "winter.jpg", "mimeType": "image/jpeg", "buffer": jpeg(size=(800, 350))}])
    # Picks are found by searching the catalog (each button posts the whole form).
    creator.fill("#q", "stoneware")
    creator.get_by_role("button", name="Search").click()
    creator.locator(".results li", has_text="Stoneware Mug").get_by_role(
        "button", name="Add").click()
    note = creator.locator("[data-pick='stoneware-mug'] textarea")
    expect(note).to_be_visible()
    expect(creator.locator("#hero_title")).to_have_value("Maya's winter layers")
    note.fill("The mug my coffee tastes best in.")

    creator.get_by_role("button", name="Preview my page").click()
    creator.wait_for_url("**/preview")
    expect(creator.locator(".hero--creator h1")).to_have_text("Maya's winter layers")
    expect(creator.locator(".creator-profile__bio")).to_have_text(
        "Stylist. I keep a small wardrobe and wear it hard.")
    hero = creator.locator(".hero--creator img")
    assert hero.get_attribute("src").startswith("/creator-uploads/")
    assert hero.evaluate("img => img.complete && img.naturalWidth") == 800

    creator.go_back()
    creator.get_by_role("button", name="Send to the brand for approval").click()
    expect(creator.get_by_role("status")).to_contain_text("Sent to the brand")

    # Not live before the brand approves.
    shopper = open_page()
    shopper.goto("/@maya")
    expect(shopper.locator(".hero--creator h1")).to_have_text("Maya's slow wardrobe")

    brand = open_page(http_credentials=ADMIN)
    brand.goto("/admin/creators/changes")
    change = brand.locator("section.change", has_text="@maya")
    expect(change.locator("tr.changed[data-field='hero_title']")).to_contain_text(
        "Maya's winter layers")
    change.get_by_role("button", name="Approve and publish").click()
    expect(brand.get_by_role("status")).to_have_text("Approved: the change is live.")
    expect(brand.locator("section.change")).to_have_count(0)

    shopper.goto("/@maya")
    expect(shopper.locator(".hero--creator h1")).to_have_text("Maya's winter layers")
    live = shopper.locator(".hero--creator img")
    assert live.get_attribute("src").startswith("/creator-media/")
    assert live.evaluate("img => img.complete && img.naturalWidth") == 800
    shopper.goto("/products/stoneware-mug")
    expect(shopper.locator("main")).to_contain_text("The mug my coffee tastes best in.")
