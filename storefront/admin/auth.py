"""HTTP Basic sign-in against ADMIN_USERNAME and ADMIN_PASSWORD, throttled.

The password setting is either the password itself or a hash made by
werkzeug.security.generate_password_hash (recognised by its method prefix).
`check_setting` refuses a weak password at start; a hash cannot be judged (it
hides the password), so any hash werkzeug can check is accepted.

`SignIn.check` decides every /admin request, cheapest test first:
1. no Basic credentials: 401 asking for them (costs nothing, counts nothing);
2. an address that has used up its failures: 429, the password unchecked;
3. credentials that verified from this address in the last few minutes: in,
   without hashing (a signed-in admin gets in even during 4);
4. more failures from everyone than the store budgets: 429, unchecked;
5. a wrong user name: refused without hashing (see `_verify`);
6. a hashed password: one hash at a time per process, 503 if one is running;
7. a failure counts against the address and against everyone.
Budgets are per worker process (throttle.py says why and what that means).
"""

from __future__ import annotations

import hmac
import logging
import math
import threading
import time
from collections.abc import Callable

from flask import Blueprint, Response, abort, current_app, request
from werkzeug.datastructures import Authorization
from werkzeug.security import check_password_hash

from storefront.admin.throttle import FailureBudget, RecentSignIns
from storefront.config import ConfigError

log = logging.getLogger(__name__)

CHALLENGE = 'Basic realm="Storefront admin", charset="UTF-8"'
HASH_METHODS = ("scrypt:", "pbkdf2:")

# Per address: 10 failures in any 5 minutes. A person mistyping does not fail ten
# times in five minutes; a guesser gets 2 tries a minute, under 3,000 a day, which
# a 12-character password outlasts. A throttled address is refused, right password
# or not, until its oldest failure is 5 minutes old: letting the right password
# through would turn the 429 into a free oracle.
ADDRESS_FAILURES, ADDRESS_SECONDS = 10, 5 * 60
# Everyone together: 100 failures a minute. Bounds a guesser with many addresses,
# and the CPU they cost: 100 scrypt checks (~90 ms each) are ~9 s a minute, 15% of
# one core per worker, instead of all of every core.
STORE_FAILURES, STORE_SECONDS = 100, 60
# Failures remembered for at most this many addresses (~1 KB each); past it the one
# that failed longest ago is forgotten. Forgetting only helps a guesser with more
# addresses than this, and the store-wide budget still holds them.
ADDRESSES_KEPT = 4096
# One password hash at a time per process. More would only let anonymous requests
# take more cores from the shop; a second try while one is checked gets a 503.
HASHES_AT_ONCE = 1
# A verified sign-in is trusted for 10 minutes from that address (then one more
# hash), for at most 64 address and password pairs (only the password fills it).
SIGNED_IN_SECONDS, SIGNED_IN_KEPT = 10 * 60, 64

# A plain password shorter than this, with fewer different characters, or made of
# the words below (or the user name) and digits or symbols is refused at start.
MIN_LENGTH, MIN_DISTINCT = 12, 6
WEAK_WORDS = ("administrator", "password", "passwort", "passw0rd", "changeme", "letmein",
              "welcome", "qwerty", "secret", "admin")
HOW = ("choose a few unrelated words or a random string of at least 12 characters, "
       "or set a hash from werkzeug.security.generate_password_hash")


def is_hash(password: str) -> bool:
    """A werkzeug hash reads `method$salt$hash`, e.g. `scrypt:32768:8:1$...$...`."""
    return password.startswith(HASH_METHODS) and password.count("$") == 2


def check_setting(password: str, username: str = "") -> None:
    """Fail at start, not on the first sign-in, when the password is weak or the hash
    names a method werkzeug lacks. The message never repeats the password."""
    if not is_hash(password):
        _check_strength(password, username)
        return
    try:
        check_password_hash(password, "")
    except ValueError as error:
        raise ConfigError(
            f"ADMIN_PASSWORD looks like a password hash but cannot be checked ({error}); "
            "make one with werkzeug.security.generate_password_hash, or give the password itself"
        ) from None


def _check_strength(password: str, username: str) -> None:
    if len(password) < MIN_LENGTH:
        raise ConfigError(f"ADMIN_PASSWORD is too short ({len(password)} characters, "
                          f"at least {MIN_LENGTH} needed): {HOW}.")
    if len(set(password)) < MIN_DISTINCT:
        raise ConfigError(f"ADMIN_PASSWORD repeats too few characters ({len(set(password))} "
                          f"different, at least {MIN_DISTINCT} needed): {HOW}.")
    rest = password.lower()
    for word in sorted({*WEAK_WORDS, username.lower()}, key=len, reverse=True):
        if word:
            rest = rest.replace(word, "")
    if not any(character.isalpha() for character in rest):
        raise ConfigError("ADMIN_PASSWORD is a well-known weak password (a common word or "
                          f"the user name, digits and symbols): {HOW}.")


