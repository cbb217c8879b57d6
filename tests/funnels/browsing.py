"""A scripted browsing session over real HTTP, and the funnel figures it must produce.

Shoppers run side by side (as they would) and open a new connection for every
request, so that every worker or instance serving `bases` gets some of them.
Each shopper may move between the bases (instances behind a load balancer).
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import requests

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"
TEE, SHIRT = "organic-cotton-tee", "linen-shirt"
_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]*)"')
_VARIANT = re.compile(r'name="variant_id" value="(\d+)"')

# creator -> (visits, unique visitors, views, add-to-carts, checkouts, {product: views})
EXPECTED = {
    "maya": (2, 2, 3, 1, 1, {TEE: 2, SHIRT: 1}),
    "leo": (1, 1, 1, 1, 0, {TEE: 1}),
    "(brand)": (1, 1, 1, 1, 1, {SHIRT: 1}),
}


class Shopper:
    def __init__(self, agent: str, bases: list[str]) -> None:
        self.http = requests.Session()
        self.http.headers.update({"User-Agent": agent, "Connection": "close"})
        self.bases = bases
        self.turn = 0
        self.last_page = ""

    def _base(self) -> str:
        self.turn += 1
        return self.bases[self.turn % len(self.bases)]

    def get(self, path: str, referer: bool = False, **kwargs) -> requests.Response:
        base = self._base()
        headers = {"Referer": base + "/"} if referer else {}
        reply = self.http.get(base + path, headers=headers, timeout=30, **kwargs)
        assert reply.status_code in (200, 303), (path, reply.status_code)
        self.last_page = reply.text
        return reply

    def add_to_cart(self) -> None:
        token = _TOKEN.search(self.last_page).group(1)
        variant = _VARIANT.search(self.last_page).group(1)
        reply = self.http.post(self._base() + "/cart/add", timeout=30, allow_redirects=False,
                               data={"csrf_token": token, "variant_id": variant})
        assert reply.status_code == 303 and reply.headers["Location"] == "/cart", reply.text[:300]

    def checkout(self) -> None:
        reply = self.get("/checkout", allow_redirects=False)
        assert reply.status_code == 303 and "/checkouts/" in reply.headers["Location"]


def _maya_buyer(bases):
    shopper = Shopper(FIREFOX, bases)
    shopper.get("/@maya")
    shopper.get(f"/products/{TEE}", referer=True)
    shopper.get(f"/products/{TEE}", referer=True)
    shopper.add_to_cart()
    shopper.checkout()


def _maya_browser(bases):
    shopper = Shopper(FIREFOX.replace("130", "131"), bases)
    shopper.get("/collections/apparel?ref=maya&utm_source=instagram")
    shopper.get(f"/products/{SHIRT}", referer=True)


def _leo_fan(bases):
    shopper = Shopper("Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Safari/604.1",
                      bases)
    shopper.get("/@leo")
    shopper.get(f"/products/{TEE}", referer=True)
    shopper.add_to_cart()


def _brand_buyer(bases):
    shopper = Shopper("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0 Safari/537.36",
                      bases)
    shopper.http.headers["Referer"] = "https://www.google.com/"
    shopper.get("/")
    del shopper.http.headers["Referer"]
    shopper.get(f"/products/{SHIRT}", referer=True)
    shopper.add_to_cart()
    shopper.checkout()


def _crawler(bases):
    shopper = Shopper("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
                      bases)
    shopper.get("/@maya")
    shopper.get(f"/products/{TEE}")
    shopper.get("/@leo")


def browse(bases: list[str]) -> None:
    """Run every shopper at once against `bases` (one URL, or one per instance)."""
    journeys = [_maya_buyer, _maya_browser, _leo_fan, _brand_buyer, _crawler]
    with ThreadPoolExecutor(len(journeys)) as pool:
        for done in [pool.submit(journey, bases) for journey in journeys]:
            done.result()


def figures(data: dict) -> dict:
    """The report's JSON reduced to the shape of EXPECTED."""
    return {
        c["creator"]: (c["visits"], c["unique_visitors"], c["product_views"], c["add_to_carts"],
                       c["checkouts"], {p["product"]: p["views"] for p in c["top_products"]})
        for c in data["creators"]
        if c["visits"] or c["product_views"] or c["add_to_carts"] or c["checkouts"]
    }
