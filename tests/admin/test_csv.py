"""/admin/creators.csv is the report's CSV (as `flask creators report --format csv`)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storefront.funnels import report
from storefront.funnels.titles import titles
from tests.admin.conftest import day, get, seed

COUNTS = {
    (day(0), "maya", "visit", ""): 12, (day(0), "maya", "view", "organic-cotton-tee"): 9,
    (day(0), "maya", "add", "organic-cotton-tee"): 2, (day(0), "maya", "checkout", ""): 1,
    (day(1), "", "visit", ""): 4,
    (day(10), "leo", "visit", ""): 7,
}


@pytest.mark.parametrize("query, since, everyone", [
    ("", "7d", False),
    ("?since=30d", "30d", False),
    ("?since=30d&all=1", "30d", True),
    (f"?since={day(1)}&all=1", day(1), True),
    ("?sort=checkouts&order=asc", "7d", False),  # the page's sort is not the file's
])
def test_the_download_is_the_reports_csv(app, query, since, everyone):
    seed(app, COUNTS, {(day(0), "maya", "v1")})
    reply = get(app.test_client(), "/admin/creators.csv" + query)
    assert reply.status_code == 200
    span = report.period(since, datetime.now(UTC).date())
    with app.app_context():
        rows = report.rows(app.extensions["funnels"].store, app.extensions["creators"], span,
                           everyone)
        names = titles(app.extensions["storefront"], report.product_handles(rows))
        expected = report.as_csv(report.with_titles(rows, names.by_handle))
    assert "Organic Cotton Tee (organic-cotton-tee, 9 views, 2 adds)" in expected
    assert reply.get_data(as_text=True) == expected
    assert reply.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert reply.headers["Content-Disposition"] == (
        f'attachment; filename="creator-funnels-{span.first}-to-{span.last}.csv"')


def test_the_csv_holds_the_seeded_figures(app):
    seed(app, COUNTS)
    lines = get(app.test_client(), "/admin/creators.csv").get_data(as_text=True).splitlines()
    assert lines[0].startswith("creator,name,status,code,visits,")
    maya = next(line for line in lines if line.startswith("maya,"))
    assert maya.startswith("maya,Maya Rivers,active,MAYA15,12,0,9,2,1,")
    assert not any(line.startswith("leo,") for line in lines)  # 10 days ago


def test_the_page_links_to_the_csv_of_the_same_period(app):
    document = get(app.test_client(), "/admin/creators?since=30d&all=1&sort=visits")
    assert 'href="/admin/creators.csv?since=30d&amp;all=1"' in document.get_data(as_text=True)
