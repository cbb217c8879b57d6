"""Who may see /admin: nobody when no credentials are configured, else only with them."""

from __future__ import annotations

import base64

import pytest
from werkzeug.security import generate_password_hash

from storefront.config import ConfigError
from tests.admin.conftest import AUTH, get

URLS = ["/admin/creators", "/admin/creators.csv", "/admin/creators/maya",
        "/admin/creators/_brand", "/admin/"]
CHALLENGE = 'Basic realm="Storefront admin", charset="UTF-8"'


def basic(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@pytest.mark.parametrize("url", URLS)
def test_without_configured_credentials_the_admin_does_not_exist(make_app, url):
    client = make_app(ADMIN_USERNAME="", ADMIN_PASSWORD="").test_client()
    for headers in ({}, basic(*AUTH), basic("", "")):
        assert client.get(url, headers=headers).status_code == 404


def refused(reply) -> None:
    assert reply.status_code == 401
    assert reply.headers["WWW-Authenticate"] == CHALLENGE
    assert reply.mimetype == "text/plain"
    body = reply.get_data(as_text=True)
    assert "Sign-in required" in body and "Traceback" not in body and len(body) < 200
    # Nothing of the dashboard leaks into a refusal.
    assert "Maya" not in body and "maya" not in body


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("headers", [
    {},
    basic(AUTH[0], "wrong"),
    basic("someone", AUTH[1]),
    basic(AUTH[0].upper(), AUTH[1]),
    basic(AUTH[0], AUTH[1] + " "),
    basic("", ""),
    {"Authorization": "Basic !!not base64!!"},
    {"Authorization": "Basic " + base64.b64encode(b"\xff\xfe:\xff").decode()},
    {"Authorization": f"Bearer {AUTH[1]}"},
    {"Authorization": "Digest username=\"admin\""},
], ids=["none", "wrong-password", "wrong-user", "user-case", "trailing-space", "empty",
        "not-base64", "not-utf8", "bearer", "digest"])
def test_wrong_or_missing_credentials_get_a_challenge(client, url, headers):
    refused(client.get(url, headers=headers))


@pytest.mark.parametrize("url", URLS)
def test_the_configured_credentials_open_every_page(client, url):
    reply = get(client, url)
    assert reply.status_code in (200, 302), reply.status_code
    if reply.status_code == 302:
        assert reply.headers["Location"] == "/admin/creators"


@pytest.mark.parametrize("method", ["scrypt", "pbkdf2:sha256:1000"])
def test_a_hashed_password_is_checked_as_a_hash(make_app, method):
    hashed = generate_password_hash(AUTH[1], method=method)
    client = make_app(ADMIN_PASSWORD=hashed).test_client()
    assert get(client, "/admin/creators").status_code == 200
    assert get(client, "/admin/creators.csv").status_code == 200
    refused(client.get("/admin/creators", headers=basic(AUTH[0], hashed)))
    refused(client.get("/admin/creators", headers=basic(AUTH[0], "wrong")))


def test_non_ascii_credentials_work(make_app):
    client = make_app(ADMIN_USERNAME="zoë", ADMIN_PASSWORD="pässwörd ✓").test_client()
    assert client.get("/admin/creators", headers=basic("zoë", "pässwörd ✓")).status_code == 200
    refused(client.get("/admin/creators", headers=basic("zoe", "pässwörd ✓")))
    refused(client.get("/admin/creators", headers=basic("zoë", "passwörd ✓")))


def test_a_hash_werkzeug_cannot_check_fails_at_start(make_app):
    with pytest.raises(ConfigError, match="ADMIN_PASSWORD"):
        make_app(ADMIN_PASSWORD="pbkdf2:nosuchdigest:1000$salt$abcdef")


def test_the_shop_still_works_beside_the_admin(client):
    assert client.get("/").status_code == 200
    assert client.get("/admin/nothing-here", headers=basic(*AUTH)).status_code == 404
