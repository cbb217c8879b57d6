"""Which routes serve shared pages: declared once, on the route, with `@shared_page`.

A shared page is the same for every visitor of the same creator and goes
through the page cache (storefront.web.pages). The page fast path matches a
request's path against `shared_paths(app)`, and the funnels ask `is_shared`:
neither keeps a list of its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask


def shared_page(view: Callable) -> Callable:
    """Declare a route's page shared: the same for every visitor of the same creator,
    rendered through `cached`. Put it under the route decorator. The page fast path
    (which answers hits below Flask) and the funnels read this declaration."""
    view.shared_page = True
    return view


def is_shared(app: Flask, endpoint: str | None) -> bool:
    """Whether `endpoint` was declared with `shared_page`."""
    return getattr(app.view_functions.get(endpoint), "shared_page", False)


def shared_paths(app: Flask) -> re.Pattern:
    """A pattern matching exactly the paths of the app's shared GET routes.

    Built from the routes declared with `shared_page`, once per app: matching it
    costs a fraction of Werkzeug's full routing, which the fast path would
    otherwise pay on every hit.
    """
    pattern = app.extensions.get("shared_paths")
    if pattern is None:
        pattern = app.extensions["shared_paths"] = re.compile("|".join(
            _rule_pattern(app, rule.rule) for rule in app.url_map.iter_rules()
            if "GET" in (rule.methods or ()) and is_shared(app, rule.endpoint)
        ) or "(?!)")
    return pattern


_VARIABLE = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def _rule_pattern(app: Flask, rule: str) -> str:
    """`/products/<handle>` as a regular expression, with each converter's own regex."""
    out, end = [], 0
    for variable in _VARIABLE.finditer(rule):
        converter = app.url_map.converters[variable["converter"] or "default"](app.url_map)
        out += [re.escape(rule[end:variable.start()]), f"(?:{converter.regex})"]
        end = variable.end()
    return "".join([*out, re.escape(rule[end:])])
