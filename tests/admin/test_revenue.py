"""/admin/creators with the orders ledger's figures: the columns and their totals, the
brand's row, sorting by them, a creator's page with its net sales by day, and the
funnel still shown when the ledger cannot be read.

Orders reach the ledger as deliveries (tests/orders/payloads.py), placed on
today's UTC day and the days before, as the funnel counts are; the ledger's
clock is injected (payable, new customers' windows).
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from storefront.orders import Delivery, ledger_for
from tests.admin.conftest import creators_in, day, get, page, seed
from tests.orders.payloads import body, order, refund

TODAY = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
CREATORS = {
    "maya": 'name = "Maya Rivers"\n[discount]\ncode = "MAYA15"\n[commission]\npercent = 15\n',
    "leo": 'name = "Leo Park"\n[commission]\nper_order = "5.00"\n',
    "ava": 'name = "Ava Stone"\n',
    "kit": 'name = "Kit Moss"\nstatus = "archived"\n',
}
# Shopify customer ids: long numbers that must never reach a page.
JO, AL, MO, KI = 739146025511, 739146025522, 739146025533, 739146025544
COUNTS = {
    (day(0), "maya", "visit", ""): 8, (day(1), "maya", "visit", ""): 2,
    (day(0), "maya", "checkout", ""): 3,
    (day(0), "ava", "visit", ""): 20,
    (day(0), "", "visit", ""): 5,
}


@pytest.fixture
def app(make_app, tmp_path):
    folder = tmp_path / "creators"
    folder.mkdir()
    for handle, text in CREATORS.items():
        (folder / f"{handle}.toml").write_text(text)
    return make_app(CREATORS_DIR=str(folder), CREATORS_RELOAD_SECONDS="0",
                    COMMISSION_HOLD_DAYS="30")


def put(ledger, order_id: int, at: datetime, subtotal: str, *, creator: str | None = None,
        customer: int | None = JO, currency: str = "USD") -> None:
    data = order(order_id, customer_id=customer, created=at, creator=creator,
                 subtotal=subtotal, currency=currency)
    assert ledger.receive(Delivery("orders/create", body(data))).error is None


@pytest.fixture
def ledger(app):
    book = ledger_for(app)
    book.clock = lambda: TODAY + timedelta(days=1)
    seed(app, COUNTS)
    put(book, 1, TODAY + timedelta(hours=1), "100.00", creator="maya", customer=JO)
    put(book, 2, TODAY - timedelta(days=1, hours=-3), "50.00", creator="maya", customer=AL)
    assert book.receive(Delivery("refunds/create", body(refund(21, 2, "20.00")))).error is None
    put(book, 3, TODAY + timedelta(hours=2), "80.00", customer=MO)  # the brand's own store
    put(book, 4, TODAY + timedelta(hours=3), "40.00", creator="leo", customer=KI)  # no visits
    put(book, 5, TODAY - timedelta(days=20), "999.00", creator="maya",
        customer=None)  # outside 7 days
    return book


@pytest.fixture
def client(app, ledger):
    return app.test_client()


def column(document, creator: str, key: str) -> str:
    row = document.one("tr", data_creator=creator)
    return " ".join(row.one("td", data_column=key).text.split())


def test_the_table_has_the_orders_columns(client):
    document = page(client, "/admin/creators")
    maya = {key: column(document, "maya", key) for key in (
        "orders", "order_conversion", "net_sales", "aov", "commission", "payable",
        "new_customers", "repeat_rate", "ltv_90")}
    assert maya == {"orders": "2", "order_conversion": "20.0%", "net_sales": "$130.00",
                    "aov": "$65.00", "commission": "$19.50", "payable": "$0.00",
                    "new_customers": "2", "repeat_rate": "0.0%",
                    "ltv_90": "$130.00 partial"}
    headings = [" ".join(th.text.split()) for th in document.one("thead").all("th")]
    assert headings[11:20] == ["Orders", "Orders per visit", "Net sales", "AOV", "Commission",
                               "Payable now", "New customers", "Repeat rate", "LTV 90 days"]


def test_the_brand_row_shows_the_brands_own_orders(client):
    document = page(client, "/admin/creators")
    assert column(document, "", "orders") == "1"
    assert column(document, "", "net_sales") == "$80.00"
    assert column(document, "", "order_conversion") == "20.0%"  # 1 order, 5 visits
    assert column(document, "", "commission") == "$0.00"
    # Leo has orders and no visits: a row of his own, no orders per visit.
    assert column(document, "leo", "orders") == "1"
    assert column(document, "leo", "order_conversion") == "–"
    # Ava has visits and no orders.
    assert column(document, "ava", "orders") == "0"
    assert column(document, "ava", "net_sales") == "–"


def test_the_totals_add_up_the_orders(client):
    document = page(client, "/admin/creators")
    footer = document.one("tfoot")
    totals = {td.attrs["data-column"]: " ".join(td.text.split())
              for td in footer.all("td") if "data-column" in td.attrs}
    assert totals["orders"] == "4"
    assert totals["net_sales"] == "$250.00"
    assert totals["aov"] == "$62.50"
    assert totals["commission"] == "$24.50"
    assert totals["order_conversion"] == "11.4%"  # 4 orders, 35 visits
    assert totals["new_customers"] == "4"
    cards = {el.attrs["data-revenue"]: " ".join(el.text.split())
             for el in document.all("span") if "data-revenue" in el.attrs}
    assert cards["orders"] == "4" and cards["net_sales"] == "$250.00"


@pytest.mark.parametrize("order, expected", [
    ("desc", ["maya", "", "leo", "ava"]),
    ("asc", ["ava", "leo", "", "maya"]),  # (Ava's net sales are 0: no orders)
])
def test_sorting_by_net_sales(client, order, expected):
    document = page(client, f"/admin/creators?sort=net_sales&order={order}")
    assert creators_in(document) == expected
    link = document.one("a", data_sort="net_sales")
    assert link.attrs["href"].endswith("sort=net_sales&order=" + (
        "asc" if order == "desc" else "desc"))


def test_sorting_by_orders_and_by_orders_per_visit(client):
    assert creators_in(page(client, "/admin/creators?sort=orders&order=desc")) == [
        "maya", "", "leo", "ava"]
    # Maya and the brand tie at 20 %, A to Z; Leo has no visits (no rate): last.
    assert creators_in(page(client, "/admin/creators?sort=order_conversion&order=desc")) == [
        "", "maya", "ava", "leo"]


@pytest.mark.parametrize("since, days", [("7d", 7), ("30d", 30), ("1d", 1)])
def test_a_creators_page_charts_net_sales_per_day(client, since, days):
    document = page(client, f"/admin/creators/maya?since={since}")
    chart = document.one("svg", **{"class": "revenue chart--wide"})
    bars = chart.all("rect")
    assert len(bars) == days
    assert [bar.attrs["data-day"] for bar in bars][-1] == day(0)
    values = {bar.attrs["data-day"]: bar.attrs["data-value"] for bar in bars}
    assert values[day(0)] == "100.00"
    if days > 1:
        assert values[day(1)] == "30.00"  # after its refund
    if days == 30:
        assert values[day(20)] == "999.00"
    assert float(chart.one("rect", data_day=day(0)).attrs["height"]) > 0
    # The phone's drawing has the same bars.
    phone = document.one("svg", **{"class": "revenue chart--narrow"})
    assert {bar.attrs["data-day"]: bar.attrs["data-value"] for bar in phone.all("rect")} == values


def test_a_creators_page_shows_orders_commission_and_customers(client):
    document = page(client, "/admin/creators/maya?since=7d")
    figures = {el.attrs["data-revenue"]: " ".join(el.text.split())
               for el in document.all("dd") if "data-revenue" in el.attrs}
    assert figures == {
        "orders": "2", "order_conversion": "20.0%", "net_sales": "$130.00", "aov": "$65.00",
        "commission": "$19.50", "payable": "$0.00 holding period over",
        "paid": "$0.00 for these orders", "new_customers": "2",
        "ltv_30": "$130.00 partial", "ltv_90": "$130.00 partial",
        "ltv_365": "$130.00 partial",
        "repeat_rate": "0.0% ordered again within 365 days",
    }


def test_payable_once_the_holding_period_is_over(client, ledger):
    ledger.clock = lambda: TODAY + timedelta(days=31)
    document = page(client, "/admin/creators/maya?since=7d")
    payable = document.one("dd", data_revenue="payable")
    # Owed now: the 7 days' orders (19.50), and the order of 20 days ago (149.85)
    # all the same: payable is what Maya is owed today, whatever the period shown.
    assert payable.text.split()[0] == "$169.35"
    assert column(page(client, "/admin/creators"), "leo", "payable") == "$5.00"


def test_the_brands_page_and_a_creator_known_only_by_orders(client, ledger):
    brand = page(client, "/admin/creators/_brand")
    assert brand.one("dd", data_revenue="net_sales").text == "$80.00"
    assert len(brand.one("svg", **{"class": "revenue chart--wide"}).all("rect")) == 7
    # An archived creator keeps the credit of an order, and has a row and a page for it.
    put(ledger, 6, TODAY + timedelta(hours=4), "10.00", creator="kit", customer=None)
    assert column(page(client, "/admin/creators"), "kit", "net_sales") == "$10.00"
    kit = page(client, "/admin/creators/kit")
    assert kit.one("dd", data_revenue="orders").text == "1"


def test_two_currencies_are_never_added_up(client, ledger):
    put(ledger, 7, TODAY + timedelta(hours=5), "7000", creator="maya", customer=None,
        currency="JPY")
    document = page(client, "/admin/creators")
    cell = document.one("tr", data_creator="maya").one("td", data_column="net_sales")
    assert [" ".join(a.text.split()) for a in cell.all("span")] == ["$130.00", "¥7,000"]
    assert column(document, "maya", "orders") == "3"
    creator = page(client, "/admin/creators/maya")
    assert [svg.attrs["data-currency"] for svg in creator.all(
        "svg", **{"class": "revenue chart--wide"})] == ["USD", "JPY"]


def test_money_is_written_for_the_stores_locale(make_app, app, ledger):
    french = make_app(CREATORS_DIR=app.config["CREATORS_DIR"], SHOPIFY_LANGUAGE="FR",
                      SHOPIFY_COUNTRY="CA")
    document = page(french.test_client(), "/admin/creators")
    assert column(document, "maya", "net_sales") == "130,00 $ US"


@pytest.mark.parametrize("url", ["/admin/creators", "/admin/creators?since=30d",
                                 "/admin/creators/maya", "/admin/creators/_brand",
                                 "/admin/creators/leo", "/admin/creators.csv"])
def test_no_customer_id_reaches_a_page(client, url):
    reply = get(client, url)
    assert reply.status_code == 200
    text = reply.get_data(as_text=True)
    for customer in (JO, AL, MO, KI):
        assert str(customer) not in text
    assert "jo@example.com" not in text and "Jo Doe" not in text


def test_the_csv_has_the_orders_columns(client):
    rows = {row["creator"]: row for row in csv.DictReader(io.StringIO(
        get(client, "/admin/creators.csv").get_data(as_text=True)))}
    assert (rows["maya"]["orders"], rows["maya"]["net_sales"], rows["maya"]["currency"]) == (
        "2", "130.00", "USD")
    assert rows["(brand)"]["net_sales"] == "80.00"


@pytest.fixture
def broken(app, tmp_path):
    """An orders database that is not one (a file of something else)."""
    path = tmp_path / "not-a-database.sqlite3"
    path.write_bytes(b"this is not a database, it is a text file " * 100)
    app.config["DATABASE_URL"] = f"sqlite:///{path}"
    seed(app, COUNTS)
    return app.test_client()


def test_without_the_ledger_the_funnel_is_still_shown(broken, caplog):
    document = page(broken, "/admin/creators")
    assert "could not be read from the orders database" in document.one(
        "p", **{"class": "alert"}).text
    assert creators_in(document) == ["ava", "maya", ""]  # the funnel, by visits
    assert not document.all("td", data_column="net_sales")
    assert "Net sales" not in document.one("thead").text
    assert "the orders ledger could not be read" in caplog.text
    creator = page(broken, "/admin/creators/maya")
    assert creator.one("p", **{"class": "alert"})
    assert not [svg for svg in creator.all("svg") if "revenue" in svg.attrs.get("class", "")]
    reply = get(broken, "/admin/creators.csv")
    assert reply.status_code == 200
    rows = {row["creator"]: row for row in csv.DictReader(io.StringIO(
        reply.get_data(as_text=True)))}
    assert rows["maya"]["visits"] == "10"
    assert (rows["maya"]["orders"], rows["maya"]["net_sales"]) == ("", "")


def test_serving_pages_with_the_admin_on_never_loads_the_database_layer(tmp_path):
    # The admin's views load the orders ledger (and SQLAlchemy) on their first use only.
    code = ("import sys; from storefront import create_app; "
            "app = create_app({'ADMIN_USERNAME': 'admin', 'ADMIN_PASSWORD': 'correct horse'}); "
            "c = app.test_client(); c.get('/healthz'); c.get('/'); c.get('/admin/creators'); "
            "print(sorted(m for m in ('sqlalchemy', 'alembic') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "INSTANCE_DIR": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


CHROMIUM = "/usr/bin/chromium"
# Run apart: in a session that has the browser tests' Playwright running, a second
# synchronous Playwright cannot start in the same process.
MEASURE = """
import json, sys
from playwright.sync_api import sync_playwright
with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path=sys.argv[1], args=["--no-sandbox"])
    tab = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                              has_touch=True).new_page()
    found = {}
    for path in sys.argv[2:]:
        tab.set_content(open(path, encoding="utf-8").read())
        found[path] = [tab.evaluate("document.documentElement.scrollWidth"),
                       tab.locator("svg.revenue:visible rect").count()]
    browser.close()
print(json.dumps(found))
"""


def test_the_pages_fit_a_phone_without_scrolling_sideways(client, tmp_path):
    # The page itself never scrolls sideways at 390 px: the table scrolls inside its
    # own box, the charts shown are the phone's drawings (tests/browser too).
    from tests.browser import sync_playwright

    if sync_playwright is None or not os.access(CHROMIUM, os.X_OK):
        if os.environ.get("CI") == "true":
            pytest.fail("Playwright and Debian's chromium are needed in CI")
        pytest.skip("Playwright or chromium is missing")
    paths = []
    for name, url in (("table", "/admin/creators?since=30d"),
                      ("maya", "/admin/creators/maya?since=30d")):
        paths.append(tmp_path / f"{name}.html")
        paths[-1].write_text(get(client, url).get_data(as_text=True), encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", MEASURE, CHROMIUM, *map(str, paths)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    measured = json.loads(done.stdout)
    for path in paths:
        width, bars = measured[str(path)]
        assert width <= 390, f"{path.name} is {width} px wide"
        assert bars == 30
