"""The charts: geometry from numbers (charts.py), and the SVG the pages draw from it."""

from __future__ import annotations

import pytest

from storefront.admin import charts
from storefront.funnels.report import Row
from tests.admin.conftest import day, page, seed


def figures(visits: int, views: int, adds: int, checkouts: int) -> Row:
    return Row("maya", "Maya", "active", None, visits=visits, product_views=views,
               add_to_carts=adds, checkouts=checkouts)


def test_funnel_bars_are_as_long_as_their_counts():
    f = charts.funnel(figures(50, 100, 25, 0), width=300, bar_height=10, gap=5,
                      label_width=60, value_width=40)
    assert [b.value for b in f.bars] == [50, 100, 25, 0]
    assert [b.width for b in f.bars] == [100.0, 200.0, 50.0, 0.0]  # the largest fills 200
    assert [b.x for b in f.bars] == [60.0] * 4
    assert [b.y for b in f.bars] == [0, 15, 30, 45] and f.height == 55
    assert f.value_x == 266 and f.label_x == 50


def test_a_centred_funnel_and_the_smallest_counts():
    f = charts.funnel(figures(10_000, 5_000, 1, 0), width=200, bar_height=10, gap=0,
                      centred=True, value_width=0)
    assert [(b.x, b.width) for b in f.bars] == [(0.0, 200.0), (50.0, 100.0), (99.0, 2.0),
                                                (100.0, 0.0)]
    empty = charts.funnel(figures(0, 0, 0, 0), width=200, bar_height=10, gap=0)
    assert [b.width for b in empty.bars] == [0.0] * 4


@pytest.mark.parametrize("largest, ticks", [
    (0, [0, 1]), (1, [0, 1]), (3, [0, 1, 2, 3]), (7, [0, 2, 4, 6, 8]),
    (41, [0, 20, 40, 60]), (100, [0, 50, 100]), (1234, [0, 500, 1000, 1500]),
])
def test_the_value_axis_has_round_ticks(largest, ticks):
    assert charts.value_scale(largest) == ticks


def days_of(values: list[int]) -> list[dict]:
    return [{"day": f"2026-11-{i + 1:02d}", "visits": v, "product_views": 2 * v,
             "add_to_carts": 0, "checkouts": 0} for i, v in enumerate(values)]


def test_the_trend_spans_the_plot_and_the_scale():
    t = charts.trend(days_of([0, 5, 10]), width=460, height=200)
    visits, views = t.lines[0], t.lines[1]
    assert [p.x for p in visits.points] == [t.left, (t.left + t.right) / 2, t.right]
    assert [tick.value for tick in t.value_ticks] == [0, 5, 10, 15, 20]
    assert views.points[-1].y == t.top  # 20, the top tick
    assert visits.points[0].y == t.bottom  # 0
    assert visits.points[-1].y == (t.top + t.bottom) / 2  # 10 of 20
    assert visits.path == " ".join(f"{p.x},{p.y}" for p in visits.points)
    assert [tick.value for tick in t.day_ticks] == ["2026-11-01", "2026-11-02", "2026-11-03"]


def test_long_periods_label_a_few_days_always_ending_today():
    t = charts.trend([{**d, "day": f"d{i}"} for i, d in enumerate(days_of([1] * 90))])
    labels = [tick.value for tick in t.day_ticks]
    assert len(labels) <= charts.MAX_DAY_LABELS and labels[-1] == "d89"
    one = charts.trend(days_of([4]))
    assert one.lines[0].points[0].x == (one.left + one.right) / 2


@pytest.fixture
def client(app):
    seed(app, {
        (day(0), "maya", "visit", ""): 30, (day(0), "maya", "view", "organic-cotton-tee"): 60,
        (day(0), "maya", "add", "organic-cotton-tee"): 6, (day(1), "maya", "checkout", ""): 3,
        (day(1), "", "visit", ""): 15,
    })
    return app.test_client()


def bars(svg) -> dict[str, tuple[int, float, str]]:
    """step -> (its count, its bar's length, the number written beside it)."""
    texts = [t.text for t in svg.all("text") if "bar-value" in t.attrs["class"]]
    return {rect.attrs["data-step"]: (int(rect.attrs["data-value"]),
                                      float(rect.attrs["width"]), text)
            for rect, text in zip(svg.all("rect"), texts, strict=True)}


def test_each_row_has_a_funnel_of_its_counts(client):
    row = page(client, "/admin/creators").one("tr", data_creator="maya")
    svg = row.one("svg")
    drawn = bars(svg)
    assert {step: (n, text) for step, (n, _, text) in drawn.items()} == {
        "visits": (30, "30"), "product_views": (60, "60"), "add_to_carts": (6, "6"),
        "checkouts": (3, "3")}
    longest = drawn["product_views"][1]
    for n, length, _ in drawn.values():
        assert length == pytest.approx(longest * n / 60, abs=0.1)
    assert "visits 30, product views 60, add-to-carts 6, checkouts 3" in svg.one("title").text


def test_the_trend_chart_draws_each_day_of_the_period(client):
    document = page(client, "/admin/creators")
    chart = document.one("svg", **{"class": "trend chart--wide"})
    by_series = {g.attrs["data-series"]: g for g in chart.all("g") if "data-series" in g.attrs}
    assert list(by_series) == ["visits", "product_views", "add_to_carts", "checkouts"]
    visits = {c.attrs["data-day"]: int(c.attrs["data-value"]) for c in by_series["visits"].all(
        "circle")}
    assert len(visits) == 7 and visits[day(0)] == 30 and visits[day(1)] == 15
    assert sum(visits.values()) == 45
    assert len(by_series["visits"].one("polyline").attrs["points"].split()) == 7
    axis = [t.text for t in chart.all("text")]
    assert "0" in axis and "40" in axis  # the value axis reaches past 30 visits
    assert document.one("ul", **{"class": "legend"}).text.split() == [
        "Visits", "Product", "views", "Add-to-carts", "Checkouts"]


def test_a_creators_page_has_a_large_funnel_and_their_own_trend(client):
    document = page(client, "/admin/creators/maya")
    funnel = document.one("svg", **{"class": "funnel funnel--large chart--wide"})
    assert {step: n for step, (n, _, _) in bars(funnel).items()} == {
        "visits": 30, "product_views": 60, "add_to_carts": 6, "checkouts": 3}
    rates = [t.text for t in funnel.all("text", **{"class": "bar-rate"})]
    # Views per visit is a ratio (2 views a visit), the others percentages.
    assert rates == ["2.00 views per visit", "10.0% carts per view",
                     "50.0% checkouts per cart"]
    phone = document.one("svg", **{"class": "funnel funnel--large funnel--narrow chart--narrow"})
    assert {rect.attrs["data-step"]: int(rect.attrs["data-value"])
            for rect in phone.all("rect")} == {
        "visits": 30, "product_views": 60, "add_to_carts": 6, "checkouts": 3}
    assert [t.text for t in phone.all("text", **{"class": "bar-rate"})] == rates
    trend = document.one("svg", **{"class": "trend chart--wide"})
    visits = [int(c.attrs["data-value"]) for c in trend.all("g", data_series="visits")[0].all(
        "circle")]
    assert sum(visits) == 30  # maya's alone, not the brand's 15
