"""The visitor's session and CSRF token, as Flask and Flask-WTF keep them.

The session is Flask's signed cookie; the app opens it through its session
interface (web.SessionOverHttps), which calls `load`, and the page fast path
calls `load` itself. The CSRF token is Flask-WTF's recipe: a random raw token
kept in the session, signed with the CSRF secret and salt on each page, so
Flask-WTF accepts it on the POST that follows, whichever path made the page.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import os
import re
import zlib
from collections.abc import MutableMapping

from itsdangerous import URLSafeTimedSerializer

CSRF_SALT = "wtf-csrf-token"  # Flask-WTF's
_BASE64 = re.compile(r"[A-Za-z0-9_-]+")  # a signed cookie's payload (URL-safe, unpadded)


def load(serializer, raw: str | None, lifetime_s: int) -> dict | None:
    """The session in cookie value `raw`: {} for none, None when it does not verify."""
    if not raw:
        return {}
    try:
        data = serializer.loads(raw, max_age=lifetime_s)
    except Exception:  # a bad signature, an old key, garbage: the app starts afresh
        return None
    return data if isinstance(data, dict) else None


def may_hold_message(raw: str | None) -> bool:
    """Whether a session cookie may hold a message to show, read without verifying it.

    For a page with no per-session value (no form): there, a session that does
    not verify is ignored by the app as well, so only a message matters, and
    reading the cookie's payload costs a fraction of checking its signature.
    True when it can't be read: the app then decides.
    """
    if not raw:
        return False
    payload = raw.rsplit(".", 2)[0]
    compressed = payload.startswith(".")
    payload = payload.lstrip(".")
    if not _BASE64.fullmatch(payload):
        return True
    try:
        data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        if compressed:
            data = zlib.decompressobj().decompress(data, 1 << 20)  # (bounded)
    except (ValueError, zlib.error):
        return True
    return b"_flashes" in data


def shareable(session: MutableMapping) -> bool:
    """Whether a shared (cached) page may be served with this session: not while it
    holds a message to show, which belongs on this visitor's page alone."""
    return not session.get("_flashes")


def csrf_token(session: MutableMapping, secret: str, field: str) -> tuple[str, bool]:
    """The signed CSRF token for `session`, and whether the session changed.

    A session without a raw token (or with something else under `field`) gets a
    new one; the caller then sends the session cookie again.
    """
    raw = session.get(field)
    made = not isinstance(raw, str)
    if made:
        raw = session[field] = hashlib.sha1(os.urandom(64)).hexdigest()
    return _signer(secret).dumps(raw), made


@functools.lru_cache(maxsize=4)
def _signer(secret: str) -> URLSafeTimedSerializer:
    # Built once per secret: building one costs as much as using it.
    return URLSafeTimedSerializer(secret, salt=CSRF_SALT)
