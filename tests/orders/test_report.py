"""`flask orders report`: per creator and the brand, one month, as a table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

from tests.orders.payloads import CREATED, deliver, order, refund


def deliver_month(client):
    deliver(client, "orders/create", order(1, subtotal="100.00", creator="maya"))
    deliver(client, "orders/create", order(2, subtotal="50.00", creator="maya",
                                           codes=("LEO5",)))
    deliver(client, "orders/create", order(3, subtotal="20.00", creator="maya"))
    deliver(client, "refunds/create", refund(9, 3, "20.00"))
    deliver(client, "orders/create", order(4, subtotal="35.00", landing_site="/"))
    later = CREATED + timedelta(hours=2)
    deliver(client, "orders/create", order(5, subtotal="999.00", creator="leo"))
    deliver(client, "orders/cancelled", order(5, subtotal="999.00", creator="leo",
                                              updated=later, cancelled=later))


def run(app, *args):
    result = app.test_cli_runner().invoke(args=["orders", "report", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_json_report_per_creator_and_the_brand(app, client):
    deliver_month(client)
    report = json.loads(run(app, "--period", "2026-11", "--format", "json"))
    assert report["period"] == "2026-11"
    by_creator = {row["creator"]: row for row in report["creators"]}
    assert by_creator["maya"] == {"creator": "maya", "name": "Maya Rivers", "currency": "USD",
                                  "orders": 3, "net_sales": "150.00", "aov": "50.00",
                                  "conflicts": 1}
    assert by_creator["(brand)"]["net_sales"] == "35.00"
    assert by_creator["leo"]["orders"] == 0 and by_creator["leo"]["aov"] is None


def test_other_months_are_left_out(app, client):
    deliver_month(client)
    assert json.loads(run(app, "--period", "2026-10", "--format", "json"))["creators"] == []
    assert "no orders" in run(app, "--period", "2026-12")


def test_csv_cells_are_safe_for_spreadsheets(app, client, tmp_path):
    deliver_month(client)
    rows = list(csv.DictReader(io.StringIO(run(app, "--period", "2026-11", "--format", "csv"))))
    assert rows[0]["creator"] == "maya" and rows[0]["net_sales"] == "150.00"
    from storefront.orders.report import Row, as_csv

    text = as_csv([Row("x", "=HYPERLINK(\"evil\")", "USD", 1)])
    assert "'=HYPERLINK" in text


def test_the_table(app, client):
    deliver_month(client)
    table = run(app, "--period", "2026-11")
    assert "Orders 2026-11 (UTC)" in table and "Maya Rivers" in table and "150.00" in table


def test_a_bad_period_says_what_it_wants(app):
    result = app.test_cli_runner().invoke(args=["orders", "report", "--period", "11/2026"])
    assert result.exit_code != 0 and "like 2026-11" in result.output
