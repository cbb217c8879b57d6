"""Every shared route, for every kind of visitor, answered alike by the fast path and the app.

The routes come from their `@shared_page` declarations, each with a URL built
from the demo catalog, so a new shared route is compared without editing this
file. For each kind of visitor, a first view of every page fills the page cache
(through the app); the visitor's next view must then take the fast path (or be
handed to the app, where the app must answer) and get the same status, headers,
cookies and body from both apps, but for the nonce and the token values.
Bodies are compared decompressed; a compressed one's headers (Content-Encoding,
Content-Length, the ETag with its `-gzip`) must match exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from storefront.shared_pages import is_shared
from tests.web.conftest import post
from tests.web.legacy import LINKS, imported_creators
from tests.web.two_paths import handed_to_app, normal, pair, text


def shared_urls(app: Flask) -> list[str]:
    """A URL of every shared route, with handles from the app's demo shop."""
    catalog = app.extensions["storefront"].transport.shop.catalog
    # A `<handle>` names something of the kind its route's first segment names.
    handles = {
        "products": catalog.products[0].handle,
        "collections": catalog.collections[0].handle,
        "pages": catalog.pages[0].handle,
        "policies": next(iter(catalog.shop.policies.values())).handle,
        "blogs": catalog.blogs[0].handle,
    }
    # A blog's own pages: `<blog>/<handle>` is one of its articles, `<tag>` one of its tags.
    article = catalog.blogs[0].articles[0]
    named = {"blog": article.blog_handle, "tag": article.tags[0]}
    urls = app.url_map.bind("localhost")
    found = []
    for rule in app.url_map.iter_rules():
        if not is_shared(app, rule.endpoint):
            continue
        section = rule.rule.split("/")[1]
        values = {arg: named[arg] for arg in rule.arguments if arg in named}
        if "handle" in rule.arguments and section in handles:
            values["handle"] = article.handle if "blog" in values else handles[section]
        unknown = [arg for arg in rule.arguments if arg not in values]
        if unknown:
            pytest.fail(f"no URL for the shared route {rule.rule} ({rule.endpoint}): "
                        f"teach shared_urls in {__name__} its {', '.join(unknown)}")
        found.append(urls.build(rule.endpoint, values))
    assert len(found) >= 8, found
    return found


def _nothing(client: FlaskClient) -> None:
    pass


@dataclass(frozen=True)
class Visitor:
    """A kind of visitor, and how their view of a page (after a first one) is asked."""

    arrive: Callable[[FlaskClient], object] = _nothing  # once, before any page
    before: Callable[[FlaskClient], object] = _nothing  # before each compared view
    config: dict = field(default_factory=dict)
    config_in: Callable[[Path], dict] | None = None  # more settings, made in the test's tmp_path
    base: str = "http://localhost"
    headers: dict = field(default_factory=dict)
    ask: Callable[[str], str] = str  # the compared view's URL, from the first view's
    method: str = "GET"
    if_none_match: Callable[[str], str] | None = None  # from the first view's ETag
    fresh: bool = False  # the compared view is a first visit: no cookies at all
    fast: bool | None = True  # the fast path answers it (else the app; None: depends on
    # the page)
    status: int = 200
    shows: str = ""  # in some compared view (headers or body): the visitor got there
    coding: str | None = None  # the Content-Encoding of the compared view when it is a 200
    prefix: str = ""  # a market's path prefix ("/fr-ca"), before every page's path
    every: str = ""  # in every compared view that is a whole page (its market, say)


def _shopping(name: str) -> str:
    return f"You're shopping <a href=\"/@{name}\">"


def _credit(url: str) -> Callable[[FlaskClient], object]:
    def arrive(client: FlaskClient) -> None:
        reply = client.get(url, follow_redirects=True)
        assert reply.status_code == 200, (url, reply.status_code)
        assert client.get_cookie("referral") is not None, url
    return arrive


def _uncredited(url: str) -> Callable[[FlaskClient], object]:
    def arrive(client: FlaskClient) -> None:
        reply = client.get(url)
        # A paused or archived creator's link shows the brand's store, crediting no one
        # (the session cookie carries the note that their offer has ended).
        assert (reply.status_code, reply.location) == (302, "/"), url
        assert client.get_cookie("referral") is None, url
        assert "offer has ended" in text(client.get("/")), url
    return arrive


def _shop(client: FlaskClient) -> None:
    added = post(client, "/cart/add", {"variant_id": "1003", "quantity": 2})
    assert added.status_code == 303
    client.get("/cart")  # shows (and so clears) any flashed message


def _flash(client: FlaskClient) -> None:
    # A discount link without a cart keeps the code and flashes a notice.
    assert client.get("/discount/WELCOME10").status_code == 303


def _code_at_cart(code: str) -> Callable[[FlaskClient], object]:
    """A creator's code typed at the cart credits them, as their link would."""
    def arrive(client: FlaskClient) -> None:
        _shop(client)
        assert post(client, "/cart/discounts", {"code": code}).status_code == 303
        assert client.get_cookie("referral") is not None
    return arrive


