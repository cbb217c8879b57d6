"""Write the demo shop's catalog: `catalog.json` and its SVG images.

    python -m tools.demo_catalog.build [--check]

The output is deterministic (stock levels and dates come from seeded
arithmetic, not the clock), so the files in the repository can be checked
against this script: `--check` exits non-zero when they differ.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import product as combinations
from pathlib import Path

from tools.demo_catalog import art
from tools.demo_catalog.content import (
    DISCOUNTS,
    DOMAIN,
    GIFT_CARDS,
    MENUS,
    PAGES,
    POLICIES,
    REDIRECTS,
    SHIPPING,
    SHOP,
)
from tools.demo_catalog.journal import ARTICLES, AUTHORS, BLOG
from tools.demo_catalog.markets import markets
from tools.demo_catalog.products import (
    CATEGORIES,
    COLORS,
    FRONTPAGE,
    MISSING,
    ON_SALE,
    PRICE_STEPS,
    SOLD_OUT,
    UNIT_PRICED,
)
from tools.demo_catalog.translations import french

OUT = Path(__file__).resolve().parents[2] / "storefront" / "demo_shop" / "catalog"
EPOCH = datetime(2025, 3, 1, 10, 0)
CATEGORY_COLOR = {
    "apparel": "Oat", "bags": "Natural", "drinkware": "White", "home": "Sand",
    "skincare": "Blush", "stationery": "Sand", "accessories": "Clay",
}
BACKGROUND = "#f4efe6"


def stamp(days: float) -> str:
    return (EPOCH + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


class Builder:
    def __init__(self) -> None:
        self.files: dict[str, str] = {"logo.svg": art.LOGO, "hero.svg": art.HERO}
        self.products: list[dict] = []
        self.kinds: dict[str, str] = {}
        self.colors: dict[str, str] = {}
        self.category: dict[str, str] = {}
        self.image_id = 90000

    def catalog(self) -> dict:
        number = 0
        for category, (product_type, entries) in CATEGORIES.items():
            for entry in entries:
                number += 1
                self.products.append(self.product(number, category, product_type, *entry))
        return {
            "shop": {**SHOP, "policies": POLICIES, "markets": markets(self.products),
                     "shipping": SHIPPING},
            "products": self.products,
            "collections": self.collections(),
            "translations": {"FR": french()},
            "pages": PAGES,
            "menus": MENUS,
            "discounts": DISCOUNTS,
            "redirects": REDIRECTS,
            "giftCards": GIFT_CARDS,
            "blogs": [self.blog()],
        }

    def product(self, number, category, product_type, handle, title, kind, price, options, blurb):
        rng = random.Random(handle)  # stable per product, whatever the order of the list
        self.kinds[handle], self.category[handle] = kind, category
        color_option = dict(options).get("Color")
        base_color = COLORS[CATEGORY_COLOR[category]]
        images, image_of = [], {}
        for color in color_option or [None]:
            self.image_id += 1
            file = f"{handle}-{color.lower()}.svg" if color else f"{handle}.svg"
            fill = COLORS[color] if color else base_color
            self.files[file] = art.product_svg(kind, fill, title, BACKGROUND)
            alt = f"{title} in {color.lower()}" if color else title
            images.append({"id": self.image_id, "file": file, "alt": alt,
                           "width": 800, "height": 1000})
            image_of[color] = self.image_id
        self.colors[handle] = COLORS[color_option[0]] if color_option else base_color
        sale = ON_SALE.get(handle)
        variants = []
        for values in combinations(*(vals for _, vals in options)):
            selected = dict(zip((name for name, _ in options), values, strict=True))
            if selected in MISSING.get(handle, []):
                continue
            amount = Decimal(price) + sum(Decimal(PRICE_STEPS.get(v, "0")) for v in values)
            stock = 0 if handle in SOLD_OUT else rng.choice([0, 2, 5, 12, 12, 20, 30, 40])
            variants.append({
                "id": number * 1000 + len(variants) + 1,
                "title": " / ".join(values),
                "selectedOptions": selected,
                "sku": "FW-" + "-".join([handle.upper()[:12], *(v[:3].upper() for v in values)]),
                "price": f"{amount:.2f}",
                "compareAtPrice": f"{amount * (100 + sale) / 100:.2f}" if sale else None,
                "quantityAvailable": stock,
                "image": image_of[selected.get("Color")],
                "weightGrams": rng.choice([120, 250, 400, 650, 900]),
                "barcode": None,
                **unit_price_measurement(handle, values),
            })
        if handle not in SOLD_OUT and all(v["quantityAvailable"] == 0 for v in variants):
            variants[0]["quantityAvailable"] = 8  # only the listed products sell out entirely
        created = number * 7 + rng.randint(0, 6)
        text = blurb.split(". ")[0].rstrip(".") + "."
        return {
            "id": 7000 + number,
            "handle": handle,
            "title": title,
            "vendor": "Fernwood",
            "productType": product_type,
            "tags": [category, kind, *(["sale"] if sale else [])],
            "createdAt": stamp(created),
            "updatedAt": stamp(created + 30),
            "publishedAt": stamp(created),
            "bestSellingRank": rng.randint(1, 1000),
            "descriptionHtml": f"<p>{blurb}</p><ul><li>Made in small batches</li>"
                               f"<li>Free returns within 30 days</li></ul>",
            "seo": {"title": f"{title} | Fernwood", "description": text},
            "images": images,
            "options": [
                {"name": name, "values": list(vals),
                 **({"swatches": {v: COLORS[v] for v in vals}} if name == "Color" else {})}
                for name, vals in options
            ],
            "variants": variants,
        }

    def collections(self) -> list[dict]:
        by_category = {c: [h for h in self.category if self.category[h] == c] for c in CATEGORIES}
        newest = sorted(self.products, key=lambda p: p["createdAt"], reverse=True)
        best = sorted(self.products, key=lambda p: p["bestSellingRank"])
        lists = {
            "frontpage": ("Home page", "Our favourites, chosen by the team.", FRONTPAGE),
            **{
                c: (t, f"{t}: made slowly from natural materials.", by_category[c])
                for c, t in [("apparel", "Apparel"), ("bags", "Bags"), ("drinkware", "Drinkware"),
                             ("home", "Home"), ("skincare", "Skincare"),
                             ("stationery", "Stationery"), ("accessories", "Accessories")]
            },
            "new-arrivals": ("New arrivals", "Just landed in the workshop.",
                             [p["handle"] for p in newest[:12]]),
            "best-sellers": ("Best sellers", "What everyone keeps coming back for.",
                             [p["handle"] for p in best[:12]]),
            "sale": ("Sale", "Last of the season, while they last.", list(ON_SALE)),
        }
        collections = []
        for number, (handle, (title, description, handles)) in enumerate(lists.items(), 1):
            file = f"collection-{handle}.svg"
            self.files[file] = art.collection_svg(
                title, [self.kinds[h] for h in handles], [self.colors[h] for h in handles],
                BACKGROUND,
            )
            collections.append({
                "id": 5000 + number,
                "handle": handle,
                "title": title,
                "descriptionHtml": f"<p>{description}</p>",
                "image": {"id": 95000 + number, "file": file, "alt": title,
                          "width": 1200, "height": 600},
                "seo": {"title": f"{title} | Fernwood", "description": description},
                "updatedAt": stamp(400 + number),
                "products": handles,
            })
        return collections

    def blog(self) -> dict:
        """The journal, newest article first, as Shopify lists a blog."""
        articles = []
        for number, entry in enumerate(ARTICLES, 1):
            handle, title, author, days, tags, excerpt, body, (kinds, colors) = entry
            first, last, bio = AUTHORS[author]
            file = f"article-{handle}.svg"
            self.files[file] = art.article_svg(title, kinds, [COLORS[c] for c in colors],
                                               BACKGROUND)
            html = "".join(part if part.startswith("<h2>") else f"<p>{part}</p>" for part in body)
            articles.append({
                "id": BLOG["id"] * 10 + number,
                "handle": handle,
                "title": title,
                "author": {"firstName": first, "lastName": last, "bio": bio,
                           "email": f"{first.lower()}@{DOMAIN.split('//')[1]}"},
                "publishedAt": stamp(days),
                "tags": tags,
                "excerptHtml": f"<p>{excerpt}</p>",
                "contentHtml": html,
                "image": {"id": 96000 + number, "file": file, "alt": title,
                          "width": 1200, "height": 800},
                "seo": {"title": f"{title} | Fernwood", "description": excerpt},
            })
        articles.sort(key=lambda a: a["publishedAt"], reverse=True)
        return {
            "id": BLOG["id"],
            "handle": BLOG["handle"],
            "title": BLOG["title"],
            "seo": {"title": f"{BLOG['title']} | Fernwood", "description": BLOG["description"]},
            "articles": articles,
        }


def unit_price_measurement(handle: str, values: tuple[str, ...]) -> dict:
    """Skincare sold by volume shows a price per 100 ml, as the law asks in many places."""
    sizes = [int(v.removesuffix(" ml")) for v in values if v.endswith(" ml")]
    if handle not in UNIT_PRICED or not sizes:
        return {}
    return {"unitPriceMeasurement": {"measuredType": "VOLUME", "quantityValue": sizes[0],
                                     "quantityUnit": "ML", "referenceValue": 100,
                                     "referenceUnit": "ML"}}


def build() -> dict[Path, str]:
    builder = Builder()
    catalog = builder.catalog()
    out = {OUT / "catalog.json": json.dumps(catalog, indent=1, ensure_ascii=False) + "\n"}
    out.update({OUT / "images" / name: text for name, text in builder.files.items()})
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    files = build()
    if args.check:
        stale = [str(p) for p, text in files.items()
                 if not p.exists() or p.read_text(encoding="utf-8") != text]
        extra = set((OUT / "images").glob("*")) - set(files)
        for path in stale + sorted(map(str, extra)):
            print(f"out of date: {path}", file=sys.stderr)
        return 1 if stale or extra else 0
    (OUT / "images").mkdir(parents=True, exist_ok=True)
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    print(f"wrote {len(files)} files to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
