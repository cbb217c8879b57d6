"""A shopper's whole visit in a real browser: home to the demo shop's checkout.

The store is built to work without JavaScript and to be better with it; one
test walks the enhanced path, the other the plain forms.
"""

from __future__ import annotations

import re
from decimal import Decimal

from tests.browser import FAVICON, Page, expect, money, new_document

PRODUCT = "Organic Cotton Tee"
VARIANT_URL = re.compile(r"/products/organic-cotton-tee\?variant=\d+$")
NOTE = "Please leave it with the neighbours at no. 12."


def option(page: Page, name: str):
    return page.locator("fieldset.option").filter(has=page.locator("legend", has_text=name))


def pick(page: Page, name: str, value: str) -> None:
    """Click the value link of one option, then wait for the variant's page."""
    label = re.compile(rf"^{re.escape(value)}( \(sold out\))?$")
    option(page, name).get_by_role("link", name=label).click()
    page.wait_for_url(VARIANT_URL)
    expect(option(page, name).locator("legend")).to_have_text(f"{name}: {value}")
    expect(option(page, name).locator("a[aria-current=true]")).to_have_accessible_name(label)


def test_a_shopper_browses_buys_and_reaches_checkout(page: Page):
    page.goto("/")
    expect(page.get_by_role("heading", name="Our favourites")).to_be_visible()
    expect(page.locator("article.card").first).to_be_visible()

    # The main menu: "Shop" opens to the collections.
    menu = page.locator("nav.site-nav")
    menu.locator("summary", has_text="Shop").click()
    menu.get_by_role("link", name="Apparel", exact=True).click()
    page.wait_for_url("**/collections/apparel")
    expect(page.get_by_role("heading", level=1)).to_have_text("Apparel")

    page.locator("article.card").filter(has_text=PRODUCT).locator("a.card__link").click()
    page.wait_for_url("**/products/organic-cotton-tee")
    expect(page.get_by_role("heading", level=1)).to_have_text(PRODUCT)

    # The first variant is XS / Oat, and no XS tee is made in Charcoal.
    expect(option(page, "Size").locator("legend")).to_have_text("Size: XS")
    missing = option(page, "Color").locator("span.option__value--missing")
    expect(missing).to_have_text("Charcoal (not available)")
    expect(option(page, "Color").get_by_role("link", name="Charcoal")).to_have_count(0)

    pick(page, "Size", "M")
    expect(option(page, "Color").get_by_role("link", name="Charcoal", exact=True)).to_be_visible()
    pick(page, "Color", "Forest")
    expect(option(page, "Size").locator("legend")).to_have_text("Size: M")
    product_url = page.url

    # Add to cart stays on the page: the header count follows through fetch.
    buy = page.locator("form[data-cart-form]")
    buy.locator("input[name=quantity]").fill("2")
    page.evaluate("document.documentElement.dataset.before = 'yes'")  # gone on a page load
    buy.get_by_role("button", name="Add to cart").click()
    expect(page.locator(".site-header__cart [data-cart-count]")).to_have_text("2")
    # The confirmation: the line as it is now and the cart's new total, with the way on.
    added = buy.locator("[data-cart-status] .added")
    expect(added.locator(".added__title")).to_have_text("Added to your cart")
    expect(added.locator(".added__line")).to_contain_text("M / Forest · Qty 2 · $76.00")
    expect(added.locator(".added__total")).to_have_text("Cart total $76.00 (2 items)")
    expect(added.get_by_role("link", name="Check out")).to_have_attribute("href", "/checkout")
    expect(page.locator("html[data-before]")).to_have_count(1)  # the same document
    assert page.url == product_url

    page.locator("a.site-header__cart").click()
    page.wait_for_url("**/cart")
    line = page.locator("tr.cart-line")
    expect(line).to_have_count(1)
    expect(line).to_contain_text(PRODUCT)
    expect(line).to_contain_text("M / Forest")
    quantity = line.locator("input[name=quantity]")
    expect(quantity).to_have_value("2")
    total = page.locator("[data-cart-total]")
    expect(total).to_have_text("$76.00")

    # Typing a quantity and leaving the field submits it (data-autosubmit).
    with new_document(page):
        quantity.fill("3")
        quantity.press("Tab")
    expect(line.locator("input[name=quantity]")).to_have_value("3")
    expect(line.locator(".cart-line__total")).to_have_text("$114.00")
    expect(total).to_have_text("$114.00")
    expect(page.locator("[data-cart-count]")).to_have_text("3")

    codes = page.locator("form.code-form")
    with new_document(page):
        page.locator("#discount-code").fill("welcome10")
        codes.get_by_role("button", name="Apply").click()
    welcome = page.locator("li.code").filter(has_text=re.compile("welcome10", re.I))
    expect(welcome.locator(".code__status")).to_have_text("applied")
    expect(total).to_have_text("$102.60")
    assert money(total.inner_text()) == money("$114.00") * Decimal("0.9")

    with new_document(page):
        page.locator("#discount-code").fill("SUMMER24")
        codes.get_by_role("button", name="Apply").click()
    summer = page.locator("li.code").filter(has_text="SUMMER24")
    expect(summer.locator(".code__status")).to_have_text(re.compile(r"^not applied: \S.+"))
    expect(welcome.locator(".code__status")).to_have_text("applied")
    expect(total).to_have_text("$102.60")

    with new_document(page):
        page.locator("#cart-note").fill(NOTE)
        page.get_by_role("button", name="Save note").click()
    expect(page.locator("#cart-note")).to_have_value(NOTE)
    cart_total = total.inner_text()

    page.get_by_role("button", name="Check out").click()
    page.wait_for_url(re.compile(r"/demo-shop/checkouts/[^/?]+\?key="))
    expect(page.get_by_text("Demo checkout — this is what Shopify would receive")).to_be_visible()
    lines = page.locator("table").first.locator("tbody tr")
    expect(lines).to_have_count(1)
    expect(lines.locator("td")).to_have_text(
        [re.compile(PRODUCT), "M / Forest", "3", "$38.00", "$114.00", "—", "$114.00"]
    )
    code_rows = page.locator("h2:has-text('Discount codes') + table tbody tr")
    expect(code_rows.filter(has_text=re.compile("welcome10", re.I))).to_contain_text("applicable")
    expect(code_rows.filter(has_text="SUMMER24")).to_contain_text("not applicable")
    expect(page.locator("h2:has-text('Note') + dl dd")).to_have_text(NOTE)
    order_total = page.locator("tfoot tr").filter(has_text="Total (3 items;")
    expect(order_total.locator("td.amount")).to_have_text(cart_total)


