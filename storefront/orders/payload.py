"""Shopify's order and refund webhook bodies: what is kept of them, and what is read.

`redact` keeps only the fields the ledger reads (ids, times, money, codes,
the creator attributes, the landing site), so the stored delivery carries no
customer's name, email, phone or address: of the customer, only Shopify's id.

`order` and `refund` read a redacted body into small records, checking types
as they go; anything missing or mistyped raises BadPayload with a message the
operator can act on, and the delivery is kept as failed (ledger.py). Their
line items (`lines`, `refund_lines`) are read too: what a creator's own page
shows by product.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from storefront.orders.money import ZERO, BadAmount, amount


class BadPayload(ValueError):
    """A body the ledger cannot read; the message names the field."""


MONEY_SETS = ("subtotal_price_set", "current_subtotal_price_set", "total_tax_set",
              "current_total_tax_set", "total_discounts_set", "total_price_set",
              "current_total_price_set", "price_set", "subtotal_set", "total_tax_set",
              "total_discount_set")
ORDER_FIELDS = {
    "id", "name", "order_number", "created_at", "updated_at", "processed_at", "currency",
    "presentment_currency", "financial_status", "cancelled_at", "cancel_reason", "test",
    "taxes_included", "landing_site", "referring_site", "source_name", "checkout_token",
    "subtotal_price", "current_subtotal_price", "total_tax", "current_total_tax",
    "total_discounts", "total_price", "current_total_price", *MONEY_SETS,
}
LINE_ITEM_FIELDS = {"id", "variant_id", "product_id", "title", "quantity", "price",
                    "total_discount", *MONEY_SETS}
# Inside a line item: the discounts allocated to it and its taxes, amounts only.
LINE_DISCOUNT_FIELDS = {"amount", "amount_set"}
LINE_TAX_FIELDS = {"price", "price_set", "rate"}
REFUND_FIELDS = {"id", "order_id", "created_at", "processed_at"}
REFUND_LINE_FIELDS = {"id", "line_item_id", "quantity", "subtotal", "total_tax", *MONEY_SETS}
# Cart attributes the store itself sets (storefront.attribution); other apps'
# attributes (gift messages and the like) may carry personal text.
KEPT_ATTRIBUTE_PREFIXES = ("_creator", "_utm_", "_gclid", "_fbclid")


def _pick(data: Any, keep: set[str]) -> dict:
    return {k: v for k, v in data.items() if k in keep} if isinstance(data, dict) else {}


def _each(data: Any, keep: set[str]) -> list[dict]:
    return [_pick(item, keep) for item in data if isinstance(item, dict)] \
        if isinstance(data, list) else []


def redact(topic: str, data: dict) -> dict:
    """The part of a delivery's JSON body the ledger keeps; never raises."""
    if topic == "refunds/create":
        return _redact_refund(data)
    kept = _pick(data, ORDER_FIELDS)
    customer = data.get("customer")
    if isinstance(customer, dict) and "id" in customer:
        kept["customer"] = {"id": customer["id"]}
    items = data.get("line_items")
    kept["line_items"] = [_redact_line(item) for item in items if isinstance(item, dict)] \
        if isinstance(items, list) else []
    kept["discount_codes"] = _each(data.get("discount_codes"), {"code", "amount", "type"})
    kept["note_attributes"] = [
        item for item in _each(data.get("note_attributes"), {"name", "value"})
        if isinstance(item.get("name"), str) and item["name"].startswith(KEPT_ATTRIBUTE_PREFIXES)
    ]
    refunds = data.get("refunds")
    kept["refunds"] = [_redact_refund(r) for r in refunds if isinstance(r, dict)] \
        if isinstance(refunds, list) else []
    return kept


def _redact_line(data: dict) -> dict:
    kept = _pick(data, LINE_ITEM_FIELDS)
    for key, fields in (("discount_allocations", LINE_DISCOUNT_FIELDS),
                        ("tax_lines", LINE_TAX_FIELDS)):
        if isinstance(data.get(key), list):
            kept[key] = _each(data[key], fields)
    return kept


