"""Fingerprinted theme files: `asset_url()` for templates and `GET /assets/<file>`.

A file's URL carries a hash of its content (`/assets/base.3f9a1c2b7d.css`), so
browsers and CDNs may keep it for a year: a changed file gets a new URL. An old
or missing hash redirects to the current URL instead of serving a stale name.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import re
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, redirect, send_file, url_for

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

    def find(self, path: str) -> Path | None:
        return self.theme.find_static(path)

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
        file = self.find(path)
        if file is None:
            names = ", ".join(theme.name for theme in self.theme.chain)
            raise ThemeError(f"asset {path!r} is not in themes {names} (looked in their static/)")
        # Only found files are remembered, so requests for made-up names can't grow this.
        self._names[path] = with_hash(path, self.digest(file, fresh=fresh))
        return self._names[path]


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


def current_assets() -> Assets:
    """The assets of this request's theme (a creator's theme may differ from THEME)."""
    from storefront.theming.switch import active

    return active().assets


def _all_assets() -> list[Assets]:
    from storefront.theming.switch import themes

    mine = current_assets()
    return [mine, *(item.assets for item in themes().every() if item.assets is not mine)]


def asset_url(path: str) -> str:
    """The fingerprinted URL of `path`, found in the theme's static/ (child first).

    A missing file raises ThemeError in debug and tests (so `flask theme check`
    catches the template); in production the page still renders, with a 404 link.
    """
    try:
        name = current_assets().fingerprinted(path, fresh=current_app.debug)
    except ThemeError:
        if current_app.debug or current_app.testing:
            raise
        log.error("asset %r is not in the theme", path)
        name = path
    return url_for("assets.file", filename=name)


bp = Blueprint("assets", __name__)


def _lookup(filename: str) -> tuple[Assets, str, str | None, Path] | None:
    """The theme, plain path, requested digest and file a fingerprinted name means.

    A page in a creator's theme links that theme's files, so every theme in use
    is searched; the one whose file has the requested digest wins.
    """
    fresh = current_app.debug
    path, digest = split_hash(filename)
    candidates = []
    for assets in _all_assets():
        file = assets.find(path)
        if file is None and digest is not None:
            # A real file whose name merely looks fingerprinted.
            plain = assets.find(filename)
            if plain is not None:
                candidates.append((assets, filename, None, plain))
            continue
        if file is not None:
            if digest is not None and assets.digest(file, fresh=fresh) == digest:
                return assets, path, digest, file
            candidates.append((assets, path, digest, file))
    return candidates[0] if candidates else None


def serve(filename: str) -> Response:
    fresh = current_app.debug
    found = _lookup(filename)
    if found is None:
        abort(404)
    assets, path, digest, file = found
    current = assets.digest(file, fresh=fresh)
    if digest != current:
        response = redirect(url_for("assets.file", filename=with_hash(path, current)), 302)
        response.headers["Cache-Control"] = "no-cache"
        return response
    mimetype = (
        MIMETYPES.get(file.suffix.lower())
        or mimetypes.guess_type(file.name)[0]
        or "application/octet-stream"
    )
    response = send_file(file, mimetype=mimetype, conditional=True)
    response.headers["Cache-Control"] = IMMUTABLE
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# merge_slashes=False: `/assets//etc/passwd` must be a 404, not a redirect to a
# merged path.
bp.add_url_rule("/assets/<path:filename>", "file", serve, merge_slashes=False)
