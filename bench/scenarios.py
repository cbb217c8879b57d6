"""The scenarios: which pages each one requests, with which cookies.

Each scenario belongs to a phase, i.e. a storefront started with a given number
of creator files: the shipped creators, 1,000 more, or 10,000 more.
"""

from __future__ import annotations

import html
import random
import re
from collections.abc import Callable
from dataclasses import dataclass

import requests

from bench import creators
from bench.measurement import Target

SHIPPED, THOUSAND, TEN_THOUSAND = "shipped", "1k", "10k"
NO_FUNNELS = "shipped, funnels off"
PHASE_CREATORS = {SHIPPED: 0, NO_FUNNELS: 0, THOUSAND: 1_000, TEN_THOUSAND: 10_000}
# What a phase's storefront runs with besides its creators: the same pages with
# funnel recording off show what recording costs.
PHASE_ENV = {NO_FUNNELS: {"FUNNELS_URL": "off"}}
CREATOR = "maya"
PRODUCT = "organic-cotton-tee"
MARKET = "/fr-ca"  # a market other than the primary one: French in Canada, in CAD
CART_VARIANTS = (1003, 2001, 13001)  # in stock, in three different products
SORTS = ("best-selling", "price-ascending", "price-descending", "created-descending",
         "title-ascending")


@dataclass
class Context:
    """What building a scenario's targets needs: the running storefront and its creators."""

    base_url: str
    secret_key: str
    catalog: creators.Catalog
    generated: list[str]  # handles of the generated creators in this phase
    notes: list[str]  # what a scenario learned while building (shown in the report)

    def cookie(self, creator: str) -> str:
        return creators.referral_cookie(self.secret_key, creator)


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    phase: str
    targets: Callable[[Context], list[Target]]
    once: bool = False  # one cold pass over distinct pages, no warm-up (bench/client.py)
    baseline: str | None = None  # the shipped-creators scenario this one is compared to
    recording_of: str | None = None  # the scenario this one repeats with funnels off
    connections: int = 16  # wrk's open connections


def _creator_home(ctx: Context) -> list[Target]:
    return [Target("/", ctx.cookie(CREATOR))]


def _creator_product(ctx: Context) -> list[Target]:
    return [Target(f"/products/{PRODUCT}", ctx.cookie(CREATOR))]


_ANCHOR = re.compile(r"<a\b[^>]*>")
_HREF = re.compile(r'\bhref="([^"]+)"')


def _next_link(page: str) -> str | None:
    for anchor in _ANCHOR.findall(page):
        if re.search(r'\brel="next"', anchor) and (href := _HREF.search(anchor)):
            return html.unescape(href.group(1))
    return None


def _page_two(ctx: Context) -> list[Target]:
    """The first listing with a second page: a collection, the collection list, or a search.

    Found by following rel="next" links, so the cursor is the storefront's own.
    """
    session = requests.Session()
    listings = [f"/collections/{handle}" for handle in ctx.catalog.collections]
    listings += ["/collections", "/search?q=a", "/search?q=e"]
    for listing in listings:
        response = session.get(ctx.base_url + listing, timeout=30)
        response.raise_for_status()
        if (link := _next_link(response.text)) is not None:
            if not listing.startswith("/collections/"):
                ctx.notes.append(
                    f"collection-page-2: no collection has a second page (page size 12), "
                    f"so page 2 of {listing} is used: {link}"
                )
            return [Target(link)]
    raise RuntimeError(f"no listing has a rel=next link: {listings}")


_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]*)"')


def _cart(ctx: Context) -> list[Target]:
    """A shopper's session with three cart lines, made through the store's own forms."""
    session = requests.Session()
    # As a browser posts the page's forms, saying they come from the store (the
    # page was a first view: its forms carry no token until the first post).
    session.headers["Sec-Fetch-Site"] = "same-origin"
    page = session.get(f"{ctx.base_url}/cart", timeout=30)
    page.raise_for_status()
    found = _CSRF.search(page.text)
    if found is None:
        raise RuntimeError("GET /cart has no <meta name=\"csrf-token\">: cannot post to the cart")
    token = found.group(1)
    for variant in CART_VARIANTS:
        added = session.post(
            f"{ctx.base_url}/cart/add",
            data={"csrf_token": token, "variant_id": str(variant), "quantity": "1",
                  "return_to": "/cart"},
            allow_redirects=False,
            timeout=30,
        )
        if added.status_code != 303:
            raise RuntimeError(f"POST /cart/add {variant}: {added.status_code} {added.text[:500]}")
    if session.cookies.get("cart_count") != str(len(CART_VARIANTS)):
        raise RuntimeError(f"the cart did not get three lines: {dict(session.cookies)}")
    cookie = "; ".join(f"{name}={value}" for name, value in session.cookies.items())
    return [Target("/cart", cookie)]


def _shared_pages(ctx: Context, cookie: str = "", creator_cookie: str = "") -> list[Target]:
    """The four kinds of shared page: brand home, creator home and product, listing page 2."""
    return [Target("/", cookie), Target("/", creator_cookie),
            Target(f"/products/{PRODUCT}", creator_cookie), *_page_two(ctx)]


def _first_visits(ctx: Context) -> list[Target]:
    """Shared pages for visitors without a session (a first view makes none)."""
    return _shared_pages(ctx, "", ctx.cookie(CREATOR))


