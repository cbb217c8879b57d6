"""The few named ways a Storefront API call can fail, and how a reply is classified.

Shopify reports many failures inside an HTTP 200 (`errors[]` with
`extensions.code`), some as a status with a plain-string `errors`, and some as
an HTML page from its edge. Everything is turned into one of the classes
below, which keep the HTTP status, Shopify's request id and the operation name
so a log line can say exactly what failed.
"""

from __future__ import annotations

from typing import Any


class StorefrontError(Exception):
    """A Storefront API call failed. `retryable` says whether a query may be sent again."""

    retryable = False
    kind = "error"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        request_id: str | None = None,
        operation: str | None = None,
        code: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.request_id = request_id
        self.operation = operation
        self.code = code
        self.data = data

    def __str__(self) -> str:
        parts = [f"{self.kind}: {self.message}"]
        for label, value in (
            ("operation", self.operation),
            ("status", self.status),
            ("code", self.code),
            ("request_id", self.request_id),
        ):
            if value is not None:
                parts.append(f"{label}={value}")
        return " ".join(parts)


class Unavailable(StorefrontError):
    """Shopify could not be reached or answered with a server error."""

    retryable = True
    kind = "unavailable"


class Throttled(StorefrontError):
    """Shopify asked us to slow down (429, or THROTTLED inside a 200)."""

    retryable = True
    kind = "throttled"


class NotAsked(StorefrontError):
    """Shopify was not asked: the page view's time for Shopify is spent, or only
    cached data was wanted (an error page). Nothing was sent, so nothing to retry,
    and nothing learnt about Shopify (no reason to back off from it)."""

    retryable = False
    kind = "not_asked"


class Busy(NotAsked):
    """Shopify was not asked: this process already has as many calls waiting on it
    as it allows (so a thread stays free for cached pages)."""

    kind = "busy"


class ShopUnavailable(StorefrontError):
    """The shop is frozen, forbidden, locked (402, 403, 423) or not here (404, a redirect)."""

    kind = "shop_unavailable"


class Rejected(StorefrontError):
    """Shopify refused the request as written (400, validation, too complex)."""

    kind = "rejected"


class InvalidCursor(Rejected):
    """A page link's `after` or `before` cursor that Shopify does not accept (garbled,
    or made for another sort order)."""

    kind = "invalid_cursor"


class Unauthorized(StorefrontError):
    """The token is wrong or lacks access (401, ACCESS_DENIED)."""

    kind = "unauthorized"


class SecurityRejection(StorefrontError):
    """Shopify's bot protection refused the request (430), often a missing buyer IP."""

    kind = "security_rejection"


_STATUS_CLASSES: dict[int, type[StorefrontError]] = {
    400: Rejected,
    401: Unauthorized,
    402: ShopUnavailable,
    403: ShopUnavailable,
    404: ShopUnavailable,  # no such shop at this domain
    423: ShopUnavailable,
    429: Throttled,
    430: SecurityRejection,
}

_CODE_CLASSES: dict[str, type[StorefrontError]] = {
    "THROTTLED": Throttled,
    "MAX_COMPLEXITY_EXCEEDED": Rejected,
    "ACCESS_DENIED": Unauthorized,
    "SHOP_INACTIVE": ShopUnavailable,
    "INTERNAL_SERVER_ERROR": Unavailable,
}


def _message_of(errors: Any) -> str:
    """A short human message from whatever shape `errors` has."""
    if isinstance(errors, str):
        return errors
    if isinstance(errors, list) and errors:
        first = errors[0]
        if isinstance(first, dict):
            return str(first.get("message", first))
        return str(first)
    if isinstance(errors, dict):
        return "; ".join(f"{key}: {value}" for key, value in errors.items())
    return "unexpected reply"


def _codes_of(errors: Any) -> list[str]:
    if not isinstance(errors, list):
        return []
    codes = []
    for error in errors:
        extensions = error.get("extensions") if isinstance(error, dict) else None
        if isinstance(extensions, dict) and isinstance(extensions.get("code"), str):
            codes.append(extensions["code"])
    return codes


def error_for_status(status: int, body: Any, **context: Any) -> StorefrontError:
    """The error for a non-200 reply; `body` is the parsed JSON or None."""
    errors = body.get("errors") if isinstance(body, dict) else None
    message = _message_of(errors) if errors is not None else f"HTTP {status}"
    cls = _STATUS_CLASSES.get(status)
    if cls is None:
        cls = Unavailable if status >= 500 else Rejected
    return cls(message, status=status, **context)


def error_for_graphql(errors: list[Any], data: Any, **context: Any) -> StorefrontError:
    """The error for `errors[]` inside a 200. The most telling code wins."""
    codes = _codes_of(errors)
    cls: type[StorefrontError] = Rejected
    code = codes[0] if codes else None
    for candidate in ("THROTTLED", "INTERNAL_SERVER_ERROR", "ACCESS_DENIED", "SHOP_INACTIVE"):
        if candidate in codes:
            cls, code = _CODE_CLASSES[candidate], candidate
            break
    else:
        if code in _CODE_CLASSES:
            cls = _CODE_CLASSES[code]
    return cls(
        _message_of(errors),
        code=code,
        data=data if isinstance(data, dict) else None,
        **context,
    )
