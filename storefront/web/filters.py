"""Jinja filters and globals every theme can use (documented in themes/README.md)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

from babel.dates import format_date
from babel.numbers import format_currency
from flask import Flask, has_request_context, request
from flask_babel import lazy_gettext
from jinja2 import pass_context
from markupsafe import Markup, escape

from storefront import colors
from storefront.locales import shopper_locale
from storefront.services.blogs import tag_handle
from storefront.shopify import models as m
from storefront.theming.themes import COLOR, FONT_FAMILIES
from storefront.web.pages import TRACKING


def money(value: m.Money | None) -> str:
    """`$38.00` for Money(38, USD) in en_US; '' for None."""
    if value is None:
        return ""
    return format_currency(Decimal(value.amount), value.currency_code, locale=shopper_locale())


def date(value: str | None, style: str = "long") -> str:
    """An ISO 8601 date and time from Shopify (`2026-01-25T10:00:00Z`) as its day in the
    shopper's locale: `January 25, 2026` ("long"), `Jan 25, 2026` ("medium"); '' for
    None or anything unreadable."""
    try:
        day = datetime.fromisoformat(value or "").date()
    except (TypeError, ValueError):
        return ""
    return format_date(day, style, locale=shopper_locale())


def amount(value: m.Money) -> str:
    """The plain number of a price with its cents (`38.00`), for meta tags and data."""
    return f"{Decimal(value.amount):.2f}"


def image_url(image: m.Image | None, width: int | None = None) -> str:
    """The image's URL, asking Shopify's CDN for `width` pixels when given."""
    if image is None:
        return ""
    if not width:
        return image.url
    parts = urlsplit(image.url)
    query = f"{parts.query}&" if parts.query else ""
    return urlunsplit(parts._replace(query=query + urlencode({"width": int(width)})))


def srcset(image: m.Image | None, widths: Iterable[int]) -> str:
    """`srcset` candidates of the image at `widths` from Shopify's CDN transforms.

    Widths above the image's own are left out (the CDN would not enlarge it);
    its own width stands in for them, so there is always one candidate.
    """
    if image is None:
        return ""
    wanted = sorted({int(width) for width in widths if int(width) > 0})
    if image.width:
        wanted = sorted({min(width, image.width) for width in wanted})
    return ", ".join(f"{image_url(image, width)} {width}w" for width in wanted)


def initials(name: str | None) -> str:
    """A name's initials for an avatar that has no picture: "Maya Rivers" -> "MR"."""
    words = [word for word in (name or "").split() if word[:1].isalnum()]
    if not words:
        return "?"
    picked = words[:1] + words[1:][-1:]
    return "".join(word[0] for word in picked).upper()


def readable_colors(palette: Mapping[str, str]) -> dict[str, str]:
    """A page's colours with those derived so that accents read (storefront.colors.derived)."""
    return {**palette, **colors.derived(palette)}


def localize(url: str | None) -> str:
    """A store path as this market's: `/cart` -> `/fr-ca/cart` on a page of the market
    served under `/fr-ca` (the store puts a market's prefix in SCRIPT_NAME, so it is
    `request.script_root`); unchanged for the primary market, outside a request, and for
    anything that is not a path on this site (`https://...`, `//host`, `#top`,
    `?variant=1`, `mailto:`). A path already under the prefix is left as it is, so
    applying it twice does no harm. Theme asset URLs do not go through it."""
    url = "" if url is None else str(url)
    root = request.script_root if has_request_context() else ""
    if not root or not url.startswith("/") or url.startswith("//"):
        return url
    if url == root or url.startswith(root + "/"):
        return url
    return root + url


def local_url(url: str | None, shop: m.Shop | None = None) -> str:
    """A menu link: absolute URLs on the shop's own domain become paths on this site
    (in this request's market, see `localize`)."""
    if not url:
        return "#"
    parts = urlsplit(url)
    own_hosts = {request.host.split(":")[0].lower()}  # as in the page key
    if shop is not None:
        own_hosts.add(shop.domain_host)
        own_hosts.add(urlsplit(shop.domain_url).hostname or "")
    if parts.scheme in ("http", "https") and parts.hostname in own_hosts:
        return localize(urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment)))
    if url.startswith("/"):
        return localize(url)
    if parts.scheme in ("http", "https", "mailto", "tel"):
        return url
    return "#"  # javascript: and other schemes never become links


def numeric_id(gid: str | None) -> str:
    """The number at the end of a Shopify gid (`gid://shopify/ProductVariant/42` -> `42`)."""
    return (gid or "").rsplit("/", 1)[-1].split("?", 1)[0]


def url_with(**changes) -> str:
    """The current URL with query parameters changed (None removes one).

    Tracking parameters (`web.pages.TRACKING`) are left out: the page cache
    leaves them out of its key, so a page printing them would hand the first
    visitor's values to everyone. `url_with()` is this page's own address, in this
    request's market (`localize`).
    """
    args = {k: v for k, v in request.args.items() if not TRACKING.fullmatch(k)}
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    query = urlencode(sorted(args.items()))
    return localize(request.path + (f"?{query}" if query else ""))


