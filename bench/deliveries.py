"""Signed order webhooks in bulk: made ahead, sent by wrk, then checked against the ledger.

Each order gets orders/create and orders/paid (a minute later, as Shopify
sends them: nearly at once, so two workers often hold the same order), and
one order in four a refunds/create. Bodies are shaped like Shopify's REST
order and refund resources (tests/orders/payloads.py), with what makes a real
one 3-5 KB: several line items with their discounts and taxes, the customer,
addresses, client details, the creator's cart attributes. Every delivery has
its own X-Shopify-Webhook-Id and body, so the ledger stores each one.

wrk sends them (bench/deliveries.lua), not a Python client: on two cores the
client's CPU is taken from the server it measures, and wrk spends far less
per request than any Python HTTP client (its requests are built once, before
the clock starts). A Python client sends the untimed warm-up, which must
reach each worker so their ledgers are made (engine, migration check) before
the measured run.

`check` reads the ledger back once the server has stopped (so whatever was in
flight when wrk stopped is stored too): every stored delivery is one of ours,
stored once, applied (status done), and its effect is there (the order and its
credit, the payment, the refund in net sales); nothing wrk saw answered 2xx is
missing. A benchmark that loses deliveries is wrong, whatever its rate.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import itertools
import json
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench import wrk
from bench.measurement import Measurement

SCRIPT = Path(__file__).with_name("deliveries.lua")
SECRET = "bench-orders-webhook-secret"
SHOP_ZONE = timezone(timedelta(hours=-5))
PRODUCTS = (("Organic cotton tee", "M / Fern", 2800), ("Linen shirt", "L / Sand", 6400),
            ("Cotton shorts", "32 / Navy", 4200), ("Merino beanie", "One size", 3000),
            ("Canvas tote", "Natural", 2200), ("Wool socks", "M / Oat", 1600))
TAX_RATE = Decimal("0.08")
CENT = Decimal("0.01")
REFUND_EVERY = 4  # one order in four is refunded in part


@dataclass(frozen=True)
class Sent:
    """One delivery, and what it should leave in the ledger."""

    webhook_id: str
    topic: str
    order_id: int
    refund_id: int | None
    line: bytes  # the line of the deliveries file (bench/deliveries.lua)


@dataclass(frozen=True)
class Expected:
    """An order as the ledger should end with it, whatever part of it was delivered."""

    creator: str
    subtotal: Decimal
    refunded: Decimal  # the refund's subtotal (0: none)


def _time(moment: datetime) -> str:
    return moment.astimezone(SHOP_ZONE).isoformat()  # as Shopify writes them


def _money(amount: Decimal) -> dict:
    value = {"amount": str(amount), "currency_code": "USD"}
    return {"shop_money": value, "presentment_money": dict(value)}


def _address(number: int) -> dict:
    return {"name": f"Jo Doe {number}", "address1": f"{number % 900 + 100} Main St",
            "city": "Portland", "province_code": "OR", "zip": "97201", "country_code": "US"}


def _line(number: int, position: int, discount: Decimal) -> tuple[dict, Decimal]:
    title, variant, cents = PRODUCTS[(number + position) % len(PRODUCTS)]
    quantity = 1 + (number + position) % 3
    price = Decimal(cents) / 100
    net = price * quantity - discount
    tax = (net * TAX_RATE).quantize(CENT, ROUND_HALF_EVEN)
    product_id = 6001 + (number + position) % len(PRODUCTS)
    line_id = (number + 1) * 10 + position  # ids are positive
    return {
        "id": line_id, "product_id": product_id, "variant_id": product_id * 10 + 1,
        "title": title, "variant_title": variant, "sku": f"FW-{product_id}-{position}",
        "vendor": "Fernwood", "quantity": quantity, "grams": 250, "taxable": True,
        "fulfillment_status": None, "price": str(price), "price_set": _money(price),
        "total_discount": str(discount),
        "discount_allocations": [{"amount": str(discount), "amount_set": _money(discount),
                                  "discount_application_index": 0}] if discount else [],
        "tax_lines": [{"title": "State tax", "price": str(tax), "price_set": _money(tax),
                       "rate": float(TAX_RATE)}],
    }, net


def order_body(number: int, order_id: int, creator: str, code: str, created: datetime,
               updated: datetime, status: str) -> tuple[dict, Decimal]:
    """An orders/* body for order `number`, credited to `creator` by its cart attributes;
    and its subtotal (after discounts, before tax and shipping)."""
    lines, subtotal = [], Decimal(0)
    for position in range(1 + number % 3):
        line, net = _line(number, position, Decimal("2.50") if position == 0 else Decimal(0))
        lines.append(line)
        subtotal += net
    tax = (subtotal * TAX_RATE).quantize(CENT, ROUND_HALF_EVEN)
    shipping = Decimal("6.00")
    total = subtotal + tax + shipping
    clicked = created - timedelta(hours=3)
    customer = 7_100_000_000 + number % 50_000  # some customers order again
    body = {
        "id": order_id, "name": f"#{10_000 + number}", "order_number": 10_000 + number,
        "checkout_token": hashlib.sha1(str(order_id).encode()).hexdigest(), "test": False,
        "email": f"shopper{number}@example.com", "phone": "+15035550100",
        "browser_ip": "203.0.113.9", "source_name": "web", "note": None,
        "created_at": _time(created), "updated_at": _time(updated),
        "processed_at": _time(created), "currency": "USD", "presentment_currency": "USD",
        "financial_status": status, "fulfillment_status": None, "cancelled_at": None,
        "cancel_reason": None, "taxes_included": False,
        "landing_site": f"/@{creator}?utm_source=instagram&utm_medium=social",
        "referring_site": "https://www.instagram.com/",
        "note_attributes": [
            {"name": "_creator", "value": creator}, {"name": "_creator_first", "value": creator},
            {"name": "_creator_clicked_at", "value": clicked.isoformat()},
            {"name": "_utm_source", "value": "instagram"},
            {"name": "_utm_medium", "value": "social"},
            {"name": "_utm_campaign", "value": "autumn-drop"},
            {"name": "gift_message", "value": "Happy birthday!"},
        ],
        "discount_codes": [{"code": code, "amount": "2.50", "type": "fixed_amount"}],
        "discount_applications": [{"type": "discount_code", "code": code, "value": "2.5",
                                   "value_type": "fixed_amount", "allocation_method": "across",
                                   "target_selection": "all", "target_type": "line_item"}],
        "line_items": lines,
        "shipping_lines": [{"id": order_id, "title": "Standard", "price": str(shipping),
                            "price_set": _money(shipping)}],
        "subtotal_price": str(subtotal), "subtotal_price_set": _money(subtotal),
        "current_subtotal_price": str(subtotal), "current_subtotal_price_set": _money(subtotal),
        "total_tax": str(tax), "total_tax_set": _money(tax),
        "current_total_tax": str(tax), "current_total_tax_set": _money(tax),
        "total_discounts": "2.50", "total_discounts_set": _money(Decimal("2.50")),
        "total_price": str(total), "total_price_set": _money(total),
        "current_total_price": str(total), "current_total_price_set": _money(total),
        "payment_gateway_names": ["shopify_payments"],
        "customer": {"id": customer, "email": f"shopper{number}@example.com",
                     "first_name": "Jo", "last_name": f"Doe {number}",
                     "default_address": _address(number)},
        "billing_address": _address(number), "shipping_address": _address(number),
        "client_details": {"browser_ip": "203.0.113.9", "accept_language": "en-US",
                           "user_agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5) Safari"},
        "refunds": [],
    }
    return body, subtotal


def refund_body(number: int, order_id: int, refund_id: int, created: datetime,
                line: dict) -> tuple[dict, Decimal]:
    """A refunds/create body giving back one unit of the order's first line; its subtotal."""
    subtotal = Decimal(line["price"]) - Decimal(line["total_discount"]) / line["quantity"]
    subtotal = subtotal.quantize(CENT, ROUND_HALF_EVEN)
    tax = (subtotal * TAX_RATE).quantize(CENT, ROUND_HALF_EVEN)
    return {
        "id": refund_id, "admin_graphql_api_id": f"gid://shopify/Refund/{refund_id}",
        "order_id": order_id, "created_at": _time(created), "processed_at": _time(created),
        "note": "Too small", "user_id": 99, "restock": True, "duties": [],
        "refund_line_items": [{
            "id": refund_id * 10, "line_item_id": line["id"], "quantity": 1,
            "restock_type": "return", "location_id": 1, "subtotal": float(subtotal),
            "subtotal_set": _money(subtotal), "total_tax": float(tax),
            "total_tax_set": _money(tax), "line_item": {k: line[k] for k in (
                "id", "variant_id", "product_id", "title", "variant_title", "sku", "quantity",
                "price", "price_set", "total_discount", "discount_allocations",
                "tax_lines")},
        }],
        "transactions": [{"id": refund_id * 7, "order_id": order_id, "kind": "refund",
                          "gateway": "shopify_payments", "status": "success",
                          "amount": str(subtotal + tax), "currency": "USD",
                          "created_at": _time(created), "test": False,
                          "parent_id": order_id * 3, "source_name": "web"}],
        "order_adjustments": [],
    }, subtotal


def _signature(raw: bytes) -> str:
    return base64.b64encode(hmac.new(SECRET.encode(), raw, hashlib.sha256).digest()).decode()


def make(orders: int, creators: list[str], first_order_id: int,
         now: datetime | None = None) -> tuple[list[Sent], dict[int, Expected]]:
    """The deliveries of `orders` orders, in the order they are sent, and each order's end."""
    now = now or datetime.now(UTC)
    triggered = now.isoformat()
    webhook_ids = itertools.count(1)
    sent: list[Sent] = []
    expected: dict[int, Expected] = {}
    codes = ("WELCOME10", "FERN15", "TAKE5")

    def add(topic: str, order_id: int, body: dict, refund_id: int | None = None) -> None:
        raw = json.dumps(body, separators=(",", ":")).encode()
        webhook = f"bench-{first_order_id}-{next(webhook_ids)}"
        line = b"\t".join([topic.encode(), webhook.encode(), _signature(raw).encode(),
                           triggered.encode(), raw])
        sent.append(Sent(webhook, topic, order_id, refund_id, line))

    for number in range(orders):
        order_id = first_order_id + number
        creator = creators[number % len(creators)]
        created = now - timedelta(hours=2, seconds=orders - number)
        body, subtotal = order_body(number, order_id, creator, codes[number % len(codes)],
                                    created, created, "pending")
        add("orders/create", order_id, body)
        paid, _ = order_body(number, order_id, creator, codes[number % len(codes)],
                             created, created + timedelta(minutes=1), "paid")
        add("orders/paid", order_id, paid)
        refunded = Decimal(0)
        if number % REFUND_EVERY == REFUND_EVERY - 1:
            refund_id = order_id * 10 + 1
            refund, refunded = refund_body(number, order_id, refund_id,
                                           created + timedelta(minutes=30),
                                           body["line_items"][0])
            add("refunds/create", order_id, refund, refund_id)
        expected[order_id] = Expected(creator, subtotal, refunded)
    return sent, expected


def write(path: Path, sent: list[Sent]) -> Path:
    with path.open("wb") as out:
        for delivery in sent:
            out.write(delivery.line + b"\n")
    return path


# -- sending ------------------------------------------------------------------------------


def post_all(base_url: str, sent: list[Sent], connections: int = 16) -> list[int]:
    """POST each delivery once over `connections` keep-alive connections; the statuses.

    For the untimed warm-up: enough requests at once that every worker gets some.
    """
    address = urlsplit(base_url)
    statuses = [0] * len(sent)
    pending = iter(range(len(sent)))
    lock = threading.Lock()

    def work() -> None:
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
        try:
            while True:
                with lock:
                    index = next(pending, None)
                if index is None:
                    return
                topic, webhook, signature, triggered, body = sent[index].line.split(b"\t", 4)
                connection.request("POST", "/webhooks/shopify", body=body, headers={
                    "Content-Type": "application/json", "X-Shopify-Topic": topic.decode(),
                    "X-Shopify-Hmac-Sha256": signature.decode(),
                    "X-Shopify-Webhook-Id": webhook.decode(),
                    "X-Shopify-Triggered-At": triggered.decode()})
                response = connection.getresponse()
                response.read()
                statuses[index] = response.status
        finally:
            connection.close()

    workers = [threading.Thread(target=work) for _ in range(connections)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return statuses


def run(base_url: str, sent: list[Sent], duration_s: float,
        connections: int = wrk.CONNECTIONS) -> Measurement:
    """wrk -t2 -c`connections` for `duration_s`, each thread sending its share of `sent`."""
    with tempfile.TemporaryDirectory(prefix="bench-deliveries-") as folder:
        path = write(Path(folder) / "deliveries.tsv", sent)
        command = [
            wrk.executable(), f"-t{wrk.THREADS}", f"-c{connections}",
            f"-d{max(1, round(duration_s))}s", "--latency", "--timeout", wrk.TIMEOUT,
            "-s", str(SCRIPT), base_url, "--", str(path), str(wrk.THREADS),
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith(wrk.MARKER)]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    report = json.loads(lines[-1][len(wrk.MARKER):])
    if report["exhausted_threads"]:
        raise RuntimeError(f"wrk sent all {len(sent)} prepared deliveries before "
                           f"{duration_s:g} s were up: prepare more (--max-rate)")
    latency = report["latency_us"]
    return Measurement(
        method="wrk", requests=report["requests"], duration_s=report["duration_us"] / 1e6,
        p50_ms=latency["p50"] / 1000, p99_ms=latency["p99"] / 1000, non2xx=report["non2xx"],
        errors={k: v for k, v in report["errors"].items() if k != "status" and v})


# -- checking -------------------------------------------------------------------------------


def check(engine, sent: list[Sent], expected: dict[int, Expected],
          answered: int) -> dict[str, Any]:
    """What the ledger kept of `sent`, after a run where `answered` got a 2xx.

    Returns counts and a list of problems (empty when every delivery is there once,
    applied, with its effect).
    """
    from sqlalchemy import select

    from storefront.orders.tables import deliveries, orders, refunds

    by_webhook = {delivery.webhook_id: delivery for delivery in sent}
    with engine.connect() as conn:
        stored = conn.execute(select(deliveries.c.webhook_id, deliveries.c.topic,
                                     deliveries.c.status, deliveries.c.error)).all()
        rows = {row.order_id: row for row in conn.execute(
            select(orders.c.order_id, orders.c.creator, orders.c.financial_status,
                   orders.c.net_sales, orders.c.commission))}
        kept_refunds = set(conn.execute(select(refunds.c.refund_id)).scalars())
    problems: list[str] = []
    mine = [by_webhook.get(row.webhook_id) for row in stored]
    if None in mine:
        problems.append(f"{mine.count(None)} stored deliveries are not ones the bench sent")
    not_done = [row for row in stored if row.status != "done"]
    if not_done:
        problems.append(f"{len(not_done)} deliveries not applied, e.g. {not_done[0].status}: "
                        f"{(not_done[0].error or '')[:300]}")
    if len(stored) < answered:
        problems.append(f"{answered} deliveries answered 2xx but only {len(stored)} stored")
    got = [delivery for delivery in mine if delivery is not None]
    order_ids = {d.order_id for d in got if d.topic != "refunds/create"}
    paid = {d.order_id for d in got if d.topic == "orders/paid"}
    refunded = {d.order_id: d.refund_id for d in got if d.topic == "refunds/create"}
    missing = order_ids - rows.keys()
    if missing:
        problems.append(f"{len(missing)} orders delivered but not in the ledger")
    extra = rows.keys() - order_ids
    if extra:
        problems.append(f"{len(extra)} orders in the ledger that no stored delivery made")
    if set(refunded.values()) != kept_refunds:
        problems.append(f"refunds kept {len(kept_refunds)} != refunds stored {len(refunded)}")
    wrong = []
    for order_id in order_ids & rows.keys():
        row, want = rows[order_id], expected[order_id]
        net = want.subtotal - (want.refunded if order_id in refunded else 0)
        if (row.creator != want.creator or row.net_sales != net
                or (order_id in paid and row.financial_status != "paid")):
            wrong.append(order_id)
    if wrong:
        row, want = rows[wrong[0]], expected[wrong[0]]
        problems.append(f"{len(wrong)} orders not as delivered, e.g. {wrong[0]}: "
                        f"{row.creator} {row.financial_status} {row.net_sales}; expected "
                        f"{want.creator}, net {want.subtotal} less {want.refunded}")
    return {"stored": len(stored), "answered_2xx": answered, "orders": len(rows),
            "refunds": len(kept_refunds),
            "credited": sum(1 for row in rows.values() if row.creator),
            "problems": problems}
