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
    password = "grüne pässe ✓"
    client = make_app(ADMIN_USERNAME="zoë", ADMIN_PASSWORD=password).test_client()
    assert client.get("/admin/creators", headers=basic("zoë", password)).status_code == 200
    refused(client.get("/admin/creators", headers=basic("zoe", password)))
    refused(client.get("/admin/creators", headers=basic("zoë", "grüne passe ✓")))


def test_a_hash_werkzeug_cannot_check_fails_at_start(make_app):
    with pytest.raises(ConfigError, match="ADMIN_PASSWORD"):
        make_app(ADMIN_PASSWORD="pbkdf2:nosuchdigest:1000$salt$abcdef")


@pytest.mark.parametrize(("username", "password", "says"), [
    ("admin", "x", "too short"),
    ("admin", "correct", "too short"),
    ("admin", "a" * 40, "too few"),
    ("admin", "abababababababab", "too few"),
    ("admin", "password123456", "well-known"),
    ("admin", "Password2024!!", "well-known"),
    ("admin", "admin-admin-2024", "well-known"),
    ("admin", "changeme-123456", "well-known"),
    ("admin", "314159265358979", "well-known"),
    ("shopkeeper-mara", "shopkeeper-mara", "well-known"),
    ("shopkeeper-mara", "Shopkeeper-Mara#1", "well-known"),
], ids=["one-character", "short-word", "one-repeated", "two-repeated", "password-digits",
        "password-capital", "admin-repeated", "changeme", "digits-only", "user-name",
        "user-name-and-more"])
def test_a_weak_plain_password_stops_the_app_at_start(make_app, username, password, says):
    with pytest.raises(ConfigError, match="ADMIN_PASSWORD") as error:
        make_app(ADMIN_USERNAME=username, ADMIN_PASSWORD=password)
    message = str(error.value)
    assert says in message and "generate_password_hash" in message
    assert password not in message  # the message goes to logs


@pytest.mark.parametrize("password", [
    AUTH[1], "a-long-admin-password", "kf8#Qz!m2Lw9", "grüne pässe ✓",
    generate_password_hash("x", method="pbkdf2:sha256:1000"),  # a hash can't be judged
    generate_password_hash("correct horse"),
], ids=["tests", "words", "random", "non-ascii", "hash-of-weak", "scrypt"])
def test_a_strong_password_or_any_hash_is_accepted(make_app, password):
    client = make_app(ADMIN_PASSWORD=password).test_client()
    assert client.get("/admin/creators").status_code == 401


def test_the_shop_still_works_beside_the_admin(client):
    assert client.get("/").status_code == 200
    assert client.get("/admin/nothing-here", headers=basic(*AUTH)).status_code == 404
