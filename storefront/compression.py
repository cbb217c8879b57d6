"""Compressed bodies: which coding a client gets, and text compressed once where it can be.

Text (HTML, CSS, JavaScript, SVG, JSON, XML) of `MINIMUM` bytes or more goes
out as gzip or Brotli (`br`) when the request's Accept-Encoding takes it.
Images and fonts are compressed already; a body that already has a
Content-Encoding is left as it is. Three kinds of bodies, three costs:

- Shared pages (web.pages): gzip, joined per response from pieces deflated
  once when the page is stored (`deflate_part`, `stored`, `gzip_joined`), so a
  page-cache hit compresses only its per-visitor values. Brotli cannot be
  joined this way (see `gzip_joined`), so pages are gzip or plain.
- Fingerprinted theme files (theming.routes): Brotli or gzip at their best
  quality, made once per process (`Packed`): their URL names their content.
- Anything else (the cart, JSON, error pages, the sitemap): compressed per
  response (`compress`), gzip first.

Nothing here knows Flask: the app's after-request hook, the asset route and
the page fast path (web.fastpath) call it alike.
"""

from __future__ import annotations

import functools
import re
import struct
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import brotli
from zlib_ng import zlib_ng as zlib  # zlib's API and streams; see LEVEL below

GZIP, BR = "gzip", "br"
MINIMUM = 1024  # bytes: below this, the headers and the CPU cost more than they save
TYPES = frozenset({
    "text/html", "text/css", "text/javascript", "application/javascript", "image/svg+xml",
    "application/json", "application/manifest+json", "application/xml", "text/xml", "text/plain",
})
# The codings each kind of body is offered in, best first (for codings the client
# weighs alike). Brotli's best quality is slow but makes smaller files than gzip:
# worth it once per file, not per response.
STATIC = (BR, GZIP)
DYNAMIC = (GZIP, BR)
PAGES = (GZIP,)

LEVEL = 6  # zlib's default: most of level 9's gain at half its time
# zlib-ng rather than the zlib Python links: the same formats, but deflating a
# 39 KB page at level 6 took 190 us against 502 (0.7 % larger), and the CRC-32
# every joined gzip page needs took 0.8 us against 9.3, a fifth of a page hit.
DYNAMIC_BR_QUALITY = 4  # about gzip's cost and size per response


def compressible(mimetype: str) -> bool:
    """Whether bodies of `mimetype` (no parameters) are worth compressing."""
    return mimetype in TYPES


_QVALUE = re.compile(r"0(\.\d{0,3})?|1(\.0{0,3})?")


def accepted(accept_encoding: str | None) -> dict[str, float]:
    """The codings an Accept-Encoding value names, with their weights (q=0: refused).

    A weight that is not a valid qvalue refuses the coding (RFC 9110 12.4.2):
    `q=nan` or `q=2` must not win. `x-gzip` means gzip (RFC 9110 8.4.1.3).
    """
    weights: dict[str, float] = {}
    for item in (accept_encoding or "").split(","):
        name, *params = (piece.strip() for piece in item.split(";"))
        name = name.lower()
        if not name:
            continue
        weight = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                value = value.strip()
                weight = float(value) if _QVALUE.fullmatch(value) else 0.0
        weights[name] = weight
    if "x-gzip" in weights and GZIP not in weights:
        weights[GZIP] = weights["x-gzip"]
    return weights


@functools.lru_cache(maxsize=256)  # browsers send a few values, each on every request
def choose(accept_encoding: str | None, offered: tuple[str, ...]) -> str | None:
    """The coding of `offered` the client weighs highest (the first on a tie), or None
    for a plain body: no Accept-Encoding, or none of `offered` acceptable.

    `*` stands for any coding the header does not name itself, so
    `gzip;q=0, *` refuses gzip and takes br.
    """
    weights = accepted(accept_encoding)
    best, best_weight = None, 0.0
    for coding in offered:
        weight = weights.get(coding, weights.get("*", 0.0))
        if weight > best_weight:
            best, best_weight = coding, weight
    return best


