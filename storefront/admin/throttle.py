"""Memory for admin sign-in: recent failures (to throttle guessers) and recent successes
(so a signed-in admin does not pay for a password hash on every page).

Both are kept in this process's memory, guarded by a lock and bounded in size, and
take the time as an argument so the caller reads its clock once per request. They
are per worker: with 4 workers a guesser spread over them gets 4 times every
budget in auth.py, and an admin signed in on one worker is a stranger to the next
(one more hash there). Nothing here knows Flask or passwords.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
from collections import OrderedDict, deque


class FailureBudget:
    """At most `failures` failed sign-ins per `seconds` (a sliding window) for each key.

    Each key keeps the times of its last `failures` failures, no more. At most
    `keys` keys are kept; past that the one that failed longest ago is forgotten.
    """

    def __init__(self, failures: int, seconds: float, *, keys: int = 1) -> None:
        self.failures, self.seconds, self.keys = failures, seconds, keys
        self._times: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def wait(self, key: str, now: float) -> float:
        """Seconds until `key` may try again: 0.0 while it is within its budget."""
        with self._lock:
            times = self._times.get(key)
            if times is None or len(times) < self.failures:
                return 0.0
            # Full: the oldest of the last `failures` failures must leave the window.
            return max(0.0, times[0] + self.seconds - now)

    def failed(self, key: str, now: float) -> bool:
        """Count a failure; True when it used up the key's budget (worth a log line)."""
        with self._lock:
            times = self._times.get(key)
            if times is None:
                times = self._times[key] = deque(maxlen=self.failures)
                while len(self._times) > self.keys:
                    self._times.popitem(last=False)
            else:
                self._times.move_to_end(key)
            while times and times[0] <= now - self.seconds:
                times.popleft()
            times.append(now)
            return len(times) == self.failures

    def forget(self, key: str) -> None:
        """Clear a key's failures (its owner has just proved who they are)."""
        with self._lock:
            self._times.pop(key, None)


class RecentSignIns:
    """Credentials that verified in the last `seconds`, at most `size` of them.

    Only a keyed digest is kept (HMAC-SHA256 with a key made when the process
    starts), never the password: a memory dump shows nothing reusable, and a
    new ADMIN_PASSWORD means a new process, so nothing needs invalidating.
    """

    def __init__(self, seconds: float, size: int) -> None:
        self.seconds, self.size = seconds, size
        self._key = secrets.token_bytes(32)
        self._until: OrderedDict[bytes, float] = OrderedDict()
        self._lock = threading.Lock()

    def _digest(self, parts: tuple[str, ...]) -> bytes:
        # JSON keeps ("a:b", "c") and ("a", "b:c") apart; surrogates (bytes that
        # were not UTF-8) pass through as escapes.
        return hmac.new(self._key, json.dumps(parts).encode(), hashlib.sha256).digest()

    def add(self, parts: tuple[str, ...], now: float) -> None:
        """Remember `parts` (e.g. address, user name, password) until `seconds` from now."""
        digest = self._digest(parts)
        with self._lock:
            self._until.pop(digest, None)
            self._until[digest] = now + self.seconds
            while len(self._until) > self.size:
                self._until.popitem(last=False)

    def knows(self, parts: tuple[str, ...], now: float) -> bool:
        """True when `parts` verified less than `seconds` ago."""
        digest = self._digest(parts)
        with self._lock:
            until = self._until.get(digest)
            if until is None:
                return False
            if until <= now:
                del self._until[digest]
                return False
            return True
