"""Who an order is credited to, and by which rule: Flask-free, from the order and the creators.

The rules, first match wins:
1. `attribute`: the `_creator` note attribute (the store's referral, carried
   from the cart);
2. `code`: a discount code on the order that is a creator's `[discount] code`
   (case-insensitive: a shopper who typed the code from a video);
3. `landing_site`: the order's landing page was `/@handle...` or had `ref=handle`;
4. `brand`: none of these.

The link (the attribute, else the landing site) and the code can name
different creators: ORDERS_CONFLICT decides (`link`, the default: the
shopper followed that creator's link in the attribution window; or `code`).
Both are recorded either way, so a report can show them. Every name goes
through the registry: an alias counts for its creator's current handle, and
paused and archived creators keep their credit. A name no creator file
knows (a deleted creator, a forged attribute) credits nobody.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from storefront.orders.payload import Order

CONFLICT_CHOICES = ("link", "code")
CREATOR_PATH = re.compile(r"/@([A-Za-z0-9][A-Za-z0-9_-]*)")


@dataclass(frozen=True)
class Credit:
    creator: str | None  # the credited handle; None: the brand
    rule: str  # attribute, code, landing_site or brand
    link_creator: str | None = None  # named by the attribute, else the landing site
    code_creator: str | None = None  # whose code the order carries

    @property
    def conflict(self) -> bool:
        return bool(self.link_creator and self.code_creator
                    and self.link_creator != self.code_creator)


def codes_of(registry) -> dict[str, str]:
    """Each creator's discount code, lowercased -> current handle (any status)."""
    return {c.discount.code.lower(): c.handle for c in registry if c.discount is not None}


def _code_handle(registry, codes: dict[str, str] | None, code: str) -> str | None:
    if codes is not None:
        return codes.get(code.lower())
    creator = registry.by_code(code)
    return creator.handle if creator is not None else None


def _handle(registry, name: str | None) -> str | None:
    creator = registry.get(name.strip()) if name else None
    return creator.handle if creator is not None else None


def landing_name(landing_site: str | None) -> str | None:
    """The creator a landing page names: `/@handle...` (after any market prefix), else `ref=`."""
    if not landing_site:
        return None
    parts = urlsplit(landing_site.strip())
    path = CREATOR_PATH.search(parts.path)
    if path:
        return path.group(1)
    refs = parse_qs(parts.query).get("ref")
    return refs[0] if refs else None


def credit(order: Order, registry, conflict: str = "link",
           codes: dict[str, str] | None = None) -> Credit:
    """The credit for `order`.

    Codes are looked up in the registry's own index (built once per load, any
    status; a code two creators share names neither), or in `codes`
    (codes_of) when given: rebuilding that map for every order cost a third of
    a delivery's time with 10,000 creators.
    """
    attribute = _handle(registry, order.attributes.get("_creator"))
    landing = _handle(registry, landing_name(order.landing_site))
    code = next(filter(None, (_code_handle(registry, codes, c) for c in order.discount_codes)),
                None)
    link = attribute or landing
    link_rule = "attribute" if attribute else "landing_site"
    if link and code and link != code:
        if conflict == "code":
            return Credit(code, "code", link, code)
        return Credit(link, link_rule, link, code)
    if attribute:
        return Credit(attribute, "attribute", link, code)
    if code:
        return Credit(code, "code", link, code)
    if landing:
        return Credit(landing, "landing_site", link, code)
    return Credit(None, "brand")
