"""Top products on the dashboard by name (their title in the shop), each with its handle;
handles alone, and a notice, when Shopify cannot say the names."""

from __future__ import annotations

import csv
import io

import pytest

from storefront.funnels.titles import UNAVAILABLE
from storefront.shopify.errors import Unavailable
from tests.admin.conftest import day, get, page, seed

COUNTS = {
    (day(0), "maya", "visit", ""): 5,
    (day(0), "maya", "view", "organic-cotton-tee"): 6,
    (day(0), "maya", "add", "organic-cotton-tee"): 1,
    (day(0), "maya", "view", "gone-from-the-shop"): 4,
    (day(0), "maya", "view", "linen-shirt"): 2,
}


@pytest.fixture
def client(app):
    seed(app, COUNTS)
    return app.test_client()


@pytest.fixture
def shopify_down(app, monkeypatch):
    def down(*args, **kwargs):
        raise Unavailable("connection refused")

    monkeypatch.setattr(app.extensions["storefront"].transport, "execute", down)


def products(item) -> list[tuple[str, str | None]]:
    """(the product's name as shown, its handle line or None) for each product listed."""
    found = []
    for entry in item:
        handle = entry.all("span", **{"class": "product-handle"})
        name = entry if entry.tag == "li" else entry.one("th")
        words = [c for c in name.children if isinstance(c, str)]
        found.append((" ".join("".join(words).split()), handle[0].text if handle else None))
    return found


def test_the_table_names_each_creators_top_products(client):
    row = page(client, "/admin/creators").one("tr", data_creator="maya")
    listed = row.one("ol", **{"class": "products"}).all("li")
    assert [li.attrs["data-product"] for li in listed] == [
        "organic-cotton-tee", "gone-from-the-shop", "linen-shirt"]
    # A product the shop no longer has keeps its handle, without a second line.
    assert products(listed) == [("Organic Cotton Tee", "organic-cotton-tee"),
                                ("gone-from-the-shop", None),
                                ("Linen Camp Shirt", "linen-shirt")]


def test_a_creators_page_names_its_top_products(client):
    document = page(client, "/admin/creators/maya")
    table = document.all("tbody")[-1]
    assert products(table.all("tr")) == [("Organic Cotton Tee", "organic-cotton-tee"),
                                         ("gone-from-the-shop", None),
                                         ("Linen Camp Shirt", "linen-shirt")]
    assert UNAVAILABLE not in document.text


def test_the_csv_names_them_too(client):
    rows = {row["creator"]: row for row in csv.DictReader(io.StringIO(
        get(client, "/admin/creators.csv").get_data(as_text=True)))}
    assert rows["maya"]["top_products"] == (
        "Organic Cotton Tee (organic-cotton-tee, 6 views, 1 add); "
        "gone-from-the-shop (4 views, 0 adds); Linen Camp Shirt (linen-shirt, 2 views, 0 adds)")


@pytest.mark.usefixtures("shopify_down")
def test_with_shopify_down_the_pages_show_handles_and_say_why(client, caplog):
    document = page(client, "/admin/creators")
    listed = document.one("tr", data_creator="maya").one("ol").all("li")
    assert products(listed) == [("organic-cotton-tee", None), ("gone-from-the-shop", None),
                                ("linen-shirt", None)]
    assert UNAVAILABLE in [p.text for p in document.all("p", **{"class": "alert"})]
    creator = page(client, "/admin/creators/maya")
    assert products(creator.all("tbody")[-1].all("tr"))[0] == ("organic-cotton-tee", None)
    assert UNAVAILABLE in creator.text
    reply = get(client, "/admin/creators.csv")
    assert reply.status_code == 200
    assert "organic-cotton-tee (6 views, 1 add)" in reply.get_data(as_text=True)
    assert "connection refused" in caplog.text  # in the log, not on the page
    assert "connection refused" not in document.text
