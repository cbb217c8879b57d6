"""The session and CSRF token (storefront.visit.session) as Flask and Flask-WTF read them."""

from __future__ import annotations

from flask import Flask, session
from flask_wtf.csrf import validate_csrf

from storefront.visit import session as sessions
from tests.support import STRONG_KEY


def app() -> Flask:
    made = Flask("session_test")
    made.secret_key = STRONG_KEY

    @made.get("/remember")
    def remember():
        session["cart_note"] = "gift"
        return "ok"

    return made


def serializer(flask_app: Flask):
    return flask_app.session_interface.get_signing_serializer(flask_app)


def test_load_reads_the_cookie_flask_wrote():
    flask_app = app()
    client = flask_app.test_client()
    client.get("/remember")
    raw = client.get_cookie("session").value
    assert sessions.load(serializer(flask_app), raw, 3600) == {"cart_note": "gift"}
    assert sessions.load(serializer(flask_app), None, 3600) == {}
    assert sessions.load(serializer(flask_app), "", 3600) == {}


def test_load_refuses_what_does_not_verify():
    flask_app = app()
    other = Flask("other")
    other.secret_key = "another key " * 4
    forged = serializer(other).dumps({"csrf_token": "x"})
    for raw in (forged, "garbage", "a.b.c", "\x00" * 10):
        assert sessions.load(serializer(flask_app), raw, 3600) is None
    not_a_dict = serializer(flask_app).dumps(["a", "list"])
    assert sessions.load(serializer(flask_app), not_a_dict, 3600) is None


def test_a_session_with_a_message_is_not_shareable():
    assert sessions.shareable({})
    assert sessions.shareable({"csrf_token": "x"})
    assert not sessions.shareable({"_flashes": [("message", "Added to your cart.")]})


def test_the_token_is_flask_wtfs_and_made_once_per_session():
    flask_app = app()
    data: dict = {}
    token, made = sessions.csrf_token(data, STRONG_KEY, "csrf_token")
    assert made and isinstance(data["csrf_token"], str)
    again, made_again = sessions.csrf_token(data, STRONG_KEY, "csrf_token")
    assert not made_again
    with flask_app.test_request_context():
        session.update(data)
        validate_csrf(token)  # raises when Flask-WTF would refuse the POST
        validate_csrf(again)


def test_something_else_under_the_field_is_replaced():
    data = {"csrf_token": ["not", "a", "string"]}
    _, made = sessions.csrf_token(data, STRONG_KEY, "csrf_token")
    assert made and isinstance(data["csrf_token"], str)


def test_a_message_is_seen_without_verifying_compressed_or_not():
    flask_app = app()
    short = serializer(flask_app).dumps({"_flashes": [("message", "Added.")]})
    long = serializer(flask_app).dumps({"_flashes": [("message", "Added. " * 50)]})
    assert long.startswith(".")  # itsdangerous compressed it
    assert sessions.may_hold_message(short) and sessions.may_hold_message(long)
    plain = serializer(flask_app).dumps({"csrf_token": "x" * 40, "note": "y" * 400})
    assert not sessions.may_hold_message(plain)
    assert not sessions.may_hold_message(None) and not sessions.may_hold_message("")


def test_an_unreadable_cookie_may_hold_anything():
    for raw in ("!!!.x.y", ".bm90IHpsaWI.x.y", "\x00" * 9):
        assert sessions.may_hold_message(raw)
