"""Markets: the country and language a page view runs in, and the path prefix naming them.

Shopify's subfolder markets and Hydrogen's localized routes name a market in
the path's first segment: `/fr-ca/products/...` is French for Canada, `/fr/...`
French for the primary country, and no prefix the primary market (the country
and language the store is configured with, SHOPIFY_COUNTRY and
SHOPIFY_LANGUAGE). Which markets exist is the shop's business: the Layout
query reads them from Shopify's `localization`, and a prefix the shop does
not offer is sent back to the unprefixed page (storefront.web.markets).

This module decides from strings alone (no Flask, no Shopify), so the app and
the page fast path read a path the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from babel import Locale, UnknownLocaleError

# "/fr-ca", "/fr", "/pt-br-br" (Shopify's PT_BR in Brazil): a language, then a country.
_PREFIX = re.compile(r"/[a-z]{2}(?:-[a-z]{2}){0,2}(?=/|$)")
# WSGI environ keys for the market, and its prefix as written, that a request
# arrived under (set below Flask).
ENVIRON_KEY = "storefront.market"
PREFIX_KEY = "storefront.market.prefix"
MOUNT_KEY = "storefront.market.mount"  # SCRIPT_NAME without the prefix: where the store is


@dataclass(frozen=True)
class Market:
    """A country and a language, as Shopify's codes ("CA", "FR"; "PT_BR")."""

    country: str
    language: str

    @property
    def context(self) -> dict[str, str]:
        """The `@inContext` variables of a query in this market."""
        return {"country": self.country, "language": self.language}

    @property
    def locale(self) -> str:
        """Babel's locale for money, numbers and dates ("fr_CA"); "en_US" when unknown."""
        return babel_locale(self.language, self.country)

    @property
    def lang(self) -> str:
        """The page's `<html lang>` and hreflang value ("fr-CA")."""
        language = self.language.lower().replace("_", "-")
        return f"{language}-{self.country}"


@cache
def babel_locale(language: str, country: str) -> str:
    tag = f"{language.lower().replace('-', '_')}_{country}"
    try:
        return str(Locale.parse(tag))
    except (ValueError, UnknownLocaleError):
        try:
            return str(Locale.parse(language.lower().replace("-", "_")))
        except (ValueError, UnknownLocaleError):
            return "en_US"



def primary(config) -> Market:
    """The market of unprefixed addresses: the configured country and language."""
    return Market(config["SHOPIFY_COUNTRY"], config["SHOPIFY_LANGUAGE"])

def prefix_for(market: Market, primary: Market) -> str:
    """The path prefix of `market` ("" for the primary one): `/fr-ca`, or `/fr` for
    another language of the primary country."""
    if market == primary:
        return ""
    language = market.language.lower().replace("_", "-")
    if market.country == primary.country:
        return f"/{language}"
    return f"/{language}-{market.country.lower()}"


def split(path: str, primary: Market) -> tuple[str, Market] | None:
    """(prefix, market) when `path` starts with a market prefix, else None.

    Only the form is checked (a language Babel knows, a two-letter country);
    whether the shop sells there is the app's question. The primary market
    spelled out (`/en-us`) is a prefix too, so that the app can send it to
    the unprefixed address.
    """
    found = _PREFIX.match(path)
    if found is None:
        return None
    pieces = found.group(0)[1:].upper().split("-")
    # One piece: a language of the primary country; two: language and country;
    # three: a regional language (PT_BR) and a country.
    country = pieces.pop() if len(pieces) > 1 else primary.country
    language = "_".join(pieces)
    if not _known_language(language):
        return None
    if len(pieces) == 1 and country == primary.country and language == primary.language \
            and found.group(0).count("-") == 0:
        return None  # "/en" on an English store: a page path, not a market
    return found.group(0), Market(country, language)


@cache
def _known_language(code: str) -> bool:
    try:
        Locale.parse(code.lower())
    except (ValueError, UnknownLocaleError):
        return False
    return True