def _redact_refund(data: dict) -> dict:
    kept = _pick(data, REFUND_FIELDS)
    kept["refund_line_items"] = _each(data.get("refund_line_items"), REFUND_LINE_FIELDS)
    return kept


@dataclass(frozen=True)
class Line:
    """One line item of an order, as ordered (refunds are not taken off: RefundLine)."""

    id: int
    product_id: int | None  # None: a custom item, or a product deleted since
    variant_id: int | None
    title: str | None
    quantity: int
    net: Decimal  # price x quantity less its discounts (and its tax where prices include it)


@dataclass(frozen=True)
class RefundLine:
    line_item_id: int
    quantity: int
    subtotal: Decimal  # shop money; tax included when the order's prices do
    tax: Decimal


@dataclass(frozen=True)
class Refund:
    id: int
    order_id: int
    created_at: datetime | None
    subtotal: Decimal  # of its line items, shop money; tax included when the order's prices do
    tax: Decimal
    lines: tuple[RefundLine, ...] = ()


@dataclass(frozen=True)
class Order:
    id: int
    name: str | None
    created_at: datetime
    updated_at: datetime
    currency: str
    financial_status: str | None
    cancelled_at: datetime | None
    taxes_included: bool
    subtotal: Decimal  # current_subtotal_price_set.shop_money: after discounts and refunds
    tax: Decimal  # current_total_tax_set.shop_money
    customer_id: int | None
    discount_codes: tuple[str, ...]
    attributes: Mapping[str, str]
    landing_site: str | None
    refunds: tuple[Refund, ...]  # those Shopify lists, already reflected in `subtotal`
    lines: tuple[Line, ...] = ()


def _id(data: Mapping, key: str, where: str) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise BadPayload(f"{where}{key} is {value!r}, not a positive whole number")
    return value


