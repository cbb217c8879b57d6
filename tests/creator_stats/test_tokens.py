"""Links that do not work, of every shape: a clear 404 or 410, never a traceback; too many
from one address: 429 with Retry-After; a key rotation keeps old links working."""

from __future__ import annotations

import base64

import pytest
from itsdangerous import URLSafeSerializer

from storefront.creator_stats import tokens
from tests.creator_stats.conftest import KEY, NOW, link

OTHER_KEY = "another-store-key-5c1e07a9b3d24f68"
ADDRESS = {"REMOTE_ADDR": "198.51.100.7"}


def token_of(path: str) -> str:
    return path.rsplit("/", 1)[1]


def refused(reply, status: int, words: str) -> None:
    assert reply.status_code == status, reply.get_data(as_text=True)[-800:]
    text = reply.get_data(as_text=True)
    assert words in text and "Traceback" not in text
    assert reply.headers["Cache-Control"] == "no-store"
    assert "Maya" not in text  # nothing of the creator behind a link that does not work


def forged(claim: list, key: str = KEY, salt: str = tokens.SALT) -> str:
    return URLSafeSerializer(key, salt=salt).dumps(claim)


def shapes(good: str) -> dict[str, str]:
    payload, signature = good.rsplit(".", 1)
    link_id = tokens.read(good, KEY).link_id
    return {
        "garbage": "hello",
        "cut-short": good[:-5],
        # Not the last character: its low bits may be base64 padding, which decodes alike.
        "one-character-changed": good[:-3] + ("A" if good[-3] != "A" else "B") + good[-2:],
        "no-signature": payload,
        "signature-only": "." + signature,
        "dots": "...",
        "another-key": forged(["maya", link_id], OTHER_KEY),
        "another-salt": forged(["maya", link_id], salt="itsdangerous"),
        "another-handle": forged(["sam", link_id]),
        "unknown-link": forged(["maya", "not-a-link-id-00"]),
        "not-a-pair": forged(["maya"]),
        "not-strings": forged([1, 2]),
        "a-dict": forged({"handle": "maya"}),
        "huge": forged(["maya", "x" * 5000]),
        "not-json": base64.urlsafe_b64encode(b"\xff\xfe").decode() + "." + signature,
        "a-number": forged(12),
        "unicode": "m\u00e4ya.\u2603",
    }


SHAPES = ["garbage", "cut-short", "one-character-changed", "no-signature", "signature-only",
          "dots", "another-key", "another-salt", "another-handle", "unknown-link", "not-a-pair",
          "not-strings", "a-dict", "huge", "not-json", "a-number", "unicode"]


@pytest.mark.parametrize("shape", SHAPES)
def test_a_link_that_is_not_one_of_ours_is_a_404(app, client, shape):
    bad = shapes(token_of(link(app, "maya")))[shape]
    refused(client.get(f"/creator-stats/{bad}"), 404, "This link does not work")


def test_a_revoked_link_is_a_410(app, client):
    path = link(app, "maya")
    app.test_cli_runner().invoke(args=["creators", "link", "maya", "--revoke"])
    refused(client.get(path), 410, "The brand has turned this link off")


def test_a_creator_whose_file_is_gone_is_a_410(app, client, creators_dir):
    path = link(app, "maya")
    (creators_dir / "maya.toml").unlink()
    app.extensions["creators"].reload()
    refused(client.get(path), 410, "no creator page behind this link")


def test_old_links_work_while_the_old_key_is_a_fallback(make_app):
    old = make_app()
    path = link(old, "maya")
    rotated = make_app(SECRET_KEY=OTHER_KEY, SECRET_KEY_FALLBACKS=KEY)
    assert rotated.test_client().get(path).status_code == 200
    # New links are signed with the new key, and the old key reads them not.
    fresh = link(rotated, "maya")
    assert tokens.read(token_of(fresh), OTHER_KEY) is not None
    assert tokens.read(token_of(fresh), KEY) is None
    gone = make_app(SECRET_KEY=OTHER_KEY)  # the old key dropped: its links end
    assert gone.test_client().get(path).status_code == 404
    assert gone.test_client().get(fresh).status_code == 200


def test_too_many_bad_links_from_one_address_get_a_429(app, client):
    good = link(app, "maya")
    revoked = link(app, "maya")
    app.test_cli_runner().invoke(args=["creators", "link", "maya", "--revoke", "--id",
                                       tokens.read(token_of(revoked), KEY).link_id])
    throttle = app.extensions["creator_stats"]
    now = [1000.0]
    throttle.clock = lambda: now[0]
    for attempt in range(10):  # the admin's budget: 10 failures in 5 minutes
        bad = revoked if attempt % 2 else f"/creator-stats/guess-{attempt}"
        assert client.get(bad, environ_base=ADDRESS).status_code in (404, 410)
    reply = client.get(good, environ_base=ADDRESS)  # even a good link, as /admin does
    assert reply.status_code == 429
    assert reply.headers["Retry-After"] == "300"
    assert "Too many links that do not work" in reply.get_data(as_text=True)
    assert reply.headers["Cache-Control"] == "no-store"
    # Another address is not held back, and good links count nothing.
    for _ in range(20):
        assert client.get(good, environ_base={"REMOTE_ADDR": "198.51.100.8"}).status_code == 200
    now[0] += 299
    assert client.get(good, environ_base=ADDRESS).headers["Retry-After"] == "1"
    now[0] += 1
    assert client.get(good, environ_base=ADDRESS).status_code == 200


def test_a_bad_month_or_a_gone_creator_is_not_counted_as_guessing(app, client, creators_dir):
    path = link(app, "maya")
    for _ in range(15):
        assert client.get(path + "?period=x", environ_base=ADDRESS).status_code == 400
    assert client.get(path, environ_base=ADDRESS).status_code == 200


class DownLedger:
    """A ledger whose database cannot be reached."""

    clock = staticmethod(lambda: NOW)

    @property
    def engine(self):
        raise OSError("connection refused")


def test_the_ledger_unreachable_is_a_503_page_and_counts_nothing(app, client):
    path = link(app, "maya")
    app.extensions["orders"] = DownLedger()
    for _ in range(12):
        refused(client.get(path), 503, "cannot be read just now")
