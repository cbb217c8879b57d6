"""`flask creators report`: the figures, the rates and the three formats agree."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

import pytest

from storefront import create_app
from storefront.funnels import report

TODAY = datetime.now(UTC).date()
DAY = TODAY.isoformat()
NOON = datetime.combine(TODAY, time(12), UTC).timestamp()
EARLIER = (TODAY - timedelta(days=10)).isoformat()


@pytest.fixture
def app(tmp_path):
    app = create_app({
        "DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3"),
        "FUNNELS_URL": f"sqlite:///{tmp_path / 'funnels.sqlite3'}",
    })
    counts = Counter({
        (DAY, "maya", "visit", ""): 10, (DAY, "maya", "view", "organic-cotton-tee"): 6,
        (DAY, "maya", "view", "linen-shirt"): 2, (DAY, "maya", "add", "organic-cotton-tee"): 2,
        (DAY, "maya", "checkout", ""): 1,
        (DAY, "", "visit", ""): 4, (DAY, "", "view", "linen-shirt"): 3,
        (DAY, "kit", "visit", ""): 1,  # archived since: still reported while it has figures
        (EARLIER, "maya", "visit", ""): 100,  # outside a 7-day report
    })
    visitors = {(DAY, "maya", f"m{i}") for i in range(8)} | {(DAY, "", "b1"), (DAY, "kit", "k")}
    app.extensions["funnels"].store.add(counts, visitors)
    # The report ends on the recorder's day: the day of these counts, whenever it runs.
    app.extensions["funnels"].clock = lambda: NOON
    return app


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=["creators", "report", *args])


def test_the_table_lists_each_creator_with_rates_and_code(app):
    result = run(app, "--since", "7d")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    week_ago = (TODAY - timedelta(days=6)).isoformat()
    assert lines[0] == f"Creator funnels {week_ago} to {DAY} (UTC days)"
    maya = next(line for line in lines if line.startswith("maya"))
    assert maya.split()[:10] == ["maya", "10", "8", "8", "2", "1", "0.80", "25.0%", "50.0%",
                                 "10.0%"]
    assert "MAYA15" in maya and "Organic Cotton Tee (6), Linen Camp Shirt (2)" in maya
    brand = next(line for line in lines if line.startswith("(brand)"))
    assert brand.split()[:6] == ["(brand)", "4", "1", "3", "0", "0"]
    assert any(line.startswith("kit ") for line in lines)
    assert not any(line.startswith("june") for line in lines)  # no activity, not asked for


def test_json_and_csv_carry_the_same_figures(app):
    data = json.loads(run(app, "--format", "json").stdout)
    assert data["until"] == DAY
    maya = next(c for c in data["creators"] if c["creator"] == "maya")
    funnel = {key: value for key, value in maya.items()  # (the revenue: test_revenue.py)
              if key in (*report.FUNNEL_COLUMNS, "top_products")}
    assert funnel == {
        "creator": "maya", "name": "Maya Rivers", "status": "active", "code": "MAYA15",
        "visits": 10, "unique_visitors": 8, "product_views": 8, "add_to_carts": 2,
        "checkouts": 1, "view_rate": 0.8, "cart_rate": 0.25, "checkout_rate": 0.5,
        "conversion": 0.1,
        "top_products": [{"product": "organic-cotton-tee", "title": "Organic Cotton Tee",
                          "views": 6, "add_to_carts": 2},
                         {"product": "linen-shirt", "title": "Linen Camp Shirt",
                          "views": 2, "add_to_carts": 0}],
    }
    rows = list(csv.DictReader(io.StringIO(run(app, "--format", "csv").stdout)))
    assert [r["creator"] for r in rows] == [c["creator"] for c in data["creators"]]
    for row, item in zip(rows, data["creators"], strict=True):
        for column in ("visits", "unique_visitors", "product_views", "add_to_carts", "checkouts"):
            assert int(row[column]) == item[column]
        for column in ("view_rate", "cart_rate", "checkout_rate", "conversion"):
            expected = item[column]
            assert (row[column] == "") if expected is None else float(row[column]) == expected
    assert rows[0]["creator"] == "(brand)"


def test_a_longer_period_and_every_creator(app):
    data = json.loads(run(app, "--since", "30d", "--format", "json", "--all").stdout)
    by = {c["creator"]: c for c in data["creators"]}
    assert by["maya"]["visits"] == 110
    assert by["june"]["visits"] == 0 and by["june"]["conversion"] is None
    assert "kit" in by  # archived, but it has figures
    since = json.loads(run(app, "--since", EARLIER, "--format", "json").stdout)
    assert since["since"] == EARLIER


@pytest.mark.parametrize("since", ["7", "7w", "0d", "-1d", "yesterday",
                                   (date.today() + timedelta(days=9)).isoformat()])
def test_a_bad_period_is_a_clear_usage_error(app, since):
    result = run(app, "--since", since)
    assert result.exit_code == 2
    assert "--since" in result.output and "Traceback" not in result.output


def test_funnels_off_says_so(tmp_path):
    app = create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "c.sqlite3"), "FUNNELS_URL": "off"})
    result = run(app)
    assert result.exit_code == 1 and "funnels are off" in result.output


def test_csv_cells_cannot_become_spreadsheet_formulas():
    row = report.Row("eve", "=HYPERLINK(\"http://evil.example\")", "active", "+SUM(1)")
    text = report.as_csv([row])
    cells = list(csv.DictReader(io.StringIO(text)))[0]
    assert cells["name"].startswith("'=") and cells["code"].startswith("'+")


def test_the_report_ends_on_the_recorders_day_not_the_wall_clocks(app):
    # As a run that crosses midnight would see it: the clock that dates the counts
    # is the one the report reads, never the date of the moment the command runs.
    then = datetime.combine(TODAY - timedelta(days=10), time(23, 59), UTC)
    app.extensions["funnels"].clock = then.timestamp
    data = json.loads(run(app, "--since", "1d", "--format", "json").stdout)
    assert data["until"] == EARLIER
    assert [row["visits"] for row in data["creators"] if row["creator"] == "maya"] == [100]
