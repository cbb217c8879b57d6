"""Colour contrast as WCAG 2 defines it, and readable variants of a brand's colours.

Themes and creator files set colours (`#rgb` or `#rrggbb`). The checks (`theme
check`, `creators check`) refuse text that would read below 4.5:1 against the
backgrounds it meets. An accent is a brand's colour and may be light: where it
is used as text (links, small labels) the page gets the nearest variant that
reads at 4.5:1, and the text on an accent-coloured button or banner is whichever
of the given colour, near-white or near-black reads on it. So a page never fails
because of an accent, and the brand's own colour still fills its buttons.
"""

from __future__ import annotations

import colorsys
from collections.abc import Iterable, Mapping
from functools import lru_cache

MINIMUM = 4.5  # WCAG 2 AA for body text
LIGHT, DARK = "#ffffff", "#111111"

# The colours base.css sets when a theme sets none (its :root): a theme's own
# colours are checked against these for the ones it leaves out.
BASE = {
    "background": "#fbf8f3", "surface": "#ffffff", "text": "#222222", "muted": "#6b6b6b",
    "accent": "#2f4a3a", "accent_text": "#ffffff", "error": "#a12622",
}

# Which colours of a palette are read as text on which backgrounds. Keys are the
# names themes and creator files use ([settings] colors, [theme_settings]).
TEXT_PAIRS = (
    ("text", "background"),
    ("text", "surface"),
    ("muted", "background"),
    ("muted", "surface"),
    ("error", "surface"),
)  # (accent_text on accent is not here: the page derives one that reads, see derived())


def rgb(color: str) -> tuple[float, float, float]:
    """`#rgb` or `#rrggbb` as red, green and blue from 0 to 1."""
    digits = color.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return tuple(int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def hex_of(red: float, green: float, blue: float) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, c)) * 255):02x}" for c in (red, green, blue))


def luminance(color: str) -> float:
    """Relative luminance (WCAG 2): 0 for black, 1 for white."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    red, green, blue = (linear(c) for c in rgb(color))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(one: str, other: str) -> float:
    """The contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    a, b = sorted((luminance(one), luminance(other)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def readable(color: str, backgrounds: Iterable[str], minimum: float = MINIMUM) -> str:
    """`color`, or the closest shade of it that reads at `minimum` on every background.

    The shade keeps the hue and saturation and moves only the lightness, towards
    dark on light backgrounds (towards light on dark ones), in small steps, so the
    result is as near the brand's colour as it can be.
    """
    grounds = list(backgrounds)
    if all(contrast(color, ground) >= minimum for ground in grounds):
        return color
    hue, lightness, saturation = colorsys.rgb_to_hls(*rgb(color))
    darker = sum(luminance(ground) for ground in grounds) / len(grounds) > 0.18
    for step in range(1, 101):
        shade = lightness - step / 100 if darker else lightness + step / 100
        candidate = hex_of(*colorsys.hls_to_rgb(hue, max(0.0, min(1.0, shade)), saturation))
        if all(contrast(candidate, ground) >= minimum for ground in grounds):
            return candidate
    return DARK if darker else LIGHT


def text_on(background: str, preferred: str | None = None) -> str:
    """The text colour for `background`: `preferred` if it reads, else near-black or white."""
    for text in (preferred, DARK, LIGHT):
        if text and contrast(text, background) >= MINIMUM:
            return text
    # (a mid grey reads at 4.5:1 only with pure black or white)
    return max(("#000000", LIGHT), key=lambda text: contrast(text, background))


def failures(palette: Mapping[str, str], pairs: Iterable[tuple[str, str]] = TEXT_PAIRS,
             minimum: float = MINIMUM) -> list[str]:
    """Messages for the pairs of `palette` whose text reads below `minimum` (pairs with a
    colour the palette does not set are skipped)."""
    found = []
    for text, ground in pairs:
        if text in palette and ground in palette:
            ratio = contrast(palette[text], palette[ground])
            if ratio < minimum:
                found.append(
                    f"{text} {palette[text]} on {ground} {palette[ground]} reads at "
                    f"{ratio:.2f}:1; text needs at least {minimum:g}:1"
                )
    return found


def derived(palette: Mapping[str, str]) -> dict[str, str]:
    """_derived(palette), remembered: every page render asks, for a few palettes."""
    return dict(_derived(tuple(sorted(palette.items()))))


@lru_cache(maxsize=1024)
def _derived(items: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """The colours a page derives from `palette` so accents always read:

    - `link`: the accent as text, readable on the background and the surface;
    - `accent_text`: the text on accent-coloured buttons, banners and badges;
    - `muted` and `error`: secondary and error text, moved as little as needed to read
      on a creator's background (they may set the background, not these beside it).
    """
    palette = dict(items)
    found = {}
    # (a theme that sets no surface gets base.css's white one)
    grounds = [palette.get("background", LIGHT), palette.get("surface", LIGHT)]
    accent = palette.get("accent")
    if accent:
        found["link"] = readable(accent, grounds)
        found["accent_text"] = text_on(accent, palette.get("accent_text"))
    for name in ("muted", "error"):
        if palette.get(name):
            found[name] = readable(palette[name], grounds)
    return tuple(found.items())
