"""Where a field is answered: the market (currency, prices, catalog) and the language.

Everything under one root field shares it. Under a cart (`cart(id:)`, and a cart
mutation's payload) it is the cart's market, from its buyer identity's country,
whatever `@inContext(country:)` says: Shopify ignores that argument in cart queries and
mutations. Elsewhere it is the operation's `@inContext` country. The language is always
the one `@inContext` asks for, when that market has it, else the market's default.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from storefront.demo_shop.markets import Market
from storefront.demo_shop.money import Money


@dataclass(frozen=True)
class Where:
    market: Market
    language: str

    @property
    def currency(self) -> str:
        return self.market.currency

    def money(self, amount: Decimal) -> Money:
        return Money(amount, self.market.currency)


def root_key(info) -> str:
    """The response key of the root field `info` is under (its alias, if it has one)."""
    path = info.path
    while path.prev is not None:
        path = path.prev
    return str(path.key)


def answer_cart_in(info, country: str | None) -> None:
    """Whatever is under this root field is answered in the market of a cart of `country`."""
    info.context.cart_countries[root_key(info)] = country


def where(info) -> Where:
    context = info.context
    shop = context.catalog.shop
    key = root_key(info)
    if key in context.cart_countries:
        market = shop.market_for(context.cart_countries[key])
    else:
        market = shop.market_for(context.asked.country)
    return Where(market, market.language(context.asked.language))


def market_of(info) -> Market:
    return where(info).market