def _imported(tmp_path: Path) -> dict:
    """Creators imported from the affiliate platforms' sample exports."""
    return {"CREATORS_DIR": str(imported_creators(tmp_path))}


def _forged_session(data: dict) -> Callable[[FlaskClient], object]:
    """A session cookie signed with another key (a forgery, or one from before a key
    change): the app ignores it; the fast path must answer as the app would."""
    def arrive(client: FlaskClient) -> None:
        other = Flask("forger")
        other.secret_key = "not this store's key, " * 2
        value = other.session_interface.get_signing_serializer(other).dumps(data)
        client.set_cookie("session", value)
    return arrive


TRUSTED = {"TRUSTED_HOSTS": "shop.example"}
PROXIED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "shop.example"}
STALE = '"0123456789abcdef0123456789abcdef"'
GZIP = {"Accept-Encoding": "gzip"}
NO_TOKEN = '<meta name="csrf-token" content="">'  # a first visit makes no session
BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}  # Chromium's
VISITORS = {
    "brand": Visitor(),
    "creator link": Visitor(arrive=_credit("/@maya"), shows=_shopping("maya")),
    "creator alias": Visitor(arrive=_credit("/@samito"), shows=_shopping("sam")),
    "creator with a theme": Visitor(arrive=_credit("/@leo"), shows='class="theme-atelier"'),
    "first click": Visitor(config={"ATTRIBUTION_MODEL": "first_click"},
                           arrive=lambda client: (_credit("/@maya")(client),
                                                  _credit("/@sam")(client)),
                           shows=_shopping("maya")),
    "ref link": Visitor(ask=lambda url: url + "?ref=maya", fast=False, status=302),
    "referred": Visitor(arrive=_credit("/?ref=maya"), shows=_shopping("maya")),
    "paused creator": Visitor(arrive=_uncredited("/@rosa")),
    "archived creator": Visitor(arrive=_uncredited("/@kit")),
    "cart": Visitor(arrive=_shop, shows='aria-label="2 items in your cart"'),
    "flash message": Visitor(before=_flash, fast=False, shows="will be applied to your cart"),
    "first visit": Visitor(fresh=True, shows=NO_TOKEN),  # on a page with a form: no session made
    # A page without a form reads no more of the session than whether it holds
    # a message; a page with one needs it verified (its token comes from it), and
    # the app's first view of such a page replaces the forged cookie.
    "forged session": Visitor(arrive=_forged_session({"csrf_token": "f" * 40}), fast=None),
    "forged session, message": Visitor(
        arrive=_forged_session({"_flashes": [["message", "Forged news"]]}), fast=None),
    "first visit head": Visitor(fresh=True, method="HEAD"),
    "https proxy": Visitor(config={"TRUSTED_PROXY_COUNT": "1"}, headers=PROXIED,
                           shows='href="https://shop.example/"'),
    "first visit https": Visitor(config={"TRUSTED_PROXY_COUNT": "1"}, headers=PROXIED,
                                 fresh=True, shows="Strict-Transport-Security"),
    "default port": Visitor(base="http://localhost:80"),  # the page kept under `localhost`
    "trusted host": Visitor(config=TRUSTED, base="http://shop.example",
                            shows='href="http://shop.example/"'),
    "untrusted host": Visitor(config=TRUSTED, base="http://shop.example",
                              ask=lambda url: url.replace("shop.example", "evil.example"),
                              fast=False, status=400),
    "if-none-match": Visitor(if_none_match=lambda etag: etag, status=304),
    "stale if-none-match": Visitor(if_none_match=lambda etag: STALE),
    "if-none-match *": Visitor(if_none_match=lambda etag: "*", status=304),
    "head": Visitor(method="HEAD"),
    "head if-none-match": Visitor(method="HEAD", if_none_match=lambda etag: etag, status=304),
    # Compression: pages go out gzip, joined from the pieces kept with the page.
    "gzip": Visitor(headers=GZIP, coding="gzip", shows='-gzip"'),
    "browser encodings": Visitor(headers=BROWSER, arrive=_shop, coding="gzip",
                                 shows='aria-label="2 items in your cart"'),
    "gzip creator": Visitor(headers=GZIP, arrive=_credit("/@leo"), coding="gzip",
                            shows='class="theme-atelier"'),
    "gzip first visit": Visitor(headers=GZIP, fresh=True, coding="gzip",
                                shows=NO_TOKEN),
    "gzip head": Visitor(headers=GZIP, method="HEAD", coding="gzip", shows="Content-Encoding"),
    "gzip https proxy": Visitor(config={"TRUSTED_PROXY_COUNT": "1"}, headers={**PROXIED, **GZIP},
                                coding="gzip", shows="Strict-Transport-Security"),
    "gzip if-none-match": Visitor(headers=GZIP, if_none_match=lambda etag: etag, status=304),
    "gzip head if-none-match": Visitor(headers=GZIP, method="HEAD",
                                       if_none_match=lambda etag: etag, status=304),
    # The browser's copy came plain (or gzip): the same page, still a 304.
    "gzip, plain copy": Visitor(headers=GZIP, if_none_match=lambda etag: etag.replace("-gzip", ""),
                                status=304),
    "plain, gzip copy": Visitor(if_none_match=lambda etag: etag[:-1] + '-gzip"', status=304),
    "gzip stale if-none-match": Visitor(headers=GZIP, if_none_match=lambda etag: STALE,
                                        coding="gzip"),
    # No Brotli for pages (it would cost a whole compression per response): plain.
    "br only": Visitor(headers={"Accept-Encoding": "br"}, shows="Vary: Accept-Encoding, Cookie"),
    "gzip refused": Visitor(headers={"Accept-Encoding": "gzip;q=0, br;q=0.5, *;q=0.1"}),
    "gzip flash message": Visitor(headers=GZIP, before=_flash, fast=False, coding="gzip",
                                  shows="will be applied to your cart"),
    "gzip ref link": Visitor(headers=GZIP, ask=lambda url: url + "?ref=maya", fast=False,
                             status=302),
    # Links creators shared on an affiliate platform before the brand moved (imported
    # creators' `[legacy_ids]`), their code in a /discount link, or typed at the cart.
    **{f"{platform} link": Visitor(config_in=_imported, fast=False, status=302,
                                   ask=lambda url, query=query: f"{url}?{query}")
       for platform, query, _ in LINKS},
    **{f"{platform} referred": Visitor(config_in=_imported, arrive=_credit(f"/?{query}"),
                                       shows=_shopping(handle))
       for platform, query, handle in LINKS},
    "discount link of a creator": Visitor(arrive=_credit("/discount/MAYA15"),
                                          shows=_shopping("maya")),
    "code of a creator at the cart": Visitor(arrive=_code_at_cart("june10"),
                                             shows=_shopping("june")),
    # Markets: each page under a prefix is its market's own (the primary market's page,
    # cached first by the other kinds' runs and by `first` here, never answers for it).
    "market": Visitor(prefix="/fr-ca", every='<html lang="fr-CA">'),
    "market, other language": Visitor(prefix="/en-ca", every='<html lang="en-CA">'),
    "market, other country": Visitor(prefix="/fr-fr", every='<html lang="fr-FR">',
                                     shows="€"),
    "market creator": Visitor(prefix="/fr-ca", arrive=_credit("/fr-ca/@maya"),
                              every='<html lang="fr-CA">', shows='href="/fr-ca/@maya"'),
    "gzip market": Visitor(prefix="/en-ca", headers=GZIP, coding="gzip",
                           every='<html lang="en-CA">'),
    "market if-none-match": Visitor(prefix="/fr-ca", if_none_match=lambda etag: etag,
                                    status=304),
}


