"""The demo catalog: `catalog/catalog.json` (and `metaobjects.json`) as immutable, indexed records.

The loader checks the catalog's consistency rules and stops with a message
that names the offending record, so a broken catalog fails at start, not on
the first request that happens to touch it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from types import MappingProxyType
from typing import Any

from storefront.demo_shop.markets import FixedPrice, Market, primary_of
from storefront.image_files import image_size

CATALOG_DIR = Path(__file__).parent / "catalog"
DEFAULT_CATALOG = CATALOG_DIR / "catalog.json"

HANDLE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
COUNTRY = re.compile(r"[A-Z]{2}")
LANGUAGE = re.compile(r"[A-Z]{2,3}(_[A-Z]{2})?")
CURRENCY = re.compile(r"[A-Z]{3}")
COLOR = re.compile(r"#[0-9a-fA-F]{6}")
MENU_ITEM_TYPES = frozenset(
    {
        "ARTICLE",
        "BLOG",
        "CATALOG",
        "COLLECTION",
        "COLLECTIONS",
        "CUSTOMER_ACCOUNT_PAGE",
        "FRONTPAGE",
        "HTTP",
        "METAOBJECT",
        "PAGE",
        "PRODUCT",
        "SEARCH",
        "SHOP_POLICY",
    }
)
DISCOUNT_TYPES = frozenset({"percentage", "fixed_amount"})
DISCOUNT_STATUSES = frozenset({"active", "inactive", "usage_limit_reached"})
GIFT_CARD_CODE = re.compile(r"[A-Za-z0-9]{8,20}")  # Shopify's rule for a gift card's code
POLICIES = ("shippingPolicy", "refundPolicy", "privacyPolicy", "termsOfService",
            "subscriptionPolicy")
# Unit prices (Shopify's UnitPriceMeasurement): the metric units a variant's quantity
# may be measured in, each as a multiple of the first unit of its kind.
MEASURED_TYPES = {
    "VOLUME": {"ML": Decimal(1), "CL": Decimal(10), "L": Decimal(1000)},
    "WEIGHT": {"MG": Decimal("0.001"), "G": Decimal(1), "KG": Decimal(1000)},
    "LENGTH": {"MM": Decimal("0.1"), "CM": Decimal(1), "M": Decimal(100)},
    "AREA": {"M2": Decimal(1)},
    "COUNT": {"ITEM": Decimal(1)},
}


class CatalogError(ValueError):
    """The catalog breaks one of its rules; the message names the record."""


@dataclass(frozen=True)
class Image:
    id: int | None
    file: str
    alt: str
    width: int | None
    height: int | None


@dataclass(frozen=True)
class SEO:
    title: str | None
    description: str | None


@dataclass(frozen=True)
class Option:
    name: str
    values: tuple[str, ...]
    swatches: Mapping[str, str]


@dataclass(frozen=True)
class UnitMeasure:
    """How much of something a variant holds, and the quantity its unit price is for."""

    measured_type: str  # VOLUME, WEIGHT, ...
    quantity_value: Decimal
    quantity_unit: str  # ML, G, ...
    reference_value: int
    reference_unit: str

    def unit_price(self, price: Decimal) -> Decimal:
        """The price of `reference_value reference_unit` at `price` for the whole quantity."""
        units = MEASURED_TYPES[self.measured_type]
        quantity = self.quantity_value * units[self.quantity_unit]
        return price * self.reference_value * units[self.reference_unit] / quantity


@dataclass(frozen=True)
class Variant:
    id: int
    product_id: int
    position: int
    title: str
    options: tuple[tuple[str, str], ...]  # (option name, value) in the product's option order
    sku: str | None
    barcode: str | None
    price: Decimal
    compare_at_price: Decimal | None
    quantity_available: int
    image_id: int | None
    weight_grams: int | None
    unit_measure: UnitMeasure | None = None

    @property
    def available(self) -> bool:
        return self.quantity_available > 0


@dataclass(frozen=True)
class Product:
    id: int
    handle: str
    title: str
    vendor: str
    product_type: str
    tags: tuple[str, ...]
    created_at: str
    updated_at: str
    published_at: str
    best_selling_rank: int
    description_html: str
    description: str
    seo: SEO
    images: tuple[Image, ...]
    options: tuple[Option, ...]
    variants: tuple[Variant, ...]

    @property
    def available(self) -> bool:
        return any(v.available for v in self.variants)

    @property
    def min_price(self) -> Decimal:
        return min(v.price for v in self.variants)

    @property
    def max_price(self) -> Decimal:
        return max(v.price for v in self.variants)

    def image(self, image_id: int | None) -> Image | None:
        return next((i for i in self.images if i.id == image_id), None)


@dataclass(frozen=True)
class Collection:
    id: int
    handle: str
    title: str
    description_html: str
    description: str
    image: Image | None
    seo: SEO
    updated_at: str
    product_handles: tuple[str, ...]


@dataclass(frozen=True)
class Page:
    id: int
    handle: str
    title: str
    body_html: str
    body_summary: str
    seo: SEO
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class Author:
    first_name: str
    last_name: str
    email: str
    bio: str | None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class Article:
    id: int
    blog_handle: str
    handle: str
    title: str
    author: Author
    published_at: str
    tags: tuple[str, ...]
    excerpt_html: str
    excerpt: str
    content_html: str
    content: str
    image: Image | None
    seo: SEO


@dataclass(frozen=True)
class Blog:
    id: int
    handle: str
    title: str
    seo: SEO
    articles: tuple[Article, ...]  # newest first, as the catalog lists them

    @property
    def authors(self) -> tuple[Author, ...]:
        """Each author once, in the order they first appear."""
        return tuple({a.author.email: a.author for a in self.articles}.values())


@dataclass(frozen=True)
class MenuItem:
    id: int
    title: str
    type: str
    url: str | None
    tags: tuple[str, ...]
    items: tuple[MenuItem, ...]


@dataclass(frozen=True)
class Menu:
    id: int
    handle: str
    title: str
    items: tuple[MenuItem, ...]


@dataclass(frozen=True)
class Redirect:
    """A URL redirect of the online store (Admin: Navigation, URL redirects)."""

    id: int
    path: str  # the old path, as the merchant typed it (matched without regard to case)
    target: str  # a path on the store or a full URL


@dataclass(frozen=True)
class Discount:
    code: str
    title: str
    type: str  # "percentage" | "fixed_amount"
    value: Decimal
    status: str  # "active" | "inactive" | "usage_limit_reached"
    minimum_subtotal: Decimal | None
    entitled_collections: tuple[str, ...]
    # Shopify's other definitions (Admin API DiscountCodeBasic): products entitled by
    # handle, an amount taken off each entitled item rather than once across them, and
    # the dates the code is active between (startsAt included, endsAt excluded).
    entitled_products: tuple[str, ...] = ()
    applies_on_each_item: bool = False
    starts_at: datetime | None = None
    ends_at: datetime | None = None


@dataclass(frozen=True)
class GiftCard:
    """A gift card as the shop issued it; what orders spent of it is kept elsewhere
    (gift_cards.py), so `balance` is what it held when the catalog was made."""

    id: int
    code: str
    initial_value: Decimal
    balance: Decimal
    currency_code: str
    expires_on: date | None  # usable through that day (the shop's zone: UTC)
    enabled: bool

    @property
    def last_characters(self) -> str:
        return self.code[-4:].upper()


@dataclass(frozen=True)
class MetaobjectField:
    key: str
    type: str
    value: str | None
    image: Image | None = None  # what a file_reference field's value names


@dataclass(frozen=True)
class Metaobject:
    id: int
    type: str
    handle: str
    updated_at: str
    fields: tuple[MetaobjectField, ...]


@dataclass(frozen=True)
class Policy:
    id: int
    title: str
    handle: str
    body: str
    url: str


@dataclass(frozen=True)
class Brand:
    slogan: str | None
    short_description: str | None
    logo: Image | None
    square_logo: Image | None
    cover_image: Image | None
    colors: Mapping[str, tuple[Mapping[str, str | None], ...]]


@dataclass(frozen=True)
class ShippingRate:
    """One of the shop's delivery options: a price, free from some subtotal on."""

    handle: str
    title: str
    description: str | None
    price: Decimal
    free_over: Decimal | None


