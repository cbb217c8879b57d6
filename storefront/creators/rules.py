"""Checks of single values in creator files: handles, colours, URLs, images.

Each check returns None when the value is fine, or the text of the problem
(without the key: the caller puts the file and key in front).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote, urlsplit

HANDLE = re.compile(r"[a-z0-9][a-z0-9_-]*")
HANDLE_MAX = 64
HANDLE_RULE = "lowercase letters, digits, '-' and '_'"
SHOPIFY_HANDLE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SHOPIFY_HANDLE_RULE = "lowercase letters and digits, words joined by '-'"
THEME_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")  # as storefront.theming names folders
COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
IMAGE_EXTENSIONS = (".svg", ".png", ".jpg", ".jpeg", ".webp")
MEDIA_URL = "/creator-media/"

# Schemes that run code or smuggle content when a browser follows the link.
_REFUSED_SCHEMES = ("javascript:", "data:", "vbscript:", "file:", "blob:")
_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:")
# Browsers drop these around a URL, and tabs and newlines anywhere in it, before
# they read the scheme: "\tjava\nscript:" is still javascript:.
_ASCII_SPACE_OR_CONTROL = re.compile(r"[\x00-\x20\x7f]")
_C0_AND_SPACE = "".join(chr(code) for code in range(0x21))


def handle_problem(handle: str) -> str | None:
    if len(handle) > HANDLE_MAX:
        return f"at most {HANDLE_MAX} characters, not {len(handle)}"
    if not HANDLE.fullmatch(handle):
        return HANDLE_RULE
    return None


def is_shopify_handle(value: str) -> bool:
    return SHOPIFY_HANDLE.fullmatch(value) is not None


def is_color(value: str) -> bool:
    return COLOR.fullmatch(value) is not None


def has_space_or_control(value: str) -> bool:
    """True for any whitespace, control or invisible formatting character (e.g. U+200B)."""
    if value.isascii():  # the common case, without a look at every character
        return _ASCII_SPACE_OR_CONTROL.search(value) is not None
    return any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf") for ch in value)


def _decodings(value: str) -> list[str]:
    """`value`, then each percent-decoding of it until nothing changes (%2561 -> %61 -> a)."""
    forms = [value]
    for _ in range(4):
        decoded = unquote(forms[-1])
        if decoded == forms[-1]:
            break
        forms.append(decoded)
    return forms


def url_problem(value: str, *, path_ok: bool = False) -> str | None:
    """Why `value` can't be a link target: only https:// URLs (and same-site paths).

    Every form of the value is checked, as written and percent-decoded, after
    stripping and case-folding the way a browser reads a scheme.
    """
    wanted = "an https:// URL or a path starting with one /" if path_ok else "an https:// URL"
    forms = _decodings(value)
    for form in forms:
        folded = form.strip(_C0_AND_SPACE).translate({9: None, 10: None, 13: None}).casefold()
        for scheme in _REFUSED_SCHEMES:
            if folded.startswith(scheme):
                return f"{value!r} is refused: {scheme} links are not allowed; use {wanted}"
        if folded.startswith("http:"):
            return f"{value!r} must use https://, not http://"
    for form in forms:
        if has_space_or_control(form):
            return f"{value!r} must not contain spaces or control characters"
        if "\\" in form:
            return f"{value!r} must not contain a backslash"
    if value[:8].casefold() == "https://":
        try:
            parts = urlsplit(value)
            _ = parts.port  # raises ValueError on a bad port
        except ValueError:
            return f"{value!r} is not a valid URL"
        if not parts.hostname:
            return f"{value!r} has no host name"
        if "@" in parts.netloc:
            return f"{value!r} must not contain a user name (the part before @)"
        return None
    if path_ok and value.startswith("/"):
        if any(form.startswith("//") for form in forms):
            return f"{value!r} must start with one /, not two (that would be another site)"
        return None
    return f"{value!r} must be {wanted}"


def image_problem(value: str, media_files: frozenset[str], media_label: str) -> str | None:
    """An image is an https:// URL or the name of a file in the media folder."""
    if "://" in value or _SCHEME.match(value):
        return url_problem(value)
    if "/" in value or "\\" in value or value in (".", "..") or has_space_or_control(value):
        return (
            f"{value!r} must be a file name in {media_label} (no folders, no spaces) "
            "or an https:// URL"
        )
    if not value.lower().endswith(IMAGE_EXTENSIONS):
        return f"{value!r} must be an image file: .svg, .png, .jpg, .jpeg or .webp"
    if value not in media_files:
        return f"no file {value!r} in {media_label}"
    return None


def image_url(value: str) -> str:
    """Where a browser fetches an image named in a creator file (already checked)."""
    return value if "://" in value else MEDIA_URL + value
