"""Affiliate platforms' exports: which column is which, for `flask creators import --from`.

The platforms don't document the headers of their affiliate exports, and they
rename them now and then. So a column is recognised by its name, compared
without case, spaces or punctuation (`Affiliate Link`, `affiliate_link`),
among the names each field goes by: the platform's own first, then names any
export uses. `--map COLUMN=FIELD` overrides any choice; `ignore` drops one.

A platform's referral id is what its links carry (`?sca_ref=`, `?rfsn=`, ...,
storefront.visit.referral.PLATFORM_PARAMETERS): read from a column holding the
id, or from the parameter of the referral link. The email is read (to spot an
affiliate listed twice) and never written anywhere.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from storefront.creators import rules
from storefront.visit.referral import PLATFORM_PARAMETERS

# What a column can be, and what the import does with it.
FIELDS = {
    "handle": "the file name (default: made from the name)",
    "name": "name",
    "first_name": "name (first part)",
    "last_name": "name (last part)",
    "email": "read to spot an affiliate listed twice, never stored",
    "ref": "the platform's referral id, kept in legacy_ids",
    "link": "the referral link; its id is kept in legacy_ids",
    "code": "discount.code",
    "discount_label": "discount.label",
    "status": "status (inactive affiliates arrive paused)",
    "bio": "bio",
    "instagram": "social.instagram",
    "tiktok": "social.tiktok",
    "youtube": "social.youtube",
    "website": "social.website",
    "aliases": "aliases",
    "ignore": "not used",
}

# The names a field goes by in exports, whatever the platform. "code" or "id" alone
# is left out on purpose: it is a referral code in one export and a coupon in another.
COMMON = {
    # (not "username": exports mean a social one, rarely a valid handle)
    "handle": ("handle", "slug"),
    "name": ("name", "full name", "affiliate name", "affiliate", "creator", "creator name",
             "display name", "partner", "partner name"),
    "first_name": ("first name", "firstname", "given name"),
    "last_name": ("last name", "lastname", "surname", "family name"),
    "email": ("email", "email address", "e mail", "affiliate email", "creator email"),
    "link": ("referral link", "affiliate link", "link", "tracking link", "share link",
             "referral url", "affiliate url"),
    "code": ("coupon", "coupon code", "discount code", "discount", "promo code",
             "affiliate coupon", "referral coupon"),
    "status": ("status", "affiliate status", "state"),
    "bio": ("bio", "about"),
    "instagram": ("instagram", "instagram handle", "instagram username", "instagram url"),
    "tiktok": ("tiktok", "tiktok handle", "tiktok username", "tiktok url"),
    "youtube": ("youtube", "youtube channel", "youtube url"),
    "website": ("website", "website url", "site", "blog"),
}

# Status words of the exports, and what the creator becomes: an affiliate who
# can't earn there (pending, inactive, blocked...) arrives paused.
STATUS_WORDS = {
    "active": "active", "approved": "active", "enabled": "active",
    "paused": "paused", "inactive": "paused", "pending": "paused", "deactivated": "paused",
    "disabled": "paused", "denied": "paused", "rejected": "paused", "disapproved": "paused",
    "blocked": "paused", "suspended": "paused", "invited": "paused", "on hold": "paused",
    "archived": "archived", "deleted": "archived", "removed": "archived",
}


@dataclass(frozen=True)
class Platform:
    name: str  # as --from and `[legacy_ids]` spell it
    title: str  # as people do
    own: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # its names, before COMMON

    @property
    def parameter(self) -> str:
        """The query parameter its referral links carry."""
        return PLATFORM_PARAMETERS[self.name]

    def names_of(self, wanted: str) -> tuple[str, ...]:
        return (*self.own.get(wanted, ()), *COMMON.get(wanted, ()))


PLATFORMS = {
    platform.name: platform
    for platform in (
        # Links: https://shop.com/?sca_ref=2837745.jwHVXfeDqv (its export: First name,
        # Last name, Email, Affiliate link, Coupon, Status, Program, ...).
        Platform("uppromote", "UpPromote", {
            "ref": ("sca ref", "referral id", "affiliate code"),
            "code": ("coupons",),
        }),
        # Links: https://shop.com/?ref=maya (a referral code the affiliate may choose).
        Platform("goaffpro", "GoAffPro", {
            "ref": ("ref code", "ref codes", "referral code", "referral codes", "ref"),
            "link": ("ref link", "store link"),
            "code": ("coupons", "personal coupon"),
        }),
        # Links: https://shop.com/?rfsn=1234567.a1b2c3 (coupons are "conversion triggers").
        Platform("refersion", "Refersion", {
            "ref": ("rfsn", "tracking id"),
            "link": ("unique link", "default link"),
            "code": ("conversion trigger", "conversion triggers", "coupon trigger"),
        }),
        # Links: https://shop.com/?snowball=MAYA (the affiliate's referral code).
        Platform("snowball", "Social Snowball", {
            "ref": ("referral code", "snowball code", "affiliate code", "snowball", "ref code"),
        }),
        # Shopify Collabs (formerly Dovetale). Links: https://shop.com/?dt_id=4471902
        Platform("collabs", "Shopify Collabs", {
            "ref": ("dt id", "dovetale id"),
            "link": ("collabs link", "affiliate link url"),
            "code": ("affiliate discount code",),
        }),
    )
}


class MappingError(Exception):
    """`--map` names a column the file lacks, or a field that doesn't exist."""


