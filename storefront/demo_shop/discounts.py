"""What a cart costs: line amounts, discount codes, their allocations and warnings.

The demo's codes are order-level code discounts (as Shopify's "amount off
order" codes), allocated across the lines they are entitled to, and every
allocation is reported on its line (`CartLine.discountAllocations`, target
LINE_ITEM). Nothing is left unallocated, so `Cart.discountAllocations` is
always empty and:

- line `subtotalAmount` = price x quantity; line `totalAmount` = subtotal - its allocations;
- cart `subtotalAmount` = sum of line subtotals: Shopify's documented meaning,
  "before taxes and cart-level discounts";
- cart `totalAmount` = subtotal - every allocation = sum of line totals (what the
  buyer pays: the demo has no shipping or taxes);
- cart `checkoutChargeAmount` = `subtotalAmount` ("before taxes and discounts";
  the demo has no deferred payments).

Several applicable codes are each computed on the undiscounted line amounts,
then a line's total discount is capped at its subtotal (earlier codes first).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from storefront.demo_shop.catalog import Catalog, Discount, Product, Variant
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
    """A cart line as the pricing sees it."""

    key: str
    variant: Variant
    product: Product
    quantity: int

    @property
    def subtotal(self) -> Decimal:
        return self.variant.price * self.quantity


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
    allocations: dict[str, tuple[Allocation, ...]]  # line key -> its allocations
    subtotal: Decimal
    total: Decimal

    def line_total(self, line: PricedLine) -> Decimal:
        return line.subtotal - sum((a.amount for a in self.allocations[line.key]), ZERO)


def price_cart(catalog: Catalog, lines: Sequence[PricedLine], codes: Sequence[str]) -> Pricing:
    """Price `lines` with discount `codes` (already deduplicated, in the shopper's order)."""
    statuses = []
    allocated: dict[str, list[Allocation]] = {line.key: [] for line in lines}
    for code in codes:
        discount = catalog.discount(code)
        entitled = _entitled(catalog, discount, lines) if discount else []
        warning = _why_not(discount, lines, entitled)
        applicable = warning is None and bool(lines)
        statuses.append(CodeStatus(code, discount, applicable, warning))
        if applicable:
            for key, amount in _allocate(discount, entitled).items():
                allocated[key].append(Allocation(code, discount, amount))

    capped = {}
    for line in lines:
        room, kept = line.subtotal, []
        for allocation in allocated[line.key]:
            amount = min(allocation.amount, room)
            room -= amount
            if amount > 0:
                kept.append(Allocation(allocation.code, allocation.discount, amount))
        capped[line.key] = tuple(kept)

    subtotal = sum((line.subtotal for line in lines), ZERO)
    discounted = sum((a.amount for kept in capped.values() for a in kept), ZERO)
    return Pricing(tuple(statuses), capped, subtotal, subtotal - discounted)


def _entitled(catalog: Catalog, discount: Discount, lines: Sequence[PricedLine]) -> list:
    if not discount.entitled_collections:
        return list(lines)
    wanted = set(discount.entitled_collections)
    return [
        line for line in lines if wanted & {c.handle for c in catalog.collections_of(line.product)}
    ]


def _why_not(discount: Discount | None, lines: Sequence[PricedLine], entitled: list) -> str | None:
    if discount is None:
        return NOT_FOUND
    if discount.status == "inactive":
        return INACTIVE
    if discount.status == "usage_limit_reached":
        return USAGE_LIMIT
    if not lines:
        return None  # nothing to discount yet: not applicable, but nothing to explain
    if not entitled:
        return NO_ENTITLED_LINES
    entitled_subtotal = sum((line.subtotal for line in entitled), ZERO)
    if discount.minimum_subtotal is not None and entitled_subtotal < discount.minimum_subtotal:
        return NOT_IN_RANGE
    return None


def _allocate(discount: Discount, entitled: list[PricedLine]) -> dict[str, Decimal]:
    """Each entitled line's share of the discount, to the cent."""
    if discount.type == "percentage":
        return {
            line.key: round_cents(line.subtotal * discount.value / HUNDRED) for line in entitled
        }
    # A fixed amount, capped at what the entitled lines cost, is spread in
    # proportion to their subtotals, rounded down; the cents left over go to the
    # largest line, so the shares add up exactly to the amount.
    base = sum((line.subtotal for line in entitled), ZERO)
    amount = min(discount.value, base)
    if base == 0:
        return {line.key: ZERO for line in entitled}
    shares = {line.key: floor_cents(amount * line.subtotal / base) for line in entitled}
    largest = max(entitled, key=lambda line: line.subtotal)  # the first of equals
    shares[largest.key] += amount - sum(shares.values())
    return shares
