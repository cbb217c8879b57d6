"""`asset_url()` for templates and `GET /assets/<file>`: the request's theme's files.

A file's URL carries a hash of its content (`/assets/base.3f9a1c2b7d.css`), so
browsers and CDNs may keep it for a year: a changed file gets a new URL. An old
or missing hash redirects to the current URL instead of serving a stale name.
For the same reason text files (CSS, JavaScript, SVG) are compressed once per
process, Brotli or gzip, and kept (storefront.compression.Packed); stylesheets
and scripts are minified first (storefront.theming.minify).
"""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    has_request_context,
    redirect,
    request,
    send_file,
    url_for,
)
from markupsafe import Markup

from storefront import compression
from storefront.markets import MOUNT_KEY
from storefront.theming import minify
from storefront.theming.assets import IMMUTABLE, MIMETYPES, Assets, split_hash, with_hash
from storefront.theming.switch import active, themes
from storefront.theming.themes import ThemeError
from storefront.visit import headers

log = logging.getLogger(__name__)
T = TypeVar("T")


def current_assets() -> Assets:
    """The assets of this request's theme (a creator's theme may differ from THEME)."""
    return active().assets


def _all_assets() -> list[Assets]:
    mine = current_assets()
    return [mine, *(item.assets for item in themes().every() if item.assets is not mine)]


def asset_url(path: str) -> str:
    """The fingerprinted URL of `path`, found in the theme's static/ (child first).

    A missing file raises ThemeError in debug and tests (so `flask theme check`
    catches the template); in production the page still renders, with a 404 link.
    """
    name = _or_missing(lambda: current_assets().fingerprinted(path, fresh=current_app.debug),
                       path, missing=path)
    # One address in every market: a market's path prefix (storefront.markets) is not
    # part of an asset's, so browsers and CDNs keep one copy.
    address = url_for("assets.file", filename=name)
    if has_request_context() and MOUNT_KEY in request.environ:
        address = request.environ[MOUNT_KEY] + address[len(request.script_root):]
    return address


def _or_missing(read: Callable[[], T], path: str, missing: T) -> T:
    """`read()`; for a file the theme lacks, a ThemeError in debug and tests (so `flask
    theme check` catches the template), else a logged error and `missing`."""
    try:
        return read()
    except ThemeError:
        if current_app.debug or current_app.testing:
            raise
        log.error("asset %r is not in the theme", path)
        return missing


def inline_asset(path: str) -> Markup:
    """The text of the theme file `path`, to inline in the page (a `<style nonce>`'s
    critical CSS). A missing file is a ThemeError in debug and tests, as asset_url's;
    in production the page renders without it."""
    text = _or_missing(lambda: current_assets().text(path, fresh=current_app.debug), path, "")
    # The theme's own file, but never able to close the element it is inlined in.
    return Markup(text.replace("</", "<\\/"))


def asset_width(path: str, height: int) -> int | None:
    """The width at which the image `path` shows `height` pixels tall (None if unknown)."""
    size = current_assets().size(path)
    if size is None or not size[1]:
        return None
    return round(height * size[0] / size[1])


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
    if compression.compressible(mimetype):
        response = _text(file, current, mimetype)
    else:  # images and fonts are compressed already
        response = send_file(file, mimetype=mimetype, conditional=True)
    response.headers["Cache-Control"] = IMMUTABLE
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# Every process keeps each text file once per coding: theme files are few and small.
packed = compression.Packed(read=minify.read)


def _text(file: Path, digest: str, mimetype: str) -> Response:
    """A text file in the coding the browser takes (Brotli first), from `packed`.

    Its ETag is its content digest, with `-br` or `-gzip` for a compressed body;
    If-None-Match with any of them is a 304 (the URL names the content anyway).
    """
    coding = compression.choose(request.headers.get("Accept-Encoding"), compression.STATIC)
    coding, body = packed.get(file, digest, coding)
    response = Response(body, mimetype=mimetype)
    response.vary.add(headers.ENCODING_VARY)
    if coding is not None:
        response.headers["Content-Encoding"] = coding
    response.set_etag(headers.representation(digest, coding))
    if headers.not_modified(request.headers.get("If-None-Match"), digest):
        response.status_code = 304
        return response
    # Ranges of the plain file, as send_file serves other files; none of a compressed one.
    return response.make_conditional(request, accept_ranges=coding is None,
                                     complete_length=len(body))


# merge_slashes=False: `/assets//etc/passwd` must be a 404, not a redirect to a
# merged path.
bp.add_url_rule("/assets/<path:filename>", "file", serve, merge_slashes=False)
