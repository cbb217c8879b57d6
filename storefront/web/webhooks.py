"""`/webhooks/shopify`: Shopify tells us the catalog changed; we purge what it affects.

The signature (`X-Shopify-Hmac-Sha256`, base64 HMAC-SHA256 of the raw body)
is checked against SHOPIFY_WEBHOOK_SECRET, or the previous secret during a
rotation, in constant time. A repeated `X-Shopify-Event-Id` (Shopify retries
and may deliver twice) is answered 200 and ignored. The purge bumps the
catalog generation in the shared cache, so every instance drops the pages
and data it affects at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging

from flask import Blueprint, abort, current_app, jsonify, request

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


@bp.post("/webhooks/shopify")
def shopify():
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and (request.content_length or 0) > limit:
        abort(413)
    body = request.get_data(cache=False)
    if not _signed(body, request.headers.get("X-Shopify-Hmac-Sha256", "")):
        return jsonify({"ok": False, "error": "bad signature"}), 401
    topic = request.headers.get("X-Shopify-Topic", "")
    event = request.headers.get("X-Shopify-Event-Id") or request.headers.get(
        "X-Shopify-Webhook-Id", ""
    )
    if event and not store.add(f"webhook:{event[:200]}", 1, policies.WEBHOOK_EVENT_SECONDS):
        return jsonify({"ok": True, "duplicate": True})
    tags = PURGES.get(topic, ())
    for tag in tags:
        store.purge(tag)
    if tags:
        log.info("webhook %s purged %s", topic, ", ".join(tags))
    return jsonify({"ok": True, "topic": topic, "purged": list(tags)})
