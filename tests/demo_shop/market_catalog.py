"""The fixture catalog with markets of its own: numbers fixed here, whatever the shipped
catalog's rates become.

United States (primary, USD); Canada (CAD at 1.37, prices up to .99, English and
French, a fixed price for the tote); France (EUR at 0.92, prices up to whole euros,
French only, no soy candle, the tote at a fixed 15.00 instead of 19.00). French for the
tee (everything), the hoodie (its title only) and the home page collection (its title).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from tests.demo_shop.conftest import FIXTURE_CATALOG

TEE_XS_OAT, TEE_M_OAT = 700101, 700105  # 38.00 (2 and 12 in stock)
SHIRT_M = 700202  # 68.00, compare at 85.00
TOTE = 700401  # 18.00
CANDLE_CEDAR = 700601  # 22.00, not sold in France
HOODIE_M = 700702  # 88.00
MUG = 700501  # 16.50, sold out

MARKETS = [
    {"handle": "united-states", "name": "United States", "countries": ["US"],
     "currencyCode": "USD", "languages": ["EN"]},
    {"handle": "canada", "name": "Canada", "countries": ["CA"], "currencyCode": "CAD",
     "languages": ["EN", "FR"], "exchangeRate": "1.37", "priceEnding": "0.99",
     "fixedPrices": [{"variant": 700401, "price": "24.00"},
                     {"variant": 700402, "price": "24.00"}]},
    {"handle": "france", "name": "France", "countries": ["FR", "BE"], "currencyCode": "EUR",
     "languages": ["FR"], "exchangeRate": "0.92", "priceEnding": "0.00",
     "excludedProducts": ["soy-candle"],
     "fixedPrices": [{"variant": 700401, "price": "15.00", "compareAtPrice": "19.00"}]},
]

TRANSLATIONS = {"FR": {
    "products": {
        "organic-cotton-tee": {
            "title": "T-shirt en coton bio",
            "descriptionHtml": "<p>Un t-shirt <strong>doux</strong> en coton bio.</p>",
            "seo": {"title": "T-shirt bio | Fernwood", "description": "Un t-shirt doux."},
        },
        "hemp-hoodie": {"title": "Sweat en chanvre"},
    },
    "collections": {"frontpage": {"title": "Accueil"}},
}}

SHIPPING = [
    {"countries": ["US"], "rates": [
        {"handle": "standard", "title": "Standard", "price": "5.00", "freeOver": "75.00"}]},
    {"countries": ["CA"], "rates": [
        {"handle": "standard", "title": "Standard", "price": "12.00"}]},
]


def write_market_catalog(folder: Path, change=None) -> Path:
    """The fixture catalog with the markets above in `folder` (images linked); its path.
    `change(raw)` edits it first, when given."""
    raw = json.loads(FIXTURE_CATALOG.read_text(encoding="utf-8"))
    raw["shop"]["markets"] = copy.deepcopy(MARKETS)
    raw["shop"]["shipping"] = copy.deepcopy(SHIPPING)
    raw["translations"] = copy.deepcopy(TRANSLATIONS)
    if change:
        change(raw)
    (folder / "images").symlink_to(FIXTURE_CATALOG.parent / "images")
    for extra in ("metaobjects.json",):
        if (FIXTURE_CATALOG.parent / extra).exists():
            (folder / extra).write_text((FIXTURE_CATALOG.parent / extra).read_text())
    path = folder / "catalog.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


def gid(variant: int) -> str:
    return f"gid://shopify/ProductVariant/{variant}"
