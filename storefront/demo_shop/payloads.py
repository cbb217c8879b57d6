"""Orders and refunds shaped as Shopify's REST Admin API sends them in order webhooks.

`order` turns a priced demo cart into the body of `orders/create` (and, once
paid, `orders/paid`): money as strings with a `*_set` twin in shop and
presentment money, the cart's applicable codes as `discount_codes` and
`discount_applications` with their allocations on the lines, the cart's
attributes as `note_attributes`. `refund` makes a `refunds/create` body for
some units of some lines, and `with_refunds` recomputes what Shopify's
`current_*` fields say after them; `cancelled` is the order once cancelled.

Gift cards are a payment, as on Shopify: `total_price` and the discounts stay
what the cart cost, and "gift_card" joins `payment_gateway_names` (before the
test gateway, which is left out when the cards paid everything). A refund
goes back the way the money came: to the test gateway first, then the rest
to the gift cards, one transaction per gateway.

Currencies, as Shopify's REST orders have them: `presentment_currency` is the cart's (its
market's), `currency` the shop's (USD). Every `*_set` holds both: `presentment_money`
what the buyer was charged, `shop_money` that in the shop's currency (the presentment
amount over the market's exchange rate, to the cent, amount by amount). The plain money
fields are shop money, as Shopify keeps them ("all existing properties remain in the shop
currency"); refund transactions are in the presentment currency, as the payment was.
What an order computes (units left, what a refund returns) it computes in presentment
money, the buyer's.

Plain functions over plain dicts (what is stored is what is sent). The demo
has no taxes or shipping: tax is 0 and prices do not include it.

A line's money is split into units to the cent (the first units take the odd
cents), so refunding a line one unit at a time returns exactly what the line
cost after its discounts.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from storefront.demo_shop.discounts import PricedLine, Pricing, is_order_discount
from storefront.demo_shop.gift_cards import GATEWAY as GIFT_CARD_GATEWAY
from storefront.demo_shop.money import format_decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
GATEWAY = "bogus"  # Shopify's name for its test payment gateway
HANDLE = re.compile(r"[a-z0-9][a-z0-9_-]*")
# Cart attributes the storefront sets from the landing URL's campaign parameters.
CAMPAIGN_ATTRIBUTES = ("_utm_source", "_utm_medium", "_utm_campaign", "_utm_term",
                       "_utm_content", "_gclid", "_fbclid")


def new_id() -> int:
    """A Shopify-like id: 13 digits, as orders, line items and refunds have nowadays
    (and below 2**53, so JavaScript reads it exactly)."""
    return 10**12 + secrets.randbelow(9 * 10**12)


def timestamp(moment: float) -> str:
    """ISO 8601 to the second, with its offset (the demo shop's zone is UTC)."""
    return datetime.fromtimestamp(int(moment), UTC).isoformat()


def amount(value: Decimal) -> str:
    return str(value.quantize(CENT))


@dataclass(frozen=True)
class Currencies:
    """An order's two currencies: the shop's, which its reports count in, and the buyer's
    (presentment), worth `rate` of it per unit of the shop's."""

    shop: str
    presentment: str
    rate: Decimal = Decimal(1)

    def to_shop(self, value: Decimal) -> Decimal:
        return (value / self.rate).quantize(CENT, rounding=ROUND_HALF_UP)

    def to_presentment(self, value: Decimal) -> Decimal:
        return (value * self.rate).quantize(CENT, rounding=ROUND_HALF_UP)

    def money_set(self, value: Decimal) -> dict:
        """A `*_set` for `value`, an amount in presentment money."""
        return {"shop_money": {"amount": amount(self.to_shop(value)), "currency_code": self.shop},
                "presentment_money": {"amount": amount(value),
                                      "currency_code": self.presentment}}

    def money(self, name: str, value: Decimal) -> dict:
        """The plain field (shop money) and its `*_set` twin, for a presentment `value`."""
        return {name: amount(self.to_shop(value)), f"{name}_set": self.money_set(value)}


def presented(data: dict, name: str) -> Decimal:
    """What the buyer was charged of money field `name`: its `*_set`'s presentment money."""
    return Decimal(data[f"{name}_set"]["presentment_money"]["amount"])


def units(total: Decimal, quantity: int) -> list[Decimal]:
    """`total` split over `quantity` units to the cent; the first units take the odd cents."""
    base = (total / quantity).quantize(CENT, rounding=ROUND_DOWN)
    odd = int((total - base * quantity) / CENT)
    return [base + CENT if index < odd else base for index in range(quantity)]


def landing_site(attributes: Sequence[tuple[str, str]]) -> str:
    """Where the shopper landed, as well as the cart can tell.

    Shopify knows the landing page from its own session; the demo shop knows
    only the cart's attributes. The storefront records the first creator link
    followed (`_creator_first`) and the landing URL's campaign parameters
    (`_utm_source`, ...): together they stand for `/@handle?utm_source=...`.
    Without them, the shop's home page.
    """
    values = dict(attributes)
    first = values.get("_creator_first", "")
    path = f"/@{first}" if HANDLE.fullmatch(first) else "/"
    campaign = [(name[1:], values[name]) for name in CAMPAIGN_ATTRIBUTES if values.get(name)]
    return f"{path}?{urlencode(campaign)}" if campaign else path


def _discount_application(code: str, discount) -> dict:
    return {
        "type": "discount_code",
        "code": code,
        "value": format_decimal(discount.value),  # "10.0", as Shopify writes it
        "value_type": discount.type,  # "percentage" or "fixed_amount", as Shopify names them
        "allocation_method": "across",
        "target_selection": "all" if is_order_discount(discount) else "entitled",
        "target_type": "line_item",
    }


def order(
    *,
    order_id: int,
    number: int,
    lines: Sequence[PricedLine],
    line_attributes: Mapping[str, Sequence[tuple[str, str]]],
    pricing: Pricing,
    attributes: Sequence[tuple[str, str]],
    note: str | None,
    currencies: Currencies,
    customer_id: int,
    cart_token: str,
    now: float,
    gift_cards_paid: Decimal = ZERO,
) -> dict:
    """The body of `orders/create` for a priced cart (financial_status `pending`), its
    amounts in the cart's currency (`currencies.presentment`); `gift_cards_paid` of its
    total was paid with gift cards."""
    money = currencies.money
    applied = [status for status in pricing.codes if status.applicable]
    index = {status.code: position for position, status in enumerate(applied)}
    line_items = []
    for line in lines:
        shares = pricing.shares[line.key]
        discount = sum((share.amount for share in shares), ZERO)
        variant, product = line.variant, line.product
        line_items.append({
            "id": new_id(),
            "admin_graphql_api_id": None,  # set below, once the id is known
            "variant_id": variant.id,
            "product_id": product.id,
            "title": product.title,
            "variant_title": variant.title,
            "name": f"{product.title} - {variant.title}",
            "sku": variant.sku,
            "vendor": product.vendor,
            "quantity": line.quantity,
            "current_quantity": line.quantity,
            "fulfillable_quantity": line.quantity,
            "grams": variant.weight_grams or 0,
            **money("price", line.price),
            **money("total_discount", discount),
            "discount_allocations": [
                {"discount_application_index": index[share.code],
                 **money("amount", share.amount)} for share in shares
            ],
            "properties": [{"name": k, "value": v} for k, v in line_attributes.get(line.key, ())],
            "taxable": True,
            "tax_lines": [],
            "requires_shipping": True,
            "gift_card": False,
            "product_exists": True,
        })
    for item in line_items:
        item["admin_graphql_api_id"] = f"gid://shopify/LineItem/{item['id']}"
    per_code: dict[str, Decimal] = {}
    for shares in pricing.shares.values():
        for share in shares:
            per_code[share.code] = per_code.get(share.code, ZERO) + share.amount
    time = timestamp(now)
    body = {
        "id": order_id,
        "admin_graphql_api_id": f"gid://shopify/Order/{order_id}",
        "name": f"#{number}",
        "order_number": number,
        "number": number - 1000,
        "token": secrets.token_hex(16),
        "cart_token": cart_token,
        "checkout_token": secrets.token_hex(16),
        "confirmation_number": secrets.token_hex(5).upper()[:9],
        "created_at": time,
        "updated_at": time,
        "processed_at": time,
        "closed_at": None,
        "cancelled_at": None,
        "cancel_reason": None,
        # The demo's orders stand for real ones, so that the storefront's
        # ledger counts them like any order (it would be right to skip tests).
        "test": False,
        "confirmed": True,
        "currency": currencies.shop,
        "presentment_currency": currencies.presentment,
        "financial_status": "pending",
        "fulfillment_status": None,
        "source_name": "web",
        "landing_site": landing_site(attributes),
        "referring_site": None,
        "note": note,
        "note_attributes": [{"name": key, "value": value} for key, value in attributes],
        "tags": "",
        "payment_gateway_names": gateways(pricing.total, gift_cards_paid),
        "buyer_accepts_marketing": False,
        "taxes_included": False,
        "discount_codes": [
            {"code": status.code,
             "amount": amount(currencies.to_shop(per_code.get(status.code, ZERO))),
             "type": status.discount.type}
            for status in applied
        ],
        "discount_applications": [_discount_application(s.code, s.discount) for s in applied],
        "line_items": line_items,
        "shipping_lines": [],
        "tax_lines": [],
        **money("total_line_items_price", pricing.merchandise),
        **money("total_discounts", pricing.merchandise - pricing.total),
        **money("subtotal_price", pricing.total),
        **money("total_tax", ZERO),
        **money("total_price", pricing.total),
        "total_shipping_price_set": currencies.money_set(ZERO),
        # Only an id: the demo never sends a shopper's email, name or address.
        "customer": {"id": customer_id},
        "refunds": [],
    }
    return with_refunds(body, currencies)


def gateways(total: Decimal, gift_cards_paid: Decimal) -> list[str]:
    """The gateways that took the order's money: gift cards, then the test gateway for
    what they left to pay (or alone, when nothing was paid with a gift card)."""
    if gift_cards_paid <= 0:
        return [GATEWAY]
    return [GIFT_CARD_GATEWAY] + ([GATEWAY] if total > gift_cards_paid else [])


def _remaining(body: dict) -> dict[int, list[tuple[Decimal, Decimal]]]:
    """Line item id -> the (amount paid, discount) of each unit not refunded yet."""
    refunded: dict[int, int] = {}
    for refund_body in body["refunds"]:
        for item in refund_body["refund_line_items"]:
            line_item = item["line_item_id"]
            refunded[line_item] = refunded.get(line_item, 0) + item["quantity"]
    left = {}
    for item in body["line_items"]:
        price = presented(item, "price")
        paid = price * item["quantity"] - presented(item, "total_discount")
        each = [(unit, price - unit) for unit in units(paid, item["quantity"])]
        left[item["id"]] = each[refunded.get(item["id"], 0):]
    return left


def refundable(body: dict) -> dict[int, int]:
    """Line item id -> how many of its units may still be refunded."""
    if body.get("cancelled_at"):
        return {item["id"]: 0 for item in body["line_items"]}
    return {item_id: len(left) for item_id, left in _remaining(body).items()}


def with_refunds(body: dict, currencies: Currencies) -> dict:
    """The order with its `current_*` fields and financial status after its refunds."""
    money = currencies.money
    left = _remaining(body)
    paid = sum((unit for each in left.values() for unit, _ in each), ZERO)
    discounts = sum((off for each in left.values() for _, off in each), ZERO)
    for item in body["line_items"]:
        item["current_quantity"] = item["fulfillable_quantity"] = len(left[item["id"]])
    body.update({
        **money("current_subtotal_price", paid),
        **money("current_total_discounts", discounts),
        **money("current_total_tax", ZERO),
        **money("current_total_price", paid),
        "total_outstanding": amount(ZERO),
    })
    if body["refunds"] and body["financial_status"] in ("paid", "partially_refunded"):
        body["financial_status"] = "refunded" if paid == 0 else "partially_refunded"
    return body


def refund(body: dict, quantities: Mapping[int, int], now: float, currencies: Currencies,
           gift_cards_paid: Decimal = ZERO) -> dict:
    """A `refunds/create` body returning `quantities` (line item id -> units) of `body`.

    The units refunded are the next ones not refunded yet; raises ValueError
    when a line has fewer left. `gift_cards_paid` is what gift cards paid of
    the order and has not been refunded yet (presentment money): what the test
    gateway took is returned first, then the gift cards'.
    """
    currency = currencies.presentment
    refund_id = new_id()
    left = _remaining(body)
    items, total = [], ZERO
    for line_item_id, quantity in quantities.items():
        if quantity < 1 or quantity > len(left.get(line_item_id, ())):
            raise ValueError(f"line item {line_item_id} has fewer than {quantity} unit(s) left")
        subtotal = sum((unit for unit, _ in left[line_item_id][:quantity]), ZERO)
        total += subtotal
        items.append({
            "id": new_id(),
            "line_item_id": line_item_id,
            "quantity": quantity,
            "restock_type": "no_restock",
            "location_id": None,
            # Shopify gives these two as JSON numbers (shop money), their *_set twins
            # as strings.
            "subtotal": float(currencies.to_shop(subtotal)),
            "subtotal_set": currencies.money_set(subtotal),
            "total_tax": 0.0,
            "total_tax_set": currencies.money_set(ZERO),
        })
    time = timestamp(now)
    on_gateway = max(presented(body, "current_total_price") - gift_cards_paid, ZERO)
    shares = [(GATEWAY, min(total, on_gateway))]
    shares.append((GIFT_CARD_GATEWAY, total - shares[0][1]))
    transactions = [
        {"id": new_id(), "order_id": body["id"], "kind": "refund", "status": "success",
         "gateway": gateway, "amount": amount(value), "currency": currency,
         "created_at": time, "test": False}
        for gateway, value in shares if value > 0 or (gateway == GATEWAY and total == 0)
    ]
    return {
        "id": refund_id,
        "admin_graphql_api_id": f"gid://shopify/Refund/{refund_id}",
        "order_id": body["id"],
        "created_at": time,
        "processed_at": time,
        "note": None,
        "restock": False,
        "refund_line_items": items,
        "transactions": transactions,
        "order_adjustments": [],
    }


def refunded(refund_body: dict, gateway: str | None = None) -> Decimal:
    """What a refund returned, in presentment money (through `gateway` only, when given)."""
    return sum((Decimal(t["amount"]) for t in refund_body["transactions"]
                if gateway in (None, t["gateway"])), ZERO)


def to_gift_cards(refund_body: dict) -> Decimal:
    return refunded(refund_body, GIFT_CARD_GATEWAY)


def updated(body: dict, now: float) -> dict:
    """`body` touched at `now`; updated_at never goes back, and moves on by a second at
    least, so two changes in one second still order (the ledger keeps the newest)."""
    last = datetime.fromisoformat(body["updated_at"]).timestamp()
    body["updated_at"] = timestamp(max(now, last + 1))
    return body


def paid(body: dict) -> dict:
    body["financial_status"] = "paid"
    return body


def cancelled(body: dict, now: float, currencies: Currencies) -> dict:
    """The order cancelled at `now` (its refunds, if any, already listed)."""
    updated(body, now)
    body["cancelled_at"] = body["closed_at"] = body["updated_at"]
    body["cancel_reason"] = "customer"
    if presented(body, "total_price") == 0:
        body["financial_status"] = "voided"
    return with_refunds(body, currencies)
