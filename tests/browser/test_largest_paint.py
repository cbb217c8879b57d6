"""The largest image of the first screen on the pages shoppers land on (what
Lighthouse takes for the largest contentful paint on a real shop's photographs) is
loaded at once and first (never lazy, fetchpriority high) and chosen from a srcset.

Chrome's own LCP entries skip low-entropy images, and the demo catalog's pictures
are small SVG drawings, so the test measures the images itself.
"""

from __future__ import annotations

import pytest

from tests.browser import Page

LARGEST = """() => {
  const seen = Array.from(document.images).map(img => {
    const r = img.getBoundingClientRect();
    const w = Math.max(0, Math.min(r.right, innerWidth) - Math.max(r.left, 0));
    const h = Math.max(0, Math.min(r.bottom, innerHeight) - Math.max(r.top, 0));
    return {area: w * h, cls: img.className, loading: img.getAttribute('loading'),
            priority: img.getAttribute('fetchpriority'), srcset: img.getAttribute('srcset'),
            current: img.currentSrc, complete: img.complete};
  }).filter(i => i.area > 0);
  seen.sort((a, b) => b.area - a.area);
  return seen[0] || null;
}"""


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize(("url", "image"), [
    ("/", "hero__image"), ("/collections/apparel", "card__image"),
    ("/products/linen-shirt", "product__image"),
])
def test_the_largest_first_screen_image_loads_first_from_a_srcset(open_page, width: int, url: str,
                                                                  image: str):
    page: Page = open_page(viewport={"width": width, "height": 844})
    page.goto(url)
    page.wait_for_load_state("load")
    largest = page.evaluate(LARGEST)
    assert largest is not None and image in largest["cls"], largest
    assert largest["loading"] != "lazy" and largest["priority"] == "high", largest
    assert largest["srcset"] and "width=" in largest["current"], largest  # a CDN width
    assert largest["complete"], largest
