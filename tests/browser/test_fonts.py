"""The base theme's own typography: Inter and Source Serif 4 from the store itself
(static/fonts/), preloaded, shown with font-display: swap; never the browser's default."""

from __future__ import annotations

from tests.browser import Page

LOADED = """async family => {
  await document.fonts.ready;
  return [...document.fonts].some(face => face.family.replace(/"/g, '') === family
                                          && face.status === 'loaded');
}"""


def test_base_pages_render_in_the_shipped_fonts(page: Page):
    fonts = []
    page.on("response", lambda reply: fonts.append(reply) if ".woff2" in reply.url else None)
    page.goto("/products/linen-shirt")
    assert page.evaluate(LOADED, "Inter") and page.evaluate(LOADED, "Source Serif 4")
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith("Inter,")
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily") \
        .startswith('"Source Serif 4"')
    assert fonts and all(reply.ok and reply.url.split("/")[2] == page.url.split("/")[2]
                         for reply in fonts)  # from the store, never a font service
    preloads = page.locator('link[rel=preload][as=font]')
    assert preloads.count() == 2
    assert all(preloads.nth(i).get_attribute("crossorigin") is not None for i in range(2))
