"""The token in a creator's link: their handle and the link's id, signed with SECRET_KEY.

itsdangerous signs (HMAC) but does not encrypt: the handle is readable in the
URL, nothing else is in it. The token never expires by itself: a link ends
when it is revoked (storefront/orders/links.py). It is signed with
SECRET_KEY and still read with any of SECRET_KEY_FALLBACKS, as Flask's
sessions are, so rotating the key does not break links at once; a link made
with a key that is no longer listed stops working. The salt keeps these
signatures apart from every other use of the same key: the editor's links
(storefront/self_service/tokens.py) pass their own, so a figures link never
opens the editor, nor the reverse.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeSerializer

SALT = "storefront.creator-stats"
MAX_LENGTH = 400  # a real token is about 70 characters


@dataclass(frozen=True)
class Claim:
    handle: str
    link_id: str


def _serializer(secret_key: str, fallbacks: Iterable[str], salt: str) -> URLSafeSerializer:
    # itsdangerous takes keys oldest to newest, and signs with the last one.
    return URLSafeSerializer([*fallbacks, secret_key], salt=salt)


def sign(claim: Claim, secret_key: str, *, salt: str = SALT) -> str:
    """The URL-safe token for `claim`, for the kind of link `salt` names."""
    return _serializer(secret_key, (), salt).dumps([claim.handle, claim.link_id])


def read(token: str, secret_key: str, fallbacks: Iterable[str] = (), *,
         salt: str = SALT) -> Claim | None:
    """The claim `token` carries, or None for anything that is not one of ours, intact
    (a token signed with another salt included)."""
    if not isinstance(token, str) or not token or len(token) > MAX_LENGTH:
        return None
    try:
        data = _serializer(secret_key, fallbacks, salt).loads(token)
    except (BadSignature, ValueError, TypeError):  # (itsdangerous' errors, bad base64/JSON)
        return None
    if (not isinstance(data, list) or len(data) != 2
            or not all(isinstance(part, str) and 0 < len(part) <= 64 for part in data)):
        return None
    return Claim(*data)
