"""Turn Storefront API replies into the plain objects of `models.py`.

The only module that knows the API's shapes: connections become lists, money
becomes Decimal, optional objects become None.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from storefront.markets import Offered
from storefront.shopify import models as m

Raw = dict[str, Any]


def nodes(connection: Raw | None) -> list[Raw]:
    """The items of a connection, whether asked for as `nodes` or `edges`."""
    if not connection:
        return []
    if "nodes" in connection:
        return [node for node in connection["nodes"] if node]
    return [edge["node"] for edge in connection.get("edges", []) if edge and edge.get("node")]


def money(raw: Raw | None) -> m.Money | None:
    if not raw:
        return None
    return m.Money(amount=Decimal(str(raw["amount"])), currency_code=raw["currencyCode"])


def image(raw: Raw | None) -> m.Image | None:
    if not raw or not raw.get("url"):
        return None
    return m.Image(
        url=raw["url"],
        alt=raw.get("altText") or "",
        width=raw.get("width"),
        height=raw.get("height"),
        id=raw.get("id"),
    )


def seo(raw: Raw | None) -> m.SEO:
    raw = raw or {}
    return m.SEO(title=raw.get("title"), description=raw.get("description"))


def page_info(raw: Raw | None) -> m.PageInfo:
    raw = raw or {}
    return m.PageInfo(
        has_next_page=bool(raw.get("hasNextPage")),
        has_previous_page=bool(raw.get("hasPreviousPage")),
        start_cursor=raw.get("startCursor"),
        end_cursor=raw.get("endCursor"),
    )


def paginated(connection: Raw, item) -> m.Paginated:
    return m.Paginated(
        items=[item(node) for node in nodes(connection)],
        page_info=page_info(connection.get("pageInfo")),
        total_count=connection.get("totalCount"),
    )


def _price_range(raw: Raw | None) -> m.PriceRange | None:
    if not raw:
        return None
    low, high = money(raw.get("minVariantPrice")), money(raw.get("maxVariantPrice"))
    if low is None or high is None:
        return None
    return m.PriceRange(min=low, max=high)


def _card_fields(raw: Raw) -> dict[str, Any]:
    compare_at = _price_range(raw.get("compareAtPriceRange"))
    # Shopify reports a zero compare-at range for products with no compare-at price.
    if compare_at is not None and compare_at.max.amount == 0:
        compare_at = None
    return {
        "id": raw["id"],
        "handle": raw["handle"],
        "title": raw["title"],
        "vendor": raw.get("vendor") or "",
        "available": bool(raw.get("availableForSale")),
        "image": image(raw.get("featuredImage")),
        "price": _price_range(raw.get("priceRange")),
        "compare_at_price": compare_at,
        "collections": tuple(c["handle"] for c in nodes(raw.get("collections"))),
    }


def product_card(raw: Raw) -> m.ProductCard:
    return m.ProductCard(**_card_fields(raw))


def variant(raw: Raw | None) -> m.Variant | None:
    if not raw:
        return None
    return m.Variant(
        id=raw["id"],
        title=raw.get("title") or "",
        sku=raw.get("sku"),
        available=bool(raw.get("availableForSale")),
        quantity_available=raw.get("quantityAvailable"),
        options={o["name"]: o["value"] for o in raw.get("selectedOptions") or []},
        price=money(raw.get("price")),
        compare_at_price=money(raw.get("compareAtPrice")),
        image=image(raw.get("image")),
    )


def _option(raw: Raw) -> m.Option:
    return m.Option(
        name=raw["name"],
        values=[
            m.OptionValue(name=v["name"], swatch_color=(v.get("swatch") or {}).get("color"))
            for v in raw.get("optionValues") or []
        ],
    )


def product(raw: Raw | None) -> m.Product | None:
    if not raw:
        return None
    return m.Product(
        **_card_fields(raw),
        product_type=raw.get("productType") or "",
        tags=list(raw.get("tags") or []),
        description=raw.get("description") or "",
        description_html=raw.get("descriptionHtml") or "",
        created_at=raw.get("createdAt"),
        updated_at=raw.get("updatedAt"),
        seo=seo(raw.get("seo")),
        options=[_option(o) for o in raw.get("options") or []],
        images=[img for img in map(image, nodes(raw.get("images"))) if img],
        variants=[v for v in map(variant, nodes(raw.get("variants"))) if v],
        selected_variant=variant(raw.get("selectedOrFirstAvailableVariant")),
    )


def collection(raw: Raw | None) -> m.Collection | None:
    if not raw:
        return None
    return m.Collection(
        id=raw["id"],
        handle=raw["handle"],
        title=raw["title"],
        description=raw.get("description") or "",
        description_html=raw.get("descriptionHtml") or "",
        image=image(raw.get("image")),
        seo=seo(raw.get("seo")),
        updated_at=raw.get("updatedAt"),
    )


def collection_page(raw: Raw | None) -> m.CollectionPage | None:
    if not raw:
        return None
    return m.CollectionPage(
        collection=collection(raw), products=paginated(raw["products"], product_card)
    )


def page(raw: Raw | None) -> m.Page | None:
    if not raw:
        return None
    return m.Page(
        id=raw["id"],
        handle=raw["handle"],
        title=raw["title"],
        body_html=raw.get("body") or "",
        summary=raw.get("bodySummary") or "",
        seo=seo(raw.get("seo")),
        created_at=raw.get("createdAt"),
        updated_at=raw.get("updatedAt"),
    )


def blog(raw: Raw) -> m.Blog:
    return m.Blog(id=raw["id"], handle=raw["handle"], title=raw["title"], seo=seo(raw.get("seo")))


def _article_fields(raw: Raw) -> dict[str, Any]:
    author = raw.get("authorV2") or {}
    return {
        "id": raw["id"],
        "handle": raw["handle"],
        "blog_handle": raw["blog"]["handle"],
        "title": raw["title"],
        "published_at": raw["publishedAt"],
        "author": author.get("name") or None,
        "excerpt": raw.get("excerpt") or "",
        "excerpt_html": raw.get("excerptHtml") or "",
        "image": image(raw.get("image")),
        "tags": list(raw.get("tags") or []),
    }


def article_card(raw: Raw) -> m.ArticleCard:
    return m.ArticleCard(**_article_fields(raw))


def article(raw: Raw) -> m.Article:
    return m.Article(
        **_article_fields(raw),
        content_html=raw.get("contentHtml") or "",
        author_bio=(raw.get("authorV2") or {}).get("bio") or None,
        seo=seo(raw.get("seo")),
    )


def blog_page(raw: Raw | None) -> m.BlogPage | None:
    if not raw:
        return None
    return m.BlogPage(blog=blog(raw), articles=paginated(raw["articles"], article_card))


def article_page(raw: Raw | None) -> m.ArticlePage | None:
    """The blog and its article; None when either is missing."""
    if not raw or not raw.get("articleByHandle"):
        return None
    return m.ArticlePage(blog=blog(raw), article=article(raw["articleByHandle"]))


def _menu_item(raw: Raw) -> m.MenuItem:
    return m.MenuItem(
        title=raw["title"],
        type=raw.get("type") or "HTTP",
        url=raw.get("url") or "",
        items=[_menu_item(child) for child in raw.get("items") or []],
    )


def menu(raw: Raw | None) -> m.Menu | None:
    if not raw:
        return None
    return m.Menu(
        handle=raw["handle"],
        title=raw["title"],
        items=[_menu_item(item) for item in raw.get("items") or []],
    )


def _media_image(raw: Raw | None) -> m.Image | None:
    return image((raw or {}).get("image"))


def shop(raw: Raw) -> m.Shop:
    brand = raw.get("brand")
    domain = raw.get("primaryDomain") or {}
    return m.Shop(
        id=raw["id"],
        name=raw["name"],
        description=raw.get("description"),
        money_format=raw.get("moneyFormat"),
        domain_host=domain.get("host", ""),
        domain_url=domain.get("url", ""),
        brand=m.Brand(
            slogan=brand.get("slogan"),
            short_description=brand.get("shortDescription"),
            logo=_media_image(brand.get("logo")),
            square_logo=_media_image(brand.get("squareLogo")),
            cover_image=_media_image(brand.get("coverImage")),
            colors=brand.get("colors") or {},
        )
        if brand
        else None,
    )


def localization(raw: Raw | None) -> m.Localization | None:
    if not raw:
        return None
    return m.Localization(
        country=raw["country"]["isoCode"],
        language=raw["language"]["isoCode"],
        countries=[
            Offered(
                country=entry["isoCode"],
                name=entry["name"],
                currency=entry["currency"]["isoCode"],
                symbol=entry["currency"]["symbol"],
                languages=tuple((language["isoCode"], language["endonymName"])
                                for language in entry["availableLanguages"]),
                default_language=entry["defaultLanguage"]["isoCode"],
            )
            for entry in raw["availableCountries"]
        ],
    )


def metaobject(raw: Raw | None) -> m.Metaobject | None:
    if not raw:
        return None
    fields = raw.get("fields") or []
    return m.Metaobject(
        id=raw["id"],
        handle=raw["handle"],
        type=raw["type"],
        fields={f["key"]: f.get("value") for f in fields},
        updated_at=raw.get("updatedAt"),
        entries=tuple(_metaobject_field(f) for f in fields),
    )


def _metaobject_field(raw: Raw) -> m.MetaobjectField:
    image = ((raw.get("reference") or {}).get("image")) or {}
    return m.MetaobjectField(
        key=raw["key"], type=raw["type"], value=raw.get("value"), image_url=image.get("url")
    )


def _allocation(raw: Raw) -> m.DiscountAllocation:
    return m.DiscountAllocation(
        amount=money(raw["discountedAmount"]),
        code=raw.get("code"),
        target_type=raw.get("targetType") or "LINE_ITEM",
    )


def _attributes(raw: list[Raw] | None) -> dict[str, str | None]:
    return {a["key"]: a.get("value") for a in raw or []}


def cart_line(raw: Raw) -> m.CartLine:
    merchandise = raw["merchandise"]
    product_raw = merchandise["product"]
    cost = raw["cost"]
    return m.CartLine(
        id=raw["id"],
        quantity=raw["quantity"],
        variant=variant(merchandise),
        product=m.CartLineProduct(
            id=product_raw["id"],
            handle=product_raw["handle"],
            title=product_raw["title"],
            vendor=product_raw.get("vendor") or "",
        ),
        attributes=_attributes(raw.get("attributes")),
        unit_price=money(cost["amountPerQuantity"]),
        compare_at_unit_price=money(cost.get("compareAtAmountPerQuantity")),
        subtotal=money(cost["subtotalAmount"]),
        total=money(cost["totalAmount"]),
        discounts=[_allocation(a) for a in raw.get("discountAllocations") or []],
    )


def cart(raw: Raw | None) -> m.Cart | None:
    if not raw:
        return None
    buyer = raw.get("buyerIdentity") or {}
    return m.Cart(
        id=raw["id"],
        checkout_url=raw["checkoutUrl"],
        total_quantity=raw.get("totalQuantity") or 0,
        note=raw.get("note"),
        attributes=_attributes(raw.get("attributes")),
        discount_codes=[
            m.DiscountCode(code=c["code"], applicable=bool(c["applicable"]))
            for c in raw.get("discountCodes") or []
        ],
        discounts=[_allocation(a) for a in raw.get("discountAllocations") or []],
        lines=[cart_line(line) for line in nodes(raw.get("lines")) if line.get("merchandise")],
        subtotal=money(raw["cost"]["subtotalAmount"]),
        total=money(raw["cost"]["totalAmount"]),
        buyer_country=buyer.get("countryCode"),
        buyer_email=buyer.get("email"),
        created_at=raw.get("createdAt"),
        updated_at=raw.get("updatedAt"),
        gift_cards=[applied_gift_card(g) for g in raw.get("appliedGiftCards") or []],
    )


def applied_gift_card(raw: Raw) -> m.AppliedGiftCard:
    return m.AppliedGiftCard(
        id=raw["id"],
        last_characters=raw["lastCharacters"],
        amount_used=money(raw["amountUsed"]),
        balance=money(raw["balance"]),
    )


def cart_result(payload: Raw | None) -> m.CartResult:
    payload = payload or {}
    return m.CartResult(
        cart=cart(payload.get("cart")),
        user_errors=[
            m.UserError(code=e.get("code"), field=e.get("field"), message=e["message"])
            for e in payload.get("userErrors") or []
        ],
        warnings=[
            m.CartWarning(code=w["code"], message=w["message"], target=w.get("target"))
            for w in payload.get("warnings") or []
        ],
    )


def collection_teaser(raw: Raw | None) -> m.CollectionTeaser | None:
    if not raw:
        return None
    return m.CollectionTeaser(
        collection=collection(raw), products=[product_card(p) for p in nodes(raw["products"])]
    )


POLICY_FIELDS = ("privacyPolicy", "refundPolicy", "shippingPolicy", "termsOfService")


def policy(raw: Raw | None) -> m.Policy | None:
    if not raw:
        return None
    return m.Policy(handle=raw["handle"], title=raw["title"], body_html=raw.get("body") or "")


def sitemap_entry(raw: Raw) -> m.SitemapEntry:
    """A product, collection, page, blog (no date) or article (its publishing date)."""
    return m.SitemapEntry(
        handle=raw["handle"],
        updated_at=raw.get("updatedAt") or raw.get("publishedAt"),
        blog=(raw.get("blog") or {}).get("handle"),
    )
