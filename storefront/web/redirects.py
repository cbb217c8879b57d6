"""Where we may send a shopper back to: paths on this site, nothing else."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

# Printable ASCII path characters only: no backslashes, no control characters
# (a browser treats `/\evil.example` and `/<TAB>/evil.example` like `//evil.example`).
_SAFE = re.compile(r"/(?![/\\])[A-Za-z0-9\-._~!$&'()*+,;=:@/%?]*")


def same_origin_path(target: str | None, default: str = "/") -> str:
    """`target` when it is a path on this site, else `default`.

    Checked raw and once decoded, so `%2F%2Fevil.example` and `%5C` tricks fail too.
    """
    if not target or len(target) > 2048:
        return default
    for candidate in (target, unquote(target)):
        if not _SAFE.fullmatch(candidate):
            return default
        parts = urlsplit(candidate)
        if parts.scheme or parts.netloc:
            return default
    return target