@dataclass(frozen=True)
class ShippingZone:
    countries: tuple[str, ...]
    rates: tuple[ShippingRate, ...]


@dataclass(frozen=True)
class Shop:
    id: int
    name: str
    description: str | None
    host: str
    url: str
    currency_code: str
    money_format: str
    brand: Brand | None
    policies: Mapping[str, Policy]
    # Where it sells, in which currencies and languages (markets.py: the primary market
    # first), and its delivery rates by destination country.
    markets: tuple[Market, ...] = (primary_of("USD"),)
    shipping: tuple[ShippingZone, ...] = ()

    @property
    def primary_market(self) -> Market:
        return self.markets[0]

    def market_for(self, country: str | None) -> Market:
        """The market of a country; the primary market for one outside every market."""
        return next((m for m in self.markets if country in m.countries), self.markets[0])

    def rates_to(self, country: str | None) -> tuple[ShippingRate, ...]:
        """The delivery options to a country (none when the shop doesn't ship there)."""
        return next((zone.rates for zone in self.shipping if country in zone.countries), ())


@dataclass(frozen=True)
class Text:
    """A product's or collection's words in one language: each field translated, or the
    default language's where no translation is given (Shopify falls back field by field)."""

    title: str
    description_html: str
    description: str
    seo: SEO


