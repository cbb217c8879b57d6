"""A creator's brand colours on their pages: links get a shade of the accent that reads,
buttons and the banner a text colour that reads on it, and an avatar-less creator
gets readable initials."""

from __future__ import annotations

import re

import pytest

from storefront import colors
from tests.web.conftest import app_with_creators, text

SUN = 'name = "Sunny Day"\n[theme_settings]\naccent = "#ffee00"\naccent_text = "#ffffff"\n'


@pytest.fixture
def app(tmp_path):
    return app_with_creators(tmp_path, sunny=SUN)


def custom_properties(page: str) -> dict[str, str]:
    style = re.search(r"<style nonce=[^>]*>(\n:root \{\n  --.*?)</style>", page, re.S).group(1)
    return dict(re.findall(r"--color-([a-z-]+): (#[0-9a-f]{3,6});", style))


def test_a_yellow_accent_reads_as_links_and_under_its_own_buttons(app):
    found = custom_properties(text(app.test_client().get("/@sunny")))
    assert found["accent"] == "#ffee00"  # the brand's colour still fills buttons and banner
    background = found["background"]
    assert colors.contrast(found["link"], background) >= 4.5
    assert colors.contrast(found["link"], "#ffffff") >= 4.5
    assert colors.contrast(found["accent-text"], "#ffee00") >= 4.5  # not the white they set
    brand = custom_properties(text(app.test_client().get("/collections")))  # no creator
    assert brand["link"] == brand["accent"] == "#2f4a3a"  # base's green reads as it is


def test_a_creator_without_an_avatar_gets_initials(app):
    page = text(app.test_client().get("/@sunny"))
    assert '<span class="creator-profile__avatar initials" aria-hidden="true">SD</span>' in page
    assert '<span class="creator-banner__avatar initials" aria-hidden="true">SD</span>' in page
