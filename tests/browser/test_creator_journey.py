"""A creator's shopper in a real browser: vanity link to the demo shop's checkout.

A creator's link (/@maya) credits them for the visit: their landing page,
a site-wide banner, their notes and picks, their discount code in the cart,
and attribution attributes that reach Shopify with the cart. A later link to
another creator takes the credit (last click); a paused creator's link shows
the brand's own store and credits no one.
"""

from __future__ import annotations

import re
import time
from datetime import datetime
from decimal import Decimal

import pytest

from tests.browser import Page, expect, money
from tests.browser.test_screenshots import DEVICES, save_screenshot

CHECKOUT_URL = re.compile(r"/demo-shop/checkouts/[^/?]+\?key=")
TEE = "/products/organic-cotton-tee"
TEE_VARIANT_URL = re.compile(r"/products/organic-cotton-tee\?variant=\d+$")
MAYA_NOTE = "The tee I reach for first. Heavy enough to hold its shape, soft from the first wash."
MAYA_PICKS = ["Organic Cotton Tee", "Linen Camp Shirt", "Canvas Chore Jacket"]  # in apparel
INK = "rgb(22, 24, 29)"  # atelier's ink, #16181d
LEO_ACCENT = "rgb(196, 106, 43)"  # #c46a2b, Leo's [theme_settings] over atelier's brass


def banner(page: Page):
    return page.locator("aside.creator-banner")


def option(page: Page, name: str):
    return page.locator("fieldset.option").filter(has=page.locator("legend", has_text=name))


def pick(page: Page, name: str, value: str) -> None:
    """Click the value link of one option, then wait for the variant's page."""
    option(page, name).get_by_role("link", name=value, exact=True).click()
    page.wait_for_url(TEE_VARIANT_URL)
    expect(option(page, name).locator("legend")).to_have_text(f"{name}: {value}")


def add_to_cart(page: Page, count: str = "1") -> None:
    """Add the product page's variant (through fetch) and wait for the header's count."""
    page.locator("form[data-cart-form]").get_by_role("button", name="Add to cart").click()
    expect(page.locator(".site-header__cart [data-cart-count]")).to_have_text(count)


def check_out(page: Page) -> None:
    """From the cart page to the demo shop's checkout."""
    page.get_by_role("button", name="Check out").click()
    page.wait_for_url(CHECKOUT_URL)
    expect(page.get_by_text("Demo checkout — this is what Shopify would receive")).to_be_visible()


def code_rows(page: Page):
    """The demo checkout's discount codes, one row each."""
    return page.locator("h2:has-text('Discount codes') + table tbody tr")


def cart_attributes(page: Page) -> dict[str, str]:
    """The demo checkout's cart attributes: a <dl> of <dt>key</dt><dd>value</dd>."""
    expect(page.locator("h2:has-text('Cart attributes')")).to_be_visible()
    attributes = page.locator("h2:has-text('Cart attributes') + dl")
    if not attributes.count():
        return {}
    keys = attributes.locator("dt").all_inner_texts()
    values = attributes.locator("dd").all_inner_texts()
    return dict(zip(keys, values, strict=True))


def amount(page: Page, row: str) -> Decimal:
    """An amount in the demo checkout's totals table, by the row's label."""
    return money(page.locator("tr").filter(has_text=row).locator("td.amount").inner_text())


