"""Plain app objects the client hands upward. Nothing above it sees edges or nodes."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Generic, TypeVar

from storefront.markets import Offered

T = TypeVar("T")


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency_code: str


@dataclass(frozen=True)
class Image:
    url: str
    alt: str
    width: int | None = None
    height: int | None = None
    id: str | None = None


@dataclass(frozen=True)
class SEO:
    title: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class PageInfo:
    has_next_page: bool = False
    has_previous_page: bool = False
    start_cursor: str | None = None
    end_cursor: str | None = None


@dataclass(frozen=True)
class Paginated(Generic[T]):
    items: list[T]
    page_info: PageInfo
    total_count: int | None = None


@dataclass(frozen=True)
class PriceRange:
    min: Money
    max: Money


@dataclass(frozen=True)
class ProductCard:
    id: str
    handle: str
    title: str
    vendor: str
    available: bool
    image: Image | None
    price: PriceRange
    compare_at_price: PriceRange | None
    # Handles of (the first few of) the product's collections: which products a
    # creator's offer limited to collections reaches (storefront.creators.offers).
    collections: tuple[str, ...] = ()


@dataclass(frozen=True)
class OptionValue:
    name: str
    swatch_color: str | None = None


@dataclass(frozen=True)
class Option:
    name: str
    values: list[OptionValue]


@dataclass(frozen=True)
class Variant:
    id: str
    title: str
    sku: str | None
    available: bool
    quantity_available: int | None
    options: dict[str, str]
    price: Money
    compare_at_price: Money | None
    image: Image | None


@dataclass(frozen=True)
class Product(ProductCard):
    product_type: str = ""
    tags: list[str] = field(default_factory=list)
    description: str = ""
    description_html: str = ""
    created_at: str | None = None
    updated_at: str | None = None
    seo: SEO = SEO()
    options: list[Option] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    variants: list[Variant] = field(default_factory=list)
    selected_variant: Variant | None = None


@dataclass(frozen=True)
class Collection:
    id: str
    handle: str
    title: str
    description: str
    description_html: str
    image: Image | None
    seo: SEO
    updated_at: str | None = None


@dataclass(frozen=True)
class CollectionPage:
    collection: Collection
    products: Paginated[ProductCard]


@dataclass(frozen=True)
class Page:
    """A content page of the shop (about, faq...), not a page of results."""

    id: str
    handle: str
    title: str
    body_html: str
    summary: str
    seo: SEO
    created_at: str | None = None
    updated_at: str | None = None


@dataclass(frozen=True)
class Blog:
    id: str
    handle: str
    title: str
    seo: SEO


@dataclass(frozen=True)
class ArticleCard:
    """What a blog's list, search results and suggestions show of an article."""

    id: str
    handle: str
    blog_handle: str
    title: str
    published_at: str
    author: str | None  # the author's name
    excerpt: str  # plain text
    excerpt_html: str
    image: Image | None
    tags: list[str] = field(default_factory=list)

    @property
    def path(self) -> str:
        """Where the store shows it: /blogs/<blog>/<article>."""
        return f"/blogs/{self.blog_handle}/{self.handle}"


@dataclass(frozen=True)
class Article(ArticleCard):
    content_html: str = ""
    author_bio: str | None = None
    seo: SEO = SEO()


@dataclass(frozen=True)
class BlogPage:
    blog: Blog
    articles: Paginated[ArticleCard]


@dataclass(frozen=True)
class ArticlePage:
    blog: Blog
    article: Article


@dataclass(frozen=True)
class MenuItem:
    title: str
    type: str
    url: str
    items: list[MenuItem] = field(default_factory=list)


@dataclass(frozen=True)
class Menu:
    handle: str
    title: str
    items: list[MenuItem]


@dataclass(frozen=True)
class Brand:
    slogan: str | None
    short_description: str | None
    logo: Image | None
    square_logo: Image | None
    cover_image: Image | None
    colors: dict[str, list[dict[str, str | None]]]


