"""The demo shop on the web: its files, its checkout page, and its Shopify-like HTTP API.

`blueprint(shop)` is mounted in the storefront when it runs on the demo shop
(images, the checkout page its carts point to, and the order pages behind its
"Place order" button: order_views.py). Orders send Shopify's order webhooks
through an outbox (outbox.py), signed with the app's SHOPIFY_WEBHOOK_SECRET.

`create_http_app()` is the standalone server: the same blueprint plus
`POST /api/<version>/graphql.json`, answering any HTTP client the way
Shopify's Storefront API does, and `GET /_stats` (`POST /_stats/reset`): how
many GraphQL requests it received, by operation, so a benchmark can tell how
many Storefront requests a page view costs. With an admin token, it also answers
`POST /admin/api/<version>/graphql.json`: the Admin API operations of admin.py.
`POST /_admin/products/<handle>` and `POST /_admin/metaobjects/<type>/<handle>` are a
merchant's edits, for tests.
`POST /_staged-uploads/<token>` takes the file of a staged upload (files.py).
`POST /_latency` changes the added delay while it runs (a slow Shopify, for tests), and
`GET /_stats/wait?in_flight=N` answers once N requests are being delayed at once.
"""

from __future__ import annotations

import hmac
import json
import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from babel.numbers import format_currency
from flask import (
    Blueprint,
    Flask,
    Response,
    redirect,
    render_template,
    request,
    send_from_directory,
)
from graphql import parse
from werkzeug.exceptions import HTTPException

from storefront import lifecycle
from storefront.demo_shop import ids, order_views
from storefront.demo_shop.admin import DemoAdmin
from storefront.demo_shop.context import CHECKOUTS_PATH, FILES_PATH
from storefront.demo_shop.files import MAX_BYTES as FILES_MAX_BYTES
from storefront.demo_shop.files import STAGED_PATH, UPLOADS_PREFIX, UploadRefused
from storefront.demo_shop.orders import OrderBook
from storefront.demo_shop.outbox import Sender
from storefront.demo_shop.shop import DemoShop

FILE_MAX_AGE = 365 * 24 * 3600  # catalog images never change under the same name
# A dated version, or `unstable` as Shopify also answers (Hydrogen's browser code asks
# it through the app; the demo shop answers every version with its one schema).
VERSION = re.compile(r"\d{4}-\d{2}|unstable")
CHECKOUT_DOCUMENT = parse((Path(__file__).parent / "checkout.graphql").read_text())
API_VERSION = "2026-04"  # of the webhooks' payloads, unless the app names its own

INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)"
TOKEN_HEADERS = ("X-Shopify-Storefront-Access-Token", "Shopify-Storefront-Private-Token")
ADMIN_TOKEN_HEADER = "X-Shopify-Access-Token"


def money(value: dict[str, Any] | Decimal | None, currency: str = "USD") -> str:
    """A MoneyV2 (or a REST `*_money`, or an amount in `currency`) as the page shows it."""
    if value is None:
        return ""
    if isinstance(value, dict):
        code = value.get("currencyCode") or value.get("currency_code")
        return format_currency(Decimal(value["amount"]), code, locale="en_US")
    return format_currency(value, currency, locale="en_US")


