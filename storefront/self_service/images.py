"""Images creators upload: checked, re-encoded so that only pixels survive, stored by content.

What is refused, with a message the creator can act on:
- anything over MAX_BYTES;
- anything Pillow does not read as a JPEG, PNG or WebP from its bytes (the file
  name and the browser's Content-Type are not believed: an HTML page or an SVG
  renamed .png is refused, and SVG is refused whatever it is called);
- images wider or taller than MAX_SIDE, or of more than MAX_PIXELS, read from
  the header before any pixel is decoded (a small file that would decode to
  gigabytes, a "decompression bomb", never is);
- files Pillow cannot decode to the end.
What is kept is a new image made from the decoded pixels alone, turned upright
as the camera's orientation tag said, at most RESIZE_TO on its longest side: no
EXIF (GPS position, camera serial), no ICC profile, no comment, no second frame.
It is stored under INSTANCE_DIR/creator-uploads/ as <sha256>.<ext>, so its name
changes with its content and browsers may keep it for a year.
"""

from __future__ import annotations

import hashlib
import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 6000
MAX_PIXELS = 24_000_000  # a 6000 x 4000 photo; decoded RGBA that is ~96 MB
RESIZE_TO = 2400  # wide enough for a full-width hero on a large screen
# Pillow's format name -> (extension, what we write it as)
FORMATS = {"JPEG": (".jpg", "JPEG"), "PNG": (".png", "PNG"), "WEBP": (".webp", "WEBP")}
MIMETYPES = {".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}
NAME_LENGTH = 32  # hex characters of the digest kept in the name
WANTED = "a photo or picture in JPEG, PNG or WebP"


class BadImage(ValueError):
    """An upload that is refused; the message says why, for the creator."""


@dataclass(frozen=True)
class Stored:
    name: str  # <digest>.<ext>, a file in the uploads folder
    width: int
    height: int


def uploads_dir(instance_path: str) -> Path:
    return Path(instance_path) / "creator-uploads"


def is_upload_name(name: str) -> bool:
    """True for a name `store` could have made (and nothing that could leave the folder)."""
    stem, dot, ext = name.partition(".")
    return (len(stem) == NAME_LENGTH and all(c in "0123456789abcdef" for c in stem)
            and dot == "." and "." + ext in MIMETYPES)


def clean(raw: bytes) -> tuple[bytes, str, int, int]:
    """The re-encoded image of upload `raw`: its bytes, extension, width and height."""
    if len(raw) > MAX_BYTES:
        raise BadImage(f"The image is too large ({len(raw) / 1048576:.1f} MB): at most "
                       f"{MAX_BYTES // 1048576} MB, please.")
    if not raw:
        raise BadImage("The file is empty.")
    # Pillow is loaded by the first upload, not by every process that serves the shop.
    from PIL import Image, ImageOps, UnidentifiedImageError

    with warnings.catch_warnings():
        # Pillow warns (and past twice its limit raises) on huge images: our own,
        # lower limits are checked below, from the header, before decoding.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(raw), formats=list(FORMATS))
        except Image.DecompressionBombError:
            raise BadImage(f"The image has far too many pixels: at most {MAX_SIDE} on each "
                           f"side and {MAX_PIXELS // 1_000_000} megapixels, please.") from None
        except (UnidentifiedImageError, OSError, ValueError):
            raise BadImage(f"This file is not {WANTED} (SVG and other kinds are not "
                           "accepted).") from None
        with image:
            width, height = image.size
            if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
                raise BadImage(f"The image is {width} x {height} pixels: at most {MAX_SIDE} "
                               f"on each side and {MAX_PIXELS // 1_000_000} megapixels, please.")
            if width < 1 or height < 1:
                raise BadImage("The image has no pixels.")
            ext, kind = FORMATS[image.format]
            try:
                image.seek(0)  # the first frame of an animation, nothing after it
                image.load()
                upright = ImageOps.exif_transpose(image)
            except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
                raise BadImage(f"This image cannot be read to its end: is it {WANTED}, "
                               "saved whole?") from None
    return _encode(upright, ext, kind)


def _encode(image: Image.Image, ext: str, kind: str) -> tuple[bytes, str, int, int]:
    alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P"
                                                  and "transparency" in image.info)
    mode = "RGBA" if alpha and kind != "JPEG" else "RGB"
    # A new image from the pixels: none of the original's info (EXIF, ICC, XMP,
    # comments) comes along, whatever the encoder would otherwise copy.
    from PIL import Image

    pixels = Image.new(mode, image.size)
    pixels.paste(image.convert(mode))
    pixels.thumbnail((RESIZE_TO, RESIZE_TO))
    out = io.BytesIO()
    if kind == "JPEG":
        pixels.save(out, "JPEG", quality=85, optimize=True)
    elif kind == "PNG":
        pixels.save(out, "PNG", optimize=True)
    else:
        pixels.save(out, "WEBP", quality=85)
    return out.getvalue(), ext, pixels.width, pixels.height


def store(raw: bytes, folder: Path) -> Stored:
    """Check and re-encode upload `raw` (BadImage if refused) and keep it in `folder`."""
    data, ext, width, height = clean(raw)
    name = hashlib.sha256(data).hexdigest()[:NAME_LENGTH] + ext
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if not path.exists():
        temp = folder / f".{name}.{os.getpid()}.tmp"
        temp.write_bytes(data)
        os.replace(temp, path)
    return Stored(name, width, height)
