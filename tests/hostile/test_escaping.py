"""Creator-supplied text is escaped everywhere it appears: text, attributes, scripts."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from storefront import create_app

EVIL = '<script>alert(1)</script>"\'><img src=x onerror=alert(2)>'
QUOTED = json.dumps(EVIL)  # a TOML basic string is written like a JSON one

CREATOR = f'''
name = {QUOTED}
bio = {QUOTED}
[hero]
title = {QUOTED}
subtitle = {QUOTED}
cta_label = {QUOTED}
cta_url = "/collections/apparel"
[discount]
code = "WELCOME10"
label = {QUOTED}
[[collections]]
handle = "apparel"
title = {QUOTED}
[notes]
organic-cotton-tee = {QUOTED}
'''


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.seen.append((tag, attrs))


def test_creator_text_is_escaped_in_every_page(tmp_path):
    creators = tmp_path / "creators"
    creators.mkdir()
    (creators / "mallory.toml").write_text(CREATOR)
    app = create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "c.sqlite3"),
                      "CREATORS_DIR": str(creators)})
    assert app.extensions["creators"].get("mallory") is not None, app.extensions[
        "creators"].problems
    client = app.test_client()
    pages = [client.get("/@mallory").get_data(as_text=True)]
    for url in ("/", "/products/organic-cotton-tee", "/collections/apparel", "/cart"):
        pages.append(client.get(url).get_data(as_text=True))
    for page in pages:
        assert "<script>alert(1)" not in page
        assert "<img src=x" not in page
        tags = Tags()
        tags.feed(page)
        # Parsed as a browser would: no element got an event handler from the text.
        assert not any(name.startswith("on") for _, attrs in tags.seen for name, _ in attrs)
        # the only scripts are ours: external files, or data with this response's nonce
        for tag in re.findall(r"<script\b[^>]*>", page):
            assert "src=\"/assets/" in tag or "nonce=" in tag
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[0]
