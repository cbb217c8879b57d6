"""/admin/creators and /admin/creators/<handle>: the figures, sorting, periods, and the
pages shown when there is nothing to show."""

from __future__ import annotations

import sqlite3

import pytest

from tests.admin.conftest import creators_in, day, get, page, seed
from tests.admin.page import parse

# Visits, views, adds and checkouts chosen so every sort gives a different order.
COUNTS = {
    (day(0), "maya", "visit", ""): 20, (day(2), "maya", "visit", ""): 10,
    (day(0), "maya", "view", "organic-cotton-tee"): 40,
    (day(1), "maya", "view", "linen-shirt"): 20,
    (day(0), "maya", "add", "organic-cotton-tee"): 4,
    (day(1), "maya", "add", "linen-shirt"): 2,
    (day(0), "maya", "checkout", ""): 3,
    (day(1), "leo", "visit", ""): 50, (day(1), "leo", "view", "chore-jacket"): 20,
    (day(1), "leo", "add", "chore-jacket"): 1, (day(1), "leo", "checkout", ""): 1,
    (day(0), "", "visit", ""): 10, (day(0), "", "view", "linen-scarf"): 5,
    (day(3), "kit", "view", "linen-scarf"): 3,  # views but no visits: no rates
    (day(20), "maya", "visit", ""): 100,  # only in the last 30 days, not the last 7
}
VISITORS = {(day(0), "maya", "a"), (day(0), "maya", "b"), (day(2), "maya", "a"),
            (day(0), "maya", "c"), (day(1), "leo", "d")}


@pytest.fixture
def client(app):
    seed(app, COUNTS, VISITORS)
    return app.test_client()


def cells(document, creator: str) -> list[str]:
    row = document.one("tr", data_creator=creator)
    return [" ".join(cell.text.split()) for cell in row.all("td")]


def test_the_table_shows_each_creators_figures(client):
    document = page(client, "/admin/creators")
    assert creators_in(document) == ["leo", "maya", "", "kit"]  # by visits, most first
    # funnel, visits, unique, views, carts, checkouts, 4 rates, code, top products
    maya = cells(document, "maya")
    assert maya[1:6] == ["30", "3", "60", "6", "3"]
    # views per visit (a ratio), carts per view, checkouts per cart, conversion
    assert maya[6:10] == ["2.00", "10.0%", "50.0%", "10.0%"]
    assert maya[-2] == "MAYA15"  # (the orders ledger's columns before: test_revenue.py)
    # Products by name (the demo shop's titles), each with its handle.
    assert maya[-1] == ("Organic Cotton Tee organic-cotton-tee 40 views, 4 adds "
                        "Linen Camp Shirt linen-shirt 20 views, 2 adds")
    assert cells(document, "kit")[6] == "–" and cells(document, "kit")[9] == "–"
    brand = document.one("tr", data_creator="")
    assert "(brand)" in brand.text and "Brand store" in brand.text
    link = document.one("tr", data_creator="maya").one("a")
    assert link.attrs["href"] == "/admin/creators/maya?since=7d"
    assert brand.one("a").attrs["href"] == "/admin/creators/_brand?since=7d"


def test_totals_add_up_the_rows(client):
    document = page(client, "/admin/creators")
    totals = {el.attrs["data-total"]: el.text for el in document.all("span", **{})
              if "data-total" in el.attrs}
    assert totals == {"visits": "90", "product_views": "88", "add_to_carts": "7",
                      "checkouts": "4", "conversion": "4.4%"}
    footer = [" ".join(c.text.split()) for c in document.one("tfoot").all("td")]
    assert footer[1:6] == ["90", "–", "88", "7", "4"]


