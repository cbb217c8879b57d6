"""A shopper changes country in Chromium with JavaScript off: the selector's plain form
lands on the same product in Canada, the add-to-cart form works, and the demo checkout
asks for Canadian dollars. Then the same cart, moved to France, is in euros."""

from __future__ import annotations

import os
import re

from tests.browser import Browser, expect, money
from tests.support import processes


def test_switch_country_without_javascript_and_check_out_in_dollars_canadian(
        browser: Browser, store: processes.Server):
    context = browser.new_context(base_url=store.url, java_script_enabled=False,
                                  locale="en-US")
    page = context.new_page()
    try:
        page.goto("/products/organic-cotton-tee?variant=1002")
        assert page.locator("html").get_attribute("lang") == "en-US"
        assert money(page.locator(".price__amount").first.inner_text()) == money("$38.00")

        footer = page.locator("footer form.market-selector")
        footer.locator("select").select_option("CA-EN")
        footer.get_by_role("button").click()
        page.wait_for_url(re.compile(r"/en-ca/products/organic-cotton-tee\?variant=1002$"))
        assert page.locator("html").get_attribute("lang") == "en-CA"
        expect(page.locator(".price__amount").first).to_have_text("$52.99")
        page.screenshot(path=os.path.join(os.environ["TEST_ARTIFACTS_DIR"],
                                          "market-en-ca-product.png"), full_page=True)

        page.locator("form[data-cart-form]").get_by_role("button", name="Add to cart").click()
        page.goto("/en-ca/cart")
        expect(page.locator("[data-cart-total]")).to_have_text("$52.99")
        page.get_by_role("button", name="Check out").click()
        page.wait_for_url(re.compile(r"/demo-shop/checkouts/[^/?]+\?key="))
        expect(page.locator("p.currency")).to_contain_text("Prices in CAD")
        expect(page.locator("p.currency")).to_contain_text("buyer's country: CA")
        page.screenshot(path=os.path.join(os.environ["TEST_ARTIFACTS_DIR"],
                                          "market-en-ca-checkout.png"), full_page=True)

        # The same cart in France: Shopify re-prices it in euros.
        page.goto("/fr-fr/cart")
        assert page.locator("html").get_attribute("lang") == "fr-FR"
        total = page.locator("[data-cart-total]").inner_text().replace("\u202f", " ")
        assert total.replace("\xa0", " ") == "35,00 €"
    finally:
        context.close()
