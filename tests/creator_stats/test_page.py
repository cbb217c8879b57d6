"""The page's figures for a ledger built from deliveries: visits, orders, net sales,
earnings, payable and paid, by day and by product (refunds taken off), and what it never
shows or lets a cache keep.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storefront.orders import Delivery
from storefront.shared_pages import is_shared, shared_paths
from tests.admin.page import Element, parse
from tests.creator_stats.conftest import CUSTOMERS, TEE, TOTE, line, link, place, visits
from tests.orders.payloads import body, money, order, refund

NOV_3 = datetime(2026, 11, 3, 15, 0, tzinfo=UTC)
NOV_18 = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
OCT_5 = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)


def opened(client, path: str) -> Element:
    reply = client.get(path)
    assert reply.status_code == 200, reply.get_data(as_text=True)[-1500:]
    assert reply.mimetype == "text/html"
    return parse(reply.get_data(as_text=True))


def figure(page: Element, name: str) -> str:
    return page.one("div", data_figure=name).all("span")[1].text


def cells(row: Element) -> list[str]:
    return [cell.text.strip() for cell in row.all("td")]


def shop(app, ledger) -> None:
    """Maya's month: two orders in November (one refunded in part), one in October,
    one cancelled, one of another creator, one of the brand; and her visits."""
    place(ledger, 101, NOV_3, [line(1011, TEE, "Organic cotton tee", 2, "30.00", "6.00"),
                               line(1012, TOTE, "Canvas tote", 1, "20.00")],
          creator="maya", customer=CUSTOMERS[0])  # 74.00
    place(ledger, 102, NOV_18, [line(1021, TEE, "Organic Cotton Tee", 1, "30.00")],
          creator="maya", customer=CUSTOMERS[1])  # 30.00
    place(ledger, 103, OCT_5, [line(1031, TOTE, "Canvas tote", 3, "20.00")],
          creator="maya", customer=CUSTOMERS[2])  # 60.00, paid in October
    place(ledger, 104, NOV_18, [line(1041, TOTE, "Canvas tote", 5, "20.00")],
          creator="maya", cancelled=NOV_18 + timedelta(hours=1))
    place(ledger, 105, NOV_3, [line(1051, TEE, "Organic cotton tee", 4, "30.00")],
          creator="sam")
    place(ledger, 106, NOV_3, [line(1061, TEE, "Organic cotton tee", 9, "30.00")],
          creator=None)
    # One of the two tees of order 101 comes back: 27.00 (30.00 less its 3.00 discount).
    data = refund(9001, 101, "27.00", created=NOV_18)
    data["refund_line_items"][0]["line_item_id"] = 1011
    assert ledger.receive(Delivery("refunds/create", body(data))).error is None
    visits(app, {("2026-11-03", "maya"): 40, ("2026-11-18", "maya"): 2,
                 ("2026-11-03", "sam"): 99, ("2026-10-05", "maya"): 7})


def test_the_month_s_figures(app, client, ledger):
    shop(app, ledger)
    page = opened(client, link(app, "maya"))
    assert page.one("h1").text == "Maya Rivers"
    assert "November 2026" in page.one("nav").text
    assert figure(page, "visits") == "42"
    assert figure(page, "orders") == "2"  # the cancelled one is not an order
    assert figure(page, "net_sales") == "$77.00"  # 74.00 - 27.00 + 30.00
    assert figure(page, "earnings") == "$11.55"  # 15%
    # Held 10 days (COMMISSION_HOLD_DAYS): the order of Nov 3 is payable, Nov 18's not
    # yet; October's 9.00 too (orders up to the month's end), none of it paid.
    assert figure(page, "payable") == "$16.05"  # 7.05 + 9.00
    assert figure(page, "paid") == "$0.00"


def test_by_day_every_day_of_the_month_so_far_the_latest_first(app, client, ledger):
    shop(app, ledger)
    page = opened(client, link(app, "maya"))
    rows = page.one("table", **{"class": "days"}).one("tbody").all("tr")
    assert [row.attrs["data-day"] for row in rows] == [
        f"2026-11-{day:02d}" for day in range(20, 0, -1)]
    by_day = {row.attrs["data-day"]: cells(row)[1:] for row in rows}
    assert by_day["2026-11-03"] == ["40", "1", "$47.00", "$7.05"]
    assert by_day["2026-11-18"] == ["2", "1", "$30.00", "$4.50"]  # the cancelled: nothing
    assert by_day["2026-11-10"] == ["0", "0", "$0.00", "$0.00"]


def test_by_product_refunds_are_taken_off(app, client, ledger):
    shop(app, ledger)
    page = opened(client, link(app, "maya"))
    rows = page.one("table", **{"class": "products"}).one("tbody").all("tr")
    found = {row.attrs["data-product"]: cells(row) for row in rows}
    # Tee: 2 x 30.00 - 6.00 + 30.00, less the tee refunded (27.00): 2 kept, 57.00.
    # The title most of its units were sold under is shown.
    assert found[str(TEE)] == ["Organic cotton tee", "2", "$57.00"]
    assert found[str(TOTE)] == ["Canvas tote", "1", "$20.00"]
    assert [row.attrs["data-product"] for row in rows] == [str(TEE), str(TOTE)]


def test_another_month(app, client, ledger):
    shop(app, ledger)
    path = link(app, "maya")
    october = opened(client, path + "?period=2026-10")
    assert figure(october, "visits") == "7"
    assert figure(october, "orders") == "1"
    assert figure(october, "net_sales") == "$60.00"
    assert figure(october, "payable") == "$9.00"
    assert len(october.one("table", **{"class": "days"}).one("tbody").all("tr")) == 31
    links = {a.attrs["href"] for a in october.one("nav").all("a")}
    assert links == {"?period=2026-09", "?period=2026-11"}  # the token is not repeated
    november = opened(client, path)
    assert {a.attrs["href"] for a in november.one("nav").all("a")} == {"?period=2026-10"}


def test_a_month_that_is_not_one_is_a_400(app, client):
    path = link(app, "maya")
    for period in ("2026-13", "2026-12", "1999-12", "november", "2026-1", "9" * 500):
        reply = client.get(path, query_string={"period": period})
        assert reply.status_code == 400, period
        text = reply.get_data(as_text=True)
        assert "Month not understood" in text and "Traceback" not in text
        assert "9" * 100 not in text


def test_payable_and_paid_follow_the_payout_batches(app, client, ledger):
    shop(app, ledger)
    # October's batch, recorded in November, pays order 103's 9.00.
    result = app.test_cli_runner().invoke(args=["creators", "payouts", "--period", "2026-10",
                                                "--mark-paid"])
    assert result.exit_code == 0, result.output
    path = link(app, "maya")
    november, october = opened(client, path), opened(client, path + "?period=2026-10")
    assert figure(november, "payable") == "$7.05"
    assert figure(october, "paid") == "$9.00"
    assert figure(october, "payable") == "$0.00"


def test_a_month_without_orders_shows_visits_by_day(app, client, ledger):
    visits(app, {("2026-11-19", "maya"): 3})
    page = opened(client, link(app, "maya"))
    assert figure(page, "visits") == "3"
    assert figure(page, "orders") == "0"
    assert "No orders through your links this month yet" in page.text
    rows = page.one("table", **{"class": "days"}).one("tbody").all("tr")
    assert cells(rows[1]) == ["Thu 19", "3"]


def test_with_funnels_off_the_rest_is_shown(make_app):
    app = make_app(FUNNELS_URL="off")
    from storefront.orders import ledger_for

    place(ledger_for(app), 101, NOV_3, [line(1011, TEE, "Tee", 1, "30.00")], creator="maya")
    page = opened(app.test_client(), link(app, "maya"))
    assert figure(page, "visits") == "–"
    assert "Visits are not recorded on this store" in page.text
    assert figure(page, "net_sales") == "$30.00"


def test_two_currencies_are_never_added_up(app, client, ledger):
    place(ledger, 101, NOV_3, [line(1011, TEE, "Tee", 1, "30.00")], creator="maya")
    place(ledger, 102, NOV_3, [line(1021, TEE, "Tee", 2, "4000", currency="JPY")],
          creator="maya", currency="JPY")
    place(ledger, 103, NOV_3, [line(1031, TEE, "Tee", 1, "4000", currency="JPY")],
          creator="maya", currency="JPY")
    page = opened(client, link(app, "maya"))
    orders = page.all("div", data_figure="orders")
    assert [o.attrs["data-currency"] for o in orders] == ["JPY", "USD"]  # most orders first
    assert page.one("div", data_figure="net_sales", data_currency="JPY").all(
        "span")[1].text == "¥12,000"
    assert len(page.all("table", **{"class": "days"})) == 2


def test_a_paused_or_archived_creator_still_sees_their_figures(app, client, ledger):
    place(ledger, 101, NOV_3, [line(1011, TEE, "Tee", 1, "30.00")], creator="rosa")
    page = opened(client, link(app, "rosa"))
    assert "paused" in page.one("p", **{"class": "note"}).text
    assert figure(page, "net_sales") == "$30.00"
    archived = opened(client, link(app, "kit"))
    assert "archived" in archived.one("p", **{"class": "note"}).text
    assert not opened(client, link(app, "maya")).all("p", **{"class": "note"})


def test_no_customer_data_and_never_indexed_cached_or_referred(app, client, ledger):
    shop(app, ledger)
    path = link(app, "maya")
    reply = client.get(path)
    html = reply.get_data(as_text=True)
    for customer in CUSTOMERS:
        assert str(customer) not in html
    for personal in ("jo@example.com", "Jo Doe", "1 Main St", "+1555", "Happy birthday",
                     "#1001", "203.0.113.9"):
        assert personal not in html
    assert reply.headers["Cache-Control"] == "no-store"
    assert reply.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert reply.headers["Referrer-Policy"] == "no-referrer"
    page = parse(html)
    assert page.one("meta", name="robots").attrs["content"] == "noindex, nofollow"
    assert page.one("meta", name="referrer").attrs["content"] == "no-referrer"
    assert page.one("meta", name="viewport").attrs["content"].startswith("width=device-width")
    # Tables scroll in their own box, so the page itself fits a phone (see test_browser.py).
    assert sum(len(box.all("table")) for box in page.all("div", **{"class": "scroll"})) == \
        len(page.all("table")) > 0
    # Refusals are private too.
    for bad in (path[:-4], path + "x"):
        refused = client.get(bad)
        assert refused.status_code == 404
        assert refused.headers["Cache-Control"] == "no-store"
        assert refused.headers["X-Robots-Tag"] == "noindex, nofollow"


def test_the_page_is_never_a_shared_page_nor_served_from_the_page_cache(app, client, ledger):
    assert not is_shared(app, "creator_stats.page")
    path = link(app, "maya")
    assert not shared_paths(app).fullmatch(path)
    place(ledger, 101, NOV_3, [line(1011, TEE, "Tee", 1, "30.00")], creator="maya")
    first = opened(client, path)
    place(ledger, 102, NOV_3, [line(1021, TEE, "Tee", 1, "30.00")], creator="maya")
    assert figure(first, "orders") == "1"
    assert figure(opened(client, path), "orders") == "2"  # read again, not kept
    app.test_cli_runner().invoke(args=["creators", "link", "maya", "--revoke"])
    assert client.get(path).status_code == 410


def test_titles_are_escaped(app, client, ledger):
    place(ledger, 101, NOV_3, [line(1011, TEE, "<script>alert(1)</script> Tee", 1, "30.00")],
          creator="maya")
    html = client.get(link(app, "maya")).get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Tee" in html


def test_taxes_included_lines_are_net_of_their_tax(app, client, ledger):
    tee = line(1011, TEE, "Tee", 1, "36.00")
    tee["tax_lines"] = [{"price": "6.00", "price_set": money("6.00"), "rate": 0.2,
                         "title": "VAT"}]
    data = order(101, subtotal="36.00", tax="6.00", taxes_included=True, creator="maya",
                 created=NOV_3)
    data["line_items"] = [tee]
    assert ledger.receive(Delivery("orders/create", body(data))).error is None
    page = opened(client, link(app, "maya"))
    assert figure(page, "net_sales") == "$30.00"
    assert cells(page.one("tr", data_product=str(TEE))) == ["Tee", "1", "$30.00"]