@dataclass(frozen=True)
class Catalog:
    """Everything the demo shop sells, with lookups by handle, id and code."""

    shop: Shop
    products: tuple[Product, ...]
    collections: tuple[Collection, ...]
    pages: tuple[Page, ...]
    menus: tuple[Menu, ...]
    discounts: tuple[Discount, ...]
    metaobjects: tuple[Metaobject, ...]
    images_dir: Path
    redirects: tuple[Redirect, ...]
    blogs: tuple[Blog, ...]
    _index: Mapping[tuple[str, Any], Any] = field(repr=False, compare=False)
    gift_cards: tuple[GiftCard, ...] = ()
    # (language, "product" | "collection", handle) -> its words in that language
    texts: Mapping[tuple[str, str, str], Text] = field(
        default_factory=lambda: MappingProxyType({}), repr=False, compare=False)

    def _get(self, kind: str, key: Any) -> Any:
        return self._index.get((kind, key))

    def product(self, handle: str) -> Product | None:
        return self._get("product", handle)

    def product_by_id(self, number: int | None) -> Product | None:
        return self._get("product#", number)

    def variant(self, number: int | None) -> Variant | None:
        return self._get("variant#", number)

    def collection(self, handle: str) -> Collection | None:
        return self._get("collection", handle)

    def collection_by_id(self, number: int | None) -> Collection | None:
        return self._get("collection#", number)

    def collections_of(self, product: Product) -> tuple[Collection, ...]:
        return self._get("collections-of", product.handle) or ()

    def products_of(self, collection: Collection) -> tuple[Product, ...]:
        return tuple(self._get("product", handle) for handle in collection.product_handles)

    def page(self, handle: str) -> Page | None:
        return self._get("page", handle)

    def page_by_id(self, number: int | None) -> Page | None:
        return self._get("page#", number)

    def menu(self, handle: str) -> Menu | None:
        return self._get("menu", handle)

    def blog(self, handle: str) -> Blog | None:
        return self._get("blog", handle)

    def blog_by_id(self, number: int | None) -> Blog | None:
        return self._get("blog#", number)

    def article_by_id(self, number: int | None) -> Article | None:
        return self._get("article#", number)

    @property
    def articles(self) -> tuple[Article, ...]:
        return tuple(a for b in self.blogs for a in b.articles)

    def text(self, kind: str, record: Product | Collection, language: str) -> Text | Any:
        """The words of a product or collection in `language`: its translation (untranslated
        fields in the default language), or the record itself when it has none."""
        return self.texts.get((language, kind, record.handle), record)

    def discount(self, code: str) -> Discount | None:
        """The discount for a code as a shopper typed it (codes are case-insensitive)."""
        return self._get("discount", code.strip().casefold())

    def gift_card(self, code: str) -> GiftCard | None:
        """The card whose code is `code` in any case (as typed: Shopify trims nothing)."""
        return self._get("gift-card", code.casefold())

    def gift_card_by_id(self, number: int | None) -> GiftCard | None:
        return self._get("gift-card#", number)

    def metaobject(self, type_: str, handle: str) -> Metaobject | None:
        return self._get("metaobject", (type_, handle))

    def metaobject_by_id(self, number: int | None) -> Metaobject | None:
        return self._get("metaobject#", number)

    def redirect_by_id(self, number: int | None) -> Redirect | None:
        return next((r for r in self.redirects if r.id == number), None)

    def article(self, blog: Blog, handle: str) -> Article | None:
        return self._get("article", (blog.handle, handle))


# Loading ------------------------------------------------------------------


def load_catalog(path: Path | None = None) -> Catalog:
    """Load and check `catalog.json`; `metaobjects.json` beside it is optional."""
    path = Path(path or DEFAULT_CATALOG).resolve()
    return _loaded(path, _version(path), _version(path.parent / "metaobjects.json"))


