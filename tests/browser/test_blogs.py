"""A reader in Chromium: the menu's Journal, a tag, an article, and a suggestion that
leads to one."""

from __future__ import annotations

from tests.browser import Page, expect
from tests.browser.test_phones import PHONE, no_sideways_scroll


def test_a_reader_on_a_phone_goes_from_the_menu_to_an_article_by_a_tag(open_page):
    phone: Page = open_page(viewport=PHONE)
    phone.goto("/")
    phone.locator("summary.menu-drawer__button").click()
    phone.locator("nav.menu-drawer__nav").get_by_role("link", name="Journal").click()
    phone.wait_for_url("**/blogs/journal")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Journal")
    expect(phone.locator("article.article-card")).to_have_count(6)
    no_sideways_scroll(phone)

    phone.get_by_role("navigation", name="Topics").get_by_role("link", name="Care").click()
    phone.wait_for_url("**/blogs/journal/tagged/care")
    expect(phone.locator("article.article-card")).to_have_count(3)
    phone.locator("a.article-card__link", has_text="Mending your wool socks").click()
    phone.wait_for_url("**/blogs/journal/mending-wool-socks")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Mending your wool socks")
    image = phone.locator("img.article__image")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    no_sideways_scroll(phone)


def test_a_suggestion_leads_to_an_article(open_page):
    page: Page = open_page()
    page.goto("/")
    page.locator("#site-search-q").fill("weaving")
    suggestion = page.locator("#site-search-suggestions a", has_text="Inside the weaving mill")
    expect(suggestion).to_be_visible()
    suggestion.click()
    page.wait_for_url("**/blogs/journal/inside-the-weaving-mill")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inside the weaving mill")
