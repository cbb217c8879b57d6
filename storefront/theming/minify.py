"""Theme stylesheets and scripts as browsers get them: without comments or spare whitespace.

Themes keep their files readable, with comments on why a rule is there. Every
page inlines the first screen's CSS (`inline_asset`), so those comments would
travel with every page: a quarter of the base theme's critical.css, 1.5 KB of
each gzipped page. Comments opened with `/*!` (licences) stay.

Stylesheets are read by tinycss2's tokenizer, so strings, URLs and escapes come
out exactly as written; only comments go, and whitespace shrinks to one space,
or to none where CSS never reads it (beside braces, semicolons, commas and the
combinators `>` and `~`, and after a declaration's colon).
Custom properties' values stay as written: scripts can read their text.
(rcssmin was measured first: it also drops the spaces inside a quoted
`url("a b.svg")`, which names another file.) A stylesheet the tokenizer finds
broken is served as written, for the browser to recover as it would have.
Scripts go through rjsmin, which keeps strings, template literals, regular
expressions and the line breaks that end statements.

A file's fingerprint stays its source's digest: another minifier version may
serve other bytes under the same URL, but they mean the same to a browser.
"""

from __future__ import annotations

from pathlib import Path

import rjsmin
import tinycss2
from tinycss2 import ast

# Whitespace next to these is never read: `a ,b`, `x; y`, `ul > li`, `h2 ~ p`.
# Not "+" or "-" (`calc(1px + 2px)` needs its spaces) and not ":" (`a :hover` is
# not `a:hover`); the space after a declaration's colon goes, in _tight.
_LOOSE = {";", ",", ">", "~"}


def minified(text: str, suffix: str) -> str:
    """`text`, the content of a file ending in `suffix`, minified if it is CSS or JavaScript."""
    minify = _MINIFIERS.get(suffix.lower())
    return text if minify is None else minify(text)


def read(file: Path) -> bytes:
    """The bytes `file` is served as: minified when it is a UTF-8 stylesheet or script."""
    data = file.read_bytes()
    if file.suffix.lower() not in _MINIFIERS:
        return data
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data  # not a text the minifiers can read: served as it is
    return minified(text, file.suffix).encode("utf-8")


def stylesheet(text: str) -> str:
    """The stylesheet `text` without comments (but `/*!` ones) and spare whitespace."""
    nodes = tinycss2.parse_component_value_list(text, skip_comments=False)
    try:
        return tinycss2.serialize(_tight(nodes))
    except _Broken:
        return text


def problems(text: str) -> list[tuple[int, str]]:
    """(line, message) where the stylesheet `text` is broken for the tokenizer, such as
    (3, "Unmatched }"): `theme check` reports them, since such a file is served as written."""
    found: list[tuple[int, str]] = []

    def walk(nodes: list[ast.Node]) -> None:
        for node in nodes:
            if node.type == "error":
                found.append((node.source_line, node.message))
            walk(getattr(node, "content", None) or getattr(node, "arguments", None) or [])

    walk(tinycss2.parse_component_value_list(text))
    return found


class _Broken(Exception):
    """The tokenizer met an error (an unclosed string, a stray bracket)."""


def _tight(nodes: list[ast.Node]) -> list[ast.Node]:
    kept: list[ast.Node] = []
    custom = False  # in a custom property's value, kept as written
    named = None  # the ident that began the current declaration
    for node in nodes:
        if node.type == "error":
            raise _Broken
        if custom and not _is(node, ";"):
            # `--gap: clamp(1rem, 2vw, 3rem)`: scripts read a custom property's text
            # as written (getPropertyValue), so not a space of it changes.
            kept.append(node)
            continue
        custom = False
        if node.type == "ident" and _starts_declaration(kept):
            custom = node.value.startswith("--")
            named = node  # a property's name, if a colon follows
        elif node.type == "whitespace" and len(kept) > 1 and _is(kept[-1], ":") \
                and kept[-2] is named:
            continue  # `color: red`: the space after a declaration's colon is never read
        if custom:
            kept.append(node)
            continue
        if node.type == "comment" and not node.value.startswith("!"):
            continue
        if node.type == "whitespace":
            if kept and kept[-1].type != "whitespace" and not _loose(kept[-1]):
                kept.append(ast.WhitespaceToken(node.source_line, node.source_column, " "))
            continue
        if node.type == "{} block" or _loose(node):
            _drop_space(kept)
        if hasattr(node, "content") and node.content is not None:  # (), [], {} blocks
            node.content = _trimmed(_tight(node.content))
            if node.type == "{} block" and node.content and _is(node.content[-1], ";"):
                node.content.pop()  # `a{color:red;}`: the last declaration needs no end
        elif node.type == "function":
            node.arguments = _trimmed(_tight(node.arguments))
        kept.append(node)
    return _trimmed(kept)


def _script(text: str) -> str:
    return rjsmin.jsmin(text, keep_bang_comments=True)


_MINIFIERS = {".css": stylesheet, ".js": _script, ".mjs": _script}


def _starts_declaration(kept: list[ast.Node]) -> bool:
    """Whether the next node begins a declaration: first in its block, or after `;` or a rule."""
    return not kept or kept[-1].type == "{} block" or _is(kept[-1], ";")


def _is(node: ast.Node, literal: str) -> bool:
    return node.type == "literal" and node.value == literal


def _loose(node: ast.Node) -> bool:
    return node.type == "{} block" or (node.type == "literal" and node.value in _LOOSE)


def _drop_space(kept: list[ast.Node]) -> None:
    if kept and kept[-1].type == "whitespace":
        kept.pop()


def _trimmed(nodes: list[ast.Node]) -> list[ast.Node]:
    while nodes and nodes[0].type == "whitespace":
        nodes.pop(0)
    _drop_space(nodes)
    return nodes
