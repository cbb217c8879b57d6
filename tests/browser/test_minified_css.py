"""The shipped themes' stylesheets, minified as pages inline them and /assets serves
them, style every element of a page exactly as the files written by hand do."""

from __future__ import annotations

from pathlib import Path

import pytest

from storefront.theming import minify
from tests.browser import Page

THEMES = Path(__file__).resolve().parents[2] / "themes"

# Every element's computed style with the page's own stylesheets, then with each
# minified one swapped for its source (as constructed sheets, in the same order).
SWAP_AND_COMPARE = """async sources => {
  const styles = () => [...document.querySelectorAll('*')].map(element => {
    const style = getComputedStyle(element);
    const values = {};
    for (let i = 0; i < style.length; i++) {
      values[style[i]] = style.getPropertyValue(style[i]);
    }
    return values;
  });
  const served = styles();
  const own = [...document.styleSheets];
  const texts = await Promise.all(own.map(async sheet => sheet.ownerNode.tagName === 'LINK'
    ? (await fetch(sheet.ownerNode.href)).text() : sheet.ownerNode.textContent));
  const swapped = texts.filter(text => text in sources).length;
  const sheets = texts.map((text, i) => {
    const original = new CSSStyleSheet({media: own[i].media.mediaText});
    original.replaceSync(sources[text] ?? text);
    return original;
  });
  // In one go, with no await between: a style computed halfway would start transitions.
  own.forEach(sheet => { sheet.disabled = true; });
  document.adoptedStyleSheets = sheets;
  const written = styles();
  const elements = [...document.querySelectorAll('*')];
  const differences = [];
  served.forEach((values, i) => {
    const names = new Set([...Object.keys(values), ...Object.keys(written[i])]);
    for (const name of names) {
      if (values[name] !== written[i][name]) {
        differences.push([elements[i].tagName, elements[i].className, name, values[name],
                          written[i][name]]);
      }
    }
  });
  return {swapped, elements: served.length, differences: differences.slice(0, 5)};
}"""


def _sources() -> dict[str, str]:
    """Each shipped stylesheet's minified text -> the text written in its file."""
    sources = {}
    for file in THEMES.glob("*/static/**/*.css"):
        written = file.read_text("utf-8")
        served = minify.stylesheet(written)
        assert served != written, file
        sources[served] = written
    return sources


@pytest.mark.parametrize("path", ["/", "/products/linen-shirt", "/collections/all", "/cart",
                                  "/@leo"])
@pytest.mark.parametrize("width", [1280, 390])
def test_minified_stylesheets_style_pages_as_the_written_ones(open_page, path: str, width: int):
    page: Page = open_page(viewport={"width": width, "height": 900})
    assert page.goto(path).ok
    result = page.evaluate(SWAP_AND_COMPARE, _sources())
    # The first screen's CSS inlined and base.css linked, at least (atelier adds its own).
    assert result["swapped"] >= 2, result
    assert result["elements"] > 50
    assert result["differences"] == [], result["differences"]
