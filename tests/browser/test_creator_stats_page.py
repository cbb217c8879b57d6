"""The page in a real browser at a phone's width (390 px) and a desktop's: styled through
the CSP's nonce, no console error, no sideways scroll; screenshots in
$TEST_ARTIFACTS_DIR/screenshots/.

The browser's requests are answered by the app itself (Playwright's routing hands each
one to Flask's test client, headers included), so no server has to start.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storefront import create_app
from storefront.orders import ledger_for
from tests.browser import expect
from tests.browser.test_screenshots import DEVICES, save_screenshot
from tests.creator_stats.conftest import TEE, TOTE, line, link, place, visits

NOW = datetime.now(UTC)
ORIGIN = "http://store.test"


def test_the_page_fits_a_phone_and_a_desktop(browser, tmp_path):
    app = create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3"),
                      "FUNNELS_URL": f"sqlite:///{tmp_path}/funnels.sqlite3"})
    ledger = ledger_for(app)
    start = NOW.replace(day=1, hour=9)
    for number in range(8):
        place(ledger, 200 + number, start + timedelta(hours=number), [
            line(2000 + 2 * number, TEE, "Organic cotton heavyweight tee, washed black", 2,
                 "38.00", "7.60"),
            line(2001 + 2 * number, TOTE + number, f"Canvas tote no. {number}", 1, "1240.00")],
            creator="maya")
    visits(app, {(start.date().isoformat(), "maya"): 12345})
    path = link(app, "maya")
    before = start.date() - timedelta(days=1)
    client = app.test_client()
    problems: list[str] = []

    def answer(route) -> None:
        reply = client.get(route.request.url.removeprefix(ORIGIN))
        route.fulfill(status=reply.status_code, headers=dict(reply.headers),
                      body=reply.get_data())

    for device, options in DEVICES.items():
        context = browser.new_context(base_url=ORIGIN, **options)
        try:
            context.route(f"{ORIGIN}/**", answer)
            page = context.new_page()
            page.on("console", lambda message: problems.append(message.text)
                    if message.type == "error" else None)
            page.goto(path)
            expect(page.locator("h1")).to_have_text("Maya Rivers")
            expect(page.locator("[data-figure='orders'] .value")).to_have_text("8")
            expect(page.locator("table.products tbody tr")).to_have_count(9)
            # Styled by the nonce'd stylesheet: the CSP let it through.
            assert page.locator(".cards").evaluate(
                "e => getComputedStyle(e).display") == "grid"
            save_screenshot(page, "creator-stats", options, device)
            page.locator("nav.months a").first.click()  # the month before
            page.wait_for_url(f"**{path}?period={before:%Y-%m}")
            expect(page.locator("nav.months strong")).to_have_text(f"{before:%B %Y}")
        finally:
            context.close()
    assert not problems, problems
