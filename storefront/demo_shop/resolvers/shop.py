"""The shop and its brand, menus, pages, metaobjects, and lookups by global id."""

from __future__ import annotations

from dataclasses import dataclass

from graphql import GraphQLError

from storefront.demo_shop import ids
from storefront.demo_shop.catalog import (
    Image,
    Menu,
    MenuItem,
    Metaobject,
    MetaobjectField,
    Page,
    Policy,
    Shop,
)
from storefront.demo_shop.pagination import paginate
from storefront.demo_shop.resolvers import registry
from storefront.demo_shop.resolvers.catalog import ctx, one_of, page_of, sold

field = registry.field


# Shop ---------------------------------------------------------------------


@field("QueryRoot", "shop")
def resolve_shop(_, info):
    return ctx(info).catalog.shop


@field("Shop", "id")
def resolve_shop_id(shop: Shop, info):
    return ids.gid("Shop", shop.id)


@field("Shop", "paymentSettings")
def resolve_payment_settings(shop: Shop, info):
    """The shop's own currency and country, and every market's currency it accepts."""
    currencies = dict.fromkeys(market.currency for market in shop.markets)
    return {
        "countryCode": shop.primary_market.countries[0],
        "currencyCode": shop.currency_code,
        "enabledPresentmentCurrencies": list(currencies),
    }


@field("Shop", "primaryDomain")
def resolve_primary_domain(shop: Shop, info):
    return {"host": shop.host, "url": shop.url, "sslEnabled": shop.url.startswith("https://")}


def _policy(name: str):
    def resolve(shop: Shop, info):
        return shop.policies.get(name)

    return resolve


for _name in ("shippingPolicy", "refundPolicy", "privacyPolicy", "termsOfService"):
    field("Shop", _name)(_policy(_name))


@field("ShopPolicy", "id")
def resolve_policy_id(policy: Policy, info):
    return ids.gid("ShopPolicy", policy.id)


SUBSCRIPTION_HANDLE = "subscription-policy"
SUBSCRIPTION_DEFAULT = (
    "<p>Subscriptions renew automatically, at the price and frequency shown when you "
    "subscribed, until you cancel them. You can cancel or pause a subscription at any "
    "time before its next renewal.</p>"
)


@field("Shop", "subscriptionPolicy")
def resolve_subscription_policy(shop: Shop, info):
    """The merchant's policy, else Shopify's way: a default text, with no id."""
    written = shop.policies.get("subscriptionPolicy")
    if written is not None:
        return written
    url = ctx(info).store_url(f"/policies/{SUBSCRIPTION_HANDLE}")
    return Policy(None, "Subscription policy", SUBSCRIPTION_HANDLE, SUBSCRIPTION_DEFAULT, url)


@field("ShopPolicyWithDefault", "id")
def resolve_policy_with_default_id(policy: Policy, info):
    return ids.gid("ShopPolicy", policy.id) if policy.id is not None else None


@dataclass(frozen=True)
class MediaImage:
    """A brand image as Shopify serves it: media wrapping an image."""

    number: int
    image: Image

    @property
    def alt(self) -> str:
        return self.image.alt


def _brand_image(attribute: str, number: int):
    def resolve(brand, info):
        image = getattr(brand, attribute)
        return MediaImage(number, image) if image else None

    return resolve


for _number, (_field, _attribute) in enumerate(
    (("logo", "logo"), ("squareLogo", "square_logo"), ("coverImage", "cover_image")), start=1
):
    field("Brand", _field)(_brand_image(_attribute, _number))


@field("MediaImage", "id")
def resolve_media_image_id(media: MediaImage, info):
    return ids.gid("MediaImage", media.number)


@field("MediaImage", "mediaContentType")
def resolve_media_type(media: MediaImage, info):
    return "IMAGE"


@field("MediaImage", "previewImage")
def resolve_preview_image(media: MediaImage, info):
    return media.image


# Menus --------------------------------------------------------------------


@field("QueryRoot", "menu")
def resolve_menu(_, info, handle):
    return ctx(info).catalog.menu(handle)


@field("Menu", "id")
def resolve_menu_id(menu: Menu, info):
    return ids.gid("Menu", menu.id)


@field("Menu", "itemsCount")
def resolve_items_count(menu: Menu, info):
    return len(menu.items)


@field("MenuItem", "id")
def resolve_menu_item_id(item: MenuItem, info):
    return ids.gid("MenuItem", item.id)


