"""What a valid creator file becomes: small frozen records that views and templates read.

Everything here has passed validation (storefront.creators.validate): image
fields are URLs ready for `<img src>`, and mappings are read-only, so one
Creator can be shared by every request and thread.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any

STATUSES = ("active", "paused", "archived")


def _empty() -> Mapping[str, str]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Hero:
    title: str
    subtitle: str | None = None
    image: str | None = None  # a URL: /creator-media/<file> or https://...
    cta_label: str | None = None
    cta_url: str | None = None  # https://... or a same-site path like /collections/sale


@dataclass(frozen=True, slots=True)
class Offer:
    """What a creator's `[discount]` code does, as their file's `[offer]` declares it:
    one of percent and amount.

    It mirrors a Shopify discount's definition (which the Storefront API can't
    read), so pages can show the price the cart will charge; storefront.creators.offers
    computes with it.
    """

    percent: Decimal | None = None  # off each entitled item, 0 < percent <= 100
    amount: Decimal | None = None  # a fixed amount in the shop's currency (see offers.per_item)
    collections: tuple[str, ...] = ()  # entitled collection handles; none and no products: all
    products: tuple[str, ...] = ()  # entitled product handles
    minimum_subtotal: Decimal | None = None  # of the entitled items, as Shopify's minimum
    starts_at: datetime | None = None  # aware (UTC when the file gave no offset)
    ends_at: datetime | None = None  # aware; the offer is off from this instant on

    @property
    def for_everything(self) -> bool:
        return not self.collections and not self.products


@dataclass(frozen=True, slots=True)
class Discount:
    code: str
    label: str | None = None  # what shoppers read, e.g. "15% off everything"
    # The file's `[offer]` (kept with the code: an offer without a code is an error).
    offer: Offer | None = None  # None: the file says what the code is, not what it does
    # What the last check against the shop found (storefront.creators.shop_check), as the
    # store sets it on the creator it shows: False when the code took nothing off (no
    # "applied at checkout" promise), or applied otherwise than `offer` says (no prices).
    applies: bool = True
    as_declared: bool = True


@dataclass(frozen=True, slots=True)
class Commission:
    """What the creator earns on an order credited to them: one of the two is set."""

    percent: Decimal | None = None  # of the order's net sales, 0 to 100
    per_order: Decimal | None = None  # a fixed amount in the shop's currency

    @property
    def rule(self) -> str:
        """The rule as the orders ledger keeps it on an order: `percent:15`, `per_order:5.00`."""
        if self.percent is not None:
            return f"percent:{self.percent:f}"
        return f"per_order:{self.per_order:f}"


@dataclass(frozen=True, slots=True)
class CollectionRef:
    handle: str  # a Shopify collection handle
    title: str | None = None  # the creator's own title for it, else the shop's


@dataclass(frozen=True, slots=True)
class Creator:
    """One creator, as `creators/<handle>.toml` describes them."""

    handle: str
    name: str
    status: str = "active"
    aliases: tuple[str, ...] = ()
    avatar: str | None = None  # a URL, like Hero.image
    bio: str | None = None
    theme: str | None = None  # a folder of themes/, or None for the shop's theme
    hero: Hero | None = None
    discount: Discount | None = None
    collections: tuple[CollectionRef, ...] = ()
    notes: Mapping[str, str] = field(default_factory=_empty)  # product handle -> note
    # "<blog handle>/<article handle>" -> note, from the file's [article_notes.<blog>] tables
    article_notes: Mapping[str, str] = field(default_factory=_empty)
    theme_settings: Mapping[str, str] = field(default_factory=_empty)  # e.g. accent -> "#c0392b"
    social: tuple[tuple[str, str], ...] = ()  # (platform, https URL), in file order
    commission: Commission | None = None  # None: the shop's default (COMMISSION_PERCENT)
    market: str | None = None  # the prefix ("fr-ca") the creator's link opens in, or None
    # (platform, id) pairs from `[legacy_ids]`: the referral ids of the affiliate platforms
    # the brand moved from, so the links the creator shared there still credit them.
    legacy_ids: tuple[tuple[str, str], ...] = ()
    # Names this version of the file: cached pages dressed for the creator are
    # keyed by it, so an edited file shows at once rather than when they expire.
    revision: str = ""

    def __reduce__(self) -> tuple[Any, tuple[dict[str, Any]]]:
        # Read-only mappings don't pickle; a cache (e.g. Redis) may need to.
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["notes"] = dict(self.notes)
        values["article_notes"] = dict(self.article_notes)
        values["theme_settings"] = dict(self.theme_settings)
        return _unpickle_creator, (values,)

    def __hash__(self) -> int:
        # The mappings can't be hashed; equal creators share handle and name all the same.
        return hash((self.handle, self.name))

    @property
    def is_active(self) -> bool:
        """Only active creators dress the store; paused and archived ones don't."""
        return self.status == "active"

    @property
    def picks(self) -> tuple[str, ...]:
        """Handles of the products the creator wrote a note on, in file order."""
        return tuple(self.notes)

    def article_note(self, blog: str, article: str) -> str | None:
        """The creator's note on an article of a blog (both by handle), if they wrote one."""
        return self.article_notes.get(f"{blog}/{article}")


def _unpickle_creator(values: dict[str, Any]) -> Creator:
    values["notes"] = MappingProxyType(values["notes"])
    values["article_notes"] = MappingProxyType(values.get("article_notes", {}))
    values["theme_settings"] = MappingProxyType(values["theme_settings"])
    return Creator(**values)
