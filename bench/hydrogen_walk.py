"""The shopper's walk of `make hydrogen`: what to look for (read from the demo shop
itself), and each route over plain HTTP and in headless Chromium.

A route counts as working when both ways answer the expected status, the page
shows demo data (a title from the demo shop, not a placeholder) and the demo shop
returned no GraphQL error while it was open. The recorder (bench/hydrogen.py)
labels every Storefront API exchange with the route being walked.
"""

from __future__ import annotations

import html
import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.hydrogen_report import Route, app_errors, reply_errors, tracking

MISSING = "/hydrogen-walk-no-such-page"
TIMEOUT_S = 120  # the dev server compiles each route on its first request
QUIET_S = 0.5  # how long the app's log stays still before a route's errors are counted
_LOC = re.compile(r"<loc>([^<]+)</loc>")
_TAGS = re.compile(r"<[^>]+>")
_IMAGES = """shop => Array.from(document.images)
  .filter(i => i.currentSrc.startsWith(shop) && i.complete && i.naturalWidth > 0).length"""
# Kept per document: the Content-Security-Policy violations the page caused.
_CSP_LISTENER = """window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(`${e.effectiveDirective} ${e.blockedURI}`));"""
LOOPBACK = {"127.0.0.1", "localhost", "[::1]"}
REFUSED = "Failed to load resource: net::ERR_FAILED"  # what Chromium says of a refused URL

_DISCOVER = """{
  shop { name privacyPolicy { handle title } refundPolicy { handle title }
         shippingPolicy { handle title } termsOfService { handle title } }
  collections(first: 20) { nodes { handle title products(first: 8) { nodes { title } } } }
  products(first: 100) { nodes { handle title variants(first: 100) { nodes {
    id availableForSale price { amount } selectedOptions { name value } } } } }
  pages(first: 1) { nodes { handle title } }
}"""
_CART = """query Cart($id: ID!) { cart(id: $id) { lines(first: 10) { nodes {
  quantity merchandise { ... on ProductVariant { title product { title } } } } } } }"""
_BLOGS = """{ blogs(first: 5) { nodes { handle title
  articles(first: 1) { nodes { handle title } } } } }"""


@dataclass(frozen=True)
class Shop:
    """The demo shop: its API's URL, the origin of the URLs it hands out, the token."""

    url: str
    public: str
    token: str


@dataclass
class Variant:
    id: str
    price: str
    options: dict[str, str]


@dataclass
class Demo:
    """What the walk asks for and expects to see, as the demo shop holds it."""

    shop_name: str
    product_titles: list[str]
    collection: dict[str, Any]
    product: dict[str, Any]
    first: Variant  # the product's first variant for sale: what its page opens on
    other: Variant  # one option away from `first`, at another price
    page: dict[str, str]
    policies: list[dict[str, str]]
    blog: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def chosen(self) -> tuple[str, str]:
        """The option (name, value) a shopper changes to reach `other`."""
        return next((name, value) for name, value in self.other.options.items()
                    if self.first.options.get(name) != value)

    @property
    def search_term(self) -> str:
        return self.product["title"].split()[-1].lower()


def graphql(url: str, token: str, query: str, **variables: Any) -> dict[str, Any]:
    body = {"query": query, "variables": variables}
    request = urllib.request.Request(
        f"{url}/api/2026-04/graphql.json", data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "X-Shopify-Storefront-Access-Token": token})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def discover(shop: Shop) -> Demo:
    """Handles and titles to walk, from the demo shop's own Storefront API."""
    reply = graphql(shop.url, shop.token, _DISCOVER)
    if errors := reply_errors(reply):
        raise RuntimeError(f"the demo shop refused the walk's own query: {errors}")
    data = reply["data"]
    products = data["products"]["nodes"]
    product, first, other = _product_with_prices(products)
    collection = next(c for c in data["collections"]["nodes"] if c["products"]["nodes"])
    about = data["shop"]
    policies = [about[k] for k in ("privacyPolicy", "refundPolicy", "shippingPolicy",
                                   "termsOfService") if about.get(k)]
    demo = Demo(shop_name=about["name"], product_titles=[p["title"] for p in products],
                collection=collection, product=product, first=first, other=other,
                page=data["pages"]["nodes"][0], policies=policies)
    blogs = graphql(shop.url, shop.token, _BLOGS)
    if errors := reply_errors(blogs):
        demo.notes.append(f"the demo shop lists no blogs ({'; '.join(errors)}): the blog "
                          "routes are walked at /blogs/journal, with no article to open")
    else:
        demo.blog = next((b for b in blogs["data"]["blogs"]["nodes"]
                          if b["articles"]["nodes"]), None)
    return demo