def test_the_store_works_without_javascript(open_page):
    page = open_page(java_script_enabled=False)
    page.goto("/products/organic-cotton-tee")
    expect(page.locator("[data-cart-count]")).to_have_text("0")

    pick(page, "Size", "L")
    pick(page, "Color", "Charcoal")  # L / Charcoal is sold out
    expect(page.get_by_role("button", name="Sold out")).to_be_disabled()
    pick(page, "Color", "Oat")
    variant_url = page.url

    # The plain form posts, and the store answers 303 back to the product.
    with page.expect_response(lambda r: r.url.endswith("/cart/add")) as answer:
        page.get_by_role("button", name="Add to cart").click()
    assert answer.value.status == 303
    page.wait_for_url(variant_url)
    expect(page.locator("[data-cart-count]")).to_have_text("1")

    page.locator("a.site-header__cart").click()
    page.wait_for_url("**/cart")
    expect(page.locator("tr.cart-line")).to_contain_text("L / Oat")


def test_browsers_find_a_favicon(page: Page):
    page.goto("/")
    icon = page.evaluate(
        "(document.querySelector('link[rel~=icon]') || {}).href"
        f" || location.origin + '{FAVICON}'"
    )
    if not icon.startswith("data:"):
        reply = page.request.get(icon)
        assert reply.ok, f"{icon}: {reply.status}"
