"""`/webhooks/shopify`: Shopify tells us the catalog changed; we purge what it affects.

The signature (`X-Shopify-Hmac-Sha256`, base64 HMAC-SHA256 of the raw body)
is checked against SHOPIFY_WEBHOOK_SECRET, or the previous secret during a
rotation, in constant time. The purge bumps the catalog generation in the
shared cache, so every instance drops the pages and data it affects at once.

The signature covers the body only: every header is the sender's to choose, so
a captured body must not purge again just because it comes back with new ids,
no ids or another topic. A delivery is acted on once (answered 200 with
`"duplicate": true` otherwise) by two keys, both claimed atomically in the
shared cache:

- `X-Shopify-Webhook-Id`, one per delivery and the same on its retries: the key
  Shopify gives for de-duplication. `X-Shopify-Event-Id` is not used: one
  merchant action shares it across topics (a product and its collection both
  change), and every topic must be acted on; a repeat of one topic's delivery
  has the same body, which the second key catches.
- the SHA-256 of the body, for a day, whatever the headers say. Every catalog
  topic purges the same thing, so they share one digest scope; any other topic
  is its own scope (orders/create and orders/paid of one checkout may carry
  the same body, and both matter).

`X-Shopify-Triggered-At` (when the change happened; retries keep it) must be
within policies.WEBHOOK_STALE_SECONDS of now, or the delivery is acknowledged
(200, `"ignored": "stale"`) and does nothing: it is past Shopify's last retry,
so it is a replay, and a non-2xx would only invite retries that can never
succeed. More than policies.WEBHOOK_SKEW_SECONDS ahead of our clock is a 400:
a retry of it may fit once our clock catches up. A missing Triggered-At
is accepted (older senders) and still de-duplicated by body; one that cannot be
read is a 400. Triggered-At is unsigned too: it turns away late retries and
careless replays, while the body key is what holds a captured body to one
purge a day.

Metaobject topics (`metaobjects/create|update|delete`) matter when creators
come from Shopify (CREATORS_SOURCE=shopify or both) and the metaobject is of
the creators' type: the delivery is de-duplicated like a catalog one, then
the creators' source is told (it bumps a generation in the shared cache), and
the one process per machine that fetches creators reads them all again from
Shopify on its next tick. Nothing is taken from the payload but its type.

Order topics (storefront.orders.TOPICS) go to the orders ledger instead of
the shared cache's keys: it stores each delivery durably, de-duplicated by
the same two keys in its own database, and answers 200 once it is stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, jsonify, request

from storefront import orders
from storefront.caching import policies, store

log = logging.getLogger(__name__)

bp = Blueprint("webhooks", __name__)

# Topics that change what shoppers see in product and collection pages, grids,
# search and recommendations. Anything else is acknowledged and ignored.
PURGES = {
    "products/create": ("catalog",),
    "products/update": ("catalog",),
    "products/delete": ("catalog",),
    "collections/create": ("catalog",),
    "collections/update": ("catalog",),
    "collections/delete": ("catalog",),
}
METAOBJECT_TOPICS = ("metaobjects/create", "metaobjects/update", "metaobjects/delete")


def now() -> datetime:
    """The current time; tests replace it to move the clock."""
    return datetime.now(UTC)


def _signed(body: bytes, given: str) -> bool:
    secrets = [current_app.config.get("SHOPIFY_WEBHOOK_SECRET"),
               current_app.config.get("SHOPIFY_WEBHOOK_SECRET_PREVIOUS")]
    given_bytes = given.encode("ascii", "replace")
    matched = False
    for secret in filter(None, secrets):
        digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
        expected = base64.b64encode(digest)
        # Check every secret (no early exit) so timing says nothing about which matched.
        matched |= hmac.compare_digest(expected, given_bytes)
    return matched


def _age(header: str) -> float:
    """Seconds since `header` (an ISO 8601 time with a zone); negative if ahead of us.

    Raises ValueError when it cannot be read.
    """
    triggered = datetime.fromisoformat(header)
    if triggered.tzinfo is None:
        raise ValueError("no time zone")
    return (now() - triggered).total_seconds()


def _seen(topic: str, tags: tuple[str, ...], body: bytes) -> bool:
    """Whether this delivery, or this body in the same scope, was acted on already."""
    delivery = request.headers.get("X-Shopify-Webhook-Id", "")
    if delivery and not store.add(
        f"webhook:delivery:{delivery[:200]}", 1, policies.WEBHOOK_DELIVERY_SECONDS
    ):
        return True
    scope = ",".join(tags) or topic[:100]
    digest = hashlib.sha256(body).hexdigest()
    return not store.add(f"webhook:body:{scope}:{digest}", 1, policies.WEBHOOK_BODY_SECONDS)


@bp.post("/webhooks/shopify")
def shopify():
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and (request.content_length or 0) > limit:
        abort(413)
    body = request.get_data(cache=False)
    if not _signed(body, request.headers.get("X-Shopify-Hmac-Sha256", "")):
        return jsonify({"ok": False, "error": "bad signature"}), 401
    topic = request.headers.get("X-Shopify-Topic", "")
    triggered = request.headers.get("X-Shopify-Triggered-At", "")
    try:
        age = _age(triggered) if triggered else None
    except ValueError:
        return jsonify({"ok": False, "error": "unreadable X-Shopify-Triggered-At"}), 400
    if age is not None and age > policies.WEBHOOK_STALE_SECONDS:
        log.warning("webhook %s ignored: triggered %d s ago, past Shopify's retries",
                    topic[:100], age)
        return jsonify({"ok": True, "ignored": "stale"})
    if age is not None and -age > policies.WEBHOOK_SKEW_SECONDS:
        log.warning("webhook %s refused: triggered %d s ahead of this server's clock",
                    topic[:100], -age)
        return jsonify({"ok": False, "error": "X-Shopify-Triggered-At is in the future"}), 400
    if topic in orders.TOPICS:
        return _order(topic, body)
    if topic in METAOBJECT_TOPICS:
        return _metaobject(topic, body)
    tags = PURGES.get(topic, ())
    seen = _seen(topic, tags, body)
    if store.state() != "ok":
        # Neither "seen" nor the purge can be recorded: say so, and Shopify
        # delivers it again later (it retries for hours) rather than lose it.
        return jsonify({"ok": False, "error": "the shared cache is unavailable"}), 503
    if seen:
        return jsonify({"ok": True, "duplicate": True})
    for tag in tags:
        store.purge(tag)
    if tags:
        log.info("webhook %s purged %s", topic, ", ".join(tags))
    return jsonify({"ok": True, "topic": topic, "purged": list(tags)})


def _metaobject(topic: str, body: bytes):
    """A creator metaobject changed in Shopify: have the creators read again."""
    creators = current_app.extensions.get("creators")
    source = getattr(creators, "shopify", None)  # None: creators come from files only
    type_ = _metaobject_type(body)
    if source is None or (type_ is not None and type_ != source.type):
        return jsonify({"ok": True, "ignored": "not a creator metaobject"})
    seen = _seen(topic, ("creator-metaobjects",), body)
    if store.state() != "ok":
        return jsonify({"ok": False, "error": "the shared cache is unavailable"}), 503
    if seen:
        return jsonify({"ok": True, "duplicate": True})
    source.changed()
    log.info("webhook %s: creators are read again from Shopify", topic)
    return jsonify({"ok": True, "topic": topic, "purged": [], "creators": "refreshing"})


def _metaobject_type(body: bytes) -> str | None:
    """The `type` of a metaobject webhook's payload, or None when it doesn't say."""
    try:
        payload = json.loads(body)
    except ValueError:
        return None
    type_ = payload.get("type") if isinstance(payload, dict) else None
    return type_ if isinstance(type_, str) else None


def _order(topic: str, body: bytes):
    """Hand an order delivery to the ledger; 200 once it is stored, applied or not."""
    headers = request.headers
    try:
        receipt = orders.ledger_for().receive(orders.Delivery(
            topic=topic, body=body,
            webhook_id=headers.get("X-Shopify-Webhook-Id"),
            event_id=headers.get("X-Shopify-Event-Id"),
            triggered_at=headers.get("X-Shopify-Triggered-At"),
            shop_domain=headers.get("X-Shopify-Shop-Domain"),
            api_version=headers.get("X-Shopify-API-Version"),
        ))
    except orders.BadDelivery as problem:
        return jsonify({"ok": False, "error": str(problem)}), 400
    except orders.Unavailable:
        # Not stored: Shopify delivers it again later rather than it being lost.
        return jsonify({"ok": False, "error": "the orders database is unavailable"}), 503
    if receipt.duplicate:
        return jsonify({"ok": True, "duplicate": True})
    # Stored is enough for Shopify: a failure to apply it is ours to retry.
    return jsonify({"ok": True, "topic": topic, "purged": []})
