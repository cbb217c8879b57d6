"""The first-visit market suggestion: which banner (if any) a visitor of a page gets.

A page offers its visitors the other markets the shop sells in. Which one
fits a visitor comes from their browser's languages (Accept-Language) and
the country their CDN or proxy reports (MARKET_COUNTRY_HEADER), so it is a
per-visitor slot of a shared page (web.pages): the page keeps one banner per
market, rendered in that market's language, and each response picks one.
It is never a redirect: the page stays what its address says, for crawlers
and shared links. A visitor who used the selector (the `localization`
cookie) has chosen, and is not asked again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from storefront import markets
from storefront.markets import Market, Offered

COOKIE = "localization"  # the market a visitor chose ("CA-FR"), as Shopify's storefronts keep it
COOKIE_DAYS = 365


@dataclass(frozen=True)
class Hints:
    """What a page keeps to suggest a market: where it is, what else is sold, and
    the banner for each other market (by selector value, "CA-FR")."""

    current: Market
    offered: tuple[Offered, ...]
    banners: tuple[tuple[str, str], ...]
    # The banner each (Accept-Language, country) got, in this process: browsers send
    # few distinct values, and reading one costs about 10 us a hit. Bounded.
    seen: dict = field(default_factory=dict, compare=False, repr=False)


def value_of(market: Market) -> str:
    """A market as the selector and the cookie write it: "CA-FR"."""
    return f"{market.country}-{market.language}"


def banner(hints: Hints | None, accept_language: str | None, country: str | None,
           chosen: str | None) -> str:
    """The banner (HTML) for a visitor, or "" when the page is right for them (or
    they `chose` a market already, or told the browser no language)."""
    if hints is None or chosen or not (accept_language or country):
        return ""
    asked = (accept_language, country)
    found = hints.seen.get(asked)
    if found is None:
        market = markets.suggestion(accept_language, country, hints.current,
                                    list(hints.offered))
        found = dict(hints.banners).get(value_of(market), "") if market is not None else ""
        if len(hints.seen) >= SEEN_KEPT:
            hints.seen.clear()  # (made-up headers: bounded, and the common ones come back)
        hints.seen[asked] = found
    return found


SEEN_KEPT = 256


def country_header(name: str) -> str:
    """The WSGI environ key of the configured country header ("" for none)."""
    return "HTTP_" + name.upper().replace("-", "_") if name else ""
