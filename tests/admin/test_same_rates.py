"""The dashboard and `flask creators report` write every rate they both show as the same
string, for the same data: views per visit as a ratio (1.44), the conversions as
percentages with one decimal, in the store's locale (storefront/funnels/rates.py).

Everything happens on one fixed day: the funnel's clock and the ledger's are injected.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from storefront.funnels import rates
from storefront.orders import Delivery, ledger_for
from tests.admin.conftest import page
from tests.orders.payloads import body, order

DAY = datetime(2026, 11, 20, tzinfo=UTC)
COUNTS = {
    # maya: 130 views in 90 visits is 1.44 views a visit (the "144.4%")
    (DAY.date().isoformat(), "maya", "visit", ""): 90,
    (DAY.date().isoformat(), "maya", "view", "organic-cotton-tee"): 130,
    (DAY.date().isoformat(), "maya", "add", "organic-cotton-tee"): 13,
    (DAY.date().isoformat(), "maya", "checkout", ""): 4,
    # the brand: fewer views than visits, adds without checkouts
    (DAY.date().isoformat(), "", "visit", ""): 25,
    (DAY.date().isoformat(), "", "view", "linen-shirt"): 7,
    (DAY.date().isoformat(), "", "add", "linen-shirt"): 2,
    # kit: views without visits, so most rates have nothing to divide by
    (DAY.date().isoformat(), "kit", "view", "linen-scarf"): 3,
}
SHARED = ("view_rate", "cart_rate", "checkout_rate", "conversion", "order_conversion",
          "repeat_rate")
# The CLI table's columns of those rates (its headings are rates.py's too).
HEADINGS = {rates.RATES[key].short: key for key in SHARED}


def put(ledger, order_id: int, hours: int, customer: int, creator: str | None) -> None:
    data = order(order_id, customer_id=customer, created=DAY + timedelta(hours=hours),
                 creator=creator, subtotal="40.00")
    assert ledger.receive(Delivery("orders/create", body(data))).error is None


@pytest.fixture
def make(make_app, tmp_path):
    """`make(**config)`: an app with the counts and orders above, its clocks on DAY."""

    def build(**config):
        app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'orders.sqlite3'}", **config)
        recorder = app.extensions["funnels"]
        recorder.clock = lambda: (DAY + timedelta(hours=20)).timestamp()
        recorder.store.add(Counter(COUNTS), set())
        book = ledger_for(app)
        book.clock = lambda: DAY + timedelta(days=1)
        # maya: three new customers, one of whom ordered again: a repeat rate of 33.3%
        for order_id, (hours, customer) in enumerate([(1, 11), (2, 12), (3, 13), (9, 11)], 1):
            put(book, order_id, hours, customer, "maya")
        put(book, 5, 4, 14, None)  # the brand's
        return app

    return build


def cli_rates(app) -> dict[str, dict[str, str]]:
    """creator -> rate key -> the string `flask creators report` shows (one day)."""
    result = app.test_cli_runner().invoke(args=["creators", "report", "--since", "1d"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    # Cells are apart by two spaces or more, and no cell holds two in a row.
    header = re.split(r" {2,}", lines[2].strip())
    found = {}
    for line in lines[4:]:
        if not line.strip():
            break
        cells = dict(zip(header, re.split(r" {2,}", line.strip()), strict=False))
        found[cells["creator"]] = {HEADINGS[name]: cells[name] for name in HEADINGS}
    return found


def page_rates(app) -> dict[str, dict[str, str]]:
    """creator -> rate key -> the string the dashboard's table shows."""
    document = page(app.test_client(), "/admin/creators?since=1d")
    found = {}
    for row in document.one("tbody").all("tr"):
        label = " ".join(row.one("th").one("a").text.split())
        found[label] = {key: " ".join(row.one("td", data_column=key).text.split())
                        for key in SHARED if key != "repeat_rate"}
        found[label]["repeat_rate"] = " ".join(
            row.one("td", data_column="repeat_rate").text.split())
    return found


def test_the_table_and_the_cli_show_the_same_rates(make):
    app = make()
    cli, shown = cli_rates(app), page_rates(app)
    assert set(cli) == set(shown) == {"maya", "(brand)", "kit"}
    assert cli["maya"] == shown["maya"] == {
        "view_rate": "1.44", "cart_rate": "10.0%", "checkout_rate": "30.8%",
        "conversion": "4.4%", "order_conversion": "4.4%", "repeat_rate": "33.3%"}
    assert cli["(brand)"] == shown["(brand)"] == {
        "view_rate": "0.28", "cart_rate": "28.6%", "checkout_rate": "0.0%",
        "conversion": "0.0%", "order_conversion": "4.0%", "repeat_rate": "0.0%"}
    # Views but no visits, adds or orders: a dash where there is nothing to divide by
    # (each its own: the terminal's "-", the page's "–").
    assert cli["kit"].pop("cart_rate") == shown["kit"].pop("cart_rate") == "0.0%"
    assert set(cli["kit"].values()) == {"-"} and set(shown["kit"].values()) == {"–"}


def test_in_the_stores_locale_too(make):
    app = make(SHOPIFY_LANGUAGE="FR", SHOPIFY_COUNTRY="FR")
    cli, shown = cli_rates(app), page_rates(app)
    assert cli["maya"] == shown["maya"]
    assert cli["maya"]["view_rate"] == "1,44"
    assert cli["maya"]["checkout_rate"] == "30,8%"


def test_a_creators_page_shows_the_cli_figures(make):
    app = make()
    cli = cli_rates(app)["maya"]
    document = page(app.test_client(), "/admin/creators/maya?since=1d")
    funnel = document.one("svg", **{"class": "funnel funnel--large chart--wide"})
    assert [t.text for t in funnel.all("text", **{"class": "bar-rate"})] == [
        f"{cli['view_rate']} views per visit", f"{cli['cart_rate']} carts per view",
        f"{cli['checkout_rate']} checkouts per cart"]
    figure = document.one("dd", data_figure="conversion").text.split()[0]
    order_conversion = document.one("dd", data_revenue="order_conversion").text.strip()
    repeat_rate = document.one("dd", data_revenue="repeat_rate").text.split()[0]
    assert (figure, order_conversion, repeat_rate) == (
        cli["conversion"], cli["order_conversion"], cli["repeat_rate"])


@pytest.mark.parametrize("value, ratio, percent", [
    (1.4444, "1.44", "144.4%"), (0.2778, "0.28", "27.8%"), (0, "0.00", "0.0%"),
    (12.5, "12.50", "1,250.0%"),
])
def test_a_ratio_is_a_number_and_a_conversion_a_percentage(value, ratio, percent):
    assert rates.text("view_rate", value, "en_US") == ratio
    for key in ("cart_rate", "checkout_rate", "conversion", "order_conversion",
                "repeat_rate"):
        assert rates.text(key, value, "en_US") == percent
    assert rates.text("view_rate", None, "en_US") is None
