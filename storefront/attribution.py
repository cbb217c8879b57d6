"""Referrals: who sent a shopper, kept in a signed cookie, and what the cart says of it.

A referral remembers the first and the last creator touch (handle and time)
and the campaign parameters of the landing URL. The credited creator is the
last touch (`last_click`, the default) or the first (`first_click`). A
referral older than the attribution window counts for nothing.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "referral"
SALT = "storefront.referral.v1"
CAMPAIGN_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content",
                 "gclid", "fbclid")
MAX_PARAM = 200  # characters kept of one campaign parameter
VERIFIED_CACHE = 10_000  # cookie values whose signature was checked, per process


@dataclass(frozen=True)
class Touch:
    handle: str
    at: int  # seconds since the epoch

    @property
    def iso(self) -> str:
        return datetime.fromtimestamp(self.at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Referral:
    first: Touch
    last: Touch
    campaign: Mapping[str, str] = field(default_factory=dict)

    def credited(self, model: str) -> Touch:
        return self.first if model == "first_click" else self.last


def campaign_from(args: Mapping[str, str]) -> dict[str, str]:
    """The campaign parameters of a landing URL's query."""
    return {
        key: str(args[key])[:MAX_PARAM]
        for key in CAMPAIGN_KEYS
        if args.get(key) and not any(ord(c) < 32 for c in str(args[key]))
    }


def touch(
    referral: Referral | None, handle: str, campaign: Mapping[str, str], now: float | None = None
) -> Referral:
    """The referral after a shopper followed `handle`'s link."""
    moment = Touch(handle, int(now if now is not None else time.time()))
    if referral is None:
        return Referral(moment, moment, dict(campaign))
    # A new landing brings its own campaign; a bare link keeps the last one's.
    return replace(referral, last=moment, campaign=dict(campaign) or dict(referral.campaign))


class Signer:
    """Signs referrals into cookie values and reads them back.

    Several secret keys may be given, newest first: cookies signed with an
    older key still verify during a rotation.
    """

    def __init__(self, secret_keys: list[str], window_days: int) -> None:
        # itsdangerous signs with the last key and accepts all of them.
        self._serializer = URLSafeTimedSerializer(list(reversed(secret_keys)), salt=SALT)
        self.window = window_days * 86400
        # A shopper sends the same cookie on every page view: remember values
        # whose signature already checked out, so it is verified once per process.
        self._verified: dict[str, tuple[Referral, float]] = {}

    def dumps(self, referral: Referral) -> str:
        return self._serializer.dumps({
            "f": [referral.first.handle, referral.first.at],
            "l": [referral.last.handle, referral.last.at],
            "c": dict(referral.campaign),
        })

    def loads(self, value: str | None, now: float | None = None) -> Referral | None:
        """The referral in a cookie, or None when it is missing, tampered with or expired."""
        if not value or len(value) > 4096:
            return None
        now = now if now is not None else time.time()
        known = self._verified.get(value)
        if known is not None:
            referral, signed_at = known
            return referral if self._current(referral, signed_at, now) else None
        try:
            raw, signed = self._serializer.loads(value, max_age=self.window, return_timestamp=True)
            first = Touch(str(raw["f"][0]), int(raw["f"][1]))
            last = Touch(str(raw["l"][0]), int(raw["l"][1]))
            campaign = {k: str(v) for k, v in dict(raw.get("c") or {}).items()
                        if k in CAMPAIGN_KEYS}
        except (BadSignature, KeyError, IndexError, TypeError, ValueError):
            return None
        referral = Referral(first, last, campaign)
        if len(self._verified) >= VERIFIED_CACHE:
            self._verified.clear()  # crude but bounded; refilled by the next requests
        self._verified[value] = (referral, signed.timestamp())
        return referral if self._current(referral, signed.timestamp(), now) else None

    def _current(self, referral: Referral, signed_at: float, now: float) -> bool:
        """Within the window, counted from the last touch and from the signature."""
        last = referral.last.at
        return now - last <= self.window and last <= now + 300 and now - signed_at <= self.window


def cart_attributes(referral: Referral | None, model: str) -> dict[str, str]:
    """The cart attributes that carry the credit into the Shopify order (DESIGN.md)."""
    if referral is None:
        return {}
    credited = referral.credited(model)
    attributes = {
        "_creator": credited.handle,
        "_creator_first": referral.first.handle,
        "_creator_clicked_at": credited.iso,
    }
    attributes.update({f"_{key}": value for key, value in referral.campaign.items()})
    return attributes


ATTRIBUTE_KEYS = frozenset(
    {"_creator", "_creator_first", "_creator_clicked_at", *(f"_{k}" for k in CAMPAIGN_KEYS)}
)
