"""The store's words: counts in the singular and plural, possessives of any name, and the
platforms written as they write themselves."""

from __future__ import annotations

import html
import re

import pytest

from storefront import create_app
from tests.web.conftest import app_with_creators, text

JAMES = """\
name = "James Rivers"
bio = "Linen, always."

[discount]
code = "JAMES10"
label = "10% off"

[social]
tiktok = "https://www.tiktok.com/@jamesrivers"
youtube = "https://www.youtube.com/@jamesrivers"
instagram = "https://www.instagram.com/jamesrivers"
"""


@pytest.fixture
def client(tmp_path):
    return app_with_creators(
        tmp_path, james=JAMES, leo='name = "Leo Park"\n[discount]\ncode = "LEO5"\n').test_client()


def count_line(page: str) -> str:
    return html.unescape(re.search(r'<p class="results-count">([^<]*)</p>', page).group(1))


def test_one_result_is_one_result(client):
    assert count_line(text(client.get("/search?q=linen"))) == "9 results for “linen”"
    assert count_line(text(client.get("/search?q=chore"))) == "1 result for “chore”"


def test_a_name_ending_in_s_takes_the_apostrophe_alone(client):
    page = text(client.get("/@james", follow_redirects=True))
    assert "<title>James Rivers' picks" in html.unescape(page)
    assert "Rivers's" not in html.unescape(page)
    banner = html.unescape(re.search(r'<aside class="creator-banner".*?</aside>', page,
                                     re.S).group(0))
    assert "James Rivers</a>' store." in banner
    leo = html.unescape(text(client.get("/@leo", follow_redirects=True)))
    assert "Leo Park</a>'s store." in leo and "<title>Leo Park's picks" in leo


def test_platforms_are_written_as_they_write_themselves(client):
    page = text(client.get("/@james", follow_redirects=True))
    links = re.findall(r'<ul class="creator-profile__social">(.*?)</ul>', page, re.S)[0]
    assert re.findall(r">([^<]+)</a>", links) == ["TikTok", "YouTube", "Instagram"]


@pytest.mark.parametrize("junk", ["bogus", "", "PRICE", "price-ascending%00"])
def test_an_unknown_sort_goes_to_the_default_order_and_keeps_the_rest(client, junk):
    reply = client.get(f"/collections/apparel?available=1&sort_by={junk}")
    assert reply.status_code == 302
    assert reply.headers["Location"] == "/collections/apparel?available=1"
    page = client.get(reply.headers["Location"])
    assert page.status_code == 200 and 'value="manual" selected' in text(page)


@pytest.fixture
def with_paused(tmp_path):
    folder = tmp_path / "paused-creators"
    folder.mkdir()
    (folder / "pat.toml").write_text('name = "Pat Rivers"\nstatus = "paused"\n'
                                     '[discount]\ncode = "PAT10"\n')
    app = create_app({"CREATORS_DIR": str(folder), "INSTANCE_DIR": str(tmp_path / "i2"),
                      "DEMO_SHOP_CART_DB": str(tmp_path / "carts2.sqlite3"),
                      "CREATORS_RELOAD_SECONDS": "0"})
    return app


@pytest.mark.parametrize("link", ["/@pat", "/@pat/collections/apparel"])
def test_a_paused_creators_link_says_their_offer_has_ended(with_paused, link):
    for warm in ("/", "/collections/apparel"):  # in the page cache already
        assert with_paused.test_client().get(warm).status_code == 200
    shopper = with_paused.test_client()
    reply = shopper.get(link)
    assert reply.status_code == 302
    landed = html.unescape(text(shopper.get(reply.headers["Location"])))
    assert "Pat Rivers' offer has ended." in landed
    assert "You're shopping" not in landed  # nobody is credited
    again = html.unescape(text(shopper.get(reply.headers["Location"])))
    assert "offer has ended" not in again  # said once
    other = html.unescape(text(with_paused.test_client().get(reply.headers["Location"])))
    assert "offer has ended" not in other  # to that visitor alone
