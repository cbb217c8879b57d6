"""HTTP Basic authentication against ADMIN_USERNAME and ADMIN_PASSWORD.

The password setting is either the password itself or a hash made by
werkzeug.security.generate_password_hash (recognised by its method prefix).
Both fields are always compared, in constant time, so a wrong user name takes
as long to refuse as a wrong password.
"""

from __future__ import annotations

import hmac

from flask import Response
from werkzeug.datastructures import Authorization
from werkzeug.security import check_password_hash

from storefront.config import ConfigError

CHALLENGE = 'Basic realm="Storefront admin", charset="UTF-8"'
HASH_METHODS = ("scrypt:", "pbkdf2:")


def is_hash(password: str) -> bool:
    """A werkzeug hash reads `method$salt$hash`, e.g. `scrypt:32768:8:1$...$...`."""
    return password.startswith(HASH_METHODS) and password.count("$") == 2


def check_setting(password: str) -> None:
    """Fail at start, not on the first sign-in, when the hash names a method werkzeug lacks."""
    if not is_hash(password):
        return
    try:
        check_password_hash(password, "")
    except ValueError as error:
        raise ConfigError(
            f"ADMIN_PASSWORD looks like a password hash but cannot be checked ({error}); "
            "make one with werkzeug.security.generate_password_hash, or give the password itself"
        ) from None


def allowed(given: Authorization | None, username: str, password: str) -> bool:
    """True when `given` (request.authorization) carries the configured credentials."""
    if given is None or given.type != "basic":
        return False
    user_ok = hmac.compare_digest((given.username or "").encode(), username.encode())
    if is_hash(password):
        password_ok = check_password_hash(password, given.password or "")
    else:
        password_ok = hmac.compare_digest((given.password or "").encode(), password.encode())
    return user_ok and password_ok


def challenge() -> Response:
    """401 asking the browser for the admin credentials (plain text, nothing more said)."""
    return Response(
        "Sign-in required: this page is for the store's staff.\n",
        401,
        {"WWW-Authenticate": CHALLENGE, "Content-Type": "text/plain; charset=utf-8"},
    )
