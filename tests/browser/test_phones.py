"""A shopper on a phone (390 × 844): a compact header whose menu and search open on
demand, Add to cart and Check out inside the first screen, a confirmation with the
cart's new total, and no page that scrolls sideways, the demo checkout included.

Each runs with JavaScript on and off: all of it must work without.
"""

from __future__ import annotations

import pytest

from tests.browser import Page, expect

PHONE = {"width": 390, "height": 844}
SHIRT, HOODIE = "/products/linen-shirt", "/products/hemp-hoodie"  # $88 and $118 in the demo


@pytest.fixture(params=["js", "no-js"])
def phone(request, open_page) -> Page:
    return open_page(viewport=PHONE, java_script_enabled=request.param == "js")


def in_first_screen(page: Page, selector: str) -> None:
    page.evaluate("window.scrollTo(0, 0)")
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown"
    assert 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"], (selector, box)


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate("""Array.from(document.querySelectorAll('body *'))
        .filter(e => e.getClientRects().length && getComputedStyle(e).clip === 'auto'
                     && e.getBoundingClientRect().right > innerWidth + 1)
        .slice(0, 5).map(e => e.tagName + '.' + e.className)""")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide: {wide}"


def add(page: Page, path: str) -> None:
    page.goto(path)
    page.locator("form.buy").get_by_role("button", name="Add to cart").click()
    expect(page.locator(".added").first).to_be_visible()


def test_the_header_is_one_row_with_a_menu_button_and_search_on_demand(phone: Page):
    phone.goto("/")
    header = phone.locator("header.site-header").bounding_box()
    assert header is not None and header["height"] <= 72, header
    expect(phone.locator("nav.site-nav")).to_be_hidden()
    expect(phone.locator("#site-search-q")).to_be_hidden()

    phone.locator("summary.menu-drawer__button").click()
    drawer = phone.locator("nav.menu-drawer__nav")
    expect(drawer).to_be_visible()
    drawer.locator("summary", has_text="Shop").click()
    drawer.get_by_role("link", name="Apparel", exact=True).click()
    phone.wait_for_url("**/collections/apparel")

    phone.locator("a.site-header__search-button").click()
    field = phone.locator("#site-search-q")
    expect(field).to_be_visible()
    box = field.bounding_box()
    assert box is not None and box["width"] >= 0.6 * PHONE["width"] and box["y"] < 150, box
    field.fill("linen")
    field.press("Enter")
    phone.wait_for_url("**/search?q=linen")
    expect(phone.locator("main")).to_contain_text("results for")


def test_add_to_cart_is_in_the_first_screen_and_confirms_the_new_total(phone: Page):
    phone.goto(SHIRT)
    in_first_screen(phone, "form.buy button[type=submit]")
    add(phone, SHIRT)
    added = phone.locator(".added").first
    expect(added.locator(".added__line")).to_contain_text("Linen Camp Shirt")
    expect(added.locator(".added__total")).to_have_text("Cart total $88.00 (1 item)")
    add(phone, HOODIE)
    added = phone.locator(".added").first
    expect(added.locator(".added__line")).to_contain_text("Hemp Fleece Hoodie")
    expect(added.locator(".added__total")).to_have_text("Cart total $206.00 (2 items)")
    in_first_screen(phone, ".added")
    expect(phone.locator(".site-header__cart [data-cart-count]")).to_have_text("2")

    added.get_by_role("link", name="View cart").click()
    phone.wait_for_url("**/cart")
    expect(phone.locator("tr.cart-line")).to_have_count(2)


def test_the_in_stock_box_stays_beside_its_label(phone: Page):
    phone.goto("/collections/apparel")
    box = phone.locator("#in-stock-only").bounding_box()
    label = phone.locator("label.toolbar__check").bounding_box()
    assert box["y"] >= label["y"] and box["y"] + box["height"] <= label["y"] + label["height"]
    phone.locator("label.toolbar__check").click()  # the words tick the box (and, with
    expect(phone.locator("#in-stock-only")).to_be_checked()  # JavaScript, apply it)


def test_check_out_is_the_carts_first_action(phone: Page):
    for path in (SHIRT, HOODIE, "/products/organic-cotton-tee"):
        add(phone, path)
    phone.goto("/cart")
    in_first_screen(phone, "button:has-text('Check out')")
    checkout = phone.get_by_role("button", name="Check out")
    assert checkout.bounding_box()["y"] < phone.locator("tr.cart-line").first.bounding_box()["y"]


@pytest.mark.parametrize("path", [
    "/", "/collections", "/collections/all", "/collections/apparel?sort_by=price-descending",
    SHIRT, "/products/organic-cotton-tee", "/search?q=linen", "/search?q=zzzz", "/pages/about",
    "/pages/faq", "/cart",
])
def test_no_page_scrolls_sideways(phone: Page, path: str):
    if path == "/cart":
        add(phone, "/products/organic-cotton-tee")
    phone.goto(path)
    no_sideways_scroll(phone)
    phone.locator("summary.menu-drawer__button").click()
    no_sideways_scroll(phone)


def test_the_demo_checkout_and_order_fit_a_phone(phone: Page):
    add(phone, SHIRT)
    phone.goto("/cart")
    phone.get_by_role("button", name="Check out").click()
    phone.wait_for_url("**/demo-shop/checkouts/**")
    expect(phone.get_by_role("heading", name="Demo checkout")).to_be_visible()
    no_sideways_scroll(phone)
    expect(phone.get_by_text("Total (1 item;")).to_be_visible()
    phone.get_by_role("button", name="Place order").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Order")
    no_sideways_scroll(phone)
