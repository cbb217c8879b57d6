"""Admin responses are never stored or indexed, and keep the store's strict CSP."""

from __future__ import annotations

import re

import pytest

from tests.admin.conftest import get
from tests.admin.page import parse

PRIVATE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}


@pytest.mark.parametrize("url, status", [
    ("/admin/creators", 200),
    ("/admin/creators?since=30d&sort=checkouts&order=asc", 200),
    ("/admin/creators/maya", 200),
    ("/admin/creators.csv", 200),
    ("/admin/creators?since=tomorrow", 400),
    ("/admin/creators?sort=colour", 400),
    ("/admin/creators/nobody", 404),
])
def test_every_answer_is_private(client, url, status):
    signed_in = get(client, url)
    assert signed_in.status_code == status
    for reply in (signed_in, client.get(url)):  # and the 401 without credentials
        for name, value in PRIVATE.items():
            assert reply.headers[name] == value, (url, reply.status_code, name)


def test_pages_use_the_nonce_and_no_inline_styles_or_scripts(client):
    for url in ("/admin/creators", "/admin/creators/maya", "/admin/creators?since=x"):
        reply = get(client, url)
        body = reply.get_data(as_text=True)
        policy = reply.headers["Content-Security-Policy"]
        nonce = re.search(r"style-src 'self' 'nonce-([^']+)'", policy).group(1)
        document = parse(body)
        assert [style.attrs for style in document.all("style")] == [{"nonce": nonce}]
        assert document.all("script") == []
        for element in document.all("*"):
            # The CSP would block both; the page needs neither.
            assert "style" not in element.attrs, element.tag
            assert not any(name.startswith("on") for name in element.attrs), element.tag


def test_robots_txt_keeps_crawlers_out_of_admin(client):
    assert "Disallow: /admin\n" in client.get("/robots.txt").get_data(as_text=True)