def absolute_url(url: str) -> str:
    """`url` made absolute on this site (for canonical links, Open Graph, sitemaps)."""
    return urljoin(request.host_url, url)


def canonical_url() -> str:
    """This page's URL without its query: variants, sorting and tracking are not new pages."""
    return request.base_url


def product_json_ld(product: m.Product) -> dict:
    """schema.org Product data; the template writes it with `tojson`, which escapes it."""
    url = canonical_url()
    offers = [
        {
            "@type": "Offer",
            "name": v.title,
            "sku": v.sku or "",
            "price": amount(v.price),
            "priceCurrency": v.price.currency_code,
            "availability": "https://schema.org/"
            + ("InStock" if v.available else "OutOfStock"),
            "url": f"{url}?variant={numeric_id(v.id)}",
        }
        for v in product.variants
    ]
    return {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.title,
        "description": product.description,
        "brand": {"@type": "Brand", "name": product.vendor},
        "url": url,
        "image": [absolute_url(image_url(i, 1200)) for i in product.images[:5]],
        "offers": offers,
    }


def article_json_ld(article: m.Article, blog: m.Blog, shop: m.Shop) -> dict:
    """schema.org Article data; the template writes it with `tojson`, which escapes it."""
    url = canonical_url()
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": article.title,
        "description": article.seo.description or article.excerpt,
        "datePublished": article.published_at,
        "url": url,
        "mainEntityOfPage": url,
        "articleSection": blog.title,
        "keywords": ", ".join(article.tags),
        "publisher": {"@type": "Organization", "name": shop.name},
    }
    if article.author:
        data["author"] = {"@type": "Person", "name": article.author}
    if article.image is not None:
        data["image"] = [absolute_url(image_url(article.image, 1200))]
    return data


def titled(title: str) -> str:
    """A page title ending with the shop's name, unless Shopify's SEO title has it already."""
    from storefront.web.layout import layout

    name = layout().shop.name
    # `+` keeps a Markup title Markup (escaping the name), so nothing is escaped twice.
    return title if name.casefold() in title.casefold() else title + " | " + name


def css_value(value: object) -> Markup:
    """A theme setting for a <style> block: a colour (#rgb, #rrggbb) or a font-family
    list, as it is (HTML escaping is not undone inside <style>: "Helvetica Neue" would
    reach the browser as &#34;Helvetica Neue&#34; and be dropped). Anything else, which
    theme loading refuses, becomes `inherit`."""
    text = str(value)
    if COLOR.fullmatch(text) or FONT_FAMILIES.fullmatch(text):
        return Markup(text)  # (only these patterns: no stray quote, <, > or backslash)
    return Markup("inherit")


def possessive(name: str) -> Markup:
    """`Leo Park's`, `Maya Rivers'`: a name ending in s takes the apostrophe alone (the
    name escaped, the apostrophe as it is)."""
    return escape(name) + possessive_ending(name)


def possessive_ending(name: str) -> Markup:
    """What follows `name` to make it possessive ('s, or ' after an s), for a template
    that links the name itself."""
    return Markup("'" if str(name)[-1:] in ("s", "S") else "'s")


# How the platforms of a creator file's [social] write their own names.
PLATFORM_NAMES = {"instagram": "Instagram", "tiktok": "TikTok", "youtube": "YouTube",
                  "x": "X", "pinterest": "Pinterest", "website": lazy_gettext("Website")}


def platform_name(key: str) -> str:
    """A [social] key as its platform writes it: tiktok -> TikTok, youtube -> YouTube."""
    return str(PLATFORM_NAMES.get(key, key.capitalize()))


def init_app(app: Flask) -> None:
    app.add_template_filter(css_value)
    app.add_template_filter(possessive)
    app.add_template_filter(possessive_ending)
    app.add_template_filter(platform_name)
    app.add_template_filter(titled)
    app.add_template_filter(absolute_url)
    app.add_template_global(canonical_url)
    app.add_template_global(product_json_ld)
    app.add_template_global(article_json_ld)
    app.add_template_filter(date)
    app.add_template_filter(tag_handle, "handleize")
    app.add_template_filter(money)
    app.add_template_filter(amount)
    app.add_template_filter(image_url)
    app.add_template_filter(srcset)
    app.add_template_filter(readable_colors)
    app.add_template_filter(initials)
    app.add_template_filter(local_url)
    # pass_context: Jinja folds a filter of a constant ('/cart'|localize) when it compiles
    # the template, which would keep the first request's market in it for every market.
    app.add_template_filter(pass_context(lambda _context, url: localize(url)), "localize")
    app.add_template_filter(numeric_id)
    app.add_template_global(url_with)