@dataclass(frozen=True)
class Column:
    """One column of the export and the field it was given."""

    index: int  # 0-based
    header: str  # as the file writes it
    field: str  # one of FIELDS
    how: str  # "name" (recognised), "--map", or "" (not recognised, or a later duplicate)


def normal(header: str) -> str:
    """A header as it is compared: lowercase words separated by one space."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", header.casefold()).split())


def parse_overrides(pairs: Sequence[str]) -> dict[str, str]:
    """`--map` values (`Coupon Code=code`) as {normal column name: field}."""
    overrides: dict[str, str] = {}
    for pair in pairs:
        column, equals, wanted = pair.rpartition("=")
        wanted = wanted.strip().lower()
        if not equals or not column.strip():
            raise MappingError(f"--map {pair!r}: write COLUMN=FIELD, e.g. 'Coupon Code=code'")
        if wanted not in FIELDS:
            raise MappingError(f"--map {pair!r}: {wanted!r} is not a field; use one of "
                               f"{', '.join(FIELDS)}")
        overrides[normal(column)] = wanted
    return overrides


def choose(header: Sequence[str], platform: Platform,
           overrides: Mapping[str, str] | None = None) -> list[Column]:
    """The field of every column: `overrides` first, then recognised names; one column a field."""
    overrides = dict(overrides or {})
    normals = [normal(name) for name in header]
    unknown = [column for column in overrides if column not in normals]
    if unknown:
        raise MappingError(f"--map: there is no column {unknown[0]!r} "
                           f"(the columns: {', '.join(header)})")
    taken = {wanted for wanted in overrides.values() if wanted != "ignore"}
    columns = []
    for index, (name, key) in enumerate(zip(header, normals, strict=True)):
        if key in overrides:
            columns.append(Column(index, name, overrides[key], "--map"))
            continue
        found = next((wanted for wanted in FIELDS
                      if wanted not in taken and key in platform.names_of(wanted)), None)
        if found is None:
            columns.append(Column(index, name, "ignore", ""))
        else:
            taken.add(found)
            columns.append(Column(index, name, found, "name"))
    return columns


def handle_from(name: str) -> str:
    """A handle made of a name: `Zoë Martín-Ruiz` -> `zoe-martin-ruiz` ("" if nothing is left)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    handle = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return handle[:rules.HANDLE_MAX].rstrip("-")


def ids_in_link(link: str, parameter: str) -> list[str]:
    """The values of `parameter` in a referral link (none when it has no such parameter)."""
    text = link.strip()
    if "://" not in text and not text.startswith(("/", "?")):
        text = "https://" + text  # exports often drop the scheme: shop.com/?ref=maya
    try:
        query = urlsplit(text).query
    except ValueError:  # e.g. a broken [IPv6] host
        return []
    return [value.strip() for key, value in parse_qsl(query) if key == parameter and value.strip()]


def status_of(word: str) -> str | None:
    """The creator status an export's status word means, or None for a word not known."""
    return STATUS_WORDS.get(" ".join(word.casefold().replace("_", " ").split()))
