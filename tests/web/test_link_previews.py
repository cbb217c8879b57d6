"""A shared `/@handle` link previews as the creator's store: their own picture (hero image, else
avatar) as an absolute og:image, and their own title; the brand's pages keep the shop's."""

from __future__ import annotations

import re

import pytest

from storefront import create_app
from tests.creators import make_folder, write
from tests.web.conftest import text

OG = re.compile(r'<meta property="(og:[a-z:_]+)" content="([^"]*)">')


def og_of(page: str) -> dict[str, str]:
    return dict(OG.findall(page))


@pytest.fixture
def app(tmp_path):
    folder = make_folder(tmp_path)  # media: maya.svg, maya-hero.svg
    write(folder, "maya", """\
        name = "Maya Rivers"
        avatar = "maya.svg"
        bio = "Stylist."
        [hero]
        title = "Maya's slow wardrobe"
        image = "maya-hero.svg"
        """)
    write(folder, "leo", 'name = "Leo Park"\navatar = "maya.svg"\n')
    write(folder, "june", 'name = "June Okafor"\n[hero]\ntitle = "June"\n'
                          'image = "https://cdn.example.com/june/hero.jpg?v=2"\n')
    write(folder, "sam", 'name = "Sam"\n')
    return create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "c.sqlite3"),
                       "CREATORS_DIR": str(folder)})


def test_a_creator_link_carries_their_hero_image_and_title(app):
    og = og_of(text(app.test_client().get("/@maya")))
    assert og["og:image"] == "http://localhost/creator-media/maya-hero.svg"
    assert og["og:image:alt"] == "Maya Rivers"
    assert og["og:title"] == "Maya Rivers' picks | Fernwood"
    assert og["og:url"] == "http://localhost/@maya"  # the link, not the brand's home
    assert og["og:description"] == "Stylist."


@pytest.mark.parametrize(("handle", "image"), [
    ("leo", "http://localhost/creator-media/maya.svg"),  # no hero: the avatar
    ("june", "https://cdn.example.com/june/hero.jpg?v=2"),  # a CDN image, as it is
])
def test_without_a_hero_image_the_avatar_and_urls_kept_as_they_are(app, handle, image):
    assert og_of(text(app.test_client().get(f"/@{handle}")))["og:image"] == image


def test_a_creator_without_a_picture_and_the_brand_keep_the_shops_image(app):
    brand = og_of(text(app.test_client().get("/")))
    assert brand["og:image"].startswith("http://localhost/demo-shop/files/")
    sam = og_of(text(app.test_client().get("/@sam")))
    assert sam["og:image"] == brand["og:image"] and "og:image:alt" not in sam


def test_the_image_is_absolute_on_the_host_and_scheme_asked(app):
    # The landing page is cached per host and scheme: each gets its own absolute URL.
    client = app.test_client()
    plain = og_of(text(client.get("/@maya")))["og:image"]
    secure = og_of(text(client.get("/@maya", base_url="https://shop.example")))["og:image"]
    assert plain == "http://localhost/creator-media/maya-hero.svg"
    assert secure == "https://shop.example/creator-media/maya-hero.svg"
