"""`GET /creator-media/<file>`: the images creator files name, from `<CREATORS_DIR>/media/`.

Only plain image files directly in that folder are served; anything else,
including any path that tries to leave it, is a 404.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, send_file
from werkzeug.security import safe_join

from storefront.creators.rules import IMAGE_EXTENSIONS

CACHE_CONTROL = "public, max-age=86400"  # a day: an edited image shows up by tomorrow
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


def serve(filename: str) -> Response:
    suffix = Path(filename).suffix.lower()
    if "/" in filename or "\\" in filename or suffix not in IMAGE_EXTENSIONS:
        abort(404)
    path = safe_join(str(media_dir()), filename)
    if path is None or not Path(path).is_file():
        abort(404)
    response = send_file(path, mimetype=MIMETYPES[suffix], conditional=True)
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = SVG_POLICY
    return response


# merge_slashes=False: `/creator-media//etc/passwd` is a 404, not a redirect.
bp.add_url_rule("/creator-media/<path:filename>", "file", serve, merge_slashes=False)