def blueprint(
    shop: DemoShop, orders: OrderBook | None = None, sender: Sender | None = None
) -> Blueprint:
    """Catalog files, the checkout page and the order pages of `shop`.

    Orders go into `orders` (default: the shop's cart file). Their webhooks
    are sent by `sender` (default: one made from the app's settings when the
    blueprint is registered, its thread started with the app's other threads).
    """
    book = orders if orders is not None else OrderBook.beside(shop)
    bp = Blueprint(
        "demo_shop",
        __name__,
        template_folder="templates",
        static_folder="static",
        static_url_path="/demo-shop/static",
    )

    @bp.get(f"{FILES_PATH}/<path:filename>")
    def file(filename: str) -> Response:
        if filename.startswith(UPLOADS_PREFIX):  # made by fileCreate, kept by the shop
            return _uploaded_file(shop, filename.removeprefix(UPLOADS_PREFIX))
        # send_from_directory refuses any path that leaves the folder (a 404).
        response = send_from_directory(shop.catalog.images_dir, filename, max_age=FILE_MAX_AGE)
        response.cache_control.public = True
        response.cache_control.immutable = True
        # Images are SVGs: never let one run script if opened directly.
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    @bp.get(f"{CHECKOUTS_PATH}/<token>")
    def checkout(token: str) -> tuple[str, int, dict[str, str]]:
        headers = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
        cart_id = ids.cart_gid(token, request.args.get("key", ""))
        result = (
            shop.execute(CHECKOUT_DOCUMENT, {"id": cart_id})
            if ids.parse_cart_gid(cart_id)
            else None
        )
        cart = (result.data or {}).get("cart") if result else None
        if cart is None:
            placed = book.of_cart(token, request.args.get("key", "")) if result else None
            if placed:  # the cart became an order: a checkout is done once
                return redirect(order_views.order_url(*placed), 303)
            return render_template("demo_shop/checkout_missing.html"), 404, headers
        return (
            render_template("demo_shop/checkout.html", money=money, token=token,
                            key=request.args.get("key", ""), **_checkout_view(cart)),
            200,
            headers,
        )

    order_views.add_routes(bp, book, money)

    @bp.record_once
    def start_sending(state) -> None:
        config = state.app.config
        webhooks = sender or Sender(
            book.outbox,
            secret=config.get("SHOPIFY_WEBHOOK_SECRET"),
            shop_domain=shop.catalog.shop.host,
            api_version=config.get("SHOPIFY_API_VERSION") or API_VERSION,
        )
        state.app.extensions[order_views.SENDER] = webhooks
        # Each serving process resumes what an earlier run left unsent.
        lifecycle.on_start(state.app, webhooks.resume)

    return bp


def _uploaded_file(shop: DemoShop, name: str) -> Response:
    stored = shop.files.by_name(name)
    if stored is None:
        return Response("Not Found", 404, mimetype="text/plain")
    response = Response(stored.data, mimetype=stored.mime_type)
    response.cache_control.public = True
    response.cache_control.max_age = FILE_MAX_AGE
    response.cache_control.immutable = True
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _checkout_view(cart: dict[str, Any]) -> dict[str, Any]:
    """The cart plus what the page sums: each code's allocations, all discounts, and the
    total before gift cards paid their part.

    Product discounts are allocated on lines, order discounts on the cart; a
    code's total is the sum of both.
    """
    lines = cart["lines"]["nodes"]
    allocations = [a for line in lines for a in line["discountAllocations"]]
    allocations += cart["discountAllocations"]
    allocated: dict[str, Decimal] = {}
    for allocation in allocations:
        amount = Decimal(allocation["discountedAmount"]["amount"])
        code = allocation["code"].casefold()
        allocated[code] = allocated.get(code, Decimal(0)) + amount
    currency = cart["cost"]["totalAmount"]["currencyCode"]  # the cart's market's
    codes = [
        {**code, "allocated": {"amount": allocated.get(code["code"].casefold(), Decimal(0)),
                               "currencyCode": currency}}
        for code in cart["discountCodes"]
    ]
    # What the cards paid of the cart, in its currency (they hold the shop's).
    gift_cards = sum((Decimal(c["presentmentAmountUsed"]["amount"])
                      for c in cart["appliedGiftCards"]), Decimal(0))
    return {
        "cart": cart,
        "lines": lines,
        "codes": codes,
        "discounts": {"amount": sum(allocated.values(), Decimal(0)), "currencyCode": currency},
        # totalAmount is what is left to pay: gift cards are a payment, not a discount.
        "after_discounts": {"amount": Decimal(cart["cost"]["totalAmount"]["amount"]) + gift_cards,
                            "currencyCode": currency},
    }


# The standalone HTTP server -----------------------------------------------


def _json(body: Any, status: int = 200, **headers: str) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json", headers=headers)


def _graphql_request() -> tuple[str, dict | None, str | None] | None:
    """`(query, variables, operationName)` from the body, or None when it is malformed."""
    if request.mimetype == "application/graphql":
        query = request.get_data(as_text=True)
        return (query, None, None) if query.strip() else None
    body = request.get_json(force=True, silent=True)
    if not isinstance(body, dict):
        return None
    query, variables, name = body.get("query"), body.get("variables"), body.get("operationName")
    if not isinstance(query, str) or not query.strip():
        return None
    if variables is not None and not isinstance(variables, dict):
        return None
    if name is not None and not isinstance(name, str):
        return None
    return query, variables, name


