"""Operations URLs (admin, webhooks, probes, assets) never read or follow a referral."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from storefront import attribution, create_app
from storefront.visit.referral import is_operations

AUTH = ("admin", "correct horse")


@pytest.fixture
def app(tmp_path):
    creators = tmp_path / "creators"
    creators.mkdir()
    (creators / "maya.toml").write_text('name = "Maya Rivers"\n')
    return create_app({
        "DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3"),
        "CREATORS_DIR": str(creators),
        "FUNNELS_URL": f"sqlite:///{tmp_path}/funnels.sqlite3",
        "ADMIN_USERNAME": AUTH[0],
        "ADMIN_PASSWORD": AUTH[1],
    })


def referral_set(reply) -> bool:
    return any(header.startswith(f"{attribution.COOKIE}=")
               for header in reply.headers.getlist("Set-Cookie"))


def without_ref(url: str) -> str:
    parts = urlsplit(url)
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k != "ref"])
    return parts.path + (f"?{query}" if query else "")


OPERATIONS_URLS = [
    "/admin", "/admin/", "/admin/creators", "/webhooks/shopify", "/webhooks",
    "/healthz", "/readyz", "/favicon.ico", "/creator-media/maya.svg",
    "/assets/storefront.js", "/demo-shop/static/nothing.css",
]


@pytest.mark.parametrize("url", OPERATIONS_URLS)
def test_ref_changes_nothing_at_an_operations_url(app, url):
    client = app.test_client()
    plain = client.get(url, auth=AUTH)
    linked = client.get(f"{url}?ref=maya", auth=AUTH)
    assert not referral_set(linked) and client.get_cookie(attribution.COOKIE) is None
    # The same answer as without ?ref=: no redirect that drops it, no other status.
    assert linked.status_code == plain.status_code
    location = [without_ref(reply.headers.get("Location", "")) for reply in (linked, plain)]
    assert location[0] == location[1]


def test_an_admin_link_with_ref_credits_no_one_all_the_way_to_the_dashboard(app):
    client = app.test_client()
    reply = client.get("/admin?ref=maya", auth=AUTH, follow_redirects=True)
    assert reply.status_code == 200 and reply.request.path == "/admin/creators"
    assert client.get_cookie(attribution.COOKIE) is None
    assert not any(referral_set(step) for step in reply.history)


def test_a_webhook_url_with_ref_credits_no_one(app):
    client = app.test_client()
    reply = client.get("/webhooks/shopify?ref=maya")
    assert reply.status_code == 405 and "POST" in reply.headers["Allow"]
    assert client.get_cookie(attribution.COOKIE) is None


def test_an_operations_url_does_not_read_the_cookie(app):
    # A cookie the shop would clear (it does not verify) is left alone there.
    client = app.test_client()
    client.set_cookie(attribution.COOKIE, "tampered")
    for url in ("/healthz", "/readyz", "/admin/creators"):
        assert "Set-Cookie" not in client.get(url, auth=AUTH).headers
    assert attribution.COOKIE in client.get("/").headers.get("Set-Cookie", "")


@pytest.mark.parametrize("url", ["/", "/administrator-picks", "/webhooks-sale", "/pages/admin"])
def test_a_shop_url_with_ref_still_credits_the_creator(app, url):
    client = app.test_client()
    reply = client.get(f"{url}?ref=maya&utm_source=ig")
    assert reply.status_code == 302 and reply.headers["Location"] == f"{url}?utm_source=ig"
    assert referral_set(reply)


@pytest.mark.parametrize(("path", "operations"), [
    ("/admin", True), ("/admin/", True), ("/admin/creators/maya", True),
    ("/webhooks", True), ("/webhooks/shopify", True), ("/healthz", True), ("/readyz", True),
    ("/demo-shop/static/x.css", True), ("/assets/base.3f9a.css", True),
    ("/creator-media/maya.svg", True), ("/favicon.ico", True),
    ("/", False), ("/administrator-picks", False), ("/admins", False),
    ("/healthz-tips", False), ("/readyzine", False), ("/assetsale", False),
    ("/pages/admin", False), ("/@maya/admin", False), ("/favicon.icon", False),
])
def test_operations_are_matched_by_whole_segments(path, operations):
    assert is_operations(path) is operations
