"""The whole loop, as a brand lives it, over real HTTP with gunicorn: a creator's link, a cart,
the demo checkout's Place order, the webhooks, the reports, the dashboard, the creator's own
page and the payout; then a refund after the payout, and its clawback in the next one.

The store runs as `make run` runs it (gunicorn, the in-process demo shop, no webhook secret
set). The brand's commands run in this process on the same database, with the ledger's clock
moved past the holding period, as a brand would run them weeks later.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import urljoin

import pytest
import requests

from storefront import create_app
from storefront.orders import ledger_for
from tests.support import processes
from tests.support.waiting import until

CSRF = re.compile(r'<meta name="csrf-token" content="([^"]*)"')
VARIANT = re.compile(r'name="variant_id" value="(\d+)"')
FORM = re.compile(r'<form method="post" action="([^"]+)"')
HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)">')
REFUND_FORM = re.compile(r'<form method="post" action="([^"]+/refund)">(.*?)</form>', re.S)
ADMIN = ("brand-team", "loop-test-admin-password-7")


@pytest.fixture
def store(tmp_path, monkeypatch):
    for name in ("SHOPIFY_STORE_DOMAIN", "SHOPIFY_WEBHOOK_SECRET", "SECRET_KEY",
                 "DEMO_SHOP_WEBHOOK_URL", "DEMO_SHOP_CART_DB"):
        monkeypatch.delenv(name, raising=False)
    env = {"WEB_CONCURRENCY": "2", "INSTANCE_DIR": str(tmp_path / "instance"),
           "FUNNELS_URL": f"sqlite:///{tmp_path}/funnels.sqlite3",
           "FUNNELS_FLUSH_SECONDS": "0.2",
           "ADMIN_USERNAME": ADMIN[0], "ADMIN_PASSWORD": ADMIN[1]}
    server = processes.gunicorn("wsgi:app", env=env)
    server.wait_for("Booting worker", count=2)
    for name, value in env.items():  # the brand's commands, below, read the same settings
        monkeypatch.setenv(name, value)
    yield server
    server.stop()
    assert "Traceback" not in server.log()


def brand_commands(now: datetime):
    """The store's CLI in this process, on the store's database, its ledger at `now`."""
    app = create_app()
    ledger_for(app).clock = lambda: now
    runner = app.test_cli_runner()

    def run(*args: str) -> str:
        result = runner.invoke(args=list(args))
        assert result.exit_code == 0, (args, result.output, result.exception)
        return result.output

    return run


def place_order(server, shopper: requests.Session) -> str:
    """Maya's link, a tee in the cart, checkout, Place order; the demo order page's URL."""
    assert shopper.get(server.url + "/@maya", timeout=30).status_code == 200
    product = shopper.get(server.url + "/products/organic-cotton-tee", timeout=30).text
    added = shopper.post(server.url + "/cart/add", timeout=30, allow_redirects=False, data={
        "csrf_token": CSRF.search(product).group(1), "variant_id": VARIANT.search(product).group(1),
        "quantity": "2"})
    assert added.status_code == 303
    checkout = shopper.get(server.url + "/checkout", timeout=30, allow_redirects=False)
    assert checkout.status_code == 303
    checkout_url = urljoin(server.url, checkout.headers["Location"])
    page = shopper.get(checkout_url, timeout=30).text
    placed = shopper.post(urljoin(checkout_url, FORM.search(page).group(1)), timeout=30,
                          data={**dict(HIDDEN.findall(page)), "email": "jo@example.com"},
                          allow_redirects=False)
    assert placed.status_code == 303
    return urljoin(server.url, placed.headers["Location"])


def delivered(shopper, order_url: str, count: int) -> bool:
    found, _ = until(lambda: shopper.get(order_url, timeout=30).text.count(">delivered<")
                     == count, within=30)
    return bool(found)


def payouts(run, period: str) -> dict[str, dict]:
    rows = csv.DictReader(io.StringIO(run("creators", "payouts", "--period", period,
                                          "--format", "csv")))
    return {row["creator"]: row for row in rows}


def test_from_a_creators_link_to_the_creators_payout_and_its_clawback(store):
    server = store
    shopper = requests.Session()
    order_url = place_order(server, shopper)
    assert delivered(shopper, order_url, 2), shopper.get(order_url, timeout=30).text[-2000:]

    placed_at = datetime.now(UTC)
    period = f"{placed_at:%Y-%m}"
    # Two tees at 38.00 less Maya's 15 %: 64.60, and her commission (10 %, the default).
    net, commission = Decimal("64.60"), Decimal("6.46")

    # The brand's report.
    today = brand_commands(placed_at)
    report = {row["creator"]: row for row in
              json.loads(today("orders", "report", "--period", period, "--format", "json"))
              ["creators"]}
    assert report["maya"]["orders"] == 1 and Decimal(report["maya"]["net_sales"]) == net

    # Before the holding period is over, nothing is payable yet.
    early = payouts(today, period)["maya"]
    assert Decimal(early["earned"]) == commission and Decimal(early["payable"]) == 0

    # Weeks later: the month is over and the holding period too. Pay it.
    first_run = datetime(placed_at.year + placed_at.month // 12, placed_at.month % 12 + 1, 1,
                         tzinfo=UTC) + timedelta(days=31)
    later = brand_commands(first_run)
    due = payouts(later, period)["maya"]
    assert Decimal(due["amount"]) == commission and Decimal(due["payable"]) == commission
    later("creators", "payouts", "--period", period, "--mark-paid")
    paid = payouts(later, period)["maya"]
    assert Decimal(paid["paid"]) == commission
    marked_again = create_app()
    ledger_for(marked_again).clock = lambda: first_run
    again = marked_again.test_cli_runner().invoke(
        args=["creators", "payouts", "--period", period, "--mark-paid"])
    assert again.exit_code != 0 and "Traceback" not in again.output  # a month is paid once

    # The brand's dashboard shows the sale beside Maya's funnel.
    dashboard = requests.get(server.url + "/admin/creators?since=30d", auth=ADMIN, timeout=30)
    assert dashboard.status_code == 200
    maya_row = re.search(r'<tr data-creator="maya">.*?</tr>', dashboard.text, re.S)
    assert maya_row and "64.60" in maya_row.group(0) and "6.46" in maya_row.group(0)
    detail = requests.get(server.url + "/admin/creators/maya?since=30d", auth=ADMIN, timeout=30)
    assert detail.status_code == 200 and "64.60" in detail.text and "<svg" in detail.text

    # Maya's own page, through the link the brand sends her: her sale, her product, her pay.
    path = later("creators", "link", "maya").splitlines()[0].strip()
    assert path.startswith("/creator-stats/")
    mine = requests.get(server.url + path, timeout=30)
    assert mine.status_code == 200, mine.text[-2000:]
    assert mine.headers["Cache-Control"] == "no-store" and "noindex" in mine.headers["X-Robots-Tag"]
    assert "64.60" in mine.text and "6.46" in mine.text and "Organic Cotton Tee" in mine.text
    assert "jo@example.com" not in mine.text

    # The shopper returns one tee after the payout: refunds/create, then orders/updated.
    page = shopper.get(order_url, timeout=30).text
    action, fields = REFUND_FORM.search(page).groups()
    refunded = shopper.post(urljoin(order_url, action), data=dict(HIDDEN.findall(fields)),
                            timeout=30, allow_redirects=False)
    assert refunded.status_code == 303
    assert delivered(shopper, order_url, 4)

    # The next month's payout takes the refunded tee's commission back.
    next_period = f"{first_run:%Y-%m}"
    next_run = brand_commands(first_run + timedelta(days=62))
    clawback = payouts(next_run, next_period)["maya"]
    assert Decimal(clawback["adjustments"]) == -commission / 2
    assert Decimal(clawback["amount"]) == 0  # nothing new to pay: the balance is carried
    refreshed = {row["creator"]: row for row in json.loads(next_run(
        "orders", "report", "--period", period, "--format", "json"))["creators"]}
    assert Decimal(refreshed["maya"]["net_sales"]) == net / 2

    # The brand ends Maya's access: her link no longer opens anything.
    next_run("creators", "link", "maya", "--revoke")
    assert requests.get(server.url + path, timeout=30).status_code == 410