def _version(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


@lru_cache(maxsize=8)
def _loaded(path: Path, *_versions: tuple[int, int] | None) -> Catalog:
    # A Catalog is immutable, so every shop of a process (each app, each test)
    # can share one; the files' versions are in the key, so an edit reloads.
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CatalogError(f"{path}: cannot read the catalog ({exc})") from exc
    metaobjects_path = path.parent / "metaobjects.json"
    raw_metaobjects = []
    if metaobjects_path.exists():
        raw_metaobjects = json.loads(metaobjects_path.read_text(encoding="utf-8"))
    return _Loader(path.parent / "images").catalog(raw, raw_metaobjects)


class _Loader:
    """Builds records from raw JSON, checking every rule on the way."""

    def __init__(self, images_dir: Path) -> None:
        self.images_dir = images_dir
        self.image_ids: set[int] = set()
        self.index: dict[tuple[str, Any], Any] = {}

    def add(self, kind: str, key: Any, value: Any, where: str) -> None:
        check((kind, key) not in self.index, f"{where}: duplicate {kind.rstrip('#')} {key!r}")
        self.index[(kind, key)] = value

    def catalog(self, raw: dict, raw_metaobjects: list) -> Catalog:
        for key in ("shop", "products", "collections", "pages", "menus", "discounts"):
            check(key in raw, f"catalog: missing top-level key {key!r}")
        shop = self.shop(raw["shop"])
        products = tuple(self.product(p, i) for i, p in enumerate(raw["products"]))
        # Markets name products and variants: read once these are known.
        shop = replace(shop, markets=self.markets(raw["shop"].get("markets"), shop.currency_code))
        collections = tuple(self.collection(c) for c in raw["collections"])
        for product in products:
            member_of = tuple(c for c in collections if product.handle in c.product_handles)
            self.index[("collections-of", product.handle)] = member_of
        pages = tuple(self.page(p) for p in raw["pages"])
        menus = tuple(self.menu(m) for m in raw["menus"])
        discounts = tuple(self.discount(d) for d in raw["discounts"])
        gift_cards = tuple(self.gift_card(g, shop) for g in raw.get("giftCards", []))
        metaobjects = tuple(self.metaobject(m) for m in raw_metaobjects)
        # Optional: a shop without URL redirects leaves the key out.
        redirects = tuple(self.redirect(r) for r in raw.get("redirects", []))
        blogs = tuple(self.blog(b) for b in raw.get("blogs", []))  # a shop may have none
        return Catalog(
            shop=shop,
            products=products,
            collections=collections,
            pages=pages,
            menus=menus,
            discounts=discounts,
            metaobjects=metaobjects,
            images_dir=self.images_dir,
            redirects=redirects,
            blogs=blogs,
            _index=MappingProxyType(self.index),
            gift_cards=gift_cards,
            texts=MappingProxyType(self.texts(raw.get("translations") or {}, shop)),
        )

    def image(self, raw: dict | str | None, where: str, *, alt: str = "") -> Image | None:
        if raw is None:
            return None
        if isinstance(raw, str):  # brand images are given by file name only
            raw = {"id": None, "file": raw, "alt": alt, "width": None, "height": None}
        file = raw.get("file", "")
        check(
            bool(file) and "/" not in file and not file.startswith("."),
            f"{where}: image file {file!r} must be a plain file name",
        )
        check(
            (self.images_dir / file).is_file(), f"{where}: image {file} is not in {self.images_dir}"
        )
        if raw.get("id") is not None:
            check(raw["id"] not in self.image_ids, f"{where}: duplicate image id {raw['id']}")
            self.image_ids.add(raw["id"])
        width, height = raw.get("width"), raw.get("height")
        if not (width and height):  # brand images: Shopify knows every image's size
            size = image_size(self.images_dir / file)
            width, height = (round(size[0]), round(size[1])) if size else (None, None)
        return Image(raw.get("id"), file, raw.get("alt") or "", width, height)

    def shop(self, raw: dict) -> Shop:
        check(raw.get("currencyCode") == "USD", "shop: the demo shop sells in USD only")
        domain = raw["primaryDomain"]
        brand = None
        if raw.get("brand"):
            b = raw["brand"]
            colors = b.get("colors") or {}
            for group in ("primary", "secondary"):
                for pair in colors.get(group, []):
                    for color in pair.values():
                        check(
                            color is None or bool(COLOR.fullmatch(color)),
                            f"shop.brand.colors.{group}: {color!r} is not a #rrggbb colour",
                        )
            brand = Brand(
                slogan=b.get("slogan"),
                short_description=b.get("shortDescription"),
                logo=self.image(b.get("logo"), "shop.brand.logo", alt=raw["name"]),
                square_logo=self.image(
                    b.get("squareLogo"), "shop.brand.squareLogo", alt=raw["name"]
                ),
                cover_image=self.image(
                    b.get("coverImage"), "shop.brand.coverImage", alt=raw["name"]
                ),
                colors=MappingProxyType(
                    {
                        group: tuple(MappingProxyType(dict(pair)) for pair in colors.get(group, []))
                        for group in ("primary", "secondary")
                    }
                ),
            )
        policies = {}
        for number, name in enumerate(POLICIES, start=1):
            p = (raw.get("policies") or {}).get(name)
            if p:
                url = f"{domain['url'].rstrip('/')}/policies/{p['handle']}"
                policies[name] = Policy(number, p["title"], p["handle"], p["body"], url)
        check("localization" not in raw,
              "shop.localization: give shop.markets instead (countries, currency, languages)")
        return Shop(
            id=raw["id"],
            name=raw["name"],
            description=raw.get("description"),
            host=domain["host"],
            url=domain["url"],
            currency_code=raw["currencyCode"],
            money_format=raw["moneyFormat"],
            brand=brand,
            policies=MappingProxyType(policies),
            markets=(primary_of(raw["currencyCode"]),),  # until the products are read
            shipping=tuple(self.shipping_zone(z, i)
                           for i, z in enumerate(raw.get("shipping") or [])),
        )

    def markets(self, raw: list | None, shop_currency: str) -> tuple[Market, ...]:
        """The shop's markets (markets.py), the primary one first; one market, the United
        States in the shop's currency and English, when the catalog names none."""
        if not raw:
            return (primary_of(shop_currency),)
        markets, countries = [], set()
        for number, given in enumerate(raw):
            where = f"shop.markets[{number}] {given.get('handle')!r}"
            check_handle(given.get("handle"), where)
            codes = tuple(given.get("countries") or ())
            languages = tuple(given.get("languages") or ())
            check(bool(codes) and bool(languages), f"{where}: name its countries and languages")
            for code in codes:
                check(bool(COUNTRY.fullmatch(code)), f"{where}: country {code!r}")
                check(code not in countries, f"{where}: {code} is in another market already")
                countries.add(code)
            for code in languages:
                check(bool(LANGUAGE.fullmatch(code)), f"{where}: language {code!r}")
            currency = given.get("currencyCode")
            check(isinstance(currency, str) and bool(CURRENCY.fullmatch(currency)),
                  f"{where}: currencyCode {currency!r}")
            rate = price(given.get("exchangeRate") or "1", f"{where}: exchangeRate", places=6)
            ending = price(given.get("priceEnding"), f"{where}: priceEnding")
            check(rate > 0, f"{where}: exchangeRate must be above 0")
            check(ending is None or ending < 1, f"{where}: priceEnding is a part of one, like 0.99")
            if number == 0:
                check(currency == shop_currency and rate == 1 and ending is None,
                      f"{where}: the primary market sells in the shop's currency "
                      f"({shop_currency}) at a rate of 1, without a price ending")
            excluded = frozenset(given.get("excludedProducts") or ())
            for handle in excluded:
                check(("product", handle) in self.index, f"{where}: unknown product {handle!r}")
            fixed = {}
            for entry in given.get("fixedPrices") or ():
                at = f"{where} fixed price of variant {entry.get('variant')!r}"
                check(("variant#", entry.get("variant")) in self.index, f"{at}: unknown variant")
                check(entry["variant"] not in fixed, f"{at}: given twice")
                fixed[entry["variant"]] = FixedPrice(
                    price(entry.get("price"), f"{at}: price"),
                    price(entry.get("compareAtPrice"), f"{at}: compareAtPrice"))
                check(fixed[entry["variant"]].price is not None, f"{at}: needs a price")
            markets.append(Market(
                handle=given["handle"], name=given.get("name") or given["handle"],
                countries=codes, currency=currency, languages=languages, rate=rate,
                ending=ending, excluded=excluded, fixed=MappingProxyType(fixed)))
        return tuple(markets)

    def texts(self, raw: dict, shop: Shop) -> dict[tuple[str, str, str], Text]:
        """Translations by language: {"FR": {"products": {handle: fields}, "collections":
        ...}}, each with any of title, descriptionHtml and seo {title, description}."""
        languages = {code for market in shop.markets for code in market.languages}
        found: dict[tuple[str, str, str], Text] = {}
        for language, kinds in raw.items():
            check(language in languages, f"translations: no market sells in {language!r}")
            for kind in kinds:
                check(kind in ("products", "collections"),
                      f"translations.{language}: {kind!r} (products or collections)")
            for kind, entries in kinds.items():
                for handle, given in entries.items():
                    where = f"translations.{language}.{kind} {handle!r}"
                    record = self.index.get((kind.removesuffix("s"), handle))
                    check(record is not None, f"{where}: unknown {kind.removesuffix('s')}")
                    unknown = set(given) - {"title", "descriptionHtml", "seo"}
                    check(not unknown, f"{where}: cannot translate {sorted(unknown)}")
                    html = given.get("descriptionHtml")
                    words = seo(given.get("seo"))
                    found[(language, kind.removesuffix("s"), handle)] = Text(
                        title=given.get("title") or record.title,
                        description_html=html or record.description_html,
                        description=html_to_text(html) if html else record.description,
                        seo=SEO(words.title or record.seo.title,
                                words.description or record.seo.description),
                    )
        return found

    def shipping_zone(self, raw: dict, number: int) -> ShippingZone:
        where = f"shop.shipping[{number}]"
        countries = tuple(raw.get("countries") or ())
        check(bool(countries), f"{where}: name the countries it ships to")
        rates = []
        for rate in raw.get("rates") or ():
            at = f"{where} rate {rate.get('handle')!r}"
            check_handle(rate.get("handle"), at)
            rates.append(ShippingRate(
                handle=rate["handle"],
                title=rate["title"],
                description=rate.get("description"),
                price=price(rate["price"], f"{at}: price"),
                free_over=price(rate.get("freeOver"), f"{at}: freeOver"),
            ))
        check(bool(rates), f"{where}: a zone needs at least one rate")
        check(len({r.handle for r in rates}) == len(rates), f"{where}: two rates share a handle")
        return ShippingZone(countries, tuple(rates))

    def product(self, raw: dict, position: int) -> Product:
        where = f"product {raw.get('handle')!r}"
        check_handle(raw.get("handle"), where)
        images = tuple(self.image(i, where) for i in raw.get("images", []))
        options = tuple(self.option(o, where) for o in raw["options"])
        check(bool(options), f"{where}: a product needs at least one option")
        variants = tuple(
            self.variant(v, raw["id"], i, options, images, where)
            for i, v in enumerate(raw["variants"], start=1)
        )
        check(bool(variants), f"{where}: a product needs at least one variant")
        combos = [v.options for v in variants]
        check(len(set(combos)) == len(combos), f"{where}: two variants have the same options")
        product = Product(
            id=raw["id"],
            handle=raw["handle"],
            title=raw["title"],
            vendor=raw["vendor"],
            product_type=raw.get("productType") or "",
            tags=tuple(raw.get("tags", [])),
            created_at=raw["createdAt"],
            updated_at=raw["updatedAt"],
            published_at=raw.get("publishedAt") or raw["createdAt"],
            best_selling_rank=int(raw.get("bestSellingRank") or position + 1),
            description_html=raw.get("descriptionHtml") or "",
            description=html_to_text(raw.get("descriptionHtml") or ""),
            seo=seo(raw.get("seo")),
            images=images,
            options=options,
            variants=variants,
        )
        self.add("product", product.handle, product, where)
        self.add("product#", product.id, product, where)
        for variant in variants:
            self.add("variant#", variant.id, variant, where)
        return product

    def option(self, raw: dict, where: str) -> Option:
        values = tuple(raw["values"])
        check(len(set(values)) == len(values), f"{where}: option {raw['name']} repeats a value")
        swatches = raw.get("swatches") or {}
        for value, color in swatches.items():
            check(value in values, f"{where}: swatch for unknown {raw['name']} value {value!r}")
            check(bool(COLOR.fullmatch(color)), f"{where}: swatch {color!r} is not #rrggbb")
        return Option(raw["name"], values, MappingProxyType(dict(swatches)))

    def variant(
        self,
        raw: dict,
        product_id: int,
        position: int,
        options: tuple[Option, ...],
        images: tuple[Image, ...],
        where: str,
    ) -> Variant:
        where = f"{where} variant {raw.get('id')}"
        selected = raw["selectedOptions"]
        check(
            set(selected) == {o.name for o in options},
            f"{where}: selectedOptions must name exactly the product's options",
        )
        for option in options:
            check(
                selected[option.name] in option.values,
                f"{where}: {option.name} {selected[option.name]!r} is not an option value",
            )
        quantity = raw["quantityAvailable"]
        check(isinstance(quantity, int) and quantity >= 0, f"{where}: bad quantityAvailable")
        image_id = raw.get("image")
        check(
            image_id is None or any(i.id == image_id for i in images),
            f"{where}: image {image_id} is not one of the product's images",
        )
        return Variant(
            id=raw["id"],
            product_id=product_id,
            position=position,
            title=raw["title"],
            options=tuple((o.name, selected[o.name]) for o in options),
            sku=raw.get("sku"),
            barcode=raw.get("barcode"),
            price=price(raw["price"], f"{where}: price"),
            compare_at_price=price(raw.get("compareAtPrice"), f"{where}: compareAtPrice"),
            quantity_available=quantity,
            image_id=image_id,
            weight_grams=raw.get("weightGrams"),
            unit_measure=unit_measure(raw.get("unitPriceMeasurement"), where),
        )

    def collection(self, raw: dict) -> Collection:
        where = f"collection {raw.get('handle')!r}"
        check_handle(raw.get("handle"), where)
        handles = tuple(raw.get("products", []))
        check(len(set(handles)) == len(handles), f"{where}: lists a product twice")
        for handle in handles:
            check(("product", handle) in self.index, f"{where}: unknown product {handle!r}")
        collection = Collection(
            id=raw["id"],
            handle=raw["handle"],
            title=raw["title"],
            description_html=raw.get("descriptionHtml") or "",
            description=html_to_text(raw.get("descriptionHtml") or ""),
            image=self.image(raw.get("image"), where),
            seo=seo(raw.get("seo")),
            updated_at=raw["updatedAt"],
            product_handles=handles,
        )
        self.add("collection", collection.handle, collection, where)
        self.add("collection#", collection.id, collection, where)
        return collection

    def page(self, raw: dict) -> Page:
        where = f"page {raw.get('handle')!r}"
        check_handle(raw.get("handle"), where)
        body = raw.get("bodyHtml") or ""
        page = Page(
            id=raw["id"],
            handle=raw["handle"],
            title=raw["title"],
            body_html=body,
            body_summary=raw.get("bodySummary") or html_to_text(body)[:150],
            seo=seo(raw.get("seo")),
            created_at=raw["createdAt"],
            updated_at=raw.get("updatedAt") or raw["createdAt"],
        )
        self.add("page", page.handle, page, where)
        self.add("page#", page.id, page, where)
        return page

    def blog(self, raw: dict) -> Blog:
        where = f"blog {raw.get('handle')!r}"
        check_handle(raw.get("handle"), where)
        articles = tuple(self.article(a, raw["handle"], where) for a in raw.get("articles", []))
        blog = Blog(raw["id"], raw["handle"], raw["title"], seo(raw.get("seo")), articles)
        self.add("blog", blog.handle, blog, where)
        self.add("blog#", blog.id, blog, where)
        return blog

    def article(self, raw: dict, blog_handle: str, where: str) -> Article:
        where = f"{where} article {raw.get('handle')!r}"
        check_handle(raw.get("handle"), where)
        author = raw.get("author") or {}
        for key in ("firstName", "lastName", "email"):
            check(isinstance(author.get(key), str), f"{where}: author.{key} must be a string")
        check(moment(raw.get("publishedAt"), where) is not None, f"{where}: needs publishedAt")
        article = Article(
            id=raw["id"],
            blog_handle=blog_handle,
            handle=raw["handle"],
            title=raw["title"],
            author=Author(author["firstName"], author["lastName"], author["email"],
                          author.get("bio")),
            published_at=raw["publishedAt"],
            tags=tuple(raw.get("tags", [])),
            excerpt_html=raw.get("excerptHtml") or "",
            excerpt=html_to_text(raw.get("excerptHtml") or ""),
            content_html=raw.get("contentHtml") or "",
            content=html_to_text(raw.get("contentHtml") or ""),
            image=self.image(raw.get("image"), where),
            seo=seo(raw.get("seo")),
        )
        self.add("article", (blog_handle, article.handle), article, where)
        self.add("article#", article.id, article, where)
        return article

    def menu(self, raw: dict) -> Menu:
        where = f"menu {raw.get('handle')!r}"
        check_handle(raw.get("handle"), where)
        menu = Menu(
            raw["id"],
            raw["handle"],
            raw["title"],
            tuple(self.menu_item(i, where) for i in raw.get("items", [])),
        )
        self.add("menu", menu.handle, menu, where)
        return menu

    def menu_item(self, raw: dict, where: str) -> MenuItem:
        check(
            raw.get("type") in MENU_ITEM_TYPES, f"{where}: bad menu item type {raw.get('type')!r}"
        )
        self.add("menu-item#", raw["id"], True, where)
        return MenuItem(
            id=raw["id"],
            title=raw["title"],
            type=raw["type"],
            url=raw.get("url"),
            tags=tuple(raw.get("tags", [])),
            items=tuple(self.menu_item(i, where) for i in raw.get("items", [])),
        )

    def redirect(self, raw: dict) -> Redirect:
        where = f"redirect {raw.get('path')!r}"
        path, target = raw.get("path"), raw.get("target")
        check(isinstance(path, str) and path.startswith("/"), f"{where}: a path starts with /")
        check(isinstance(target, str) and bool(target), f"{where}: needs a target")
        check(isinstance(raw.get("id"), int), f"{where}: an id is a number")
        self.add("redirect", path.casefold(), raw["id"], where)
        return Redirect(id=raw["id"], path=path, target=target)

    def discount(self, raw: dict) -> Discount:
        where = f"discount {raw.get('code')!r}"
        check(
            raw.get("type") in DISCOUNT_TYPES,
            f"{where}: type must be one of {sorted(DISCOUNT_TYPES)}",
        )
        check(
            raw.get("status") in DISCOUNT_STATUSES,
            f"{where}: status must be one of {sorted(DISCOUNT_STATUSES)}",
        )
        value = price(raw["value"], f"{where}: value")
        if raw["type"] == "percentage":
            check(Decimal(0) < value <= Decimal(100), f"{where}: a percentage is in (0, 100]")
        entitled = tuple(raw.get("entitledCollections", []))
        for handle in entitled:
            check(("collection", handle) in self.index, f"{where}: unknown collection {handle!r}")
        products = tuple(raw.get("entitledProducts", []))
        for handle in products:
            check(("product", handle) in self.index, f"{where}: unknown product {handle!r}")
        each = raw.get("appliesOnEachItem", False)
        check(isinstance(each, bool), f"{where}: appliesOnEachItem must be true or false")
        check(not each or (raw["type"] == "fixed_amount" and (entitled or products)),
              f"{where}: appliesOnEachItem is for a fixed amount off some collections or products")
        starts_at, ends_at = moment(raw.get("startsAt"), where), moment(raw.get("endsAt"), where)
        check(starts_at is None or ends_at is None or starts_at < ends_at,
              f"{where}: endsAt must be after startsAt")
        discount = Discount(
            code=raw["code"],
            title=raw.get("title") or raw["code"],
            type=raw["type"],
            value=value,
            status=raw["status"],
            minimum_subtotal=price(raw.get("minimumSubtotal"), f"{where}: minimumSubtotal"),
            entitled_collections=entitled,
            entitled_products=products,
            applies_on_each_item=each,
            starts_at=starts_at,
            ends_at=ends_at,
        )
        self.add("discount", discount.code.casefold(), discount, where)
        return discount

    def gift_card(self, raw: dict, shop: Shop) -> GiftCard:
        where = f"gift card {raw.get('id')!r}"  # never its code: codes stay out of messages
        code = raw.get("code")
        check(isinstance(code, str) and bool(GIFT_CARD_CODE.fullmatch(code)),
              f"{where}: a code is 8 to 20 letters and digits")
        initial = price(raw.get("initialValue"), f"{where}: initialValue")
        balance = price(raw.get("balance", raw.get("initialValue")), f"{where}: balance")
        check(initial is not None and initial > 0, f"{where}: initialValue must be above 0")
        check(balance <= initial, f"{where}: balance must not exceed initialValue")
        check(raw.get("currencyCode") == shop.currency_code,
              f"{where}: currencyCode must be the shop's ({shop.currency_code})")
        enabled = raw.get("enabled", True)
        check(isinstance(enabled, bool), f"{where}: enabled must be true or false")
        expires_on = None
        if raw.get("expiresOn") is not None:
            try:
                expires_on = date.fromisoformat(str(raw["expiresOn"]))
            except ValueError as exc:
                raise CatalogError(f"{where}: expiresOn must be a date (YYYY-MM-DD)") from exc
        card = GiftCard(raw["id"], code, initial, balance, raw["currencyCode"], expires_on,
                        enabled)
        self.add("gift-card#", card.id, card, where)
        check(("gift-card", code.casefold()) not in self.index,
              f"{where}: another gift card has the same code")
        self.index[("gift-card", code.casefold())] = card
        return card

    def metaobject(self, raw: dict) -> Metaobject:
        where = f"metaobject {raw.get('type')}/{raw.get('handle')!r}"
        check_handle(raw.get("handle"), where)
        fields = tuple(self.metaobject_field(raw["id"], n, f, where)
                       for n, f in enumerate(raw["fields"], start=1))
        keys = [f.key for f in fields]
        check(len(set(keys)) == len(keys), f"{where}: a field key is repeated")
        metaobject = Metaobject(raw["id"], raw["type"], raw["handle"], raw["updatedAt"], fields)
        self.add("metaobject", (metaobject.type, metaobject.handle), metaobject, where)
        self.add("metaobject#", metaobject.id, metaobject, where)
        return metaobject

    def metaobject_field(self, owner: int, number: int, raw: dict, where: str) -> MetaobjectField:
        """One field; a `file_reference` names an image file (`"file"`) and gets a media id."""
        kind = raw.get("type", "single_line_text_field")
        if kind != "file_reference":
            return MetaobjectField(raw["key"], kind, raw.get("value"))
        image = self.image(raw.get("file"), f"{where}: field {raw['key']!r}")
        check(image is not None, f"{where}: field {raw['key']!r}: a file_reference needs a file")
        # The media's own id, made from the metaobject's: unique, and stable across loads.
        media = f"gid://shopify/MediaImage/{owner * 1000 + number}"
        return MetaobjectField(raw["key"], kind, media, image)


def check(condition: bool, message: str) -> None:
    if not condition:
        raise CatalogError(message)


def check_handle(handle: object, where: str) -> None:
    check(
        isinstance(handle, str) and bool(HANDLE.fullmatch(handle)),
        f"{where}: a handle is lowercase words joined by hyphens",
    )


def moment(raw: object, where: str) -> datetime | None:
    """A discount's startsAt or endsAt, an article's publishedAt: an ISO 8601 date and
    time with its offset."""
    if raw is None:
        return None
    try:
        found = datetime.fromisoformat(str(raw))
    except ValueError as exc:
        raise CatalogError(f"{where}: {raw!r} is not an ISO 8601 date and time") from exc
    check(found.tzinfo is not None, f"{where}: {raw!r} needs an offset (e.g. Z or +02:00)")
    return found


def price(raw: object, where: str, places: int = 2) -> Decimal | None:
    """A money amount from the catalog: a string with at most two decimals (`places`)."""
    if raw is None:
        return None
    try:
        amount = Decimal(str(raw))
    except InvalidOperation as exc:
        raise CatalogError(f"{where}: {raw!r} is not a decimal amount") from exc
    check(
        amount.is_finite() and amount >= 0
        and amount == amount.quantize(Decimal(1).scaleb(-places)),
        f"{where}: {raw!r} must be non-negative with at most "
        f"{ {2: 'two', 6: 'six'}.get(places, places)} decimals",
    )
    return amount


def unit_measure(raw: dict | None, where: str) -> UnitMeasure | None:
    """A variant's unitPriceMeasurement: its quantity, and the quantity its unit price is for."""
    if raw is None:
        return None
    kind = raw.get("measuredType")
    units = MEASURED_TYPES.get(kind, {})
    check(bool(units), f"{where}: unitPriceMeasurement.measuredType {kind!r}")
    for key in ("quantityUnit", "referenceUnit"):
        check(raw.get(key) in units,
              f"{where}: unitPriceMeasurement.{key} is not one of {', '.join(units)}")
    quantity = Decimal(str(raw.get("quantityValue", 0)))
    reference = raw.get("referenceValue")
    check(quantity > 0 and isinstance(reference, int) and reference > 0,
          f"{where}: unitPriceMeasurement needs positive quantityValue and referenceValue")
    return UnitMeasure(kind, quantity, raw["quantityUnit"], reference, raw["referenceUnit"])


def seo(raw: dict | None) -> SEO:
    raw = raw or {}
    return SEO(raw.get("title"), raw.get("description"))


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.parts.append(" ")  # so "<p>a</p><p>b</p>" reads "a b", not "ab"


def html_to_text(html: str) -> str:
    """The plain text of an HTML fragment, whitespace collapsed (Shopify's `description`)."""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    return " ".join(unescape("".join(extractor.parts)).split())
