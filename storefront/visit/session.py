"""The visitor's session and CSRF token, as Flask and Flask-WTF keep them.

The session is Flask's signed cookie; the app opens it through its session
interface (web.SessionOverHttps), which calls `load`, and the page fast path
calls `load` itself. The CSRF token is Flask-WTF's recipe: a random raw token
kept in the session, signed with the CSRF secret and salt on each page, so
Flask-WTF accepts it on the POST that follows, whichever path made the page.

A shopper sends the same session cookie with every page view, and checking
its signature (and decoding it) cost about a fifth of a cached product
page's answer; signing their CSRF token again, as much. So a process keeps
the cookies that checked out (their expiry still counted from the signature,
as itsdangerous counts it), and reuses a token it signed for the same raw
token within the last minute. Both are bounded, and hold only what this
process made or verified itself. A first view makes no session at all (its
forms are judged by where they come from: web.csrf_check); the session a
visitor's first form starts, and its token, are signed by `LeanSerializer`:
itsdangerous' own tokens, made for less.
"""

from __future__ import annotations

import base64
import copy
import functools
import hashlib
import hmac
import os
import re
import time
import zlib
from collections.abc import MutableMapping

from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode, want_bytes
from itsdangerous.signer import HMACAlgorithm

CSRF_SALT = "wtf-csrf-token"  # Flask-WTF's
_BASE64 = re.compile(r"[A-Za-z0-9_-]+")  # a signed cookie's payload (URL-safe, unpadded)
KEPT = 10_000  # verified session cookies, and signed CSRF tokens, kept per process
KEPT_COOKIE_BYTES = 1024  # longer cookies (a long note, many messages) are verified each time
TOKEN_REUSE_S = 60  # a signed CSRF token is handed out again for this long
SHORT_PAYLOAD = 128  # bytes of JSON that zlib would not make shorter by enough to matter


class OneShotHmac(HMACAlgorithm):
    """itsdangerous' HMAC through `hmac.digest`, OpenSSL's one-shot HMAC. Flask and
    itsdangerous name SHA-1 by a Python function (loaded lazily), and `hmac.new`
    then takes its pure-Python path: 11 us a signature, against 1."""

    def __init__(self, digest_method, name: str) -> None:
        super().__init__(digest_method)
        self.name = name

    def get_signature(self, key: bytes, value: bytes) -> bytes:
        return hmac.digest(key, value, self.name)


@functools.cache
def _one_shot(digest_method) -> HMACAlgorithm:
    try:
        name = digest_method().name
        hmac.digest(b"k", b"v", name)  # one OpenSSL knows by that name
    except (TypeError, ValueError, AttributeError):
        return HMACAlgorithm(digest_method)  # something else: as itsdangerous does it
    return OneShotHmac(digest_method, name)


class KeptKeySigner(TimestampSigner):
    """itsdangerous' timestamp signer, each derived key worked out once per process
    (it is derived from the secret and the salt alone, on every signature otherwise),
    its HMAC made in one call to OpenSSL (`OneShotHmac`)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if type(self.algorithm) is HMACAlgorithm:
            self.algorithm = _one_shot(self.digest_method)

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        secret = self.secret_keys[-1] if secret_key is None else want_bytes(secret_key)
        key = (secret, self.salt, self.key_derivation, self.digest_method)
        found = _DERIVED.get(key)
        if found is None:
            found = _DERIVED[key] = super().derive_key(secret)
        return found


_DERIVED: dict[tuple, bytes] = {}  # a few entries: one per secret and salt in use


class LeanSerializer(URLSafeTimedSerializer):
    """URLSafeTimedSerializer's tokens, made for less: keys derived once, and a short
    payload never tried with zlib (a session holding a CSRF token never shrinks by
    enough; the stock loader reads both forms). A third of a new session's cost."""

    default_signer = KeptKeySigner

    def make_signer(self, salt=None):
        # One signer per salt: a signer holds no state between signatures, and
        # building one cost as much as the signature.
        signers = self.__dict__.setdefault("_signers", {})
        signer = signers.get(salt)
        if signer is None:
            signer = signers[salt] = super().make_signer(salt)
        return signer

    def dump_payload(self, obj) -> bytes:
        plain = want_bytes(self.serializer.dumps(obj, **self.serializer_kwargs))
        if len(plain) <= SHORT_PAYLOAD:
            return base64_encode(plain)
        return super().dump_payload(obj)


def load(serializer, raw: str | None, lifetime_s: int, verified: dict | None = None,
         now: float | None = None) -> dict | None:
    """The session in cookie value `raw`: {} for none, None when it does not verify.

    `verified`: the cookies of this serializer that checked out already (value
    -> data and signing time), consulted and filled; the data is copied out,
    so a caller's changes stay its own.
    """
    if not raw:
        return {}
    now = int(time.time() if now is None else now)  # (itsdangerous counts whole seconds)
    known = verified.get(raw) if verified is not None else None
    if known is not None:
        data, signed_at = known
        return _copied(data) if 0 <= now - signed_at <= lifetime_s else None
    try:
        data, signed = serializer.loads(raw, max_age=lifetime_s, return_timestamp=True)
    except Exception:  # a bad signature, an old key, garbage: the app starts afresh
        return None
    if not isinstance(data, dict):
        return None
    if verified is None or len(raw) > KEPT_COOKIE_BYTES:
        return data
    if len(verified) >= KEPT:
        verified.clear()  # crude but bounded; refilled by the next page views
    verified[raw] = (data, int(signed.timestamp()))
    return _copied(data)


def _copied(data: dict) -> dict:
    # Values such as the flashed messages' list are changed in place by Flask.
    return {key: value if isinstance(value, str | int | float | bool | None)
            else copy.deepcopy(value) for key, value in data.items()}


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


def csrf_token(session: MutableMapping, secret: str, field: str,
               now: float | None = None, issue: bool = False) -> tuple[str, bool]:
    """The signed CSRF token for `session`, and whether the session changed.

    An empty session (a first visit) gets none: "" and no session is made; its
    forms are judged by where they come from (web.csrf_check), which `issue`s
    one with the first. Any other session without a raw token (or with
    something else under `field`) gets a new one; the caller then sends the
    session cookie again. A token signed for
    the same raw token less than TOKEN_REUSE_S ago is handed out again: the
    store lets a token live as long as its session (WTF_CSRF_TIME_LIMIT None),
    and under a time limit a reused one ends that much sooner.
    """
    if not session and not issue:
        return "", False
    raw = session.get(field)
    made = not isinstance(raw, str)
    if made:
        raw = session[field] = hashlib.sha1(os.urandom(64)).hexdigest()
    now = time.time() if now is None else now
    key = (secret, raw)
    known = _SIGNED.get(key)
    if known is not None and 0 <= now - known[1] < TOKEN_REUSE_S:
        return known[0], made
    signed = _signer(secret).dumps(raw)
    if len(_SIGNED) >= KEPT:
        _SIGNED.clear()
    _SIGNED[key] = (signed, now)
    return signed, made


_SIGNED: dict[tuple[str, str], tuple[str, float]] = {}  # (secret, raw token) -> token, when


@functools.lru_cache(maxsize=4)
def _signer(secret: str) -> URLSafeTimedSerializer:
    # Built once per secret: building one costs as much as using it.
    return LeanSerializer(secret, salt=CSRF_SALT)