@dataclass(frozen=True)
class Offered:
    """A country the shop sells in (from `localization.availableCountries`)."""

    country: str
    name: str
    currency: str
    symbol: str
    languages: tuple[tuple[str, str], ...]  # (code, name in its own language)
    default_language: str


def choices(offered: list[Offered], primary: Market) -> list[tuple[Market, str]]:
    """Every market the shop offers with the label a selector shows, the primary first."""
    out = []
    for country in offered:
        for code, endonym in country.languages:
            market = Market(country.country, code)
            label = f"{country.name} ({country.currency} {country.symbol})"
            if len(country.languages) > 1:
                label += f" · {endonym}"
            out.append((market, label))
    out.sort(key=lambda pair: pair[0] != primary)
    return out


def suggestion(accept_language: str | None, country: str | None, current: Market,
               offered: list[Offered]) -> Market | None:
    """The market to suggest to a visitor on `current`, from the browser's languages
    and the country a CDN reported, or None when `current` fits (or nothing does).

    Never a redirect: the page stays what its address says (crawlers, shared links).
    """
    by_country = {entry.country: entry for entry in offered}
    wishes = _accepted(accept_language)
    languages = [language for language, _ in wishes]
    if not country:  # no CDN header: the region of the browser's first language ("fr-CA")
        country = next((region for _, region in wishes if region), None)
    target = by_country.get((country or "").upper())
    if target is None:
        return None  # no country, or one the shop does not sell in
    spoken = [code for code, _ in target.languages]
    language = next((code for code in languages if code in spoken), None)
    if language is None:
        language = next((code for code in languages if code.split("_")[0] in spoken), None)
    market = Market(target.country, language or target.default_language)
    if market.country == current.country and (language is None or market == current):
        return None
    return market


def _accepted(header: str | None) -> list[tuple[str, str | None]]:
    """Accept-Language as (Shopify language code, region or None), most wanted first:
    [("FR", "CA"), ("EN", None)]."""
    weighted = []
    for position, item in enumerate((header or "").split(",")[:20]):
        tag, _, params = item.strip().partition(";")
        tag = tag.strip()
        if not re.fullmatch(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*", tag):
            continue
        quality = 1.0
        match = re.search(r"q=([0-9.]+)", params)
        if match:
            try:
                quality = float(match[1])
            except ValueError:
                continue
        if quality <= 0:
            continue
        pieces = tag.upper().split("-")
        region = next((piece for piece in pieces[1:] if len(piece) == 2 and piece.isalpha()),
                      None)
        weighted.append((-quality, position, pieces[0], region))
    return [(code, region) for _, _, code, region in sorted(weighted)]


class MarketPrefix:
    """The WSGI layer that reads a market prefix off the path, below everything else.

    `/fr-ca/products/x` reaches the app (and the page fast path) as PATH_INFO
    `/products/x` under SCRIPT_NAME `/fr-ca`, so routing is unchanged, Flask's
    `url_for` and `request.script_root` carry the prefix, and the page cache keys
    on the whole path. The market goes into the environ under ENVIRON_KEY.
    """

    def __init__(self, wsgi_app, primary: Market) -> None:
        self.wsgi_app = wsgi_app
        self.primary = primary

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        found = split(path, self.primary) if len(path) >= 3 and path[3:4] in ("", "/", "-") \
            else None
        if found is not None:
            prefix, market = found
            environ[MOUNT_KEY] = environ.get("SCRIPT_NAME", "").rstrip("/")
            environ["SCRIPT_NAME"] = environ[MOUNT_KEY] + prefix
            environ["PATH_INFO"] = path[len(prefix):] or "/"
            environ[ENVIRON_KEY], environ[PREFIX_KEY] = market, prefix
        return self.wsgi_app(environ, start_response)


def of_environ(environ, primary: Market) -> Market:
    """The market a request runs in: its prefix's, else the primary one."""
    return environ.get(ENVIRON_KEY) or primary