@pytest.mark.parametrize("column, descending", [
    ("checkouts", ["maya", "leo", "", "kit"]),
    ("visits", ["leo", "maya", "", "kit"]),
    ("product_views", ["maya", "leo", "", "kit"]),
    ("unique_visitors", ["maya", "leo", "", "kit"]),
    ("cart_rate", ["maya", "leo", "", "kit"]),
    ("creator", ["maya", "leo", "kit", ""]),
])
def test_sorting_by_a_column_both_ways(client, column, descending):
    down = page(client, f"/admin/creators?sort={column}&order=desc")
    up = page(client, f"/admin/creators?sort={column}&order=asc")
    assert creators_in(down) == descending
    # Ties stay in A-to-Z order whichever way the column goes.
    ties = {"checkouts": ["", "kit", "leo", "maya"], "unique_visitors": ["", "kit", "leo", "maya"],
            "cart_rate": ["", "kit", "leo", "maya"]}
    assert creators_in(up) == ties.get(column, descending[::-1])


def test_rows_without_a_rate_come_last_both_ways(client):
    assert creators_in(page(client, "/admin/creators?sort=conversion&order=desc")) == [
        "maya", "leo", "", "kit"]
    assert creators_in(page(client, "/admin/creators?sort=conversion&order=asc")) == [
        "", "leo", "maya", "kit"]


def test_column_headers_are_links_that_sort_and_reverse(client):
    document = page(client, "/admin/creators?since=30d&all=1&sort=checkouts&order=desc")
    links = {a.attrs["data-sort"]: a.attrs["href"] for a in document.one("thead").all("a")}
    assert links["checkouts"] == "/admin/creators?since=30d&all=1&sort=checkouts&order=asc"
    assert links["visits"] == "/admin/creators?since=30d&all=1&sort=visits&order=desc"
    assert links["creator"] == "/admin/creators?since=30d&all=1&sort=creator&order=asc"
    assert set(links) == {"creator", "visits", "unique_visitors", "product_views",
                          "add_to_carts", "checkouts", "view_rate", "cart_rate",
                          "checkout_rate", "conversion", "orders", "order_conversion",
                          "net_sales", "aov", "commission", "payable", "new_customers",
                          "repeat_rate", "ltv_90"}
    sorted_by = [th for th in document.one("thead").all("th") if "aria-sort" in th.attrs]
    assert [(th.one("a").attrs["data-sort"], th.attrs["aria-sort"]) for th in sorted_by] == [
        ("checkouts", "descending")]


@pytest.mark.parametrize("query, complaint", [
    ("sort=colour", "sort='colour' is not a column; use one of: creator, visits"),
    ("sort=checkouts&order=up", "order='up': use asc or desc"),
    ("sort=__class__", "is not a column"),
])
def test_an_unknown_sort_is_a_400_that_says_what_to_use(client, query, complaint):
    reply = get(client, f"/admin/creators?{query}")
    assert reply.status_code == 400
    body = reply.get_data(as_text=True)
    assert complaint in body.replace("&#39;", "'") and "Traceback" not in body


def test_the_period_is_chosen_by_link_or_by_date(client):
    assert cells(page(client, "/admin/creators"), "maya")[1] == "30"
    thirty = page(client, "/admin/creators?since=30d")
    assert cells(thirty, "maya")[1] == "130"
    current = [a.text for a in thirty.one("nav").all("a") if "aria-current" in a.attrs]
    assert current == ["30 days"]
    assert cells(page(client, f"/admin/creators?since={day(20)}"), "maya")[1] == "130"
    assert cells(page(client, f"/admin/creators?since={day(2)}"), "maya")[1] == "30"
    assert cells(page(client, "/admin/creators?since=1d"), "maya")[1] == "20"
    field = page(client, "/admin/creators?since=30d&sort=visits").one("input", name="since")
    assert field.attrs["value"] == "30d"


@pytest.mark.parametrize("since, complaint", [
    ("bad", "use a number of days like 7d, or a date like 2026-11-01"),
    ("0d", "goes from 1d to 3660d"),
    ("99999d", "use a number of days"),
    ("2999-01-01", "that date is in the future"),
    ("2026-02-30", "use a number of days"),
    ("<script>alert(1)</script>", "use a number of days"),
])
def test_a_period_not_understood_is_a_400_that_says_why(client, since, complaint):
    for url in ("/admin/creators", "/admin/creators/maya", "/admin/creators.csv"):
        reply = get(client, url + "?since=" + since)
        assert reply.status_code == 400, url
        body = reply.get_data(as_text=True)
        assert complaint in body and "Traceback" not in body
        assert "<script>alert" not in body
        assert parse(body).one("h1").text == "Period not understood"


