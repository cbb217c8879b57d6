"""Text from creator files and from the funnel store stays text on the dashboard."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.admin.conftest import day, get, page, seed
from tests.admin.page import parse

EVIL = '<script>alert(1)</script>" onload="alert(2)\' onmouseover=\'alert(3)'
HANDLE_EVIL = '"><svg onload=alert(4)>'  # no file could have it, but a store could hold it
PRODUCT_EVIL = "<img src=x onerror=alert(5)>"


@pytest.fixture
def client(make_app, tmp_path):
    creators = tmp_path / "creators"
    creators.mkdir()
    (creators / "mallory.toml").write_text(
        f'name = {json.dumps(EVIL)}\n[discount]\ncode = "MAL10"\n')
    app = make_app(CREATORS_DIR=str(creators))
    assert app.extensions["creators"].get("mallory") is not None, app.extensions[
        "creators"].problems
    seed(app, {(day(0), "mallory", "visit", ""): 3,
               (day(0), "mallory", "view", PRODUCT_EVIL): 2,
               (day(0), HANDLE_EVIL, "visit", ""): 1})
    return app.test_client()


def inert(body: str) -> None:
    document = parse(body)
    assert document.all("script") == [] and document.all("img") == []
    for element in document.all("*"):
        assert not any(name.startswith("on") for name in element.attrs), element
    assert [svg.attrs.get("class") for svg in document.all("svg")
            if "onload" in svg.attrs] == []


@pytest.mark.parametrize("url", ["/admin/creators", "/admin/creators?all=1",
                                 "/admin/creators/mallory"])
def test_hostile_names_and_products_are_shown_as_text(client, url):
    body = get(client, url).get_data(as_text=True)
    inert(body)
    document = parse(body)
    assert EVIL in document.text and PRODUCT_EVIL in document.text
    # ... in the SVG titles too, escaped once (not twice).
    titles = [t.text for svg in document.all("svg") for t in svg.all("title")]
    assert any(EVIL in title for title in titles), titles
    assert "&amp;lt;" not in body and "&amp;#" not in body


def test_a_hostile_handle_is_text_and_its_link_is_one_path(client):
    document = page(client, "/admin/creators")
    row = document.one("tr", data_creator=HANDLE_EVIL)
    href = row.one("a").attrs["href"]
    assert href.startswith("/admin/creators/") and "<" not in href and '"' not in href
    assert row.one("a").text == HANDLE_EVIL
    inert(get(client, "/admin/creators").get_data(as_text=True))


def test_the_csv_holds_the_names_as_they_are(client):
    body = get(client, "/admin/creators.csv").get_data(as_text=True)
    rows = {row["creator"]: row for row in csv.DictReader(io.StringIO(body))}
    assert rows["mallory"]["name"] == EVIL
    assert rows[HANDLE_EVIL]["visits"] == "1"