# On every answer of a staff page: no cache keeps it, no search engine shows it.
PRIVATE = (("Cache-Control", "no-store"), ("X-Robots-Tag", "noindex, nofollow"))


def staff_only(bp: Blueprint) -> None:
    """Put every page of `bp` behind the admin's sign-in (`require_sign_in`), its
    answers neither stored nor indexed (PRIVATE): the dashboard's, the approvals'."""
    bp.before_request(require_sign_in)
    bp.after_request(_private)


def _private(response: Response) -> Response:
    for name, value in PRIVATE:
        response.headers[name] = value
    return response


def require_sign_in() -> Response | None:
    """The before_request hook of every /admin page: 404 while the admin is off (its
    pages look like any that does not exist), else `SignIn.check`'s answer (None lets
    the request in)."""
    sign_in: SignIn | None = current_app.extensions.get("admin_sign_in")
    if sign_in is None:
        abort(404)
    # remote_addr is the client's own address: ProxyFix has already corrected it
    # when TRUSTED_PROXY_COUNT is set (the same value web.context sends Shopify).
    return sign_in.check(request.authorization, request.remote_addr)


class SignIn:
    """Who may see /admin, and how often a stranger may try; one per app.

    `clock` (seconds, only ever subtracted) is read once per request; tests
    replace the attribute to move time.
    """

    def __init__(self, username: str, password: str,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.username, self.password, self.clock = username, password, clock
        self.addresses = FailureBudget(ADDRESS_FAILURES, ADDRESS_SECONDS, keys=ADDRESSES_KEPT)
        self.store = FailureBudget(STORE_FAILURES, STORE_SECONDS)
        self.signed_in = RecentSignIns(SIGNED_IN_SECONDS, SIGNED_IN_KEPT)
        self.hashing = threading.BoundedSemaphore(HASHES_AT_ONCE)

    def check(self, given: Authorization | None, address: str | None) -> Response | None:
        """None to let the request in, else the refusal to send.

        `given` is request.authorization, `address` the client's (request.remote_addr).
        """
        if given is None or given.type != "basic":
            return challenge()
        address = address or "unknown"
        now = self.clock()
        wait = self.addresses.wait(address, now)
        if wait:
            return too_many(wait, "Too many failed sign-ins from your address.")
        credentials = (address, given.username or "", given.password or "")
        if self.signed_in.knows(credentials, now):
            return None
        wait = self.store.wait("", now)
        if wait:
            return too_many(wait, "Too many failed sign-ins to this store just now.")
        verified = self._verify(credentials[1], credentials[2])
        if verified is None:
            return busy()
        if verified:
            self.signed_in.add(credentials, now)
            self.addresses.forget(address)
            return None
        # Two threads may both pass the waits above before either counts its
        # failure, so a budget can be overrun by the threads in flight: by one
        # for a hashed password (one hash at a time), harmless for a plain one.
        if self.addresses.failed(address, now):
            log.warning("admin sign-in: %d failures from %s; refusing it for up to %d s",
                        ADDRESS_FAILURES, address, ADDRESS_SECONDS)
        if self.store.failed("", now):
            log.warning("admin sign-in: %d failures from everyone in %d s; refusing "
                        "strangers for up to %d s", STORE_FAILURES, STORE_SECONDS, STORE_SECONDS)
        return challenge()

    def _verify(self, username: str, password: str) -> bool | None:
        """Whether the credentials are right; None when the hash is busy (nothing checked)."""
        # A wrong user name is refused without hashing the password. That tells a
        # timer only that the name is wrong, and the name is not the secret (the
        # password is; the throttle is the defence against guessing both). Hashing
        # for it would let anyone spend our CPU without knowing even the name.
        if not hmac.compare_digest(username.encode(), self.username.encode()):
            return False
        if not is_hash(self.password):
            return hmac.compare_digest(password.encode(), self.password.encode())
        # Never queue: a thread waiting for the hash is a thread not serving the shop.
        if not self.hashing.acquire(blocking=False):
            return None
        try:
            return check_password_hash(self.password, password)
        finally:
            self.hashing.release()


def _text(body: str, status: int, headers: dict[str, str]) -> Response:
    return Response(body, status, {**headers, "Content-Type": "text/plain; charset=utf-8"})


def challenge() -> Response:
    """401 asking the browser for the admin credentials (plain text, nothing more said)."""
    return _text("Sign-in required: this page is for the store's staff.\n", 401,
                 {"WWW-Authenticate": CHALLENGE})


def too_many(wait: float, reason: str) -> Response:
    """429: `reason`, and how many seconds to wait (also in Retry-After)."""
    seconds = max(1, math.ceil(wait))
    return _text(f"{reason} Try again in {seconds} seconds.\n", 429,
                 {"Retry-After": str(seconds)})


def busy() -> Response:
    """503: another sign-in is being checked; try again in a second."""
    return _text("Another sign-in is being checked. Try again in a second.\n", 503,
                 {"Retry-After": "1"})
