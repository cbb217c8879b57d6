"""The keys of a creator file, each read with its own rules (see creators/README.md).

`Checker` walks one parsed file (or one imported CSV row), notes every problem
under its dotted key (`hero.image: ...`) and carries on, so one run reports
them all; storefront.creators.validate puts the file name in front.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any
from urllib.parse import unquote

from storefront import colors, markets
from storefront.creators import rules
from storefront.creators.model import (
    STATUSES,
    CollectionRef,
    Commission,
    Creator,
    Discount,
    Hero,
    Offer,
)
from storefront.visit.referral import PLATFORM_PARAMETERS

TOP_KEYS = (
    "name", "status", "aliases", "avatar", "bio", "theme",
    "hero", "discount", "offer", "collections", "notes", "article_notes", "theme_settings",
    "social", "commission", "legacy_ids", "market",
)
HERO_KEYS = ("title", "subtitle", "image", "cta_label", "cta_url")
DISCOUNT_KEYS = ("code", "label")
# `[offer]`: what the `[discount]` code does (model.Offer), shown to its shoppers as prices.
OFFER_KEYS = ("percent", "amount", "collections", "products", "minimum_subtotal",
              "starts_at", "ends_at")
MONEY_PLACES = 2
SCOPE_MAX = 250  # entitled collections or products (Shopify's cap on an input list)
COMMISSION_KEYS = ("percent", "per_order")
# The ledger keeps money to 4 decimal places (orders.tables.Money); a per-order
# amount is then rounded to the shop currency's minor unit on each order.
COMMISSION_PLACES = 4
PER_ORDER_MAX = Decimal(1_000_000)
COLLECTION_KEYS = ("handle", "title")
THEME_SETTING_KEYS = ("accent", "accent_text", "background", "surface", "text")
SOCIAL_PLATFORMS = ("instagram", "tiktok", "youtube", "x", "pinterest", "website")
# `[legacy_ids]`: the affiliate platforms whose links the store still honours, and what one
# of their referral ids may hold: the characters a URL carries as they are, so an id reads
# the same in the file and in the link.
LEGACY_PLATFORMS = tuple(PLATFORM_PARAMETERS)
LEGACY_ID = re.compile(r"[A-Za-z0-9._~-]{1,128}")
LEGACY_ID_RULE = "letters, digits, '-', '.', '_' and '~', at most 128"
NAME_MAX = 80
BIO_MAX = 1000
NOTE_MAX = 500
CODE_MAX = 255
# The store's own placeholders in pages look like this (web.pages); a link
# carrying one is refused, though pages no longer search for them.
RESERVED = re.compile(r"__sf-.*?__", re.IGNORECASE)


@dataclass(frozen=True)
class Context:
    """What a file is checked against besides itself: the media files and themes on disk."""

    media_files: frozenset[str] = frozenset()
    themes: frozenset[str] = frozenset()
    media_label: str = "creators/media/"
    themes_label: str = "themes/"
    # Each theme's colours (its chain's [settings] colors over base.css's), by name, and
    # the theme a creator without `theme` gets (THEME): what their colours meet.
    palettes: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    default_theme: str = "base"

    def palette(self, theme: str | None) -> dict[str, str]:
        found = dict(self.palettes).get(theme or self.default_theme)
        return dict(found) if found is not None else dict(colors.BASE)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, datetime | date | time):
        return "a date or time"
    return type(value).__name__


class Checker:
    """Reads one creator's tables, noting each problem and carrying on."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self.problems: list[str] = []

    def add(self, path: str, text: str) -> None:
        self.problems.append(f"{path}: {text}")

    def known_keys(
        self, table: Mapping[str, Any], allowed: tuple[str, ...], prefix: str = ""
    ) -> None:
        for key in table:
            if key in allowed:
                continue
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            if close:
                hint = f" (did you mean '{prefix}{close[0]}'?)"
            elif prefix:
                hint = f" (use {_either(allowed)})"
            else:
                hint = ""
            self.problems.append(f"unknown key '{prefix}{key}'{hint}")

    def string(
        self,
        table: Mapping[str, Any],
        key: str,
        path: str,
        *,
        required: bool = False,
        max_len: int | None = None,
    ) -> str | None:
        """The string at `key` as written, or None when absent or wrong (noted)."""
        if key not in table:
            if required:
                self.problems.append(f"missing required key '{path}'")
            return None
        value = table[key]
        if not isinstance(value, str):
            self.add(path, f"must be a string, not {_kind(value)}")
            return None
        if required and not value.strip():
            self.add(path, "must not be empty")
            return None
        if max_len is not None and len(value) > max_len:
            self.add(path, f"must be at most {max_len} characters, not {len(value)}")
            return None
        return value

    def prose(self, table: Mapping[str, Any], key: str, path: str, **kwargs: Any) -> str | None:
        """Text for people: stripped, and None when empty."""
        value = self.string(table, key, path, **kwargs)
        return (value.strip() or None) if value is not None else None

    def table(self, data: Mapping[str, Any], key: str, how: str) -> dict[str, Any] | None:
        if key not in data:
            return None
        value = data[key]
        if not isinstance(value, dict):
            self.add(key, f"must be a table ({how}), not {_kind(value)}")
            return None
        return value

    def image(self, table: Mapping[str, Any], key: str, path: str) -> str | None:
        value = self.string(table, key, path)
        if value is None:
            return None
        context = self.context
        if (problem := rules.image_problem(value, context.media_files, context.media_label)):
            self.add(path, problem)
            return None
        if self.reserved(value, path):
            return None
        return rules.image_url(value)

    def url(self, table: Mapping[str, Any], key: str, path: str, *, path_ok: bool) -> str | None:
        value = self.string(table, key, path)
        if value is None:
            return None
        if (problem := rules.url_problem(value, path_ok=path_ok)) is not None:
            self.add(path, problem)
            return None
        if self.reserved(value, path):
            return None
        return value

    def reserved(self, value: str, path: str) -> bool:
        """True (noted) when a link or image carries the store's reserved `__sf-...__` text."""
        found = RESERVED.search(value) or RESERVED.search(unquote(value))
        if found is None:
            return False
        self.add(path, f"{value!r} contains {found.group()!r}: text of the form __sf-...__ "
                       "is reserved for the store's own use")
        return True

    def creator(self, handle: str, data: Mapping[str, Any]) -> Creator:
        self.known_keys(data, TOP_KEYS)
        status = self.string(data, "status", "status")
        if status is not None and status not in STATUSES:
            self.add("status", f"must be {_either(STATUSES)}, not {status!r}")
        return Creator(
            handle=handle,
            name=self.prose(data, "name", "name", required=True, max_len=NAME_MAX) or "",
            status=status or "active",
            aliases=self.aliases(handle, data),
            avatar=self.image(data, "avatar", "avatar"),
            bio=self.prose(data, "bio", "bio", max_len=BIO_MAX),
            theme=self.theme(data),
            hero=self.hero(data),
            discount=self.discount(data),
            collections=self.collections(data),
            notes=self.notes(data),
            article_notes=self.article_notes(data),
            theme_settings=self.theme_settings(data, data.get("theme")),
            social=self.social(data),
            commission=self.commission(data),
            legacy_ids=self.legacy_ids(data),
            market=self.market(data),
        )

    def market(self, data: Mapping[str, Any]) -> str | None:
        """`market = "fr-ca"`: the market the creator's link opens in, as its path
        prefix (a language, then a country; storefront.markets)."""
        value = self.string(data, "market", "market")
        if value is None:
            return None
        if markets.split("/" + value, markets.Market("", "")) is None or "-" not in value:
            self.add("market", f"{value!r} is not a market: write a language and a country "
                               "as in the store's addresses, like \"fr-ca\"")
            return None
        return value

    def aliases(self, handle: str, data: Mapping[str, Any]) -> tuple[str, ...]:
        value = data.get("aliases", [])
        if not isinstance(value, list):
            self.add("aliases", f"must be a list of handles, not {_kind(value)}")
            return ()
        aliases: list[str] = []
        for alias in value:
            if not isinstance(alias, str):
                self.add("aliases", f"must be a list of handles; {alias!r} is {_kind(alias)}")
            elif (problem := rules.handle_problem(alias)) is not None:
                self.add("aliases", f"{alias!r} is not a handle: {problem}")
            elif alias == handle:
                self.add("aliases", f"{alias!r} is this creator's own handle")
            elif alias in aliases:
                self.add("aliases", f"{alias!r} is listed twice")
            else:
                aliases.append(alias)
        return tuple(aliases)

    def theme(self, data: Mapping[str, Any]) -> str | None:
        theme = self.string(data, "theme", "theme")
        if theme is None:
            return None
        label = self.context.themes_label
        if not rules.THEME_NAME.fullmatch(theme):
            self.add("theme", f"{theme!r} is not a theme name (a folder of {label})")
        elif theme not in self.context.themes:
            self.add("theme", f"no theme {theme!r} in {label} (a folder with theme.toml)")
        else:
            return theme
        return None

    def hero(self, data: Mapping[str, Any]) -> Hero | None:
        hero = self.table(data, "hero", "[hero]")
        if hero is None:
            return None
        self.known_keys(hero, HERO_KEYS, "hero.")
        return Hero(
            title=self.prose(hero, "title", "hero.title", required=True) or "",
            subtitle=self.prose(hero, "subtitle", "hero.subtitle"),
            image=self.image(hero, "image", "hero.image"),
            cta_label=self.prose(hero, "cta_label", "hero.cta_label"),
            cta_url=self.url(hero, "cta_url", "hero.cta_url", path_ok=True),
        )

    def discount(self, data: Mapping[str, Any]) -> Discount | None:
        """`[discount]`, carrying `[offer]` (what its code does) when the file has one."""
        discount = self.table(data, "discount", "[discount]")
        if discount is None:
            if "offer" in data and "discount" not in data:
                # The offer says what a code does; without the code nothing applies it.
                self.add("offer", "needs the code it describes: add [discount] with "
                                  'code = "..." (the discount code in Shopify)')
            return None
        misplaced = [key for key in discount if key in OFFER_KEYS and key not in DISCOUNT_KEYS]
        for key in misplaced:
            self.problems.append(f"unknown key 'discount.{key}' (what the code does goes in "
                                 f"[offer]: offer.{key})")
        self.known_keys({k: v for k, v in discount.items() if k not in misplaced},
                        DISCOUNT_KEYS, "discount.")
        code = self.string(discount, "code", "discount.code", required=True, max_len=CODE_MAX)
        if code is not None and rules.has_space_or_control(code):
            self.add("discount.code", f"{code!r} must not contain spaces or control characters")
        label = self.prose(discount, "label", "discount.label")
        return Discount(code=code or "", label=label, offer=self.offer(data))

    def offer(self, data: Mapping[str, Any]) -> Offer | None:
        """`[offer]` (OFFER_KEYS), or None when the file has none (no price is shown)."""
        offer = self.table(data, "offer", "[offer]")
        if offer is None:
            return None
        self.known_keys(offer, OFFER_KEYS, "offer.")
        kinds = [key for key in ("percent", "amount") if key in offer]
        if len(kinds) != 1:
            both = len(kinds) == 2
            self.add("offer", ("set either " if both else "set ")
                     + 'percent (e.g. 15 for 15% off) or amount (a fixed amount off, e.g. "10.00")'
                     + (", not both" if both else " to say what the code does"))
            return None
        problems = len(self.problems)
        percent = amount = None
        if kinds == ["percent"]:
            percent = self.decimal(offer, "percent", "offer.percent")
            if percent is not None and not 0 < percent <= 100:
                self.add("offer.percent", f"must be more than 0 and at most 100, not {percent:f}")
        else:
            amount = self.money(offer, "amount", "offer.amount")
            if amount is not None and amount <= 0:
                self.add("offer.amount", f"must be more than 0, not {amount:f}")
        minimum = None
        if "minimum_subtotal" in offer:
            minimum = self.money(offer, "minimum_subtotal", "offer.minimum_subtotal")
        collections = self.handles(offer, "collections", "collection")
        products = self.handles(offer, "products", "product")
        starts_at = self.moment(offer, "starts_at")
        ends_at = self.moment(offer, "ends_at")
        if starts_at is not None and ends_at is not None and ends_at <= starts_at:
            self.add("offer.ends_at", f"must be after starts_at ({starts_at.isoformat()}), "
                                      f"not {ends_at.isoformat()}")
        if len(self.problems) > problems:
            return None
        return Offer(percent=percent, amount=amount, collections=collections, products=products,
                     minimum_subtotal=minimum, starts_at=starts_at, ends_at=ends_at)

    def money(self, table: Mapping[str, Any], key: str, path: str) -> Decimal | None:
        """An amount in the shop's currency: a number with at most 2 decimal places, 0 or more."""
        value = self.decimal(table, key, path)
        if value is None:
            return None
        if -value.as_tuple().exponent > MONEY_PLACES:
            self.add(path, f"{table[key]!r} has more than {MONEY_PLACES} decimal places")
        elif not 0 <= value <= PER_ORDER_MAX:
            self.add(path, f"must be an amount between 0 and {PER_ORDER_MAX:f}, not {value:f}")
        else:
            return value
        return None

    def handles(self, offer: Mapping[str, Any], key: str, what: str) -> tuple[str, ...]:
        """`offer.collections` or `offer.products`: a list of Shopify handles."""
        if key not in offer:
            return ()
        path, value = f"offer.{key}", offer[key]
        if not isinstance(value, list):
            self.add(path, f"must be a list of {what} handles, not {_kind(value)}")
            return ()
        if not value:
            self.add(path, f"must name at least one {what} (leave it out for everything)")
        elif len(value) > SCOPE_MAX:
            self.add(path, f"must name at most {SCOPE_MAX} {what}s, not {len(value)}")
        found: list[str] = []
        for item in value:
            if not isinstance(item, str):
                self.add(path, f"must be a list of {what} handles; {item!r} is {_kind(item)}")
            elif not rules.is_shopify_handle(item):
                self.add(path, f"{item!r} is not a Shopify {what} handle: "
                               f"{rules.SHOPIFY_HANDLE_RULE}")
            elif item in found:
                self.add(path, f"{item!r} is listed twice")
            else:
                found.append(item)
        return tuple(found)

    def moment(self, offer: Mapping[str, Any], key: str) -> datetime | None:
        """A TOML date-time or an ISO 8601 string, as an aware datetime (UTC without an offset)."""
        if key not in offer:
            return None
        path, value = f"offer.{key}", offer[key]
        wanted = "a date and time like 2026-06-01T09:00:00-04:00 (UTC when no offset is given)"
        if isinstance(value, str):
            text = value.strip()
            try:
                timed = "T" in text.upper() or " " in text
                value = datetime.fromisoformat(text) if timed else date.fromisoformat(text)
            except ValueError:
                self.add(path, f"{offer[key]!r} is not {wanted}")
                return None
        if isinstance(value, datetime):
            return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        if isinstance(value, date):  # midnight, UTC, at the start of that day
            return datetime(value.year, value.month, value.day, tzinfo=UTC)
        self.add(path, f"must be {wanted}, not {_kind(value)}")
        return None

    def commission(self, data: Mapping[str, Any]) -> Commission | None:
        commission = self.table(data, "commission", "[commission]")
        if commission is None:
            return None
        self.known_keys(commission, COMMISSION_KEYS, "commission.")
        given = [key for key in COMMISSION_KEYS if key in commission]
        if len(given) != 1:
            self.add("commission", "set either percent (of net sales, e.g. 15) or per_order "
                                   '(a fixed amount per order, e.g. "5.00")'
                     + (", not both" if given else ""))
            return None
        key = given[0]
        path = f"commission.{key}"
        value = self.decimal(commission, key, path)
        if value is None:
            return None
        if key == "percent":
            if not 0 <= value <= 100:
                self.add(path, f"must be between 0 and 100, not {value:f}")
                return None
            return Commission(percent=value)
        if not 0 <= value <= PER_ORDER_MAX:
            self.add(path, f"must be an amount between 0 and {PER_ORDER_MAX:f}, not {value:f}")
            return None
        return Commission(per_order=value)

    def legacy_ids(self, data: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
        """`[legacy_ids]`: platform = "id" or ["id", ...], as (platform, id) pairs."""
        table = self.table(data, "legacy_ids", "[legacy_ids]") or {}
        self.known_keys(table, LEGACY_PLATFORMS, "legacy_ids.")
        found: list[tuple[str, str]] = []
        for platform in LEGACY_PLATFORMS:
            if platform not in table:
                continue
            path, value = f"legacy_ids.{platform}", table[platform]
            if isinstance(value, list) and not value:
                self.add(path, "must not be an empty list")
            seen: set[str] = set()
            for item in value if isinstance(value, list) else [value]:
                if not isinstance(item, str):
                    self.add(path, f"must be an id or a list of ids; {item!r} is {_kind(item)}")
                elif not LEGACY_ID.fullmatch(item):
                    self.add(path, f"{item!r} is not a referral id: {LEGACY_ID_RULE}")
                elif item.casefold() in seen:  # links match ids in any case
                    self.add(path, f"{item!r} is listed twice")
                else:
                    seen.add(item.casefold())
                    found.append((platform, item))
        return tuple(found)

    def decimal(self, table: Mapping[str, Any], key: str, path: str) -> Decimal | None:
        """A number written as 15, 12.5 or "12.5", read exactly (Decimal), or None (noted)."""
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.add(path, f'must be a number like 12.5 or "12.5", not {_kind(value)}')
            return None
        # A TOML float reads as the nearest binary number; its shortest repr is the
        # decimal that was written (12.5, 0.1), so nothing is lost going through it.
        text = repr(value) if isinstance(value, float) else str(value).strip()
        try:
            number = Decimal(text)
        except InvalidOperation:
            self.add(path, f"{value!r} is not a number")
            return None
        if not number.is_finite():
            self.add(path, f"{value!r} is not a number")
            return None
        if number.is_zero():
            number = abs(number)  # -0 is 0 (and must not be kept as "-0")
        if -number.as_tuple().exponent > COMMISSION_PLACES:
            self.add(path, f"{value!r} has more than {COMMISSION_PLACES} decimal places")
            return None
        return number

    def collections(self, data: Mapping[str, Any]) -> tuple[CollectionRef, ...]:
        value = data.get("collections", [])
        if not isinstance(value, list):
            self.add("collections", f"must be tables ([[collections]]), not {_kind(value)}")
            return ()
        found: list[CollectionRef] = []
        for number, item in enumerate(value, start=1):
            path = f"collections[{number}]"
            if not isinstance(item, dict):
                kind = _kind(item)
                self.add(path, f"must be a table ([[collections]] with a handle), not {kind}")
                continue
            self.known_keys(item, COLLECTION_KEYS, f"{path}.")
            handle = self.string(item, "handle", f"{path}.handle", required=True)
            title = self.prose(item, "title", f"{path}.title")
            if handle is None:
                continue
            if not rules.is_shopify_handle(handle):
                rule = rules.SHOPIFY_HANDLE_RULE
                self.add(f"{path}.handle", f"{handle!r} is not a Shopify handle: {rule}")
            elif any(ref.handle == handle for ref in found):
                self.add(f"{path}.handle", f"{handle!r} is listed twice")
            else:
                found.append(CollectionRef(handle=handle, title=title))
        return tuple(found)

    def notes(self, data: Mapping[str, Any]) -> Mapping[str, str]:
        notes = self.table(data, "notes", "[notes]") or {}
        found: dict[str, str] = {}
        for product in notes:
            if not rules.is_shopify_handle(product):
                rule = rules.SHOPIFY_HANDLE_RULE
                self.add("notes", f"{product!r} is not a Shopify product handle: {rule}")
                continue
            text = self.prose(notes, product, f"notes.{product}", required=True, max_len=NOTE_MAX)
            if text is not None:
                found[product] = text
        return MappingProxyType(found)

    def article_notes(self, data: Mapping[str, Any]) -> Mapping[str, str]:
        """`[article_notes.<blog>]` tables of `article-handle = "note"`, as "blog/article" keys."""
        blogs = self.table(data, "article_notes", "[article_notes.<blog handle>]") or {}
        found: dict[str, str] = {}
        rule = rules.SHOPIFY_HANDLE_RULE
        for blog, notes in blogs.items():
            path = f"article_notes.{blog}"
            if not rules.is_shopify_handle(blog):
                self.add("article_notes", f"{blog!r} is not a Shopify blog handle: {rule}")
            elif not isinstance(notes, dict):
                self.add(path, f"must be a table of article-handle = \"note\" ([{path}]), "
                               f"not {_kind(notes)}")
            else:
                for article in notes:
                    if not rules.is_shopify_handle(article):
                        self.add(path, f"{article!r} is not a Shopify article handle: {rule}")
                        continue
                    text = self.prose(notes, article, f"{path}.{article}", required=True,
                                      max_len=NOTE_MAX)
                    if text is not None:
                        found[f"{blog}/{article}"] = text
        return MappingProxyType(found)

    def theme_settings(self, data: Mapping[str, Any], theme: Any = None) -> Mapping[str, str]:
        """The creator's colours; text that would read below 4.5:1 on the backgrounds it
        meets (theirs, or their theme's) is refused. A light accent is not: pages derive
        a readable shade of it (storefront.colors)."""
        settings = self.table(data, "theme_settings", "[theme_settings]") or {}
        self.known_keys(settings, THEME_SETTING_KEYS, "theme_settings.")
        found: dict[str, str] = {}
        for key in THEME_SETTING_KEYS:
            value = self.string(settings, key, f"theme_settings.{key}")
            if value is None:
                continue
            if rules.is_color(value):
                found[key] = value
            else:
                self.add(f"theme_settings.{key}", f"{value!r} is not a colour: use #rgb or #rrggbb")
        if found:
            palette = {**self.context.palette(theme if isinstance(theme, str) else None), **found}
            # (muted and error text are not theirs to set: pages shade them to read on theirs)
            theirs = [(text, ground) for text, ground in colors.TEXT_PAIRS
                      if text == "text" and (text in found or ground in found)]
            for message in colors.failures(palette, theirs):
                self.add("theme_settings", message)
        return MappingProxyType(found)

    def social(self, data: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
        social = self.table(data, "social", "[social]") or {}
        self.known_keys(social, SOCIAL_PLATFORMS, "social.")
        links = []
        for platform in social:
            if platform in SOCIAL_PLATFORMS:
                url = self.url(social, platform, f"social.{platform}", path_ok=False)
                if url is not None:
                    links.append((platform, url))
        return tuple(links)


def _either(choices: tuple[str, ...]) -> str:
    return ", ".join(choices[:-1]) + " or " + choices[-1]
