"""The Cart API: `cart(id:)` and the cart mutations, over `cart_ops`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from storefront.demo_shop import ids
from storefront.demo_shop.cart_ops import Result
from storefront.demo_shop.carts import CartRecord
from storefront.demo_shop.discounts import Allocation, PricedLine, Pricing
from storefront.demo_shop.gift_cards import Applied
from storefront.demo_shop.money import Money
from storefront.demo_shop.pagination import paginate
from storefront.demo_shop.resolvers import registry
from storefront.demo_shop.resolvers.catalog import ctx
from storefront.demo_shop.resolvers.where import answer_cart_in, where

field = registry.field


def iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def attributes(pairs) -> list[dict[str, str]]:
    return [{"key": key, "value": value} for key, value in pairs]


@dataclass(frozen=True)
class CartView:
    """A stored cart with its prices in its market's currency, computed once per request."""

    record: CartRecord
    lines: tuple[LineView, ...]
    pricing: Pricing
    checkout_url: str
    gift_cards: tuple[Applied, ...] = ()
    currency: str = "USD"

    @property
    def to_pay(self) -> Decimal:
        """The total once gift cards paid their part (Shopify's `cost.totalAmount`)."""
        return self.pricing.total - sum((card.presented for card in self.gift_cards),
                                        Decimal(0))

    def money(self, amount: Decimal) -> Money:
        return Money(amount, self.currency)


@dataclass(frozen=True)
class LineView:
    cart: CartRecord
    priced: PricedLine
    attributes: tuple[tuple[str, str], ...]
    allocations: tuple[Allocation, ...]
    total: Decimal


def cart_view(info, record: CartRecord | None) -> CartView | None:
    """The cart as its root field answers it: everything under that field, prices of its
    merchandise included, is answered in the cart's market (resolvers/where.py)."""
    if record is None:
        return None
    answer_cart_in(info, record.buyer_country)
    operations = ctx(info).carts
    pricing = operations.pricing(record)
    attributes_by_line = {line.id: tuple(line.attributes) for line in record.lines}
    lines = tuple(
        LineView(
            record,
            priced,
            attributes_by_line[priced.key],
            pricing.allocations[priced.key],
            pricing.line_total(priced),
        )
        for priced in operations.priced_lines(record)
    )
    return CartView(record, lines, pricing, ctx(info).checkout_url(record.token, record.key),
                    operations.gift_cards(record, pricing.total),
                    operations.market(record).currency)


def payload(info, result: Result) -> dict:
    return {
        "cart": cart_view(info, result.cart),
        "userErrors": result.user_errors,
        "warnings": result.warnings,
    }


# Root fields --------------------------------------------------------------


@field("QueryRoot", "cart")
def resolve_cart(_, info, id):
    return cart_view(info, ctx(info).carts.get(id))


@field("Mutation", "cartCreate")
def resolve_cart_create(_, info, input=None):
    return payload(info, ctx(info).carts.create(input))


@field("Mutation", "cartLinesAdd")
def resolve_lines_add(_, info, cartId, lines):
    return payload(info, ctx(info).carts.lines_add(cartId, lines))


@field("Mutation", "cartLinesUpdate")
def resolve_lines_update(_, info, cartId, lines):
    return payload(info, ctx(info).carts.lines_update(cartId, lines))


@field("Mutation", "cartLinesRemove")
def resolve_lines_remove(_, info, cartId, lineIds):
    return payload(info, ctx(info).carts.lines_remove(cartId, lineIds))


@field("Mutation", "cartDiscountCodesUpdate")
def resolve_codes_update(_, info, cartId, discountCodes):
    return payload(info, ctx(info).carts.discount_codes_update(cartId, discountCodes))


@field("Mutation", "cartAttributesUpdate")
def resolve_attributes_update(_, info, cartId, attributes):
    return payload(info, ctx(info).carts.attributes_update(cartId, attributes))


@field("Mutation", "cartNoteUpdate")
def resolve_note_update(_, info, cartId, note):
    return payload(info, ctx(info).carts.note_update(cartId, note))


@field("Mutation", "cartBuyerIdentityUpdate")
def resolve_buyer_identity_update(_, info, cartId, buyerIdentity):
    return payload(info, ctx(info).carts.buyer_identity_update(cartId, buyerIdentity))


# Cart ---------------------------------------------------------------------


@field("Cart", "id")
def resolve_cart_id(cart: CartView, info):
    return ids.cart_gid(cart.record.token, cart.record.key)


@field("Cart", "checkoutUrl")
def resolve_checkout_url(cart: CartView, info):
    return cart.checkout_url


@field("Cart", "createdAt")
def resolve_created_at(cart: CartView, info):
    return iso(cart.record.created_at)


