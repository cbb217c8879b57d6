"""The demo shop's words: the shop, its pages, menus, policies, discount codes and gift
cards (its blog is in journal.py)."""

from __future__ import annotations

DOMAIN = "https://fernwood.example"

SHOP = {
    "id": 1,
    "name": "Fernwood",
    "description": "Natural goods for slow living: clothes, bags, tableware and small "
                   "comforts, made in small batches from materials that last.",
    "primaryDomain": {"host": "fernwood.example", "url": DOMAIN},
    "currencyCode": "USD",
    "moneyFormat": "${{amount}}",
    "brand": {
        "slogan": "Natural goods, made slowly",
        "shortDescription": "Clothes and everyday things in natural fibres, made to last.",
        "logo": "logo.svg",
        "squareLogo": "logo.svg",
        "coverImage": "hero.svg",
        "colors": {
            "primary": [{"background": "#2f4a3a", "foreground": "#ffffff"}],
            "secondary": [{"background": "#e9e1d4", "foreground": "#2b2b2b"}],
        },
    },
}


# Delivery rates by destination, as the shipping page and the FAQ describe them, in the
# shop's currency (a cart in another market sees them converted: markets.py).
SHIPPING = [
    {"countries": ["US"], "rates": [
        {"handle": "standard", "title": "Standard", "description": "3 to 5 working days",
         "price": "5.00", "freeOver": "75.00"},
        {"handle": "express", "title": "Express", "description": "1 to 2 working days",
         "price": "15.00"},
    ]},
    {"countries": ["CA"], "rates": [
        {"handle": "standard", "title": "Standard", "description": "5 to 8 working days",
         "price": "12.00"},
        {"handle": "express", "title": "Express", "description": "2 to 3 working days",
         "price": "28.00"},
    ]},
    {"countries": ["FR"], "rates": [
        {"handle": "standard", "title": "Standard", "description": "6 to 9 working days",
         "price": "14.00", "freeOver": "150.00"},
        {"handle": "express", "title": "Express", "description": "3 to 4 working days",
         "price": "32.00"},
    ]},
]


def _policy(title: str, handle: str, *paragraphs: str) -> dict:
    return {"title": title, "handle": handle,
            "body": "".join(f"<p>{text}</p>" for text in paragraphs)}


POLICIES = {
    "shippingPolicy": _policy(
        "Shipping policy", "shipping-policy",
        "Orders leave our workshop within two working days.",
        "Standard delivery in the US takes 3 to 5 working days and is free over $75.",
    ),
    "refundPolicy": _policy(
        "Refund policy", "refund-policy",
        "Return anything unused within 30 days for a full refund.",
        "Refunds reach your original payment method within 5 working days of arrival.",
    ),
    "privacyPolicy": _policy(
        "Privacy policy", "privacy-policy",
        "We keep only what we need to send your order, and never sell your data.",
    ),
    "termsOfService": _policy(
        "Terms of service", "terms-of-service",
        "This is a demonstration shop: nothing is sold and no payment is taken.",
    ),
}


def _page(number: int, handle: str, title: str, body: str, summary: str) -> dict:
    return {
        "id": 3000 + number,
        "handle": handle,
        "title": title,
        "bodyHtml": body,
        "bodySummary": summary,
        "seo": {"title": f"{title} | Fernwood", "description": summary},
        "createdAt": f"2025-02-0{number}T10:00:00Z",
        "updatedAt": f"2026-01-0{number}T10:00:00Z",
    }


PAGES = [
    _page(1, "about", "About us",
          "<p>Fernwood began in 2019 as a two-person workshop making linen shirts for "
          "friends. Today a small team designs clothes and everyday things in natural "
          "fibres, made in small batches by workshops we know by name.</p>"
          "<h2>What we believe</h2><ul><li>Fewer, better things.</li>"
          "<li>Materials that age well: linen, wool, hemp, stoneware, brass.</li>"
          "<li>Fair pay along the whole chain.</li></ul>",
          "A small team making natural goods in small batches."),
    _page(2, "faq", "Frequently asked questions",
          "<h2>How do I care for linen?</h2><p>Wash cool, line dry, and skip the iron: "
          "the creases are part of it.</p><h2>Do you ship abroad?</h2><p>We ship to the US, "
          "Canada and France today, with more countries later this year.</p>"
          "<h2>Can I change my order?</h2><p>Write to us within two hours of ordering and we "
          "will change it before it leaves.</p>",
          "Care, shipping and orders: the questions we hear most."),
    _page(3, "shipping", "Shipping",
          "<p>Orders leave our workshop within two working days. Standard delivery takes 3 "
          "to 5 working days and is free over $75; express delivery takes 1 to 2.</p>",
          "Free standard delivery over $75."),
    _page(4, "returns", "Returns",
          "<p>Return anything unused within 30 days. Start a return from your order email; "
          "the label is free.</p>",
          "Free returns within 30 days."),
    _page(5, "contact", "Contact",
          "<p>Write to hello@fernwood.example or call +1 555 0100, weekdays 9 to 5.</p>",
          "How to reach the Fernwood team."),
]


def _item(number: int, title: str, kind: str, path: str, items: list | None = None) -> dict:
    return {"id": number, "title": title, "type": kind, "url": DOMAIN + path,
            **({"items": items} if items else {})}


