"""Creators' codes checked against the shop: does each code apply, and as its `[offer]` says?

The Storefront API can't read a discount's definition, so it is observed: a
sample cart of products in the offer's scope (and one outside it, when the
offer is limited) is created, priced without the code, then with it
(`cartDiscountCodesUpdate`), and the code's allocations and warnings are
compared with what the offer declares. Each check is one cart in Shopify:
runs are throttled (a pause between carts, a cap per run) and never happen on
a page view (the CLI, and the store's background schedule, call `check_all`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from storefront.creators import offers
from storefront.creators.model import Creator, Offer
from storefront.shopify import api
from storefront.shopify import models as m
from storefront.shopify.client import StorefrontClient
from storefront.shopify.errors import StorefrontError, Throttled

# Outcomes, worst first.
MISSING = "missing"  # the shop has no such code
INACTIVE = "inactive"  # the code exists but is not active now (dates, or switched off)
NOT_APPLIED = "not-applied"  # the code exists but took nothing off the sample cart
DIFFERENT = "different"  # it applies, but not the amount or scope the [offer] declares
OK = "ok"  # it applies (as declared, when the file declares an offer)
UNCHECKED = "unchecked"  # not known: Shopify failed, no product to try, or the run's cap

CENT = Decimal("0.01")
CANDIDATES = 8  # products looked at, at most, to build one sample cart
MAX_QUANTITY = 50  # of one line, to reach a minimum subtotal
DEFAULT_PAUSE = 1.0  # seconds between two carts
DEFAULT_CAP = 100  # carts per run


@dataclass(frozen=True)
class Result:
    """What the shop did with one creator's code."""

    handle: str
    code: str
    outcome: str
    detail: str  # one sentence for people: what was seen
    checked_at: float  # time.time()

    @property
    def applies(self) -> bool:
        """The code takes something off (the checkout promise holds)."""
        return self.outcome in (OK, DIFFERENT)

    @property
    def as_declared(self) -> bool:
        """Pages may show the creator price: the code applies as its [offer] declares."""
        return self.outcome == OK

    @property
    def known(self) -> bool:
        return self.outcome != UNCHECKED

    def line(self) -> str:
        """One line of `flask creators check --shop`."""
        return f"{self.handle}: {self.code}: {self.detail}"


@dataclass
class Throttle:
    """A pause between carts and a cap on carts per run (Shopify throttles cart creation)."""

    pause: float = DEFAULT_PAUSE
    cap: int = DEFAULT_CAP
    sleep: Callable[[float], None] = time.sleep
    used: int = 0

    def take(self) -> bool:
        """Wait for the next cart; False once the run's cap is reached."""
        if self.used >= self.cap:
            return False
        if self.used and self.pause > 0:
            self.sleep(self.pause)
        self.used += 1
        return True


def to_check(creators: Iterable[Creator]) -> list[Creator]:
    """The creators whose code is worth checking: any with a code, archived ones aside."""
    return [c for c in creators if c.discount is not None and c.discount.code
            and c.status != "archived"]


def check_all(
    client: StorefrontClient, creators: Iterable[Creator], *, now: datetime,
    throttle: Throttle | None = None, clock: Callable[[], float] = time.time,
) -> list[Result]:
    """Check every creator's code (see `to_check`), in the order given; a Throttled
    reply from Shopify ends the run (the rest come back UNCHECKED)."""
    throttle = throttle or Throttle()
    results: list[Result] = []
    stopped: str | None = None
    for creator in to_check(creators):
        code = creator.discount.code
        if stopped is None and not throttle.take():
            stopped = f"not checked: this run's cap of {throttle.cap} carts was reached"
        if stopped is not None:
            results.append(Result(creator.handle, code, UNCHECKED, stopped, clock()))
            continue
        try:
            outcome, detail = check_creator(client, creator, now=now)
        except Throttled:
            stopped = "not checked: Shopify asked to slow down (THROTTLED); next run"
            outcome, detail = UNCHECKED, stopped
        except StorefrontError as error:
            outcome, detail = UNCHECKED, f"not checked: Shopify failed ({type(error).__name__})"
        results.append(Result(creator.handle, code, outcome, detail, clock()))
    return results


def report(client: StorefrontClient, creators: Iterable[Creator], *, now: datetime,
           throttle: Throttle | None = None) -> tuple[list[Result], list[str], bool]:
    """What `flask creators check --shop` does: the results, the lines it prints (one per
    code, then a summary) and whether it fails (any code not OK, unchecked ones included)."""
    results = check_all(client, creators, now=now, throttle=throttle)
    lines = [r.line() for r in results] + [summary(results)]
    return results, lines, any(r.outcome != OK for r in results)


