"""Every kind of creator offer, as a creator file and as the demo shop's discount behind it.

Tests bring these themselves: the creators in a folder of their own, and the demo
shop's catalog as shipped plus the discounts below (`offer_catalog`), so neither the
shipped demo data nor the suite's fixture creators change.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from storefront.demo_shop.catalog import CATALOG_DIR, DEFAULT_CATALOG
from tests.creators import make_folder, write

TEE = "organic-cotton-tee"  # $38.00, in apparel
SHIRT = "linen-shirt"  # $88.00, in apparel
MUG = "stoneware-mug"  # $28.00, in drinkware


@dataclass(frozen=True)
class Kind:
    handle: str  # the creator's
    offer: str  # their [offer] table (TOML)
    code: str
    product: str
    regular: Decimal
    shown: Decimal | None  # the creator price the product page shows; None: none
    charged: Decimal  # what the cart charges for one unit with the creator's code


KINDS = (
    Kind("pct", "percent = 15", "PCT15", TEE, Decimal("38.00"), Decimal("32.30"),
         Decimal("32.30")),
    Kind("coll", 'percent = 20\ncollections = ["apparel"]', "COLL20", TEE, Decimal("38.00"),
         Decimal("30.40"), Decimal("30.40")),
    Kind("coll-other", 'percent = 20\ncollections = ["apparel"]', "COLL20", MUG,
         Decimal("28.00"), None, Decimal("28.00")),
    Kind("each", f'amount = "10.00"\nproducts = ["{TEE}"]', "TEE10", TEE, Decimal("38.00"),
         Decimal("28.00"), Decimal("28.00")),
    Kind("min-below", 'percent = 10\nminimum_subtotal = "50.00"', "MIN50", TEE,
         Decimal("38.00"), None, Decimal("38.00")),
    Kind("min-above", 'percent = 10\nminimum_subtotal = "50.00"', "MIN50", SHIRT,
         Decimal("88.00"), Decimal("79.20"), Decimal("79.20")),
    Kind("ended", 'percent = 25\nends_at = "2020-01-01T00:00:00Z"', "OVER25", TEE,
         Decimal("38.00"), None, Decimal("38.00")),
    Kind("soon", 'percent = 25\nstarts_at = 2099-01-01T00:00:00+02:00', "SOON25", TEE,
         Decimal("38.00"), None, Decimal("38.00")),
    # An amount off the whole order is no price of an item: the page shows none, the
    # banner says it, and the cart takes it off (documented).
    Kind("order", 'amount = "5.00"', "TAKE5", TEE, Decimal("38.00"), None, Decimal("33.00")),
)

DISCOUNTS = [
    {"code": "PCT15", "type": "percentage", "value": "15", "status": "active"},
    {"code": "COLL20", "type": "percentage", "value": "20", "status": "active",
     "entitledCollections": ["apparel"]},
    {"code": "TEE10", "type": "fixed_amount", "value": "10.00", "status": "active",
     "entitledProducts": [TEE], "appliesOnEachItem": True},
    {"code": "MIN50", "type": "percentage", "value": "10", "status": "active",
     "minimumSubtotal": "50.00"},
    {"code": "OVER25", "type": "percentage", "value": "25", "status": "active",
     "endsAt": "2020-01-01T00:00:00Z"},
    {"code": "SOON25", "type": "percentage", "value": "25", "status": "active",
     "startsAt": "2099-01-01T00:00:00+02:00"},
    # TAKE5 ($5 off the order) ships with the demo catalog.
]


def offer_creators(parent: Path, extra: dict[str, tuple[str, str]] | None = None) -> Path:
    """A creators folder with one creator per kind, and `extra` ones: handle -> (code,
    their [offer] table)."""
    folder = make_folder(parent)
    tables = {kind.handle: (kind.code, kind.offer) for kind in KINDS}
    for handle, (code, keys) in {**tables, **(extra or {})}.items():
        write(folder, handle, f'name = "Offer {handle}"\n[discount]\ncode = "{code}"\n'
                              f'label = "the {handle} offer"\n[offer]\n{keys}\n')
    return folder


def offer_catalog(parent: Path, extra: list[dict] | None = None) -> Path:
    """The shipped demo catalog plus DISCOUNTS (and `extra`), as a catalog.json in `parent`."""
    raw = json.loads(DEFAULT_CATALOG.read_text(encoding="utf-8"))
    raw["discounts"] += DISCOUNTS + (extra or [])
    parent.mkdir(parents=True, exist_ok=True)
    (parent / "catalog.json").write_text(json.dumps(raw), encoding="utf-8")
    (parent / "images").symlink_to(CATALOG_DIR / "images")
    return parent / "catalog.json"


CREATOR_PRICE = re.compile(
    r'data-creator-price>\s*<span class="visually-hidden">Creator price: </span>'
    r'(From )?<span class="price__amount">\$([\d,.]+)</span> with <code class="price__code">'
    r'([^<]+)</code>')
PRODUCT_PRICE = re.compile(r'<p class="product__price[^"]*">(.*?)</p>', re.S)
CART_TOTAL = re.compile(r'data-cart-total>\$([\d,.]+)<')


def creator_prices(html: str) -> list[tuple[Decimal, str]]:
    """Every creator price on a page: (amount, code)."""
    return [(Decimal(amount.replace(",", "")), code)
            for _, amount, code in CREATOR_PRICE.findall(html)]


def product_page_price(html: str) -> Decimal | None:
    """The creator price of a product page's chosen variant, or None when it shows none."""
    found = creator_prices(PRODUCT_PRICE.search(html).group(1))
    return found[0][0] if found else None
