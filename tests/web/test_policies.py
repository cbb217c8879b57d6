"""/policies lists the shop's policies, as Shopify's online store does, and each link opens."""

from __future__ import annotations

import re

from tests.web.conftest import text


def test_the_policies_page_lists_every_published_policy(client):
    reply = client.get("/policies")
    assert reply.status_code == 200
    links = re.findall(r'<a href="(/policies/[a-z-]+)">([^<]+)</a>', text(reply))
    assert dict(links) == {
        "/policies/privacy-policy": "Privacy policy",
        "/policies/refund-policy": "Refund policy",
        "/policies/shipping-policy": "Shipping policy",
        "/policies/terms-of-service": "Terms of service",
    }
    for url, title in links:
        page = client.get(url)
        assert page.status_code == 200
        assert f"<h1>{title}</h1>" in text(page)


def test_the_policies_page_is_a_shared_page(client, sent):
    client.get("/policies")
    client.get("/policies")
    assert sent.names().count("ShopPolicies") <= 1
