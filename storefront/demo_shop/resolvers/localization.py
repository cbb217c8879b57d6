"""`localization`: the countries and languages the shop sells in, named with Babel.

The shop's countries and languages come from its catalog (the primary ones
first). `@inContext(country:, language:)` picks the active ones when the shop
has them; otherwise the primary ones answer, as Shopify answers a country
outside every market.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.numbers import get_currency_name, get_currency_symbol
from graphql import get_directive_values

from storefront.demo_shop.catalog import Shop
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


def country_name(code: str | None, language: str = "EN") -> str | None:
    if code is None:
        return None
    return locale_of(language).territories.get(code, code)


def in_context(info) -> dict:
    """The operation's @inContext arguments (country, language), {} without one."""
    directive = info.schema.get_directive("inContext")
    return get_directive_values(directive, info.operation, info.variable_values) or {}


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
    shop: Shop
    shown_in: str

    @property
    def iso_code(self) -> str:
        return self.code

    @property
    def name(self) -> str:
        return country_name(self.code, self.shown_in)

    @property
    def currency(self) -> dict[str, str]:
        # One currency for now: the shop's (markets will give each country its own).
        code, shown_in = self.shop.currency_code, locale_of(self.shown_in)
        return {
            "isoCode": code,
            "name": get_currency_name(code, locale=shown_in),
            "symbol": get_currency_symbol(code, locale=shown_in),
        }

    @property
    def available_languages(self) -> list[LanguageView]:
        return [LanguageView(code, self.shown_in) for code in self.shop.languages]

    @property
    def default_language(self) -> LanguageView:
        return LanguageView(self.shop.languages[0], self.shown_in)

    @property
    def unit_system(self) -> str:
        return "IMPERIAL_SYSTEM" if self.code in IMPERIAL else "METRIC_SYSTEM"


@field("QueryRoot", "localization")
def resolve_localization(_, info):
    shop = ctx(info).catalog.shop
    asked = in_context(info)
    country = asked.get("country") if asked.get("country") in shop.countries else shop.countries[0]
    language = (asked.get("language") if asked.get("language") in shop.languages
                else shop.languages[0])
    return {
        "availableCountries": [CountryView(code, shop, language) for code in shop.countries],
        "availableLanguages": [LanguageView(code, language) for code in shop.languages],
        "country": CountryView(country, shop, language),
        "language": LanguageView(language, language),
    }