MENUS = [
    {"id": 4001, "handle": "main-menu", "title": "Main menu", "items": [
        _item(400101, "Shop", "CATALOG", "/collections", [
            _item(400102, "Apparel", "COLLECTION", "/collections/apparel"),
            _item(400103, "Bags", "COLLECTION", "/collections/bags"),
            _item(400104, "Drinkware", "COLLECTION", "/collections/drinkware"),
            _item(400105, "Home", "COLLECTION", "/collections/home"),
            _item(400106, "Skincare", "COLLECTION", "/collections/skincare"),
            _item(400107, "Stationery", "COLLECTION", "/collections/stationery"),
            _item(400108, "Accessories", "COLLECTION", "/collections/accessories"),
        ]),
        _item(400109, "New arrivals", "COLLECTION", "/collections/new-arrivals"),
        _item(400110, "Best sellers", "COLLECTION", "/collections/best-sellers"),
        _item(400111, "Sale", "COLLECTION", "/collections/sale"),
        _item(400112, "About", "PAGE", "/pages/about"),
        _item(400113, "Journal", "BLOG", "/blogs/journal"),
    ]},
    {"id": 4002, "handle": "footer", "title": "Footer menu", "items": [
        _item(400201, "FAQ", "PAGE", "/pages/faq"),
        _item(400202, "Shipping", "PAGE", "/pages/shipping"),
        _item(400203, "Returns", "PAGE", "/pages/returns"),
        _item(400204, "Contact", "PAGE", "/pages/contact"),
        _item(400205, "Search", "SEARCH", "/search"),
        _item(400206, "Refund policy", "SHOP_POLICY", "/policies/refund-policy"),
    ]},
]

DISCOUNTS = [
    {"code": "WELCOME10", "title": "10% off your order", "type": "percentage", "value": "10",
     "status": "active"},
    {"code": "FERN15", "title": "15% off orders over $75", "type": "percentage", "value": "15",
     "status": "active", "minimumSubtotal": "75.00"},
    {"code": "TAKE5", "title": "$5 off", "type": "fixed_amount", "value": "5.00",
     "status": "active"},
    {"code": "APPAREL20", "title": "20% off apparel", "type": "percentage", "value": "20",
     "status": "active", "entitledCollections": ["apparel"]},
    {"code": "SUMMER24", "title": "Summer sale 2024", "type": "percentage", "value": "25",
     "status": "inactive"},
    {"code": "LAUNCHPARTY", "title": "Launch party", "type": "percentage", "value": "30",
     "status": "usage_limit_reached"},
    # The demo creators' codes (creators/*.toml). The shop keeps a paused or
    # archived creator's code active: the storefront decides not to apply it.
    {"code": "MAYA15", "title": "Maya Rivers: 15% off", "type": "percentage", "value": "15",
     "status": "active"},
    {"code": "LEO5", "title": "Leo Park: $5 off", "type": "fixed_amount", "value": "5.00",
     "status": "active"},
    {"code": "JUNE10", "title": "June Okafor: 10% off", "type": "percentage", "value": "10",
     "status": "active"},
    {"code": "SAMWRITES", "title": "Sam Ito: 20% off stationery", "type": "percentage",
     "value": "20", "status": "active", "entitledCollections": ["stationery"]},
    {"code": "AVA12", "title": "Ava Chen: 12% off", "type": "percentage", "value": "12",
     "status": "active"},
    {"code": "ROSA15", "title": "Rosa Diaz: 15% off", "type": "percentage", "value": "15",
     "status": "active"},
    {"code": "KIT10", "title": "Kit Morgan: 10% off", "type": "percentage", "value": "10",
     "status": "active"},
]

# URL redirects a brand brings from its old theme (Admin: Navigation, URL redirects):
# old product and page addresses, a landing path, a campaign link whose target
# carries its own query string, and a press kit kept on another site.
REDIRECTS = [
    {"id": 7001, "path": "/products/linen-shirt-classic", "target": "/products/linen-shirt"},
    {"id": 7002, "path": "/products/tote-bag", "target": "/products/canvas-tote"},
    {"id": 7003, "path": "/pages/about-us", "target": "/pages/about"},
    {"id": 7004, "path": "/shop", "target": "/collections/all"},
    {"id": 7005, "path": "/collections/summer",
     "target": "/collections/sale?sort_by=price-ascending"},
    {"id": 7006, "path": "/pages/press", "target": "https://press.fernwood.example/kit"},
]

# Gift cards the demo shop has issued (listed in the README's demo shop section).
# One is partly spent already, one expired (expiresOn is long past), one was
# disabled; orders spend the rest, in the demo shop's database.
GIFT_CARDS = [
    {"id": 960001, "code": "FERNGIFTFIFTY050", "initialValue": "50.00", "balance": "50.00",
     "currencyCode": "USD", "expiresOn": None, "enabled": True},
    {"id": 960002, "code": "FERNGIFTPART0125", "initialValue": "100.00", "balance": "12.50",
     "currencyCode": "USD", "expiresOn": "2099-12-31", "enabled": True},
    {"id": 960003, "code": "FERNGIFTOLD00025", "initialValue": "25.00", "balance": "25.00",
     "currencyCode": "USD", "expiresOn": "2025-01-31", "enabled": True},
    {"id": 960004, "code": "FERNGIFTOFF00040", "initialValue": "40.00", "balance": "40.00",
     "currencyCode": "USD", "expiresOn": None, "enabled": False},
]