def summary(results: list[Result]) -> str:
    """The last line of `creators check --shop`."""
    if not results:
        return "no creator has a code to try"
    bad = sum(1 for r in results if r.outcome != OK)
    if not bad:
        return ("1 code applies" if len(results) == 1 else f"{len(results)} codes apply") \
            + " as declared"
    return f"{bad} of {len(results)} code{'' if len(results) == 1 else 's'} failing"


# One creator ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    product: m.Product
    variant: m.Variant
    quantity: int
    entitled: bool  # what the [offer] says (True for every line without an offer)


def check_creator(client: StorefrontClient, creator: Creator, *, now: datetime) -> tuple[str, str]:
    """(outcome, detail) for one creator's code: one sample cart, priced without it, then with
    it. Raises StorefrontError when Shopify fails."""
    code = creator.discount.code
    offer = creator.discount.offer
    lines = _sample(client, creator, offer)
    if not lines:
        return UNCHECKED, "not checked: no product available to try the code on"
    inputs = [{"merchandiseId": ln.variant.id, "quantity": ln.quantity} for ln in lines]
    plain = api.cart_create(client, lines=inputs)
    if plain.cart is None or not plain.cart.lines:
        why = "; ".join(e.message for e in plain.user_errors) or "no cart"
        return UNCHECKED, f"not checked: the sample cart could not be made ({why})"
    coded = api.cart_discount_codes_update(client, plain.cart.id, [code])
    return _judge(code, offer, lines, plain.cart, coded, now)


def _judge(code: str, offer: Offer | None, lines: list[_Line], plain: m.Cart,
           coded: m.CartResult, now: datetime) -> tuple[str, str]:
    folded = code.casefold()
    warnings = [w.code for w in coded.warnings if w.code.startswith("DISCOUNT_")]
    cart = coded.cart
    status = next((c for c in cart.discount_codes if c.code.casefold() == folded), None) \
        if cart else None
    live = offer is None or offers.is_live(offer, now)
    if "DISCOUNT_NOT_FOUND" in warnings:
        return MISSING, "does not exist in the shop (DISCOUNT_NOT_FOUND)"
    if "DISCOUNT_CURRENTLY_INACTIVE" in warnings:
        said = "" if live else ", as its [offer] dates say"
        return INACTIVE, f"is not active in the shop now (DISCOUNT_CURRENTLY_INACTIVE){said}"
    scope = {"DISCOUNT_NO_ENTITLED_LINE_ITEMS": "products its [offer] includes",
             "DISCOUNT_PURCHASE_NOT_IN_RANGE": "a cart that reaches its [offer]'s minimum"}
    seen = [w for w in warnings if w in scope]
    if offer is not None and live and seen:
        return DIFFERENT, (f"does not apply to {scope[seen[0]]} ({_describe(lines)}; "
                           f"{seen[0]})")
    if cart is None or status is None or not status.applicable:
        why = f" ({', '.join(warnings)})" if warnings else ""
        return NOT_APPLIED, f"does not apply to the sample cart{why}"
    off_by_line = {ln.id: sum((d.amount.amount for d in ln.discounts
                               if (d.code or "").casefold() == folded), Decimal(0))
                   for ln in cart.lines}
    on_cart = sum((d.amount.amount for d in cart.discounts
                   if (d.code or "").casefold() == folded), Decimal(0))
    actual = sum(off_by_line.values(), Decimal(0)) + on_cart
    if actual <= 0:
        return NOT_APPLIED, "is accepted but takes nothing off the sample cart"
    if offer is None:
        return OK, f"applies ({_money(actual)} off the sample cart; no [offer] to compare)"
    if not live:
        return DIFFERENT, ("applies in the shop, but its [offer] dates say it is not on now "
                          f"({_money(actual)} off the sample cart)")
    by_variant = {ln.variant.id: ln for ln in cart.lines}
    unit = {ln.variant.id: by_variant[ln.variant.id].unit_price.amount
            for ln in lines if ln.variant.id in by_variant}
    if on_cart == 0:  # a product discount: its lines say which products it reached
        for ln in lines:
            got = off_by_line.get(by_variant[ln.variant.id].id, Decimal(0)) \
                if ln.variant.id in by_variant else Decimal(0)
            if got > 0 and not ln.entitled:
                return DIFFERENT, (f"takes {_money(got)} off {ln.product.handle}, outside the "
                                   "collections and products its [offer] names")
            if got == 0 and ln.entitled and len(lines) > 1:
                return DIFFERENT, (f"takes nothing off {ln.product.handle}, which its [offer] "
                                   "includes")
    expected = _expected(offer, lines, unit)
    slack = CENT * len(lines)  # rounding per line or per order
    if abs(actual - expected) > slack:
        return DIFFERENT, (f"takes {_money(actual)} off the sample cart, but its [offer] says "
                           f"{_money(expected)} ({_describe(lines)})")
    return OK, f"applies as declared ({_money(actual)} off {_describe(lines)})"


