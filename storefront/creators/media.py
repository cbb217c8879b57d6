"""`GET /creator-media/<file>`: the images creator files name, from `<CREATORS_DIR>/media/`.

Only plain image files directly in that folder are served; anything else,
including any path that tries to leave it, is a 404.

Pages link them through `media_url`, which adds a version of the file (`?v=`, from
its modification time and size): a versioned URL is kept by browsers and CDNs for
a year, because an edited file gets a new one. A URL without the current version
(an old page, a link typed by hand) is kept for a day only.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, request, send_file
from werkzeug.security import safe_join

from storefront.creators.rules import IMAGE_EXTENSIONS

CACHE_CONTROL = "public, max-age=86400"  # a day: an edited image shows up by tomorrow
VERSIONED = "public, max-age=31536000, immutable"  # the URL names the file's version
PREFIX = "/creator-media/"
MIMETYPES = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
}
# An SVG opened on its own is a document that could run script; as an <img> it
# never does. The sandbox keeps the first case as harmless as the second.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"

bp = Blueprint("creator_media", __name__)


def media_dir() -> Path:
    return Path(current_app.config["CREATORS_DIR"]) / "media"


def version(path: str | os.PathLike[str]) -> str | None:
    """A short version of the file at `path` (None if it is not there)."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return hashlib.sha256(f"{stat.st_mtime_ns}:{stat.st_size}".encode()).hexdigest()[:10]


def media_url(url: str | None) -> str:
    """A creator image's URL as pages link it: with its version when it is one of ours."""
    if not url or not url.startswith(PREFIX) or "?" in url:
        return url or ""
    name = url[len(PREFIX):]
    path = safe_join(str(media_dir()), name) if "/" not in name else None
    current = version(path) if path else None
    return f"{url}?v={current}" if current else url


def serve(filename: str) -> Response:
    suffix = Path(filename).suffix.lower()
    if "/" in filename or "\\" in filename or suffix not in IMAGE_EXTENSIONS:
        abort(404)
    path = safe_join(str(media_dir()), filename)
    if path is None or not Path(path).is_file():
        abort(404)
    response = send_file(path, mimetype=MIMETYPES[suffix], conditional=True)
    wanted = request.args.get("v")
    response.headers["Cache-Control"] = (
        VERSIONED if wanted is not None and wanted == version(path) else CACHE_CONTROL)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = SVG_POLICY
    return response


# merge_slashes=False: `/creator-media//etc/passwd` is a 404, not a redirect.
bp.add_url_rule("/creator-media/<path:filename>", "file", serve, merge_slashes=False)