@dataclass(frozen=True)
class Shop:
    id: str
    name: str
    description: str | None
    money_format: str | None
    domain_host: str
    domain_url: str
    brand: Brand | None


@dataclass(frozen=True)
class Layout:
    shop: Shop
    main_menu: Menu | None
    footer_menu: Menu | None
    localization: Localization | None = None


@dataclass(frozen=True)
class Localization:
    """The market Shopify answered in, and every market the shop sells in."""

    country: str
    language: str
    countries: list[Offered]

    def offers(self, country: str, language: str) -> bool:
        return any(entry.country == country and language in dict(entry.languages)
                   for entry in self.countries)


@dataclass(frozen=True)
class PredictiveResults:
    products: list[ProductCard]
    collections: list[dict]
    pages: list[dict]
    queries: list[dict]
    articles: list[ArticleCard] = field(default_factory=list)


@dataclass(frozen=True)
class SearchResults:
    """A search's products, and its first few articles when they were asked for."""

    products: Paginated[ProductCard]
    articles: Paginated[ArticleCard] | None = None


@dataclass(frozen=True)
class MetaobjectField:
    key: str
    type: str  # Shopify's field type: single_line_text_field, json, file_reference...
    value: str | None  # always text: JSON for lists and json fields, a gid for references
    image_url: str | None = None  # a reference to an image (MediaImage): where it is served


@dataclass(frozen=True)
class Metaobject:
    id: str
    handle: str
    type: str
    fields: dict[str, str | None]  # key -> value, for readers that need no more
    updated_at: str | None = None
    entries: tuple[MetaobjectField, ...] = ()  # every field in full, in Shopify's order


@dataclass(frozen=True)
class DiscountAllocation:
    amount: Money
    code: str | None
    target_type: str


@dataclass(frozen=True)
class CartLineProduct:
    id: str
    handle: str
    title: str
    vendor: str


@dataclass(frozen=True)
class CartLine:
    id: str
    quantity: int
    variant: Variant
    product: CartLineProduct
    attributes: dict[str, str | None]
    unit_price: Money
    compare_at_unit_price: Money | None
    subtotal: Money
    total: Money
    discounts: list[DiscountAllocation]


@dataclass(frozen=True)
class DiscountCode:
    code: str
    applicable: bool


@dataclass(frozen=True)
class AppliedGiftCard:
    """A gift card paying part of the cart: Shopify shows only its last characters."""

    id: str
    last_characters: str
    amount_used: Money  # what it pays of this cart
    balance: Money  # what is left on the card


@dataclass(frozen=True)
class Cart:
    id: str
    checkout_url: str
    total_quantity: int
    note: str | None
    attributes: dict[str, str | None]
    discount_codes: list[DiscountCode]
    discounts: list[DiscountAllocation]
    lines: list[CartLine]
    subtotal: Money
    total: Money  # what is left to pay: after discounts, and after gift cards paid their part
    buyer_country: str | None = None
    buyer_email: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    gift_cards: list[AppliedGiftCard] = field(default_factory=list)


@dataclass(frozen=True)
class UserError:
    code: str | None
    field: list[str] | None
    message: str


@dataclass(frozen=True)
class CartWarning:
    code: str
    message: str
    target: str | None


@dataclass(frozen=True)
class CartResult:
    """What a cart mutation returns: the cart (None when refused) and why."""

    cart: Cart | None
    user_errors: list[UserError]
    warnings: list[CartWarning]


@dataclass(frozen=True)
class CollectionTeaser:
    """A collection with its first few products, as a home page shows it."""

    collection: Collection
    products: list[ProductCard]


@dataclass(frozen=True)
class HomePage:
    featured: CollectionTeaser | None
    collections: list[CollectionTeaser]


@dataclass(frozen=True)
class Policy:
    handle: str
    title: str
    body_html: str


@dataclass(frozen=True)
class SitemapEntry:
    handle: str
    updated_at: str | None
    blog: str | None = None  # an article's blog handle (its URL needs both)
