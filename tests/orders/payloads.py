"""Bodies shaped like Shopify's REST order and refund webhooks, and a signed sender."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

SECRET = "whsec-orders"
CREATED = datetime(2026, 11, 3, 10, 0, 0, tzinfo=UTC)
_webhook_ids = itertools.count(1)


SHOP_ZONE = timezone(timedelta(hours=-5))


def _time(moment: datetime) -> str:
    # As Shopify writes them: in the shop's time zone, with its offset.
    return moment.astimezone(SHOP_ZONE).isoformat()


def money(value: str | Decimal, currency: str = "USD") -> dict:
    amount = str(value)
    return {"shop_money": {"amount": amount, "currency_code": currency},
            "presentment_money": {"amount": amount, "currency_code": currency}}


def refund(refund_id: int, order_id: int, subtotal: str, tax: str = "0.00",
           currency: str = "USD", created: datetime = CREATED + timedelta(days=2)) -> dict:
    """A refunds/create body: one refunded line item worth `subtotal`."""
    return {
        "id": refund_id, "order_id": order_id, "created_at": _time(created),
        "note": "customer changed their mind", "user_id": 99,
        "refund_line_items": [{
            "id": refund_id * 10, "line_item_id": 5001, "quantity": 1,
            "subtotal": float(subtotal), "subtotal_set": money(subtotal, currency),
            "total_tax": float(tax), "total_tax_set": money(tax, currency),
        }],
        "transactions": [{"id": 1, "kind": "refund", "status": "success", "amount": subtotal}],
    }


def order(order_id: int = 820982911946154508, *, subtotal: str = "90.00", tax: str = "0.00",
          currency: str = "USD", updated: datetime | None = None, creator: str | None = None,
          codes: tuple[str, ...] = (), landing_site: str | None = "/",
          taxes_included: bool = False, financial_status: str = "pending",
          cancelled: datetime | None = None, refunds: tuple[dict, ...] = (),
          customer_id: int | None = 115310627314723954,
          created: datetime | None = None) -> dict:
    """An orders/* body; `subtotal` and `tax` are the current_* amounts (after refunds listed).

    `created` is the order's created_at (CREATED by default; updated_at follows
    it unless given); `customer_id=None` makes an order without a customer.
    """
    created = created or CREATED
    attributes = [{"name": "gift_message", "value": "Happy birthday, Jo!"}]
    if creator:
        attributes += [{"name": "_creator", "value": creator},
                       {"name": "_creator_first", "value": creator},
                       {"name": "_creator_clicked_at", "value": "2026-11-02T18:00:00Z"},
                       {"name": "_utm_source", "value": "instagram"}]
    return {
        "id": order_id,
        "name": "#1001",
        "order_number": 1001,
        "email": "jo@example.com",
        "phone": "+15551234567",
        "created_at": _time(created),
        "updated_at": _time(updated or created),
        "processed_at": _time(created),
        "currency": currency,
        "presentment_currency": currency,
        "financial_status": financial_status,
        "cancelled_at": _time(cancelled) if cancelled else None,
        "cancel_reason": "customer" if cancelled else None,
        "taxes_included": taxes_included,
        "landing_site": landing_site,
        "referring_site": "https://www.instagram.com/",
        "source_name": "web",
        "browser_ip": "203.0.113.9",
        "note_attributes": attributes,
        "discount_codes": [{"code": c, "amount": "10.00", "type": "percentage"} for c in codes],
        "line_items": [{"id": 5001, "variant_id": 7001, "product_id": 6001,
                        "title": "Organic cotton tee", "quantity": 2, "price": "50.00",
                        "price_set": money("50.00", currency), "total_discount": "0.00"}],
        "subtotal_price": subtotal, "subtotal_price_set": money(subtotal, currency),
        "current_subtotal_price": subtotal,
        "current_subtotal_price_set": money(subtotal, currency),
        "total_tax": tax, "total_tax_set": money(tax, currency),
        "current_total_tax": tax, "current_total_tax_set": money(tax, currency),
        "total_price": subtotal, "total_price_set": money(subtotal, currency),
        "customer": None if customer_id is None else {
            "id": customer_id, "email": "jo@example.com", "first_name": "Jo",
            "last_name": "Doe", "default_address": {"address1": "1 Main St"}},
        "billing_address": {"name": "Jo Doe", "address1": "1 Main St"},
        "shipping_address": {"name": "Jo Doe", "address1": "1 Main St"},
        "refunds": list(refunds),
    }


def body(data: dict) -> bytes:
    return json.dumps(data).encode()


def sign(raw: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), raw, hashlib.sha256).digest()).decode()


def deliver(client, topic: str, data: dict | bytes, *, webhook: str | None = "new",
            signature: str | None = None):
    """POST a signed delivery as Shopify sends it; a fresh X-Shopify-Webhook-Id unless given."""
    raw = data if isinstance(data, bytes) else body(data)
    headers = {
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": sign(raw) if signature is None else signature,
        "X-Shopify-Shop-Domain": "fernwood.myshopify.com",
        "X-Shopify-API-Version": "2026-04",
        "X-Shopify-Event-Id": "evt-1",
        "X-Shopify-Webhook-Id": f"whk-{next(_webhook_ids)}" if webhook == "new" else webhook,
    }
    return client.post("/webhooks/shopify", data=raw,
                       headers={k: v for k, v in headers.items() if v is not None})
