"""What a cart costs: line amounts, discount codes, their allocations and warnings.

The demo's codes come in Shopify's two kinds. A code limited to collections is
a product discount: its allocations are reported on the lines it reduces
(`CartLine.discountAllocations`). A code for everything is an order discount:
it is spread across the lines to price them, but reported once per code on
the cart (`Cart.discountAllocations`), as Shopify reports "amount off order"
codes. So:

- line `subtotalAmount` = price x quantity; line `totalAmount` = subtotal - its
  product-discount allocations;
- cart `subtotalAmount` = sum of line totals: "before taxes and cart-level
  discounts";
- cart `totalAmount` = subtotal - the order-discount allocations (what the buyer
  pays: the demo has no shipping or taxes);
- cart `checkoutChargeAmount` = the sum of line subtotals ("before taxes and
  discounts"; the demo has no deferred payments).

Amounts are in the cart's market's currency (markets.py): lines at their price there; a
fixed amount off and a minimum subtotal converted at its rate, as Shopify converts them.

Several applicable codes are each computed on the undiscounted line amounts,
then a line's total discount is capped at its subtotal (earlier codes first).

A code is limited to collections or to products (either entitles a line); a
fixed amount limited so may come off each entitled item (`appliesOnEachItem`,
Shopify's default for "amount off products") instead of once across them. A
code is inactive before its `startsAt` and from its `endsAt` on, read from
`now()` (tests replace it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from storefront.demo_shop.catalog import Catalog, Discount, Product, Variant
from storefront.demo_shop.markets import Market
from storefront.demo_shop.money import ZERO, floor_cents, round_cents

HUNDRED = Decimal(100)

# Why a code does not apply, as Shopify's CartWarningCode.
NOT_FOUND = "DISCOUNT_NOT_FOUND"
INACTIVE = "DISCOUNT_CURRENTLY_INACTIVE"
USAGE_LIMIT = "DISCOUNT_USAGE_LIMIT_REACHED"
NO_ENTITLED_LINES = "DISCOUNT_NO_ENTITLED_LINE_ITEMS"
NOT_IN_RANGE = "DISCOUNT_PURCHASE_NOT_IN_RANGE"


@dataclass(frozen=True)
class PricedLine:
    """A cart line as the pricing sees it, at its price in the cart's market."""

    key: str
    variant: Variant
    product: Product
    quantity: int
    price: Decimal | None = None  # None: the shop's own prices (the primary market's)
    compare_at: Decimal | None = None

    def __post_init__(self) -> None:
        if self.price is None:
            object.__setattr__(self, "price", self.variant.price)
            object.__setattr__(self, "compare_at", self.variant.compare_at_price)

    @property
    def subtotal(self) -> Decimal:
        return self.price * self.quantity


@dataclass(frozen=True)
class Allocation:
    code: str  # as the shopper typed it
    discount: Discount
    amount: Decimal


@dataclass(frozen=True)
class CodeStatus:
    code: str
    discount: Discount | None
    applicable: bool
    warning: str | None  # a CartWarningCode when the code does not apply (None for an empty cart)


@dataclass(frozen=True)
class Pricing:
    codes: tuple[CodeStatus, ...]
    shares: dict[str, tuple[Allocation, ...]]  # line key -> every code's share of it
    allocations: dict[str, tuple[Allocation, ...]]  # line key -> product-discount shares
    cart_allocations: tuple[Allocation, ...]  # order discounts, one per code
    merchandise: Decimal  # before any discount
    subtotal: Decimal  # after product discounts
    total: Decimal  # after every discount

    def line_total(self, line: PricedLine) -> Decimal:
        return line.subtotal - sum((a.amount for a in self.allocations[line.key]), ZERO)


def now() -> datetime:
    """The time codes' dates are judged at."""
    return datetime.now(UTC)


def is_order_discount(discount: Discount) -> bool:
    return not discount.entitled_collections and not discount.entitled_products


