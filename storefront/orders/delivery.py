"""What a webhook hands the ledger and gets back: no database here, so the web layer
can name order topics without loading SQLAlchemy into every worker."""

from __future__ import annotations

from dataclasses import dataclass

ORDER_TOPICS = ("orders/create", "orders/updated", "orders/paid", "orders/cancelled")
TOPICS = (*ORDER_TOPICS, "refunds/create")


class BadDelivery(ValueError):
    """A signed body that is not a JSON object: nothing to store."""


class Unavailable(RuntimeError):
    """The database could not store the delivery; Shopify should send it again."""


@dataclass(frozen=True)
class Delivery:
    topic: str
    body: bytes
    webhook_id: str | None = None
    event_id: str | None = None
    triggered_at: str | None = None
    shop_domain: str | None = None
    api_version: str | None = None


@dataclass(frozen=True)
class Receipt:
    duplicate: bool
    delivery_id: int | None = None
    error: str | None = None  # why processing failed (the delivery is kept)
