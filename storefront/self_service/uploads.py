"""`GET /creator-uploads/<name>`: the images creators uploaded, from INSTANCE_DIR/creator-uploads/.

Only names images.store makes (<digest>.jpg|png|webp) are looked up; anything else is
a 404. The bytes are ours (re-encoded), their type is the one we wrote, and the
name changes with the content, so browsers may keep them for a year; nosniff and
a sandboxing policy make sure nothing is ever run from here.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, send_file

from storefront.self_service import images

CACHE_CONTROL = "public, max-age=31536000, immutable"
POLICY = "default-src 'none'; sandbox"

bp = Blueprint("creator_uploads", __name__)


@bp.get("/creator-uploads/<name>")
def serve(name: str) -> Response:
    if not images.is_upload_name(name):
        abort(404)
    path = images.uploads_dir(current_app.instance_path) / name
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=images.MIMETYPES[Path(name).suffix], conditional=True,
                         max_age=None)
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = POLICY
    return response
