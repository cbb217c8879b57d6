"""Where a form comes from, as the browser tells it (storefront.visit.origin)."""

from __future__ import annotations

import pytest

from storefront.visit.origin import OTHER, SAME, UNSAID, where_from


@pytest.mark.parametrize(("fetch_site", "origin", "scheme", "host", "said"), [
    ("same-origin", None, "https", "shop.example", SAME),
    (" Same-Origin ", None, "https", "shop.example", SAME),
    ("same-site", None, "https", "shop.example", OTHER),  # a sibling subdomain
    ("cross-site", "https://shop.example", "https", "shop.example", OTHER),  # Fetch Metadata first
    ("none", None, "https", "shop.example", OTHER),  # typed or bookmarked: never a form
    (None, "https://shop.example", "https", "shop.example", SAME),
    (None, "HTTPS://Shop.Example", "https", "shop.example", SAME),
    (None, "https://shop.example", "https", "shop.example:443", SAME),  # a default port named
    (None, "http://127.0.0.1:8000", "http", "127.0.0.1:8000", SAME),
    (None, "http://127.0.0.1:8001", "http", "127.0.0.1:8000", OTHER),
    (None, "http://shop.example", "https", "shop.example", OTHER),  # another scheme
    (None, "https://shop.example.evil.example", "https", "shop.example", OTHER),
    (None, "null", "https", "shop.example", OTHER),  # an opaque origin (a sandboxed frame)
    (None, None, "https", "shop.example", UNSAID),
    ("", "", "https", "shop.example", UNSAID),
])
def test_where_a_form_comes_from(fetch_site, origin, scheme, host, said):
    assert where_from(fetch_site, origin, scheme, host) == said