def _returning_visits(ctx: Context) -> list[Target]:
    """Shared pages for visitors who come back with their session (and referral) cookie."""
    session = requests.Session()
    session.headers["Sec-Fetch-Site"] = "same-origin"  # (as a browser posts the page's form)
    page = session.get(f"{ctx.base_url}/products/{PRODUCT}", timeout=30)
    page.raise_for_status()
    found = _CSRF.search(page.text)
    # A shopper who came back: their first form (an add to cart) made their
    # session; the cart page showed its "added" message, which leaves the session.
    added = session.post(f"{ctx.base_url}/cart/add",
                         data={"csrf_token": found.group(1) if found else "",
                               "variant_id": str(CART_VARIANTS[0]), "quantity": "1"},
                         allow_redirects=False, timeout=30)
    if added.status_code != 303:
        raise RuntimeError(f"POST /cart/add: {added.status_code} {added.text[:500]}")
    session.get(f"{ctx.base_url}/cart", timeout=30).raise_for_status()
    if "session" not in session.cookies:
        raise RuntimeError("adding to the cart made no session cookie")
    cookie = f"session={session.cookies['session']}"
    targets = _shared_pages(ctx, cookie, f"{cookie}; {ctx.cookie(CREATOR)}")
    return [Target(t.path, t.cookie or cookie) for t in targets]


def cold_targets(catalog: creators.Catalog) -> list[Target]:
    """Pages no other scenario requests: variants, sorted collections, searches.

    Shuffled with a fixed seed so neighbours in the list are unrelated pages.
    """
    pages = [
        f"/products/{product}?variant={variant}"
        for product in catalog.products
        for variant in catalog.variants[product][:3]
    ]
    for collection in catalog.collections:
        pages += [f"/collections/{collection}?sort_by={sort}" for sort in SORTS]
        pages.append(f"/collections/{collection}?available=1")
    words = sorted({w for p in catalog.products for w in p.split("-") if len(w) > 3})
    pages += [f"/search?q={word}" for word in words[:30]]
    random.Random(5).shuffle(pages)
    return [Target(page) for page in pages]


def _crawl(ctx: Context) -> list[Target]:
    """Each generated creator's home, noted product and featured collection, as their visitor."""
    targets = []
    for number, creator in enumerate(ctx.generated, 1):
        cookie = ctx.cookie(creator)
        targets += [
            Target("/", cookie),
            Target(f"/products/{creators.noted_product(number, ctx.catalog)}", cookie),
            Target(f"/collections/{creators.featured_collection(number, ctx.catalog)}", cookie),
        ]
    return targets


SCENARIOS = [
    Scenario("brand-home", "brand home /", SHIPPED, lambda ctx: [Target("/")]),
    Scenario("creator-home", f"creator home / ({CREATOR})", SHIPPED, _creator_home),
    Scenario("creator-product", f"creator product ({CREATOR})", SHIPPED, _creator_product),
    Scenario("creator-home-no-funnels", f"creator home ({CREATOR}), funnels off", NO_FUNNELS,
             _creator_home, recording_of="creator-home"),
    Scenario("creator-product-no-funnels", f"creator product ({CREATOR}), funnels off",
             NO_FUNNELS, _creator_product, recording_of="creator-product"),
    Scenario("market-home", f"brand home in a market {MARKET}/", SHIPPED,
             lambda ctx: [Target(f"{MARKET}/")], baseline="brand-home"),
    Scenario("market-creator-product", f"creator product ({CREATOR}) in {MARKET}", SHIPPED,
             lambda ctx: [Target(f"{MARKET}/products/{PRODUCT}", ctx.cookie(CREATOR))],
             baseline="creator-product"),
    Scenario("collection-page-2", "listing page 2", SHIPPED, _page_two),
    Scenario("returning", "shared pages x4, returning visitors", SHIPPED, _returning_visits),
    Scenario("first-64", "shared pages x4, first visits, 64 connections", SHIPPED,
             _first_visits, connections=64),
    Scenario("returning-64", "shared pages x4, returning visitors, 64 connections", SHIPPED,
             _returning_visits, connections=64),
    Scenario("cart", "cart, 3 lines", SHIPPED, _cart),
    Scenario("cold-pass", "cold pass, distinct pages once", SHIPPED,
             lambda ctx: cold_targets(ctx.catalog), once=True),
    Scenario("crawl-1k", "1,000 creators: home+product+collection", THOUSAND, _crawl),
    Scenario("creator-home-10k", f"creator home ({CREATOR}), 10k creators", TEN_THOUSAND,
             _creator_home, baseline="creator-home"),
    Scenario("creator-product-10k", f"creator product ({CREATOR}), 10k creators", TEN_THOUSAND,
             _creator_product, baseline="creator-product"),
]
BY_NAME = {scenario.name: scenario for scenario in SCENARIOS}
PHASES = list(PHASE_CREATORS)


def select(names: list[str] | None) -> list[Scenario]:
    """The scenarios named (all when None), plus the baselines the chosen ones compare to."""
    if not names:
        return list(SCENARIOS)
    unknown = [name for name in names if name not in BY_NAME]
    if unknown:
        raise ValueError(f"unknown scenario {', '.join(unknown)}; known: {', '.join(BY_NAME)}")
    wanted = set(names)
    wanted |= {BY_NAME[name].baseline for name in names if BY_NAME[name].baseline}
    wanted |= {BY_NAME[name].recording_of for name in names if BY_NAME[name].recording_of}
    return [scenario for scenario in SCENARIOS if scenario.name in wanted]
