"""An image file's intrinsic size, read from its header: an SVG's root element, a
raster image's first bytes (through Pillow). Both the theme's files (the logo's
width) and the demo shop's images (Shopify reports every image's width and height)
use it.
"""

from __future__ import annotations

import re
from pathlib import Path

_SVG_ROOT = re.compile(rb"<svg\b[^>]*>", re.IGNORECASE | re.DOTALL)
_SVG_VIEWBOX = re.compile(
    rb"""viewBox\s*=\s*["']\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)""")
_SVG_LENGTH = re.compile(rb"""\b(width|height)\s*=\s*["']\s*([\d.]+)\s*(?:px)?\s*["']""")


def image_size(file: Path) -> tuple[float, float] | None:
    """An image file's intrinsic (width, height): an SVG's width and height or
    viewBox, a raster image's pixels (Pillow reads only the header)."""
    if file.suffix.lower() == ".svg":
        root = _SVG_ROOT.search(file.read_bytes()[:4096])
        if root is None:
            return None
        lengths = {name.decode(): float(value) for name, value in _SVG_LENGTH.findall(root.group())}
        if lengths.get("width") and lengths.get("height"):
            return lengths["width"], lengths["height"]
        box = _SVG_VIEWBOX.search(root.group())
        if box is None or not float(box.group(2)):
            return None
        return float(box.group(1)), float(box.group(2))
    from PIL import Image, UnidentifiedImageError  # only themes with a raster logo need it
    try:
        with Image.open(file) as image:
            return float(image.width), float(image.height)
    except (OSError, UnidentifiedImageError):
        return None
