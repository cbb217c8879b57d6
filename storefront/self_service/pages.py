"""Rendering the editor's and the approval page's own templates (self_service/templates).

Like the figures page and the admin, these do not use the shop's themes (a theme
must not change what a creator or the brand is asked to confirm): one small
Jinja environment, escaping everything. Only the preview is the theme's page.
The layout and the message page are the figures page's (storefront/creator_stats/
templates): the search path finds this package's templates first, then that one's,
so the layout's `{% include "style.css" %}` takes this package's own style.
"""

from __future__ import annotations

from pathlib import Path

from flask import url_for
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from storefront.web.pages import token as csrf_token
from storefront.web.security import nonce

_env = Environment(
    loader=FileSystemLoader([Path(__file__).parent / "templates",
                             Path(__file__).parent.parent / "creator_stats" / "templates"]),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(template: str, **context) -> str:
    return _env.get_template(template).render(nonce=nonce(), csrf_token=csrf_token,
                                              url_for=url_for, **context)