def test_a_creators_link_credits_her_through_checkout(page: Page):
    page.goto("/@maya?utm_source=instagram&utm_campaign=spring")
    expect(page).to_have_url(re.compile(r"/@maya\?utm_source=instagram&utm_campaign=spring$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Maya's slow wardrobe")
    expect(page.get_by_role("heading", name="Maya Rivers", exact=True)).to_be_visible()
    profile = page.locator(".creator-profile__discount")
    expect(profile).to_contain_text("15% off everything")
    expect(profile.locator("code")).to_have_text("MAYA15")
    expect(banner(page)).to_contain_text("You're shopping Maya Rivers' store.")
    expect(banner(page).locator("code")).to_have_text("MAYA15")

    # Her hero's button leads to her wardrobe, where her picks wear a badge.
    page.get_by_role("link", name="Shop Maya's wardrobe").click()
    page.wait_for_url("**/collections/apparel")
    expect(banner(page)).to_contain_text("Maya Rivers")
    picked = page.locator("article.card").filter(has=page.locator(".badge--pick"))
    expect(picked.locator(".card__title")).to_have_text(MAYA_PICKS)
    expect(picked.locator(".badge--pick")).to_have_text(["Maya's pick"] * len(MAYA_PICKS))
    hoodie = page.locator("article.card").filter(has_text="Hemp Fleece Hoodie")
    expect(hoodie.locator(".badge--pick")).to_have_count(0)

    picked.filter(has_text="Organic Cotton Tee").locator("a.card__link").click()
    page.wait_for_url(f"**{TEE}")
    note = page.locator("aside.creator-note")
    expect(note.locator(".creator-note__who")).to_have_text("Maya Rivers says")
    expect(note.locator(".creator-note__text")).to_have_text(MAYA_NOTE)

    pick(page, "Size", "M")
    pick(page, "Color", "Forest")
    expect(note).to_be_visible()  # the note stays on every variant's page
    add_to_cart(page)

    page.locator("a.site-header__cart").click()
    page.wait_for_url("**/cart")
    expect(page.locator("tr.cart-line")).to_contain_text("M / Forest")
    maya15 = page.locator("li.code").filter(has_text="MAYA15")
    expect(maya15.locator(".code__owner")).to_have_text("Maya Rivers' code: 15% off everything")
    expect(maya15.locator(".code__status")).to_have_text("applied")
    expect(page.locator("li.code")).to_have_count(1)
    expect(page.locator("[data-cart-total]")).to_have_text("$32.30")  # $38.00 less 15%
    clicked = time.time()

    check_out(page)
    expect(code_rows(page)).to_have_count(1)
    expect(code_rows(page).locator("td").first).to_have_text("MAYA15")
    expect(code_rows(page).locator("td").nth(1)).to_have_text("applicable")
    attributes = cart_attributes(page)
    at = attributes.pop("_creator_clicked_at")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", at), at
    assert abs(datetime.fromisoformat(at).timestamp() - clicked) < 300, at
    assert attributes == {
        "_creator": "maya",
        "_creator_first": "maya",
        "_utm_source": "instagram",
        "_utm_campaign": "spring",
    }
    subtotal = amount(page, "Subtotal (after product discounts)")
    total = money(page.locator("tfoot td.amount").inner_text())
    assert subtotal == Decimal("38.00")
    assert total == subtotal * Decimal("0.85")


def test_a_deep_link_then_another_creators_link_switches_the_credit(page: Page):
    page.goto("/@june/products/linen-throw")
    expect(page).to_have_url(re.compile(r"/products/linen-throw$"))
    expect(banner(page)).to_contain_text("You're shopping June Okafor's store.")
    expect(banner(page).locator("code")).to_have_text("JUNE10")
    expect(page.locator("aside.creator-note")).to_contain_text("June Okafor says")
    expect(page.locator("body.theme-atelier")).to_have_count(0)
    add_to_cart(page)

    # Leo's link: his theme (atelier, with his accent) and his banner.
    page.goto("/@leo")
    # Atelier's rules come inlined with the first screen's CSS, not as a blocking file.
    assert page.evaluate("""Array.from(document.querySelectorAll('head style'))
        .some(style => style.textContent.includes('.theme-atelier .site-header'))""")
    expect(page).to_have_url(re.compile(r"/@leo$"))
    expect(page.locator("body")).to_have_class("theme-atelier")
    expect(page.get_by_role("heading", level=1)).to_have_text("Packed by Leo")
    expect(banner(page)).to_contain_text("You're shopping Leo Park's store.")
    header = page.locator("header.site-header")
    expect(header).to_have_css("background-color", INK)
    expect(header).to_have_css("border-bottom-color", LEO_ACCENT)
    # Atelier's fonts, not the browser's Times: they reach CSS unescaped.
    expect(page.locator("body")).to_have_css("font-family", '"Helvetica Neue", Arial, sans-serif')
    expect(page.get_by_role("heading", level=1)).to_have_css(  # (as Chromium writes it)
        "font-family", 'Didot, "Bodoni 72", Georgia, serif')

    page.locator("a.site-header__cart").click()
    page.wait_for_url("**/cart")
    expect(page.locator("tr.cart-line")).to_contain_text("Linen Throw")
    codes = page.locator("li.code")
    expect(codes.locator("strong")).to_have_text(["LEO5"])  # JUNE10 is gone
    expect(codes.locator(".code__owner")).to_have_text("Leo Park's code: $5 off your order")

    check_out(page)
    expect(code_rows(page).locator("td:first-child")).to_have_text(["LEO5"])
    expect(code_rows(page).locator("td").nth(1)).to_have_text("applicable")
    attributes = cart_attributes(page)
    assert attributes["_creator"] == "leo"
    assert attributes["_creator_first"] == "june"
    assert not any(key.startswith("_utm_") for key in attributes), attributes


def test_a_paused_creators_link_shows_the_brand_store(page: Page):
    page.goto("/@rosa")
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))
    expect(page.get_by_role("heading", name="Our favourites")).to_be_visible()
    expect(banner(page)).to_have_count(0)
    expect(page.locator(".messages")).to_have_text("Rosa Diaz's offer has ended.")

    page.goto(TEE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Organic Cotton Tee")
    expect(page.locator("aside.creator-note")).to_have_count(0)
    expect(banner(page)).to_have_count(0)
    add_to_cart(page)

    page.locator("a.site-header__cart").click()
    page.wait_for_url("**/cart")
    expect(page.locator("tr.cart-line")).to_have_count(1)
    expect(page.locator("li.code")).to_have_count(0)

    check_out(page)
    expect(page.get_by_text("No discount codes.")).to_be_visible()
    expect(page.get_by_text("ROSA15")).to_have_count(0)
    attributes = cart_attributes(page)
    assert not any(key.startswith("_creator") for key in attributes), attributes


CREATOR_PAGES = {"creator-landing": "/@maya", "creator-product": TEE}


@pytest.mark.parametrize("name", CREATOR_PAGES)
@pytest.mark.parametrize("device", DEVICES)
def test_creator_screenshot(open_page, device: str, name: str):
    options = DEVICES[device]
    page = open_page(**options)
    if name == "creator-product":
        page.goto("/@maya")
        expect(banner(page)).to_be_visible()
    page.goto(CREATOR_PAGES[name])
    expect(page.locator("main h1").first).to_be_visible()
    expect(banner(page)).to_contain_text("Maya Rivers")
    if name == "creator-landing":
        expect(page.locator("section.creator-profile")).to_contain_text("MAYA15")
    else:
        expect(page.locator("aside.creator-note")).to_contain_text(MAYA_NOTE)
    save_screenshot(page, name, options, device)
