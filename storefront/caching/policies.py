"""How long each kind of Storefront data may be served: every lifetime, in one place.

`fresh`: served without asking Shopify. Then, for `stale` more seconds, still
served while one request refreshes it (stale-while-revalidate). Up to `error`
seconds old, it is served when Shopify fails (stale-if-error).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Policy:
    fresh: int
    stale: int
    error: int
    tags: tuple[str, ...]  # what a webhook purge of that tag invalidates


DAY = 86400

# Shop, brand, menus, pages, blogs and policies change rarely and no webhook of ours
# announces them: a long life, refreshed in the background.
SHOP = Policy(fresh=300, stale=3600, error=DAY, tags=("shop",))
# Catalog data: products, collections, search. Webhooks purge it on change.
CATALOG = Policy(fresh=120, stale=900, error=DAY, tags=("catalog",))

# The policies a GraphQL document can name on its first line (`# cache: catalog`,
# see storefront/shopify/documents.py); `# cache: none (why)` is never cached.
NAMED = {"shop": SHOP, "catalog": CATALOG}

# Rendered pages depend on both; they are kept as long as catalog data is fresh.
PAGE = Policy(fresh=120, stale=0, error=0, tags=("catalog", "shop"))

SITEMAP_SECONDS = 3600  # the walked list of handles behind /sitemap.xml
BACKOFF_SECONDS = 10  # after a failure served from cache, Shopify is not asked again this soon
LOCK_SECONDS = 20  # a refresh that takes longer lets another request try
FOLLOW_SECONDS = 5.0  # a cold key another worker is fetching: how long to wait for it

# Webhooks (storefront/web/webhooks.py). Shopify retries a failed delivery 8
# times over about 4 hours; X-Shopify-Triggered-At stays that of the first try.
WEBHOOK_STALE_SECONDS = 5 * 3600  # older than every retry (and an hour more): a replay
WEBHOOK_SKEW_SECONDS = 300  # how far ahead of our clock a Triggered-At may be
WEBHOOK_DELIVERY_SECONDS = 2 * DAY  # a seen X-Shopify-Webhook-Id (older docs: 48 h of retries)
WEBHOOK_BODY_SECONDS = DAY  # a seen body (its SHA-256) purges nothing again for this long