@pytest.mark.parametrize("kind", VISITORS)
def test_every_shared_page_is_answered_alike_by_both_paths(tmp_path, kind):
    visitor = VISITORS[kind]
    more = visitor.config_in(tmp_path) if visitor.config_in else {}
    fast, slow = pair(tmp_path, **visitor.config, **more)
    served = handed_to_app(fast)
    clients = fast.test_client(), slow.test_client()
    for client in clients:
        visitor.arrive(client)
    seen = []
    for path in shared_urls(fast):
        if visitor.prefix:  # the primary market's page first: it must not answer below
            for client in clients:
                assert client.get(visitor.base + path).status_code == 200, (kind, path)
        url = visitor.base + visitor.prefix + path
        # The first view fills the page cache, through the app.
        first = [client.get(url, headers=visitor.headers) for client in clients]
        assert first[0].status_code == 200, (kind, path)
        assert normal(first[0]) == normal(first[1]), (kind, path)
        a, b = (fast.test_client(), slow.test_client()) if visitor.fresh else clients
        for client in (a, b):
            visitor.before(client)
        headers = dict(visitor.headers)
        if visitor.if_none_match:
            headers["If-None-Match"] = visitor.if_none_match(first[0].headers["ETag"])
        served.clear()
        fast_reply, slow_reply = (
            client.open(visitor.ask(url), method=visitor.method, headers=headers)
            for client in (a, b)
        )
        if visitor.fast is not None:
            assert served == ([] if visitor.fast else [path]), (kind, path)
        assert fast_reply.status_code == visitor.status, (kind, path)
        coding = visitor.coding if visitor.status == 200 else None
        assert fast_reply.headers.get("Content-Encoding") == coding, (kind, path)
        assert normal(fast_reply) == normal(slow_reply), (kind, path)
        if visitor.every and "<html" in text(fast_reply):  # (a whole page, not a fragment)
            assert visitor.every in text(fast_reply), (kind, path)
        seen += [str(fast_reply.headers), text(fast_reply)]
    assert any(visitor.shows in item for item in seen), visitor.shows
