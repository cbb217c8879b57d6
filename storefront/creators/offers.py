"""A creator's offer as prices: what one unit of a product costs with their code.

The Storefront API can't read a discount's definition, so the creator file
declares what its `[discount]` code does in `[offer]` (percent or amount, scope,
minimum, dates: model.Offer) and this module applies it the way Shopify applies
such a code to a cart that holds that one unit alone:

- a percentage comes off each entitled item, rounded half up to the cent;
- an amount limited to collections or products comes off each entitled item
  (Shopify's "amount off products", applied to each item), at most its price;
- an amount for everything is Shopify's "amount off order": one amount for the
  whole cart, not a price of any item, so no item shows a price for it (the
  creator banner says what it is);
- nothing shows where Shopify would not apply the code: before `starts_at`, from
  `ends_at` on, on a product not entitled, or when the item alone costs less than
  `minimum_subtotal` (Shopify's minimum counts the entitled items).

The time always comes from the caller (an injectable clock), never from here.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from storefront.creators.model import Creator, Offer

CENT = Decimal("0.01")
HUNDRED = Decimal(100)

# Phases of a dated offer, as page keys carry them (see `keyed`).
BEFORE, LIVE, OVER = "before", "live", "over"


def is_live(offer: Offer, now: datetime) -> bool:
    """Whether Shopify applies the code at `now`: from starts_at, until (not at) ends_at."""
    return phase(offer, now) == LIVE


def phase(offer: Offer, now: datetime) -> str:
    """BEFORE, LIVE or OVER at `now` (an aware datetime)."""
    if offer.starts_at is not None and now < offer.starts_at:
        return BEFORE
    if offer.ends_at is not None and now >= offer.ends_at:
        return OVER
    return LIVE


def next_change(offer: Offer, now: datetime) -> datetime | None:
    """When the offer next starts or ends after `now`, or None when it never will."""
    for moment in (offer.starts_at, offer.ends_at):
        if moment is not None and moment > now:
            return moment
    return None


def per_item(offer: Offer) -> bool:
    """Whether the offer is a price of each item (all but an amount off the whole order)."""
    return offer.percent is not None or not offer.for_everything


def entitles(offer: Offer, handle: str, collections: tuple[str, ...] | list[str]) -> bool:
    """Whether a product (its handle, the handles of its collections) gets the offer."""
    if offer.for_everything:
        return True
    return handle in offer.products or any(c in offer.collections for c in collections)


def unit_price(
    offer: Offer, price: Decimal, *, handle: str, collections: tuple[str, ...] | list[str],
    now: datetime,
) -> Decimal | None:
    """What one unit at `price` costs with the code, alone in a cart at `now`, or None when
    the pages must not show a price for it (see the module's rules)."""
    if not per_item(offer) or not is_live(offer, now) or not entitles(offer, handle, collections):
        return None
    if offer.minimum_subtotal is not None and price < offer.minimum_subtotal:
        return None
    if offer.percent is not None:
        off = (price * offer.percent / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)
    else:
        off = min(offer.amount, price)
    if off <= 0:
        return None  # nothing off (a price of a few cents): no second price to show
    return (price - off).quantize(CENT)


_MARK = "~offer-"
_KEYED: dict[tuple[str, str, str], Creator] = {}
_KEYED_MAX = 10_000


def keyed(creator: Creator | None, now: datetime) -> Creator | None:
    """`creator` as cached pages are keyed by it: when their offer has dates, its revision
    also names the offer's phase at `now`, so a page stored while the offer was on is never
    served once it is over (nor one from before it started once it is on).

    The same object for everyone else (nothing to allocate on the fast path)."""
    offer = creator.discount.offer if creator is not None and creator.discount else None
    if offer is None or (offer.starts_at is None and offer.ends_at is None):
        return creator
    now_phase = phase(offer, now)
    revision = creator.revision.partition(_MARK)[0]  # (keyed twice is keyed once)
    key = (creator.handle, revision, now_phase)
    found = _KEYED.get(key)
    if found is None:
        if len(_KEYED) >= _KEYED_MAX:
            _KEYED.clear()  # bounded; the creators in use come back at once
        found = _KEYED[key] = replace(creator, revision=f"{revision}{_MARK}{now_phase}")
    return found