@field("MenuItem", "resourceId")
def resolve_menu_item_resource(item: MenuItem, info):
    """The gid of the collection, product, page or blog the item links to, when it is one
    of ours."""
    catalog = ctx(info).catalog
    path = (item.url or "").removeprefix(catalog.shop.url.rstrip("/"))
    kind, _, handle = path.strip("/").partition("/")
    found = {
        "collections": ("Collection", catalog.collection),
        "products": ("Product", catalog.product),
        "pages": ("Page", catalog.page),
        "blogs": ("Blog", catalog.blog),
    }.get(kind)
    record = found[1](handle) if found and handle else None
    return ids.gid(found[0], record.id) if record else None


# Pages --------------------------------------------------------------------


@field("QueryRoot", "page")
def resolve_page(_, info, id=None, handle=None):
    catalog = ctx(info).catalog
    return one_of(
        info,
        id=id,
        handle=handle,
        type_name="Page",
        by_id=catalog.page_by_id,
        by_handle=catalog.page,
    )


@field("QueryRoot", "pageByHandle")
def resolve_page_by_handle(_, info, handle):
    return ctx(info).catalog.page(handle)


PAGE_SORTS = {
    "TITLE": lambda p: (p.title.casefold(), p.id),
    "UPDATED_AT": lambda p: (p.updated_at, p.id),
}


@field("QueryRoot", "pages")
def resolve_pages(_, info, sortKey=None, reverse=False, query=None, **window):
    return page_of(info, ctx(info).search.pages, PAGE_SORTS, sortKey, reverse, query, window)


@field("Page", "id")
def resolve_page_id(page: Page, info):
    return ids.gid("Page", page.id)


@field("Page", "body")
def resolve_page_body(page: Page, info):
    return page.body_html


@field("Page", "onlineStoreUrl")
def resolve_page_url(page: Page, info):
    return ctx(info).store_url(f"/pages/{page.handle}")


# Metaobjects --------------------------------------------------------------


@field("QueryRoot", "metaobject")
def resolve_metaobject(_, info, id=None, handle=None):
    catalog = ctx(info).catalog
    return one_of(
        info,
        id=id,
        handle=handle,
        type_name="Metaobject",
        by_id=catalog.metaobject_by_id,
        by_handle=lambda h: catalog.metaobject(h["type"], h["handle"]),
    )


METAOBJECT_SORTS = {
    "id": lambda m: (m.id,),
    "type": lambda m: (m.type, m.id),
    "updated_at": lambda m: (m.updated_at, m.id),
    "display_name": lambda m: (m.handle, m.id),
}


@field("QueryRoot", "metaobjects")
def resolve_metaobjects(_, info, type, sortKey=None, reverse=False, **window):
    if sortKey is not None and sortKey not in METAOBJECT_SORTS:
        raise GraphQLError(
            f"Invalid sortKey {sortKey!r}: use one of {', '.join(sorted(METAOBJECT_SORTS))}."
        )
    items = [m for m in ctx(info).catalog.metaobjects if m.type == type]
    return paginate(items, METAOBJECT_SORTS[sortKey or "id"], reverse=bool(reverse), **window)


@field("Metaobject", "id")
def resolve_metaobject_id(metaobject: Metaobject, info):
    return ids.gid("Metaobject", metaobject.id)


@field("Metaobject", "field")
def resolve_metaobject_field(metaobject: Metaobject, info, key):
    return next((f for f in metaobject.fields if f.key == key), None)


@field("MetaobjectField", "reference")
def resolve_metaobject_reference(metaobject_field: MetaobjectField, info):
    if metaobject_field.image is None:
        return None
    return MediaImage(ids.number_of(metaobject_field.value, "MediaImage"), metaobject_field.image)


# Nodes --------------------------------------------------------------------


def find_node(info, value: object):
    """The record a gid names, or None for an id of the wrong shape or an unknown one."""
    catalog = ctx(info).catalog
    parsed = ids.parse_gid(value)
    if parsed is None:
        return None
    type_name, number = parsed
    if type_name == "Product":
        return sold(info, catalog.product_by_id(number))
    if type_name == "ProductVariant":  # a variant of a product the market leaves out is not found
        variant = catalog.variant(number)
        product = catalog.product_by_id(variant.product_id) if variant else None
        return variant if sold(info, product) else None
    lookup = {
        "Collection": catalog.collection_by_id,
        "Page": catalog.page_by_id,
        "Metaobject": catalog.metaobject_by_id,
        "UrlRedirect": catalog.redirect_by_id,
        "Blog": catalog.blog_by_id,
        "Article": catalog.article_by_id,
    }.get(type_name)
    return lookup(number) if lookup else None


@field("QueryRoot", "node")
def resolve_node(_, info, id):
    return find_node(info, id)


@field("QueryRoot", "nodes")
def resolve_nodes(_, info, **args):
    values = args["ids"]
    if len(values) > 250:
        raise GraphQLError("`ids` takes at most 250 ids.")
    return [find_node(info, value) for value in values]
