"""The token in a creator's edit link: their handle and the link's id, signed with SECRET_KEY.

The same mechanism as the figures page's links (storefront/creator_stats/tokens.py:
readable, not encrypted; read with SECRET_KEY_FALLBACKS too; no expiry, a link ends
when it is revoked), with a salt of its own: a figures link is not an edit link.
"""

from __future__ import annotations

from collections.abc import Iterable

from itsdangerous import BadSignature, URLSafeSerializer

from storefront.creator_stats.tokens import MAX_LENGTH, Claim

__all__ = ["Claim", "read", "sign"]

SALT = "storefront.creator-edit"


def _serializer(secret_key: str, fallbacks: Iterable[str] = ()) -> URLSafeSerializer:
    return URLSafeSerializer([*fallbacks, secret_key], salt=SALT)


def sign(claim: Claim, secret_key: str) -> str:
    """The URL-safe token for `claim`."""
    return _serializer(secret_key).dumps([claim.handle, claim.link_id])


def read(token: str, secret_key: str, fallbacks: Iterable[str] = ()) -> Claim | None:
    """The claim `token` carries, or None for anything that is not one of ours, intact."""
    if not isinstance(token, str) or not token or len(token) > MAX_LENGTH:
        return None
    try:
        data = _serializer(secret_key, fallbacks).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if (not isinstance(data, list) or len(data) != 2
            or not all(isinstance(part, str) and 0 < len(part) <= 64 for part in data)):
        return None
    return Claim(*data)
