"""The market suggestion a visitor gets from a page's kept banners."""

from __future__ import annotations

from storefront.markets import Market, Offered
from storefront.visit import market_hint
from storefront.visit.market_hint import Hints

OFFERED = (
    Offered("US", "United States", "USD", "$", (("EN", "English"),), "EN"),
    Offered("CA", "Canada", "CAD", "$", (("EN", "English"), ("FR", "français")), "EN"),
)
BANNERS = (("CA-EN", "<aside>Canada</aside>"), ("CA-FR", "<aside>Canada, en français</aside>"))


def hints() -> Hints:
    return Hints(Market("US", "EN"), OFFERED, BANNERS)


def test_the_banner_of_the_market_that_fits():
    page = hints()
    assert market_hint.banner(page, "fr-CA,fr", None, None) == "<aside>Canada, en français</aside>"
    assert market_hint.banner(page, "en", "CA", None) == "<aside>Canada</aside>"
    assert market_hint.banner(page, "en-US", None, None) == ""


def test_no_banner_after_a_choice_or_without_a_wish():
    page = hints()
    assert market_hint.banner(page, "fr-CA", None, "US-EN") == ""
    assert market_hint.banner(page, None, None, None) == ""
    assert market_hint.banner(None, "fr-CA", "CA", None) == ""


def test_what_each_visitor_got_is_remembered_within_bounds():
    page = hints()
    for n in range(market_hint.SEEN_KEPT + 10):
        market_hint.banner(page, f"x-{n}", None, None)
    assert len(page.seen) <= market_hint.SEEN_KEPT
    assert market_hint.banner(page, "fr-CA", None, None) == "<aside>Canada, en français</aside>"
    assert page == hints()  # (what was seen is no part of the page's identity)
