"""Fingerprinted theme files: one theme's files and their content hashes.

`storefront.theming.routes` puts them to use: `asset_url()` for templates and
`GET /assets/<file>`.

A file's URL carries a hash of its content (`/assets/base.3f9a1c2b7d.css`), so
browsers and CDNs may keep it for a year: a changed file gets a new URL. An old
or missing hash redirects to the current URL instead of serving a stale name.
"""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path

from storefront.image_files import image_size
from storefront.theming import minify
from storefront.theming.themes import Theme, ThemeError

log = logging.getLogger(__name__)

HASH_LENGTH = 10
FINGERPRINT = re.compile(rf"[0-9a-f]{{{HASH_LENGTH}}}")
IMMUTABLE = "public, max-age=31536000, immutable"

# The platform's mimetypes table varies (.js as application/javascript, no .woff2),
# so the types browsers are strict about are fixed here.
MIMETYPES = {
    ".css": "text/css",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
}


class Assets:
    """The static files of one theme chain, each hashed once per process.

    Files do not change while the app runs, so hashes and lookups are cached;
    `fresh=True` (debug mode) reads the disk again so edits show at once.
    """

    def __init__(self, theme: Theme) -> None:
        self.theme = theme
        self._digests: dict[Path, str] = {}
        self._names: dict[str, str] = {}
        self._sizes: dict[str, tuple[float, float] | None] = {}
        self._texts: dict[str, str] = {}

    def find(self, path: str) -> Path | None:
        return self.theme.find_static(path)

    def existing(self, path: str) -> Path:
        """The file `path` names in the chain's static/ folders; ThemeError if there is none."""
        file = self.find(path)
        if file is None:
            names = ", ".join(theme.name for theme in self.theme.chain)
            raise ThemeError(f"asset {path!r} is not in themes {names} (looked in their static/)")
        return file

    def digest(self, file: Path, *, fresh: bool = False) -> str:
        if fresh or file not in self._digests:
            with file.open("rb") as handle:
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
            self._digests[file] = digest[:HASH_LENGTH]
        return self._digests[file]

    def fingerprinted(self, path: str, *, fresh: bool = False) -> str:
        """`path` with its content hash, e.g. js/cart.js -> js/cart.ab12cd34ef.js."""
        if not fresh and path in self._names:
            return self._names[path]
        file = self.existing(path)
        # Only found files are remembered, so requests for made-up names can't grow this.
        self._names[path] = with_hash(path, self.digest(file, fresh=fresh))
        return self._names[path]

    def text(self, path: str, *, fresh: bool = False) -> str:
        """The content of the text file `path` (a stylesheet to inline), read once,
        minified as a stylesheet or script is served."""
        if fresh or path not in self._texts:
            text = self.existing(path).read_text("utf-8")
            self._texts[path] = minify.minified(text, Path(path).suffix)
        return self._texts[path]

    def size(self, path: str) -> tuple[float, float] | None:
        """(width, height) of the image `path`, None when it has none to read.

        The header's logo gets its width from it, so the browser reserves the
        logo's room before the file arrives (no layout shift).
        """
        if path not in self._sizes:
            file = self.find(path)
            self._sizes[path] = None if file is None else image_size(file)
        return self._sizes[path]


def with_hash(path: str, digest: str) -> str:
    """Insert `digest` before the extension of `path`'s file name."""
    folder, slash, name = path.rpartition("/")
    stem, dot, ext = name.rpartition(".")
    name = f"{stem}.{digest}.{ext}" if dot and stem else f"{name}.{digest}"
    return f"{folder}{slash}{name}"


def split_hash(filename: str) -> tuple[str, str | None]:
    """(path, digest) of a fingerprinted name; (filename, None) when it carries none."""
    folder, slash, name = filename.rpartition("/")
    parts = name.split(".")
    if len(parts) >= 3 and FINGERPRINT.fullmatch(parts[-2]):
        digest = parts.pop(-2)
    elif len(parts) == 2 and parts[0] and FINGERPRINT.fullmatch(parts[1]):
        digest = parts.pop()  # a file without an extension
    else:
        return filename, None
    return f"{folder}{slash}{'.'.join(parts)}", digest