def _variant(node: dict[str, Any]) -> Variant:
    return Variant(node["id"], node["price"]["amount"],
                   {o["name"]: o["value"] for o in node["selectedOptions"]})


def _product_with_prices(products: list[dict[str, Any]]) -> tuple[dict, Variant, Variant]:
    """A product whose first variant for sale is one option away from another variant
    for sale at another price: choosing that option must change the URL and the price."""
    for product in products:
        variants = [_variant(v) for v in product["variants"]["nodes"] if v["availableForSale"]]
        if not variants:
            continue
        first = variants[0]
        for other in variants[1:]:
            changed = [n for n, v in other.options.items() if first.options.get(n) != v]
            if len(changed) == 1 and other.price != first.price:
                return product, first, other
    raise RuntimeError("no demo product has variants at different prices to choose between")


def plan(demo: Demo) -> list[tuple[Route, list[str]]]:
    """The routes, each with the demo texts any one of which proves real data."""
    blog = demo.blog or {"handle": "journal", "title": "Journal", "articles": {"nodes": []}}
    article = next(iter(blog["articles"]["nodes"]), None)
    policy = demo.policies[0]
    product = demo.product
    steps = [
        (Route("home", "/", "a product title"), demo.product_titles),
        (Route("collections", "/collections", "a collection title"), [demo.collection["title"]]),
        (Route("collection", f"/collections/{demo.collection['handle']}",
               "one of its products"),
         [p["title"] for p in demo.collection["products"]["nodes"]]),
        (Route("product", f"/products/{product['handle']}", "its title, a variant chosen"),
         [product["title"]]),
        (Route("search", f"/search?q={urllib.parse.quote(demo.search_term)}",
               "the product found"), [product["title"]]),
        (Route("predictive search",
               f"/search.data?predictive=&q={urllib.parse.quote(demo.search_term)}&limit=5",
               "the product suggested"), [product["title"]]),
        (Route("cart", "/cart", "the line added"), [product["title"]]),
        (Route("page", f"/pages/{demo.page['handle']}", "its title"), [demo.page["title"]]),
        (Route("policies", "/policies", "policy titles"), [p["title"] for p in demo.policies]),
        (Route("policy", f"/policies/{policy['handle']}", "its title"), [policy["title"]]),
        (Route("blogs", "/blogs", "the blog's title"), [blog["title"]]),
        (Route("blog", f"/blogs/{blog['handle']}", "an article's title"),
         [article["title"]] if article else []),
        (Route("article", f"/blogs/{blog['handle']}/{article['handle']}" if article
               else f"/blogs/{blog['handle']}/(none)", "its title"),
         [article["title"]] if article else []),
        (Route("sitemap.xml", "/sitemap.xml", "a product's URL in its products sitemap"),
         [f"/products/{product['handle']}"]),
        (Route("404", MISSING, "the app's own 404 page", expected_status=404),
         [f"{MISSING} not found"]),
    ]
    return steps


def found(text: str, wanted: list[str]) -> list[str]:
    return [w for w in wanted if w in text]


def page_text(body: str) -> str:
    """A page's text, near enough: tags dropped and entities decoded."""
    return html.unescape(_TAGS.sub(" ", body))


class Shopper:
    """A shopper without JavaScript: urllib with a cookie jar."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def open(self, path: str, form: dict[str, str] | None = None) -> tuple[int, str]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(self.base + path, data=data,
                                         headers={"User-Agent": "hydrogen-walk"})
        try:
            with self.opener.open(request, timeout=TIMEOUT_S) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")


    def policy(self) -> str:
        """The Content-Security-Policy the app sends with its home page."""
        request = urllib.request.Request(self.base + "/", headers={"User-Agent": "hydrogen-walk"})
        with self.opener.open(request, timeout=TIMEOUT_S) as response:
            response.read()
            return response.headers.get("Content-Security-Policy", "")


def add_to_cart(shopper: Shopper, variant_id: str) -> tuple[int, str]:
    """What the skeleton's Add to cart posts (a CartForm), sent without JavaScript."""
    line = {"merchandiseId": variant_id, "quantity": 1}
    form = {"cartFormInput": json.dumps({"action": "LinesAdd", "inputs": {"lines": [line]}})}
    return shopper.open("/cart", form)