def _expected(offer: Offer, lines: list[_Line], unit: dict[str, Decimal]) -> Decimal:
    """What the [offer] takes off the sample cart, as Shopify would (see offers.py)."""
    entitled = [(ln, unit.get(ln.variant.id, ln.variant.price.amount)) for ln in lines
                if ln.entitled]
    if offer.percent is not None:
        return sum(((price * ln.quantity * offer.percent / 100).quantize(
            CENT, rounding=ROUND_HALF_UP) for ln, price in entitled), Decimal(0))
    if offers.per_item(offer):  # an amount off each entitled item, at most its price
        return sum((min(offer.amount, price) * ln.quantity for ln, price in entitled),
                   Decimal(0))
    base = sum((price * ln.quantity for ln, price in entitled), Decimal(0))
    return min(offer.amount, base)  # an amount off the order, once


def _describe(lines: list[_Line]) -> str:
    return ", ".join(f"{ln.quantity} x {ln.product.handle}" for ln in lines)


def _money(amount: Decimal) -> str:
    return f"{amount.quantize(CENT):f}"


# The sample cart ------------------------------------------------------------------------------


def _sample(client: StorefrontClient, creator: Creator, offer: Offer | None) -> list[_Line]:
    """One line the [offer] entitles (enough of it for a minimum) and one it doesn't (or, for
    an offer on everything, a second product), from as few product reads as can be."""
    inside: m.Product | None = None
    other: m.Product | None = None
    looked = 0
    for handle in _candidates(client, creator, offer):
        if looked >= CANDIDATES or (inside is not None and other is not None):
            break
        looked += 1
        product = api.product(client, handle)
        if product is None or _variant(product) is None:
            continue
        entitled = offer is None or offers.entitles(offer, product.handle, product.collections)
        if entitled and inside is None:
            inside = product
        elif other is None and not entitled:
            other = product
        elif other is None and offer is not None and offer.for_everything and inside is not None \
                and not set(product.collections) & set(inside.collections):
            other = product  # from other collections: shows a code limited to some of them
    if inside is None:
        return []
    variant = _variant(inside)
    quantity = 1
    if offer is not None and offer.minimum_subtotal is not None and variant.price.amount > 0:
        quantity = max(1, math.ceil(offer.minimum_subtotal / variant.price.amount))
    lines = [_Line(inside, variant, min(quantity, MAX_QUANTITY), True)]
    if other is not None and offer is not None:
        entitled = offers.entitles(offer, other.handle, other.collections)
        lines.append(_Line(other, _variant(other), 1, entitled))
    return lines


def _variant(product: m.Product) -> m.Variant | None:
    return next((v for v in product.variants if v.available), None)


def _candidates(client: StorefrontClient, creator: Creator, offer: Offer | None):
    """Product handles to try, the likeliest first, without repeats (read lazily)."""
    seen: set[str] = set()

    def fresh(handles):
        for handle in handles:
            if handle not in seen:
                seen.add(handle)
                yield handle

    if offer is not None:
        yield from fresh(offer.products)
        for collection in offer.collections[:2]:
            page = api.collection_page(client, collection, first=4)
            if page is not None:
                yield from fresh(card.handle for card in page.products.items if card.available)
    yield from fresh(creator.picks)
    if offer is not None:
        # Products of different collections, so a code reaching more or fewer of them shows.
        for collection in api.collections(client, first=4).items:
            if collection.handle in offer.collections:
                continue
            page = api.collection_page(client, collection.handle, first=2)
            if page is not None:
                yield from fresh(card.handle for card in page.products.items if card.available)
    entries = api.sitemap_entries(client, "products")
    yield from fresh(entry.handle for entry in entries.items)