def test_all_adds_creators_without_activity_but_not_archived_ones(client):
    assert "ava" not in creators_in(page(client, "/admin/creators"))
    everyone = creators_in(page(client, "/admin/creators?all=1&sort=creator&order=asc"))
    # kit is archived, but listed for the views it had in the period
    assert everyone == ["", "ava", "june", "kit", "leo", "maya", "rosa", "sam"]
    assert cells(page(client, "/admin/creators?all=1"), "ava")[1:6] == ["0"] * 5


def test_a_creators_page(client):
    document = page(client, "/admin/creators/maya")
    assert "Maya Rivers" in document.one("h1").text
    figures = {el.attrs["data-figure"]: " ".join(el.text.split())
               for el in document.all("dd") if "data-figure" in el.attrs}
    assert figures == {"unique_visitors": "3", "conversion": "10.0% checkouts per visit"}
    facts = document.one("dl", **{"class": "facts"})
    assert "MAYA15" in facts.text and "active" in facts.text
    products = [[" ".join(c.text.split()) for c in row.children if not isinstance(c, str)]
                for row in document.all("tbody")[-1].all("tr")]
    assert products == [["Organic Cotton Tee organic-cotton-tee", "40", "4"],
                        ["Linen Camp Shirt linen-shirt", "20", "2"]]
    periods = [a.attrs["href"] for a in document.one("nav").all("a")]
    assert periods == ["/admin/creators/maya?since=7d", "/admin/creators/maya?since=30d",
                       "/admin/creators/maya?since=90d"]


def test_the_brands_page_and_creators_with_nothing_yet(client):
    brand = page(client, "/admin/creators/_brand")
    assert "(brand)" in brand.one("h1").text
    rosa = page(client, "/admin/creators/rosa")  # paused, nothing in the period
    assert "Rosa Diaz" in rosa.one("h1").text
    assert "No product was viewed" in rosa.text


@pytest.mark.parametrize("handle", ["nobody", "brand", "_nobody", "kit"])
def test_a_handle_without_creator_or_figures_is_a_404(client, handle):
    # (kit is archived and had nothing in the last day)
    reply = get(client, f"/admin/creators/{handle}?since=1d")
    assert reply.status_code == 404
    assert "No such creator" in reply.get_data(as_text=True)


def test_an_alias_leads_to_its_creators_page(client):
    reply = get(client, "/admin/creators/samito?since=30d")
    assert reply.status_code == 302
    assert reply.headers["Location"] == "/admin/creators/sam?since=30d"
    odd = get(client, "/admin/creators/samito?handle=x&_external=1&_anchor=y")
    assert odd.status_code == 302 and odd.headers["Location"] == "/admin/creators/sam"


def test_with_funnels_off_the_page_says_so(make_app):
    client = make_app(FUNNELS_URL="off").test_client()
    for url in ("/admin/creators", "/admin/creators/maya"):
        reply = get(client, url)
        assert reply.status_code == 200
        body = reply.get_data(as_text=True)
        assert "Creator funnels are off" in body and "FUNNELS_URL" in body
    csv = get(client, "/admin/creators.csv")
    assert csv.status_code == 404 and "FUNNELS_URL=off" in csv.get_data(as_text=True)


def test_a_store_that_cannot_be_read_is_a_503_naming_it(app, monkeypatch, caplog):
    def broken(*args):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(app.extensions["funnels"].store, "counts", broken)
    client = app.test_client()
    for url in ("/admin/creators", "/admin/creators/maya", "/admin/creators.csv"):
        reply = get(client, url)
        assert reply.status_code == 503
        body = reply.get_data(as_text=True)
        assert "could not be read from SQLite" in body and "Traceback" not in body
        assert "database is locked" not in body  # in the log, not on the page
    assert "database is locked" in caplog.text


def test_the_admin_flushes_this_processes_counts_first(app):
    client = app.test_client()
    browser = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"}
    assert client.get("/@maya", headers=browser).status_code == 200
    assert cells(page(client, "/admin/creators"), "maya")[1] == "1"