def price_cart(
    catalog: Catalog, lines: Sequence[PricedLine], codes: Sequence[str],
    market: Market | None = None,
) -> Pricing:
    """Price `lines` with discount `codes` (already deduplicated, in the shopper's order), in
    `market`'s currency (the primary market's by default): a fixed amount off, and a
    minimum subtotal, are converted to it."""
    market = market or catalog.shop.primary_market
    statuses = []
    allocated: dict[str, list[Allocation]] = {line.key: [] for line in lines}
    for code in codes:
        discount = catalog.discount(code)
        entitled = _entitled(catalog, discount, lines) if discount else []
        warning = _why_not(discount, lines, entitled, market)
        applicable = warning is None and bool(lines)
        statuses.append(CodeStatus(code, discount, applicable, warning))
        if applicable:
            for key, amount in _allocate(discount, entitled, market).items():
                allocated[key].append(Allocation(code, discount, amount))

    shares: dict[str, tuple[Allocation, ...]] = {}
    on_lines: dict[str, tuple[Allocation, ...]] = {}
    on_cart: dict[str, Allocation] = {}
    for line in lines:
        room, kept = line.subtotal, []
        for allocation in allocated[line.key]:
            amount = min(allocation.amount, room)
            room -= amount
            if amount > 0:
                kept.append(Allocation(allocation.code, allocation.discount, amount))
        shares[line.key] = tuple(kept)
        on_lines[line.key] = tuple(a for a in kept if not is_order_discount(a.discount))
        for share in kept:
            if is_order_discount(share.discount):
                so_far = on_cart.get(share.code)
                total = share.amount + (so_far.amount if so_far else ZERO)
                on_cart[share.code] = Allocation(share.code, share.discount, total)

    merchandise = sum((line.subtotal for line in lines), ZERO)
    subtotal = merchandise - sum((a.amount for kept in on_lines.values() for a in kept), ZERO)
    total = subtotal - sum((a.amount for a in on_cart.values()), ZERO)
    ordered = tuple(on_cart[c] for c in codes if c in on_cart)
    return Pricing(tuple(statuses), shares, on_lines, ordered, merchandise, subtotal, total)


def _entitled(catalog: Catalog, discount: Discount, lines: Sequence[PricedLine]) -> list:
    if is_order_discount(discount):
        return list(lines)
    wanted = set(discount.entitled_collections)
    return [
        line for line in lines
        if line.product.handle in discount.entitled_products
        or wanted & {c.handle for c in catalog.collections_of(line.product)}
    ]


def _is_dated_out(discount: Discount) -> bool:
    if discount.starts_at is None and discount.ends_at is None:
        return False
    moment = now()
    return ((discount.starts_at is not None and moment < discount.starts_at)
            or (discount.ends_at is not None and moment >= discount.ends_at))


def _why_not(
    discount: Discount | None, lines: Sequence[PricedLine], entitled: list, market: Market
) -> str | None:
    if discount is None:
        return NOT_FOUND
    if discount.status == "inactive" or _is_dated_out(discount):
        return INACTIVE
    if discount.status == "usage_limit_reached":
        return USAGE_LIMIT
    if not lines:
        return None  # nothing to discount yet: not applicable, but nothing to explain
    if not entitled:
        return NO_ENTITLED_LINES
    entitled_subtotal = sum((line.subtotal for line in entitled), ZERO)
    minimum = discount.minimum_subtotal
    if minimum is not None and entitled_subtotal < market.convert(minimum):
        return NOT_IN_RANGE
    return None


def _allocate(
    discount: Discount, entitled: list[PricedLine], market: Market
) -> dict[str, Decimal]:
    """Each entitled line's share of the discount, to the cent."""
    if discount.type == "percentage":
        return {
            line.key: round_cents(line.subtotal * discount.value / HUNDRED) for line in entitled
        }
    if discount.applies_on_each_item:  # the amount off every unit, at most its price
        return {
            line.key: min(market.convert(discount.value), line.price) * line.quantity
            for line in entitled
        }
    # A fixed amount, capped at what the entitled lines cost, is spread in
    # proportion to their subtotals, rounded down; the cents left over go to the
    # largest line, so the shares add up exactly to the amount.
    base = sum((line.subtotal for line in entitled), ZERO)
    amount = min(market.convert(discount.value), base)
    if base == 0:
        return {line.key: ZERO for line in entitled}
    shares = {line.key: floor_cents(amount * line.subtotal / base) for line in entitled}
    largest = max(entitled, key=lambda line: line.subtotal)  # the first of equals
    shares[largest.key] += amount - sum(shares.values())
    return shares
