"""`localization`: the countries the shop sells in, with each one's currency and
languages (its market's: markets.py), named with Babel.

Countries come market by market, the primary market's first. `@inContext(country:,
language:)` picks the active country when a market has it, else the primary market's
first country (as Shopify answers a country outside every market); and the active
language when the active country's market has it, else that market's default.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.numbers import get_currency_name, get_currency_symbol

from storefront.demo_shop.markets import Market
from storefront.demo_shop.resolvers import registry
from storefront.demo_shop.resolvers.catalog import ctx

field = registry.field

# The three countries that still measure in miles and pounds.
IMPERIAL = frozenset({"US", "LR", "MM"})


@cache
def locale_of(language: str) -> Locale:
    """Babel's locale for a LanguageCode ("EN", "PT_BR"); English when Babel has none."""
    try:
        return Locale.parse(language.lower().replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return Locale.parse("en")


@cache
def home_locale(language: str, country: str) -> Locale:
    """How people of `country` write `language` ("en_CA")."""
    try:
        return Locale(language.split("_")[0].lower(), country)
    except (ValueError, UnknownLocaleError):
        return locale_of(language)


def country_name(code: str | None, language: str = "EN") -> str | None:
    if code is None:
        return None
    return locale_of(language).territories.get(code, code)


@dataclass(frozen=True)
class LanguageView:
    code: str
    shown_in: str  # the language names are written in

    @property
    def iso_code(self) -> str:
        return self.code

    @property
    def name(self) -> str:
        own = locale_of(self.code)
        return own.get_display_name(locale_of(self.shown_in)) or self.code

    @property
    def endonym_name(self) -> str:
        return locale_of(self.code).get_display_name() or self.code


@dataclass(frozen=True)
class CountryView:
    code: str
    market: Market
    shown_in: str

    @property
    def iso_code(self) -> str:
        return self.code

    @property
    def name(self) -> str:
        return country_name(self.code, self.shown_in)

    @property
    def currency(self) -> dict[str, str]:
        """The market's currency: its name in the language shown in, its symbol as the
        country writes it ("$" for CAD in Canada, "€" for EUR), as Shopify gives them."""
        code = self.market.currency
        home = home_locale(self.market.default_language, self.code)
        return {
            "isoCode": code,
            "name": get_currency_name(code, locale=locale_of(self.shown_in)),
            "symbol": get_currency_symbol(code, locale=home),
        }

    @property
    def available_languages(self) -> list[LanguageView]:
        return [LanguageView(code, self.shown_in) for code in self.market.languages]

    @property
    def default_language(self) -> LanguageView:
        return LanguageView(self.market.default_language, self.shown_in)

    @property
    def unit_system(self) -> str:
        return "IMPERIAL_SYSTEM" if self.code in IMPERIAL else "METRIC_SYSTEM"


@field("QueryRoot", "localization")
def resolve_localization(_, info):
    """Every country of every market; the active country and language, and the active
    country's languages, from @inContext (each falling back as Shopify does)."""
    shop, asked = ctx(info).catalog.shop, ctx(info).asked
    answered = asked.answered(shop)
    country, language = answered["country"], answered["language"]
    market = shop.market_for(country)
    return {
        "availableCountries": [CountryView(code, m, language)
                               for m in shop.markets for code in m.countries],
        "availableLanguages": [LanguageView(code, language) for code in market.languages],
        "country": CountryView(country, market, language),
        "language": LanguageView(language, language),
    }
