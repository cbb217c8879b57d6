"""The demo checkout's "Place order", and the demo order page with its refunds and cancel.

Plain HTML forms, no script. Every form carries the bearer key of its cart
or order (as the page's URL does), so another site cannot make a shopper's
browser post one: it does not know the key. Inside the storefront the
store's own CSRF token is checked as well (Flask-WTF, on every POST); a
request a browser marks cross-site (`Sec-Fetch-Site`) is refused either way.

Webhooks go where the app says (`DEMO_SHOP_WEBHOOK_URL`), else, inside the
storefront, to its own `/webhooks/shopify` at the address the shopper used;
the standalone server has no such endpoint and needs `--webhook-url`.
"""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from storefront.demo_shop import ids
from storefront.demo_shop.context import CHECKOUTS_PATH
from storefront.demo_shop.orders import OrderBook, Refused, email_problem
from storefront.demo_shop.outbox import DELIVERED, FAILED, PENDING
from storefront.demo_shop.payloads import presented, refundable, refunded

ORDERS_PATH = "/demo-shop/orders"
SENDER = "demo_shop.webhooks"  # app.extensions key of the app's Sender
NO_STORE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
MAX_ID = 10**18


def webhook_target() -> str | None:
    configured = current_app.config.get("DEMO_SHOP_WEBHOOK_URL")
    if configured:
        return configured
    if "webhooks.shopify" in current_app.view_functions:
        return url_for("webhooks.shopify", _external=True)
    return None


def _problem(message: str, status: int, back: str | None = None):
    return render_template("demo_shop/problem.html", message=message, back=back), status, NO_STORE


def _cross_site() -> bool:
    return request.headers.get("Sec-Fetch-Site") == "cross-site"


def _sent() -> None:
    """Wake this process's sender: something was queued."""
    sender = current_app.extensions.get(SENDER)
    if sender is not None:
        sender.kick()


def order_url(order_id: int, key: str) -> str:
    return url_for("demo_shop.order", order_id=order_id, key=key)


def add_routes(bp: Blueprint, book: OrderBook, money) -> None:
    """Add the order routes to the demo shop's blueprint."""

    @bp.post(f"{CHECKOUTS_PATH}/<token>/order")
    def place_order(token: str):
        key = request.form.get("key", "")
        if _cross_site():
            return _problem("Orders are placed from the checkout page only.", 403)
        if not ids.parse_cart_gid(ids.cart_gid(token, key)):
            return _problem("This checkout doesn't exist, or the link is incomplete.", 404)
        back = url_for("demo_shop.checkout", token=token, key=key)
        email = request.form.get("email", "").strip()
        if email and (problem := email_problem(email)):
            return _problem(problem, 400, back)
        try:
            placed = book.place(token, key, email or None, webhook_target())
        except Refused as refused:
            return _problem(str(refused), refused.status, back)
        if placed is None:
            return _problem("This checkout doesn't exist, or the link is incomplete.", 404)
        if placed.new:
            _sent()
        return redirect(order_url(placed.order["id"], placed.key), 303)

    @bp.get(f"{ORDERS_PATH}/<int:order_id>")
    def order(order_id: int):
        key = request.args.get("key", "")
        found = book.get(order_id, key) if order_id < MAX_ID else None
        if found is None:
            return _problem("This order doesn't exist, or the link is incomplete.", 404)
        deliveries = book.deliveries(order_id)
        # The page shows what the buyer was charged (presentment money); gift cards hold
        # the shop's currency, and pay their value in the order's.
        currencies = book.currencies(found)
        cards = [(last, paid, currencies.to_presentment(paid))
                 for last, paid in book.gift_card_payments(order_id)]
        charged = presented(found, "total_price") - sum((p for *_, p in cards), Decimal(0))
        return render_template(
            "demo_shop/order.html", order=found, key=key, money=money,
            gift_cards=cards, charged=charged, refunded=refunded,
            price=lambda amount: money({"amount": amount,
                                        "currencyCode": currencies.presentment}),
            shop_price=lambda amount: money({"amount": amount, "currencyCode": currencies.shop}),
            shown=lambda data, name: money(data[f"{name}_set"]["presentment_money"]),
            code_amounts=_code_amounts(found),
            deliveries=deliveries, refundable=refundable(found),
            waiting=any(d["state"] == PENDING for d in deliveries),
            states={PENDING: "retrying", DELIVERED: "delivered", FAILED: "gave up"},
            here=url_for("demo_shop.order", order_id=order_id, key=key, _external=True),
        ), 200, NO_STORE

    @bp.post(f"{ORDERS_PATH}/<int:order_id>/refund")
    def refund(order_id: int):
        key = request.form.get("key", "")
        line = request.form.get("line_item_id", "")
        if _cross_site():
            return _problem("Refunds are made from the order page only.", 403)
        if not line.isdigit() or len(line) > 18:
            return _problem("Choose a line to refund.", 400, _back(order_id, key))
        return _change(order_id, key, lambda target: book.refund(order_id, key, int(line), target))

    @bp.post(f"{ORDERS_PATH}/<int:order_id>/cancel")
    def cancel(order_id: int):
        key = request.form.get("key", "")
        if _cross_site():
            return _problem("Orders are cancelled from the order page only.", 403)
        return _change(order_id, key, lambda target: book.cancel(order_id, key, target))


def _code_amounts(order: dict) -> list[dict]:
    """Each discount code with what it took off, in presentment money (the lines' shares)."""
    taken = [{"amount": {"amount": Decimal(0), "currencyCode": order["presentment_currency"]},
              "code": code["code"]} for code in order["discount_codes"]]
    for item in order["line_items"]:
        for allocation in item["discount_allocations"]:
            index = allocation["discount_application_index"]
            if index < len(taken):
                taken[index]["amount"]["amount"] += presented(allocation, "amount")
    return taken


def _back(order_id: int, key: str) -> str | None:
    return order_url(order_id, key) if order_id < MAX_ID else None


def _change(order_id: int, key: str, change):
    if order_id >= MAX_ID:
        return _problem("This order doesn't exist, or the link is incomplete.", 404)
    try:
        change(webhook_target())
    except Refused as refused:
        back = _back(order_id, key) if refused.status != 404 else None
        return _problem(str(refused), refused.status, back)
    _sent()
    return redirect(order_url(order_id, key), 303)