def compress(body: bytes, coding: str, *, best: bool = False) -> bytes:
    """`body` in `coding` (gzip or br). `best`: the smallest output, for bodies
    compressed once and kept; else a speed fit for one response."""
    if coding == GZIP:
        # Through zlib rather than gzip.compress: no timestamp, so the same
        # body always gives the same bytes.
        packer = zlib.compressobj(9 if best else LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        return packer.compress(body) + packer.flush()
    if coding == BR:
        quality = 11 if best else DYNAMIC_BR_QUALITY
        return brotli.compress(body, mode=brotli.MODE_TEXT, quality=quality)
    raise ValueError(f"unknown coding {coding!r}")


# gzip by pieces -----------------------------------------------------------------
#
# A gzip file is a header, one deflate stream, and a trailer (CRC-32 and length
# of the uncompressed data). A deflate stream is a run of blocks, and a block
# may refer back only to bytes before it. So text deflated on its own, with a
# fresh compressor, can follow any bytes at all; ending it with a sync flush
# leaves it on a byte boundary without marking it last. A page is then its parts
# deflated once (`deflate_part`) with each response's values between them as
# stored blocks (`stored`): a few dozen bytes gain nothing from compression,
# and a stored block needs no compressor set up. `gzip_joined` closes the
# stream and adds the trailer.
#
# Brotli has no such seam: its meta-blocks share state with what came before
# (the last distances used, and whether a distance means earlier text or the
# built-in dictionary depends on how much text came before), so pieces
# compressed apart cannot be joined, and a page in br would cost a compression
# of the whole page per response.

_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # gzip, deflate, no name or time, OS unknown
_LAST = b"\x03\x00"  # an empty final block (fixed codes: BFINAL=1, BTYPE=01, end-of-block)
_STORED_MAX = 0xFFFF


def deflate_part(text: bytes) -> bytes:
    """`text` as deflate blocks that refer to nothing before them and end on a
    byte boundary, not final: a piece `gzip_joined` can put anywhere."""
    packer = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(text) + packer.flush(zlib.Z_SYNC_FLUSH)


def stored(value: bytes) -> bytes:
    """`value` as stored (uncompressed) deflate blocks: b"" for no bytes."""
    if 0 < len(value) <= _STORED_MAX:  # every slot value: one block
        return b"\x00" + struct.pack("<HH", len(value), len(value) ^ 0xFFFF) + value
    blocks = []
    for start in range(0, len(value), _STORED_MAX):
        chunk = value[start:start + _STORED_MAX]
        # BFINAL=0, BTYPE=00 and padding to the byte: one zero byte. Then LEN, NLEN.
        blocks += (b"\x00", struct.pack("<HH", len(chunk), len(chunk) ^ 0xFFFF), chunk)
    return b"".join(blocks)


def stored_value(value: bytes) -> bytes:
    """`stored(value)`; the short values most responses repeat (an empty slot, a
    cart count) made once."""
    return _stored_short(value) if len(value) <= _SHORT else stored(value)


_SHORT = 8


@functools.lru_cache(maxsize=256)
def _stored_short(value: bytes) -> bytes:
    return stored(value)


def gzip_joined(pieces: Iterable[bytes], plain: Iterable[bytes]) -> bytes:
    """A gzip file of `pieces` (from `deflate_part` and `stored`, in order), whose
    uncompressed bytes are `plain` joined: the trailer needs their CRC-32 and
    length, taken piece by piece (a page hit never joins its 40 KB of text only
    to hash it; its parts are read where the cached page keeps them).
    """
    crc = length = 0
    for chunk in plain:
        crc = zlib.crc32(chunk, crc)
        length += len(chunk)
    trailer = struct.pack("<II", crc, length & 0xFFFFFFFF)
    return b"".join((_HEADER, *pieces, _LAST, trailer))


# Files compressed once ------------------------------------------------------------


class Packed:
    """Fingerprinted files, plain and compressed, read and compressed once per process.

    Kept by path and content digest: a file's fingerprinted URL never names other
    bytes, so nothing kept here goes stale (a changed file has a new digest).
    """

    def __init__(self, read: Callable[[Path], bytes] = Path.read_bytes) -> None:
        # `read` gives the bytes a file is served as (theming.minify.read for themes).
        self._read = read
        self._bodies: dict[tuple[Path, str, str | None], bytes] = {}
        self._lock = threading.Lock()

    def get(self, file: Path, digest: str, coding: str | None) -> tuple[str | None, bytes]:
        """(coding, body) of `file`, whose content digest is `digest`: in `coding`
        when that makes it smaller, else plain (coding None)."""
        plain = self._kept((file, digest, None), lambda: self._read(file))
        if coding is None or len(plain) < MINIMUM:
            return None, plain
        packed = self._kept((file, digest, coding), lambda: compress(plain, coding, best=True))
        return (coding, packed) if len(packed) < len(plain) else (None, plain)

    def _kept(self, key: tuple[Path, str, str | None], make: Callable[[], bytes]) -> bytes:
        body = self._bodies.get(key)
        if body is None:
            # One thread makes it; others asking meanwhile wait rather than repeat it.
            with self._lock:
                body = self._bodies.get(key)
                if body is None:
                    body = self._bodies[key] = make()
        return body
