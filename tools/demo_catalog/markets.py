"""Where Fernwood sells: its markets, as Shopify Markets would hold them.

The rule prices follow is in storefront/demo_shop/markets.py: the shop's USD price times
the market's exchange rate, rounded up to its price ending, unless the market fixes the
variant's price. The first market is the primary one (USD, rate 1).
"""

from __future__ import annotations

MARKETS = [
    {"handle": "united-states", "name": "United States", "countries": ["US"],
     "currencyCode": "USD", "languages": ["EN"]},
    {"handle": "canada", "name": "Canada", "countries": ["CA"], "currencyCode": "CAD",
     "languages": ["EN", "FR"], "exchangeRate": "1.37", "priceEnding": "0.99"},
    {"handle": "france", "name": "France", "countries": ["FR"], "currencyCode": "EUR",
     "languages": ["FR"], "exchangeRate": "0.92", "priceEnding": "0.00",
     # Cosmetics need an EU notification (CPNP) that these two don't have yet.
     "excludedProducts": ["oat-hand-cream", "body-wash"]},
]

# Prices a market sets by hand (Shopify's fixed prices), for every variant of a product:
# (price, compare-at price or None) in the market's currency, by market handle.
FIXED_PRICES = {
    "canada": {"canvas-tote": ("55.00", None), "stoneware-mug": ("36.00", None)},
    "france": {"stoneware-mug": ("24.00", None), "merino-beanie": ("32.00", "39.00")},
}


def markets(products: list[dict]) -> list[dict]:
    """MARKETS with their fixed prices, by variant id, for the catalog."""
    by_handle = {p["handle"]: p for p in products}
    found = []
    for market in MARKETS:
        fixed = [
            {"variant": variant["id"], "price": price, "compareAtPrice": compare_at}
            for handle, (price, compare_at) in FIXED_PRICES.get(market["handle"], {}).items()
            for variant in by_handle[handle]["variants"]
        ]
        found.append({**market, **({"fixedPrices": fixed} if fixed else {})})
    return found