class RequestStats:
    """GraphQL requests received, in total and by operation name, and how many are
    being answered right now; safe across threads."""

    UNNAMED = "(unnamed)"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._by_operation: Counter[str] = Counter()
        self._in_flight = 0

    def count(self, operation_name: str | None) -> None:
        with self._lock:
            self._by_operation[operation_name or self.UNNAMED] += 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            by_operation = dict(self._by_operation)
            in_flight = self._in_flight
        return {"graphql_requests": sum(by_operation.values()), "by_operation": by_operation,
                "in_flight": in_flight}

    def reset(self) -> None:
        with self._lock:
            self._by_operation.clear()

    @contextmanager
    def answering(self) -> Iterator[None]:
        """Counts one request as in flight while the block runs."""
        with self._changed:
            self._in_flight += 1
            self._changed.notify_all()
        try:
            yield
        finally:
            with self._changed:
                self._in_flight -= 1
                self._changed.notify_all()

    def wait_in_flight(self, count: int, timeout: float) -> bool:
        """Block until `count` requests or more are in flight at once; False on timeout."""
        with self._changed:
            return self._changed.wait_for(lambda: self._in_flight >= count, timeout)


class Latency:
    """The delay added to every API request; changing it wakes the requests waiting
    out the old one, which then wait out what is left of the new one."""

    def __init__(self, ms: int) -> None:
        self._ms = ms
        self._changed = threading.Condition()

    def set(self, ms: int) -> None:
        with self._changed:
            self._ms = ms
            self._changed.notify_all()

    @property
    def ms(self) -> int:
        return self._ms

    def wait(self) -> None:
        started = time.monotonic()
        with self._changed:
            while (left := self._ms / 1000 - (time.monotonic() - started)) > 0:
                self._changed.wait(left)


def _operation_name() -> str | None:
    """The operationName a GraphQL POST names, if its body is JSON and names one."""
    if request.mimetype == "application/graphql":
        return None
    body = request.get_json(force=True, silent=True)  # cached: parsed once per request
    name = body.get("operationName") if isinstance(body, dict) else None
    return name if isinstance(name, str) else None


