"""`flask creators report` with the orders ledger's figures beside the funnel: orders, net
sales, AOV, orders per visit, commission, payable, new customers, repeat rate and LTV, the
brand's own orders, in the table, the CSV and the JSON; and the funnel alone, said so,
when the orders database cannot be read.

Orders reach the ledger as deliveries (tests/orders/payloads.py) on today's UTC
day, as the funnel counts do; the ledger's clock is injected.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from storefront import create_app
from storefront.orders import Delivery, ledger_for, payouts
from tests.orders.payloads import body, order, refund

TODAY = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
DAY = TODAY.date().isoformat()
CLOCK = TODAY + timedelta(days=40)  # the 30-day holding period of today's orders is over
CREATORS = {
    "maya": 'name = "Maya Rivers"\n[discount]\ncode = "MAYA15"\n[commission]\npercent = 15\n',
    "leo": 'name = "=HYPERLINK(\\"http://evil.example\\")"\n[commission]\nper_order = "5.00"\n',
}
JO, AL, MO, KI = 1001, 1002, 1003, 1004  # Shopify customer ids


def put(ledger, order_id: int, subtotal: str, *, creator: str | None = None,
        customer: int | None = JO, currency: str = "USD", hours: int = 1) -> None:
    data = order(order_id, customer_id=customer, created=TODAY + timedelta(hours=hours),
                 creator=creator, subtotal=subtotal, currency=currency)
    assert ledger.receive(Delivery("orders/create", body(data))).error is None


@pytest.fixture
def app(tmp_path):
    folder = tmp_path / "creators"
    folder.mkdir()
    for handle, text in CREATORS.items():
        (folder / f"{handle}.toml").write_text(text)
    app = create_app({
        "DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3"),
        "FUNNELS_URL": f"sqlite:///{tmp_path / 'funnels.sqlite3'}",
        "CREATORS_DIR": str(folder), "CREATORS_RELOAD_SECONDS": "0",
        "COMMISSION_HOLD_DAYS": "30",
    })
    app.extensions["funnels"].store.add(Counter({
        (DAY, "maya", "visit", ""): 10, (DAY, "maya", "checkout", ""): 4,
        (DAY, "", "visit", ""): 4,
    }), set())
    # The report ends on the recorder's day: the day of these counts, whenever it runs.
    app.extensions["funnels"].clock = lambda: (TODAY + timedelta(hours=12)).timestamp()
    return app


@pytest.fixture
def ledger(app):
    book = ledger_for(app)
    book.clock = lambda: CLOCK
    put(book, 1, "100.00", creator="maya", customer=JO)
    put(book, 2, "30.00", creator="maya", customer=AL)
    put(book, 3, "80.00", customer=MO)  # the brand's own store
    put(book, 4, "40.00", creator="leo", customer=KI)  # Leo: orders, no visits
    return book


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=["creators", "report", "--since", "1d", *args])


def as_json(app) -> dict:
    result = run(app, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    return {row["creator"]: row for row in data["creators"]} | {"": data}


def test_json_has_the_orders_figures_beside_the_funnel(app, ledger):
    rows = as_json(app)
    assert rows[""]["revenue_error"] is None
    maya = rows["maya"]
    assert (maya["visits"], maya["checkouts"], maya["conversion"]) == (10, 4, 0.4)
    assert {key: maya[key] for key in (
        "orders", "order_conversion", "currency", "net_sales", "aov", "commission",
        "payable", "paid", "new_customers", "repeat_rate", "ltv_30", "ltv_90", "ltv_365",
        "ltv_partial", "other_currencies")} == {
        "orders": 2, "order_conversion": 0.2, "currency": "USD", "net_sales": "130.00",
        "aov": "65.00", "commission": "19.50", "payable": "19.50", "paid": "0.00",
        "new_customers": 2, "repeat_rate": "0.0000", "ltv_30": "130.00",
        "ltv_90": "130.00", "ltv_365": "130.00", "ltv_partial": [90, 365],
        "other_currencies": []}


def test_the_brand_row_shows_its_orders_and_a_creator_with_orders_only_has_one(app, ledger):
    rows = as_json(app)
    brand = rows["(brand)"]
    assert (brand["orders"], brand["net_sales"], brand["order_conversion"]) == (1, "80.00", 0.25)
    assert brand["commission"] == "0.00" and brand["new_customers"] == 1
    leo = rows["leo"]
    assert (leo["visits"], leo["orders"], leo["order_conversion"]) == (0, 1, None)
    assert (leo["commission"], leo["payable"]) == ("5.00", "5.00")


def test_a_creator_without_orders_has_no_amounts(app, ledger):
    app.extensions["funnels"].store.add(Counter({(DAY, "ava", "visit", ""): 3}), set())
    ava = as_json(app)["ava"]
    assert (ava["orders"], ava["order_conversion"], ava["net_sales"], ava["currency"]) == (
        0, 0.0, None, None)


def test_the_table_has_the_orders_columns(app, ledger):
    result = run(app)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    header = lines[2].split()
    assert header[10:] == ["orders", "orders/visit", "net", "sales", "AOV", "commission",
                           "payable", "new", "customers", "repeat", "rate", "LTV", "90",
                           "currency", "code", "top", "products"]
    maya = next(line for line in lines if line.startswith("maya"))
    assert maya.split()[1:] == ["10", "0", "0", "0", "4", "0.00", "-", "-", "40.0%",
                                "2", "20.0%", "130.00", "65.00", "19.50", "19.50", "2", "0.0%",
                                "130.00*", "USD", "MAYA15", "-"]
    brand = next(line for line in lines if line.startswith("(brand)"))
    assert brand.split()[10:13] == ["1", "25.0%", "80.00"]
    assert lines[-1] == ("* partial: some of these new customers' first 90 days "
                         "are not over yet")


def test_a_second_currency_is_a_line_of_its_own(app, ledger):
    put(ledger, 5, "7000", creator="maya", customer=None, currency="JPY")
    rows = as_json(app)
    assert rows["maya"]["currency"] == "USD"  # the most orders
    assert rows["maya"]["order_conversion"] == 0.3  # 3 orders, whatever their currency
    assert [(o["currency"], o["orders"], o["net_sales"], o["commission"])
            for o in rows["maya"]["other_currencies"]] == [("JPY", 1, "7000", "1050")]
    lines = [line for line in run(app).stdout.splitlines() if line.startswith("maya")]
    assert len(lines) == 2 and lines[1].split() == [
        "maya", "1", "7000", "7000", "1050", "1050", "0", "-", "0", "JPY"]
    table = list(csv.DictReader(io.StringIO(run(app, "--format", "csv").stdout)))
    maya = [row for row in table if row["creator"] == "maya"]
    assert [(row["currency"], row["visits"], row["net_sales"]) for row in maya] == [
        ("USD", "10", "130.00"), ("JPY", "", "7000")]


def test_csv_carries_the_same_figures_in_safe_cells(app, ledger):
    rows = {row["creator"]: row for row in csv.DictReader(io.StringIO(
        run(app, "--format", "csv").stdout))}
    maya = rows["maya"]
    assert {key: maya[key] for key in (
        "orders", "order_conversion", "currency", "net_sales", "aov", "commission",
        "payable", "new_customers", "repeat_rate", "ltv_90", "ltv_90_partial")} == {
        "orders": "2", "order_conversion": "0.2000", "currency": "USD", "net_sales": "130.00",
        "aov": "65.00", "commission": "19.50", "payable": "19.50", "new_customers": "2",
        "repeat_rate": "0.0000", "ltv_90": "130.00", "ltv_90_partial": "true"}
    assert rows["leo"]["name"].startswith("'=")  # a name a spreadsheet would run
    assert rows["(brand)"]["net_sales"] == "80.00"


def test_a_negative_payable_stays_a_number(app, ledger):
    # Paid, then refunded in full: the commission is owed back (a clawback).
    payouts.mark_paid(ledger.engine, ledger.registry, TODAY.strftime("%Y-%m"), CLOCK, 30)
    assert ledger.receive(Delivery("refunds/create", body(refund(9, 1, "100.00")))).error is None
    rows = {row["creator"]: row for row in csv.DictReader(io.StringIO(
        run(app, "--format", "csv").stdout))}
    assert rows["maya"]["payable"] == "-15.00"
    assert as_json(app)["maya"]["paid"] == "19.50"


@pytest.fixture
def broken(app, tmp_path):
    """An orders database that is not one (a file of something else)."""
    path = tmp_path / "not-a-database.sqlite3"
    path.write_bytes(b"this is not a database, it is a text file " * 100)
    app.config["DATABASE_URL"] = f"sqlite:///{path}"
    return app


def test_without_the_orders_database_the_funnel_is_still_reported(broken):
    result = run(broken)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "Revenue unavailable, the funnel only: cannot read the orders database" \
        in result.stderr and "file is not a database" in result.stderr
    lines = result.stdout.splitlines()
    maya = next(line for line in lines if line.startswith("maya"))
    assert maya.split() == ["maya", "10", "0", "0", "0", "4", "0.00", "-", "-", "40.0%",
                            "MAYA15", "-"]
    assert lines[-1].startswith("Orders, net sales and commission are unavailable: ")
    data = json.loads(run(broken, "--format", "json").stdout)
    assert "file is not a database" in data["revenue_error"]
    maya = next(row for row in data["creators"] if row["creator"] == "maya")
    assert (maya["visits"], maya["orders"], maya["net_sales"]) == (10, None, None)
    rows = list(csv.DictReader(io.StringIO(run(broken, "--format", "csv").stdout)))
    maya = next(row for row in rows if row["creator"] == "maya")
    assert (maya["visits"], maya["orders"], maya["net_sales"]) == ("10", "", "")


def test_an_unreachable_database_is_said_without_its_password(app):
    app.config["DATABASE_URL"] = ("postgresql://shop:s3cret-pass@127.0.0.1:1/orders"
                                  "?connect_timeout=2")
    result = run(app)
    assert result.exit_code == 0 and "Traceback" not in result.output
    assert "Revenue unavailable" in result.stderr and "127.0.0.1" in result.stderr
    assert "s3cret-pass" not in result.output