def over_http(route: Route, wanted: list[str], shopper: Shopper, demo: Demo) -> None:
    if route.name == "cart":
        status, _ = add_to_cart(shopper, demo.first.id)
        route.notes.append(f"HTTP: the Add to cart form answered {status}")
    status, body = shopper.open(route.path)
    route.http_status = status
    text = page_text(body)
    if route.name == "sitemap.xml" and status == 200:
        children = [u for u in _LOC.findall(body) if "/products/" in u]
        if children:
            path = urllib.parse.urlsplit(children[0])
            _, child = shopper.open(path.path + (f"?{path.query}" if path.query else ""))
            text += child
        route.notes.append(f"sitemap index lists {len(_LOC.findall(body))} sitemaps")
    route.shows = found(text, wanted)


def in_browser(route: Route, wanted: list[str], page: Any, demo: Demo, shop_origin: str,
               screenshots: Path, expect: Callable) -> None:
    """The route in Chromium: status, text after hydration, images and CSP, and on the
    product page the variant choice and Add to cart."""
    if route.name in ("sitemap.xml", "predictive search"):
        return  # not pages a shopper's browser renders
    response = page.goto(route.path, wait_until="load", timeout=TIMEOUT_S * 1000)
    _settle(page)
    route.browser_status = response.status if response else None
    if route.name == "product" and route.browser_status == 200:
        _choose_variant_and_add(route, page, demo, expect)
    elif route.name == "product":
        route.failed.append("no variant to choose: the product page did not open")
    text = page.inner_text("body")
    shows = found(text, wanted)
    route.shows = [s for s in route.shows if s in shows] if route.http_status else shows
    if not shows and route.shows:
        route.notes.append("Chromium: the demo data is gone once the page runs")
        route.shows = []
    violations = page.evaluate("window.__csp || []")
    route.images = {"shown": page.evaluate(_IMAGES, shop_origin),
                    "blocked": len({v for v in violations if v.startswith("img-src")})}
    route.notes += [f"CSP blocked {v}" for v in dict.fromkeys(violations)]
    page.screenshot(path=str(screenshots / f"{route.name.replace(' ', '-')}.png"),
                    full_page=True)


def _settle(page: Any) -> None:
    """Wait until the page stops fetching (hydration, deferred data), or give up quietly:
    a page that never settles is still judged on what it shows."""
    try:
        page.wait_for_load_state("networkidle", timeout=15_000)
    except Exception:  # noqa: BLE001 - Playwright's TimeoutError; the page is judged anyway
        pass


def _choose_variant_and_add(route: Route, page: Any, demo: Demo, expect: Callable) -> None:
    name, value = demo.chosen
    price = page.locator(".product-price").first
    try:
        before = price.inner_text(timeout=5_000)
        option = page.locator(".product-options-item").filter(has_text=value).or_(
            page.locator(f'.product-options-item:has([aria-label="{value}"])'))
        option.first.click(timeout=10_000)
        query = urllib.parse.urlencode({name: value})
        page.wait_for_url(re.compile(re.escape(query)), timeout=30_000)
        expect(price).not_to_have_text(before, timeout=30_000)
        route.notes.append(f"variant: {name} {value} -> URL {page.url.split('/')[-1]}, "
                           f"price {before.strip()} -> {price.inner_text().strip()}")
        # A fetcher posts to the route's data URL (/cart.data) rather than /cart.
        with page.expect_response(lambda r: r.request.method == "POST" and urllib.parse.urlsplit(
                r.url).path in ("/cart", "/cart.data"), timeout=60_000) as added:
            page.get_by_role("button", name="Add to cart").click()
        route.notes.append(f"Add to cart answered {added.value.status}")
        _settle(page)
    except Exception as error:  # noqa: BLE001 - any failure here is the finding
        route.failed.append(f"choosing {name} {value} and adding to the cart failed: "
                            f"{str(error).splitlines()[0]}")