def create_http_app(
    shop: DemoShop,
    token: str,
    latency_ms: int = 0,
    *,
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
    orders: OrderBook | None = None,
    sender: Sender | None = None,
    admin_token: str | None = None,
) -> Flask:
    """The demo shop as its own server, answering like Shopify's Storefront API.

    Orders placed at its checkout send their webhooks to `webhook_url`, signed
    with `webhook_secret` (none: they are listed as not sent). With `admin_token`,
    `POST /admin/api/<version>/graphql.json` answers the few Admin API operations
    the store uses (admin.py) to clients sending it as `X-Shopify-Access-Token`.
    """
    app = Flask(__name__)
    app.config.update(DEMO_SHOP_WEBHOOK_URL=webhook_url, SHOPIFY_WEBHOOK_SECRET=webhook_secret)
    app.register_blueprint(blueprint(shop, orders, sender))
    stats = RequestStats()
    latency = Latency(latency_ms)

    @app.route("/api/<version>/graphql.json", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def graphql_endpoint(version: str) -> Response:
        if not VERSION.fullmatch(version):
            return _json({"errors": "Not Found"}, 404)
        if request.method != "POST":
            return _json({"errors": "Method Not Allowed"}, 405, Allow="POST")
        # Every POST counts, even one refused below: it is a request the client made.
        stats.count(_operation_name())
        if not any(request.headers.get(h) == token for h in TOKEN_HEADERS):
            return _json({"errors": INVALID_TOKEN}, 401)
        parsed = _graphql_request()
        if parsed is None:
            return _json({"errors": {"query": "Required parameter missing or invalid"}}, 400)
        with stats.answering():
            latency.wait()  # a deliberate delay: a Shopify round trip
            query, variables, operation_name = parsed
            return _json(shop.execute(query, variables, operation_name).formatted)

    admin = DemoAdmin(shop)

    @app.route("/admin/api/<version>/graphql.json", methods=["GET", "POST"])
    def admin_endpoint(version: str) -> Response:
        if not VERSION.fullmatch(version):
            return _json({"errors": "Not Found"}, 404)
        if request.method != "POST":
            return _json({"errors": "Method Not Allowed"}, 405, Allow="POST")
        stats.count(_operation_name())
        given = request.headers.get(ADMIN_TOKEN_HEADER, "")
        if not admin_token or not hmac.compare_digest(given.encode(), admin_token.encode()):
            return _json({"errors": INVALID_TOKEN}, 401)
        parsed = _graphql_request()
        if parsed is None:
            return _json({"errors": {"query": "Required parameter missing or invalid"}}, 400)
        with stats.answering():
            latency.wait()
            query, variables, operation_name = parsed
            return _json(admin.execute(query, variables, operation_name).formatted)

    # A staged upload target (stagedUploadsCreate): one multipart POST of the file,
    # authorised by the target's parameters, as Shopify's storage takes it.
    @app.post(f"{STAGED_PATH}/<token>")
    def staged_upload(token: str) -> Response:
        if (request.content_length or 0) > FILES_MAX_BYTES + 65_536:
            return _json({"errors": "the upload is too large"}, 413)
        upload = request.files.get("file")
        if upload is None:
            return _json({"errors": "give the file as the form field 'file'"}, 400)
        data = upload.read(FILES_MAX_BYTES + 1)
        try:
            shop.files.receive(token, request.form.to_dict(), data)
        except UploadRefused as refused:
            return _json({"errors": str(refused)}, refused.status)
        return Response(status=204)

    # What a benchmark reads: Storefront requests per page view = the change in
    # graphql_requests over a run / the page views the run made.
    @app.get("/_stats")
    def graphql_stats() -> Response:
        return _json(stats.snapshot())

    @app.post("/_stats/reset")
    def reset_graphql_stats() -> Response:
        stats.reset()
        return _json(stats.snapshot())

    # For tests of a slow Shopify: block until this many requests are being
    # answered at once (a 504 after `timeout` seconds, at most 60).
    @app.get("/_stats/wait")
    def wait_for_requests() -> Response:
        count = request.args.get("in_flight", type=int)
        timeout = request.args.get("timeout", default=30.0, type=float)
        if count is None or count < 1 or not 0 < timeout <= 60:
            return _json({"errors": "give in_flight=N (1 or more) and timeout=S (at most 60)"},
                         400)
        reached = stats.wait_in_flight(count, timeout)
        return _json(stats.snapshot(), 200 if reached else 504)

    # The delay added to every API request, changed while the server runs (a
    # Shopify that turns slow, then recovers); requests already waiting wait
    # out the new delay, counted from when they arrived.
    @app.post("/_latency")
    def set_latency() -> Response:
        body = request.get_json(force=True, silent=True)
        ms = body.get("ms") if isinstance(body, dict) else None
        if not isinstance(ms, int) or isinstance(ms, bool) or not 0 <= ms <= 60000:
            return _json({"errors": "give ms: a whole number from 0 to 60000"}, 400)
        latency.set(ms)
        return _json({"latency_ms": latency.ms})

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        return _json({"errors": error.name}, error.code or 500)

    @app.after_request
    def request_id(response: Response) -> Response:
        response.headers["X-Request-Id"] = str(uuid.uuid4())
        return response

    # A merchant's edit in the Shopify admin, for tests of caches and webhooks:
    # the product changes here, and the storefront learns of it from a webhook.
    @app.post("/_admin/products/<handle>")
    def edit_product(handle: str) -> Response:
        body = request.get_json(force=True, silent=True)
        title = body.get("title") if isinstance(body, dict) else None
        if not isinstance(title, str) or not 0 < len(title) <= 255:
            return _json({"errors": "give a title of 1 to 255 characters"}, 400)
        if not shop.edit_product(handle, title=title):
            return _json({"errors": f"no product {handle!r}"}, 404)
        return _json({"ok": True, "handle": handle, "title": title})

    # A merchant's edit of a metaobject (a creator's name, say), for tests of the
    # creators the storefront reads from metaobjects: {"fields": {"name": "..."}}.
    @app.post("/_admin/metaobjects/<type_>/<handle>")
    def edit_metaobject(type_: str, handle: str) -> Response:
        body = request.get_json(force=True, silent=True)
        values = body.get("fields") if isinstance(body, dict) else None
        if not isinstance(values, dict) or not values or not all(
            isinstance(k, str) and isinstance(v, str) and len(v) <= 65_535
            for k, v in values.items()
        ):
            return _json({"errors": "give fields: an object of field keys to text values"}, 400)
        if not shop.edit_metaobject(type_, handle, values):
            return _json({"errors": f"no metaobject {type_}/{handle}"}, 404)
        return _json({"ok": True, "type": type_, "handle": handle})

    return app