@field("Cart", "updatedAt")
def resolve_updated_at(cart: CartView, info):
    return iso(cart.record.updated_at)


@field("Cart", "note")
def resolve_note(cart: CartView, info):
    return cart.record.note


@field("Cart", "totalQuantity")
def resolve_total_quantity(cart: CartView, info):
    return sum(line.priced.quantity for line in cart.lines)


@field("Cart", "attributes")
@field("CartLine", "attributes")
def resolve_attributes(owner, info):
    pairs = owner.record.attributes if isinstance(owner, CartView) else owner.attributes
    return attributes(pairs)


@field("Cart", "attribute")
@field("CartLine", "attribute")
def resolve_attribute(owner, info, key):
    return next((a for a in resolve_attributes(owner, info) if a["key"] == key), None)


@field("Cart", "buyerIdentity")
def resolve_buyer_identity(cart: CartView, info):
    record = cart.record
    return {
        "email": record.buyer_email,
        "phone": record.buyer_phone,
        "countryCode": record.buyer_country,
        "customer": None,  # the demo has no customer accounts: every cart is a guest's
    }


@field("Cart", "discountCodes")
def resolve_discount_codes(cart: CartView, info):
    return [{"code": s.code, "applicable": s.applicable} for s in cart.pricing.codes]


@field("Cart", "discountAllocations")
def resolve_cart_allocations(cart: CartView, info):
    return list(cart.pricing.cart_allocations)  # order discounts (see discounts.py)


@field("Cart", "cost")
def resolve_cart_cost(cart: CartView, info):
    pricing = cart.pricing
    return {
        "subtotalAmount": cart.money(pricing.subtotal),
        "totalAmount": cart.money(cart.to_pay),  # gift cards are a payment: net of them
        "checkoutChargeAmount": cart.money(pricing.merchandise),
        "subtotalAmountEstimated": False,
        "totalAmountEstimated": False,
        # Null, as Shopify answers since 2025-01: taxes and duties are computed at
        # checkout, where the buyer's address is known (the fields are deprecated).
        "totalTaxAmount": None,
        "totalDutyAmount": None,
    }


@field("Cart", "lines")
def resolve_lines(cart: CartView, info, reverse=False, **window):
    places = {line.priced.key: i for i, line in enumerate(cart.lines)}
    return paginate(
        cart.lines,
        lambda line: (places[line.priced.key], line.priced.key),
        reverse=bool(reverse),
        **window,
    )


# CartLine -----------------------------------------------------------------


@field("CartLine", "id")
def resolve_line_id(line: LineView, info):
    return ids.line_gid(line.priced.key, line.cart.token)


@field("CartLine", "quantity")
def resolve_line_quantity(line: LineView, info):
    return line.priced.quantity


@field("CartLine", "merchandise")
def resolve_merchandise(line: LineView, info):
    return line.priced.variant


@field("CartLine", "cost")
def resolve_line_cost(line: LineView, info):
    place, priced = where(info), line.priced
    compare_at = priced.compare_at
    return {
        "amountPerQuantity": place.money(priced.price),
        "compareAtAmountPerQuantity": place.money(compare_at) if compare_at is not None else None,
        "subtotalAmount": place.money(priced.subtotal),
        "totalAmount": place.money(line.total),
    }


@field("CartLine", "discountAllocations")
def resolve_line_allocations(line: LineView, info):
    return list(line.allocations)


@field("CartLine", "parentRelationship")
def resolve_parent_relationship(line: LineView, info):
    return None  # no line of the demo's is an add-on attached to another


# Discount allocations -------------------------------------------------------


@field("CartCodeDiscountAllocation", "code")
def resolve_allocation_code(allocation: Allocation, info):
    return allocation.code


@field("CartCodeDiscountAllocation", "discountedAmount")
def resolve_discounted_amount(allocation: Allocation, info):
    return where(info).money(allocation.amount)


@field("CartCodeDiscountAllocation", "targetType")
def resolve_target_type(allocation: Allocation, info):
    return "LINE_ITEM"


@dataclass(frozen=True)
class Percentage:
    percentage: float


@field("CartCodeDiscountAllocation", "discountApplication")
def resolve_discount_application(allocation: Allocation, info):
    discount, place = allocation.discount, where(info)
    value = (
        Percentage(float(discount.value))
        if discount.type == "percentage"
        else place.money(place.market.convert(discount.value))  # in the cart's currency
    )
    # As Shopify reports them: a code limited to collections or products targets its
    # entitled lines; an amount off each entitled item is EACH, anything else ACROSS.
    limited = discount.entitled_collections or discount.entitled_products
    return {
        "allocationMethod": "EACH" if discount.applies_on_each_item else "ACROSS",
        "targetSelection": "ENTITLED" if limited else "ALL",
        "targetType": "LINE_ITEM",
        "value": value,
    }