def _time(data: Mapping, key: str, where: str = "", required: bool = True) -> datetime | None:
    value = data.get(key)
    if value is None and not required:
        return None
    try:
        moment = datetime.fromisoformat(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise BadPayload(f"{where}{key} is {value!r}, not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise BadPayload(f"{where}{key} is {value!r}, with no time zone")
    return moment.astimezone(UTC).replace(tzinfo=None)


def _text(data: Mapping, key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) else None


def _shop_money(data: Mapping, key: str, where: str = "", default: Decimal | None = None,
                ) -> tuple[Decimal, str | None]:
    """`key`_set.shop_money (amount, currency), else the plain `key` field (shop money too)."""
    money = data.get(f"{key}_set")
    try:
        if isinstance(money, dict) and isinstance(money.get("shop_money"), dict):
            shop = money["shop_money"]
            return amount(shop.get("amount")), _text(shop, "currency_code")
        if data.get(key) is not None:
            return amount(data[key]), None
    except BadAmount as problem:
        raise BadPayload(f"{where}{key}: {problem}") from None
    if default is None:
        raise BadPayload(f"{where}{key}_set is missing")
    return default, None


def _quantity(data: Mapping, where: str) -> int:
    value = data.get("quantity")
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2 ** 31:
        raise BadPayload(f"{where}quantity is {value!r}, not a whole number of items")
    return value


def _optional_id(data: Mapping, key: str) -> int | None:
    value = data.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 \
        else None


def _amounts(data: Mapping, key: str, field: str, where: str) -> Decimal:
    """The sum of `field` (shop money) over the list `key` of `data` (none: 0)."""
    items = data.get(key) or []
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise BadPayload(f"{where}{key} is not a list of objects")
    return sum((_shop_money(item, field, f"{where}{key} ")[0] for item in items), ZERO)


def lines(data: Mapping, taxes_included: bool) -> tuple[Line, ...]:
    """The order's line items; raises BadPayload naming the field that cannot be read.

    The discounts of a line are its `discount_allocations` (every discount, the
    order's codes included, as Shopify allocates them to lines), else its
    `total_discount` (what older bodies kept). Where prices include tax, the
    line's `tax_lines` come off, so that lines add up to net sales as
    money.net_sales counts them (shipping aside).
    """
    items = data.get("line_items", [])
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise BadPayload("order.line_items is not a list of objects")
    found: dict[int, Line] = {}
    for item in items:
        where = "order line item "
        line_id = _id(item, "id", where)
        if line_id in found:
            raise BadPayload(f"order.line_items lists line item {line_id} twice")
        quantity = _quantity(item, where)
        price = _shop_money(item, "price", where)[0]
        if "discount_allocations" in item:
            discounts = _amounts(item, "discount_allocations", "amount", where)
        else:
            discounts = _shop_money(item, "total_discount", where, ZERO)[0]
        tax = _amounts(item, "tax_lines", "price", where) if taxes_included else ZERO
        found[line_id] = Line(
            id=line_id, product_id=_optional_id(item, "product_id"),
            variant_id=_optional_id(item, "variant_id"), title=_text(item, "title"),
            quantity=quantity, net=price * quantity - discounts - tax)
    return tuple(found.values())


def refund_lines(data: Mapping) -> tuple[RefundLine, ...]:
    """The refund's line items; raises BadPayload naming the field that cannot be read."""
    items = data.get("refund_line_items", [])
    if not isinstance(items, list):
        raise BadPayload("refund.refund_line_items is not a list")
    found = []
    for item in items:
        if not isinstance(item, dict):
            raise BadPayload("refund.refund_line_items holds something other than objects")
        where = "refund line item "
        found.append(RefundLine(
            line_item_id=_id(item, "line_item_id", where), quantity=_quantity(item, where),
            subtotal=_shop_money(item, "subtotal", where)[0],
            tax=_shop_money(item, "total_tax", where, ZERO)[0]))
    return tuple(found)


def refund(data: Mapping, order_id: int | None = None) -> Refund:
    where = "refund."
    found = refund_lines(data)
    return Refund(
        id=_id(data, "id", where),
        order_id=order_id if order_id is not None else _id(data, "order_id", where),
        created_at=_time(data, "created_at", where, required=False),
        subtotal=sum((line.subtotal for line in found), ZERO),
        tax=sum((line.tax for line in found), ZERO),
        lines=found,
    )


def order(data: Mapping) -> Order:
    order_id = _id(data, "id", "order.")
    subtotal, currency = _shop_money(data, "current_subtotal_price", "order.")
    tax = _shop_money(data, "current_total_tax", "order.", ZERO)[0]
    currency = currency or _text(data, "currency")
    if not currency or len(currency) != 3:
        raise BadPayload(f"order.currency is {currency!r}, not a currency code like USD")
    codes = data.get("discount_codes", [])
    attributes = data.get("note_attributes", [])
    refunds = data.get("refunds", [])
    for key, value in (("discount_codes", codes), ("note_attributes", attributes),
                       ("refunds", refunds)):
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise BadPayload(f"order.{key} is not a list of objects")
    customer = data.get("customer")
    customer_id = customer.get("id") if isinstance(customer, dict) else None
    return Order(
        id=order_id,
        name=_text(data, "name"),
        created_at=_time(data, "created_at", "order."),
        updated_at=_time(data, "updated_at", "order."),
        currency=currency.upper(),
        financial_status=_text(data, "financial_status"),
        cancelled_at=_time(data, "cancelled_at", "order.", required=False),
        taxes_included=data.get("taxes_included") is True,
        subtotal=subtotal,
        tax=tax,
        customer_id=customer_id if isinstance(customer_id, int) and customer_id > 0 else None,
        discount_codes=tuple(c["code"] for c in codes if isinstance(c.get("code"), str)),
        attributes={a["name"]: a["value"] for a in attributes
                    if isinstance(a.get("name"), str) and isinstance(a.get("value"), str)},
        landing_site=_text(data, "landing_site"),
        refunds=tuple(refund(r, order_id) for r in refunds),
        lines=lines(data, data.get("taxes_included") is True),
    )
