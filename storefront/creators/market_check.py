"""Creators' markets checked against the shop, for `flask creators check --shop`.

A creator file's `market = "fr-ca"` opens the creator's bare link in that
market, but only while the shop sells there (the Layout query's
`localization`); otherwise the link opens in the primary market without a
word. The file check can't tell (it knows the form of a market, not the
shop), so this says which creators' markets the shop sells in.
"""

from __future__ import annotations

from collections.abc import Iterable

from storefront import markets
from storefront.creators.model import Creator
from storefront.markets import Market


def with_market(creators: Iterable[Creator]) -> list[Creator]:
    """The creators worth checking: any with a market, archived ones aside."""
    return [c for c in creators if c.market and c.status != "archived"]


def report(localization, creators: Iterable[Creator],
           primary: Market) -> tuple[list[str], bool]:
    """The lines `check --shop` prints (one per creator with a market) and whether one
    fails: a market the shop does not sell in. The primary market only earns a note:
    its addresses have no prefix, so such a link opens where it is."""
    wanting = with_market(creators)
    if not wanting:
        return [], False
    lines, failing = [], False
    for creator in wanting:
        found = markets.split("/" + creator.market, primary)
        market = found[1] if found is not None else None
        where = f"{creator.handle}: market {creator.market}"
        if market == primary:
            lines.append(f"{where}: the primary market, whose addresses have no prefix; "
                         "the link opens as it is")
        elif market is not None and localization.offers(market.country, market.language):
            lines.append(f"{where}: the shop sells there")
        else:
            failing = True
            names = ", ".join(_spelled(Market(entry.country, code))
                              for entry in localization.countries
                              for code, _ in entry.languages) or "none listed"
            lines.append(f"{where}: the shop does not sell there (it sells in {names}); "
                         "the link opens in the primary market")
    return lines, failing


def _spelled(market: Market) -> str:
    """`fr-ca`, as creator files write a market."""
    return f"{market.language.lower().replace('_', '-')}-{market.country.lower()}"
