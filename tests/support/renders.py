"""Counting the whole pages the views render (each goes through web.layout.page)."""

from __future__ import annotations

from storefront.web import layout


def count_page_renders(monkeypatch) -> list[str]:
    """From now on, the template name of every page rendered (a page-cache hit renders none)."""
    counted: list[str] = []
    real = layout.render

    def render(name, **context):
        counted.append(name)
        return real(name, **context)

    monkeypatch.setattr(layout, "render", render)
    return counted