@dataclass
class Browser:
    """Chromium with one shopper's page; requests off this machine are refused and
    noted (Hydrogen's analytics and consent scripts would go to Shopify's CDN)."""

    browser: Any
    page: Any
    blocked: list[str] = field(default_factory=list)  # URLs refused
    problems: list[str] = field(default_factory=list)  # console errors, uncaught errors

    @classmethod
    def launch(cls, playwright: Any, chromium: Path, base: str) -> Browser:
        browser = playwright.chromium.launch(executable_path=str(chromium),
                                             args=["--no-sandbox"])
        context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900})
        session = cls(browser, context.new_page())
        context.route("**/*", session._only_loopback)
        context.add_init_script(_CSP_LISTENER)
        session.page.on("console", lambda m: m.type == "error" and session.problems.append(m.text))
        session.page.on("pageerror", lambda e: session.problems.append(f"uncaught: {e}"))
        return session

    def _only_loopback(self, route: Any) -> None:
        url = route.request.url
        if (urllib.parse.urlsplit(url).hostname or "") in LOOPBACK or url.startswith("data:"):
            route.continue_()
        else:
            self.blocked.append(url.split("?")[0])
            route.abort()


def walk(base: str, shop: Shop, demo: Demo, chromium: Browser, recorder: Any,
         app: Any, screenshots: Path, expect: Callable) -> list[Route]:
    """Every route of the plan, in order, with what the shop and the app said meanwhile."""
    routes = []
    shopper = Shopper(base)
    for route, wanted in plan(demo):
        recorder.route = route.name
        since = len(app.output)
        problems = len(chromium.problems)
        if route.path.endswith("/(none)"):
            route.notes.append("not opened: the demo shop has no article")
        else:
            try:
                over_http(route, wanted, shopper, demo)
                in_browser(route, wanted, chromium.page, demo, shop.public, screenshots, expect)
            except Exception as error:  # noqa: BLE001 - one broken route must not end the walk
                route.notes.append(f"walk failed: {str(error).splitlines()[0]}")
        _logged(app, since, route)
        exchanges = recorder.of(route.name)
        route.graphql_errors = _errors(x for x in exchanges if not tracking(x))
        route.tracking_errors = _errors(x for x in exchanges if tracking(x))
        route.user_errors = list(dict.fromkeys(m for x in exchanges for m in x["user_errors"]))
        if route.name in ("product", "cart"):
            route.notes += _carts_held(shop, exchanges)
        route.app_errors = app_errors(app.output[since:])
        route.notes += [f"Chromium console: {p[:300]}"
                        for p in dict.fromkeys(chromium.problems[problems:]) if p != REFUSED]
        routes.append(route)
        print(f"  {route.name:18} {route.path:52} {route.http_status} / "
              f"{route.browser_status}  {'works' if route.works else 'FAILS'}", flush=True)
    return routes


def _errors(exchanges: Iterable[dict[str, Any]]) -> list[str]:
    return list(dict.fromkeys(m for x in exchanges for m in x["errors"]))


def _logged(app: Any, since: int, route: Route) -> None:
    """Wait until the app has logged the route's page requests and then gone quiet for a
    moment: it logs a route's errors around its request line, some after it."""
    answered = re.compile(rf"\s(GET|POST)\s+\d{{3}}\s+\w+\s+{re.escape(route.path)}\s")
    count = sum(s is not None for s in (route.http_status, route.browser_status))
    with app.changed:
        app.changed.wait_for(
            lambda: sum(1 for line in app.output[since:] if answered.search(line)) >= count,
            timeout=15)
        for _ in range(20):  # at most 10 s of a chatty log
            seen = len(app.output)
            if not app.changed.wait_for(lambda seen=seen: len(app.output) > seen,
                                        timeout=QUIET_S):
                return


def _carts_held(shop: Shop, exchanges: list[dict[str, Any]]) -> list[str]:
    """What the demo shop itself holds in the carts the app made or changed here."""
    notes = []
    for cart in dict.fromkeys(x["cart_id"] for x in exchanges if x["cart_id"]):
        reply = graphql(shop.url, shop.token, _CART, id=cart)
        lines = ((reply.get("data") or {}).get("cart") or {}).get("lines", {}).get("nodes", [])
        held = ", ".join(f"{n['merchandise']['product']['title']} ({n['merchandise']['title']})"
                         f" x{n['quantity']}" for n in lines) or "no line"
        notes.append(f"the demo shop's cart {cart.split('?')[0].rsplit('/', 1)[-1][:8]}... "
                     f"holds: {held}")
    return notes
