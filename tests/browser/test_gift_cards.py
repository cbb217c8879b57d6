"""A shopper pays part of an order with a gift card, in Chromium: a discount code and a gift
card on the cart page, then the demo checkout charges the subtotal less the discount less
what the card pays, the order shows the card as a payment, and the card's balance is spent.

The store runs under gunicorn with a cart database of its own, so the card's balance is
this test's alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.browser import Browser, Page, expect, money, new_document, page_at, store_with

CARD = "FERNGIFTPART0125"  # $12.50 left on it (shipped demo catalog)


@pytest.fixture(scope="module")
def gift_store(tmp_path_factory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("gift-cards")
    creators = root / "creators"
    creators.mkdir()  # no creators: no creator's code on the cart
    with store_with(root, creators, "base") as url:
        yield url


@pytest.fixture
def page(browser: Browser, gift_store: str) -> Iterator[Page]:
    with page_at(browser, gift_store) as page:
        yield page


def summary_amount(page: Page, label: str):
    """An amount of the cart's order summary, by its label."""
    row = page.locator(".cart__summary dt").filter(has_text=re.compile(f"^{label}"))
    return money(row.locator("xpath=following-sibling::dd[1]").inner_text())


def apply(page: Page, field: str, code: str) -> None:
    form = page.locator(f"form:has(#{field})")
    with new_document(page):
        page.locator(f"#{field}").fill(code)
        form.get_by_role("button", name=re.compile("^Apply")).click()


def test_the_checkout_charges_the_subtotal_less_the_discount_less_the_card(page: Page):
    page.goto("/products/organic-cotton-tee?variant=1003")
    buy = page.locator("form[data-cart-form]")
    buy.locator("input[name=quantity]").fill("2")
    buy.get_by_role("button", name="Add to cart").click()
    expect(page.locator(".site-header__cart [data-cart-count]")).to_have_text("2")
    page.goto("/cart")

    apply(page, "discount-code", "WELCOME10")
    apply(page, "gift-card-code", CARD.lower())
    expect(page.locator(".message--notice")).to_have_text("Gift card ••••0125 applied.")
    card = page.locator("li.gift-card")
    expect(card).to_have_count(1)
    expect(card.locator(".gift-card__status")).to_have_text(
        "$12.50 applied, $0.00 left on the card")
    subtotal = summary_amount(page, "Subtotal")
    discount = summary_amount(page, "Discount WELCOME10")
    gift = summary_amount(page, "Gift card ••••0125")
    total = money(page.locator("[data-cart-total]").inner_text())
    assert (subtotal, discount, gift) == (money("$76.00"), money("$7.60"), money("$12.50"))
    assert total == subtotal - discount - gift
    assert CARD.casefold() not in page.content().casefold()

    page.get_by_role("button", name="Check out").click()
    page.wait_for_url(re.compile(r"/demo-shop/checkouts/[^/?]+\?key="))
    expect(page.locator("tr.gift-card")).to_contain_text("Gift card ••••0125")
    charged = money(page.locator("tfoot td.amount").inner_text())
    assert charged == subtotal - discount - gift
    assert money(page.locator("tr.gift-card td.amount").inner_text()) == gift

    page.get_by_role("button", name="Place order").click()
    page.wait_for_url(re.compile(r"/demo-shop/orders/\d+\?key="))
    payments = page.locator("table.payments")
    expect(payments.locator("tr").filter(has_text="Gift card ••••0125")).to_contain_text(
        "$12.50")
    expect(payments.locator("tr").filter(has_text="Card (test gateway)")).to_contain_text(
        f"${charged}")

    # The card was spent: on a new cart it has nothing left to give.
    page.goto("/products/organic-cotton-tee?variant=1003")
    page.locator("form[data-cart-form]").get_by_role("button", name="Add to cart").click()
    expect(page.locator(".site-header__cart [data-cart-count]")).to_have_text("1")
    page.goto("/cart")
    apply(page, "gift-card-code", CARD)
    expect(page.locator(".message--error")).to_have_text(
        "There is nothing left on the gift card.")
    expect(page.locator("li.gift-card")).to_have_count(0)
    expect(page.locator("[data-cart-total]")).to_have_text("$38.00")
