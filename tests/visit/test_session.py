"""The session and CSRF token (storefront.visit.session) as Flask and Flask-WTF read them."""

from __future__ import annotations

import os
import time

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
    # A first visit (an empty session) gets none, and no session is made...
    assert sessions.csrf_token(data, STRONG_KEY, "csrf_token") == ("", False) and data == {}
    # ... until its first form issues one.
    token, made = sessions.csrf_token(data, STRONG_KEY, "csrf_token", issue=True)
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


def test_a_verified_cookie_is_kept_and_its_data_copied_out():
    flask_app = app()
    raw = serializer(flask_app).dumps({"_flashes": [["message", "Added."]], "csrf_token": "t"})
    verified: dict = {}
    first = sessions.load(serializer(flask_app), raw, 3600, verified)
    assert list(verified) == [raw]
    first["_flashes"].append(["message", "changed in place, as Flask does"])
    first["csrf_token"] = "other"
    again = sessions.load(serializer(flask_app), raw, 3600, verified)
    assert again == {"_flashes": [["message", "Added."]], "csrf_token": "t"}


def test_a_kept_cookie_still_expires_and_a_forged_one_is_never_kept():
    flask_app = app()
    raw = serializer(flask_app).dumps({"csrf_token": "t"})
    signed_at = time.time()
    verified: dict = {}
    assert sessions.load(serializer(flask_app), raw, 3600, verified, now=signed_at)
    assert sessions.load(serializer(flask_app), raw, 3600, verified,
                         now=signed_at + 3599) == {"csrf_token": "t"}
    assert sessions.load(serializer(flask_app), raw, 3600, verified,
                         now=signed_at + 3602) is None  # as itsdangerous: too old
    assert sessions.load(serializer(flask_app), raw, 3600, verified,
                         now=signed_at - 120) is None  # signed in the future
    forged = raw[:-2] + ("AA" if not raw.endswith("AA") else "BB")
    assert sessions.load(serializer(flask_app), forged, 3600, verified) is None
    assert list(verified) == [raw]
    long = serializer(flask_app).dumps({"note": os.urandom(900).hex()})  # (not compressible)
    assert sessions.load(serializer(flask_app), long, 3600, verified) is not None
    assert list(verified) == [raw]  # a long cookie is verified each time, not kept


def test_a_signed_token_is_reused_for_a_minute_and_stays_valid():
    flask_app = app()
    data = {"csrf_token": "raw-token-" + "x" * 30}
    token, _ = sessions.csrf_token(data, STRONG_KEY, "csrf_token", now=1_000.0)
    same, _ = sessions.csrf_token(data, STRONG_KEY, "csrf_token", now=1_059.0)
    assert same == token
    with flask_app.test_request_context():
        session.update(data)
        validate_csrf(same)
    other_session = {"csrf_token": "raw-token-" + "y" * 30}
    assert sessions.csrf_token(other_session, STRONG_KEY, "csrf_token", now=1_001.0)[0] != token
    sessions.csrf_token(data, STRONG_KEY, "csrf_token", now=1_060.0)
    assert sessions._SIGNED[(STRONG_KEY, data["csrf_token"])][1] == 1_060.0  # signed again


def test_lean_tokens_are_itsdangerous_own_both_ways():
    # The session cookie and CSRF token a new visitor gets are signed by LeanSerializer;
    # Flask's stock serializer (and Flask-WTF) must read them, and the other way round.
    from flask.sessions import SecureCookieSessionInterface
    from itsdangerous.encoding import base64_encode

    from storefront.web import SessionOverHttps

    flask_app = app()
    flask_app.config["SECRET_KEY_FALLBACKS"] = ["an older key " * 4]
    stock = SecureCookieSessionInterface().get_signing_serializer(flask_app)
    lean = SessionOverHttps().get_signing_serializer(flask_app)
    # Plain strings skip Flask's tagging; anything it would tag goes through it.
    for data in ({"csrf_token": "a" * 40}, {"note": "long " * 100, "csrf_token": "b" * 40},
                 {"csrf_token": "c" * 40, "é": "\u2603 \"quoted\" </script>"},
                 {" t": "not a tuple"}, {" t": ["a", "b"]}, {"count": 3, "when": (1, 2)},
                 {"_flashes": [("message", "Added")]}, {}):
        assert stock.loads(lean.dumps(data)) == data
        assert lean.loads(stock.dumps(data)) == data
    plain = {"csrf_token": "d" * 40}  # a new visitor's session: the JSON Flask writes
    assert lean.dumps(plain).split(".")[0] == base64_encode(stock.serializer.dumps(plain)).decode()
    # Signed through OpenSSL's one-shot HMAC, to the same signature as itsdangerous'.
    assert lean.make_signer().get_signature(b"value") == stock.make_signer().get_signature(b"value")
    older = Flask("older")
    older.secret_key = "an older key " * 4
    signed_before = SecureCookieSessionInterface().get_signing_serializer(older).dumps({"a": 1})
    assert lean.loads(signed_before) == {"a": 1}  # a rotation keeps sessions
    assert SessionOverHttps().get_signing_serializer(Flask("no_key")) is None
