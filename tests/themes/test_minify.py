"""Theme stylesheets and scripts minified: comments and spare whitespace go, meaning stays.

tests/browser/test_minified_css.py shows the shipped themes style every element
of their pages the same, minified or as written.
"""

from __future__ import annotations

import pytest

from storefront.theming.minify import minified, problems, read, stylesheet


@pytest.mark.parametrize(("written", "served"), [
    # Comments go; licence comments (/*!) stay.
    ("/*! MIT licence */\n/* why */\na { color: red }", "/*! MIT licence */ a{color:red}"),
    # Whitespace beside braces, semicolons, commas and the combinators > and ~ goes.
    ("ul  >  li ~ p , h2 { margin : 0 ; padding: 0; }", "ul>li~p,h2{margin : 0;padding:0}"),
    # A descendant space and a space before a pseudo-class are selectors' meaning.
    ("nav a :hover { color: red }", "nav a :hover{color:red}"),
    # calc() needs its spaces around + and -.
    ("a { width: calc( 100% - 2px + 1rem ) }", "a{width:calc(100% - 2px + 1rem)}"),
    # Strings and URLs come out as written, spaces and comment-like text too.
    ('a::before { content: "two  spaces /* kept */" }',
     'a::before{content:"two  spaces /* kept */"}'),
    ('a { background: url( "/a  b.svg" ) }', 'a{background:url("/a  b.svg")}'),
    ("a { background: url(/a%20b.svg) }", "a{background:url(/a%20b.svg)}"),
    # Custom properties keep their text: scripts read it with getPropertyValue.
    (":root { --font: Inter,  serif; --gap:clamp(1rem, 2vw, 3rem) ; }",
     ":root{--font: Inter,  serif;--gap:clamp(1rem, 2vw, 3rem)}"),
    # Media queries and !important.
    ("@media (max-width: 40rem) and (hover: hover) { a { color: red !important } }",
     "@media (max-width:40rem) and (hover:hover){a{color:red !important}}"),
    # Removing a comment never joins two words into one.
    ("a/**/b { x: y }", "a/**/b{x:y}"),
    ("", ""),
])
def test_stylesheets_lose_comments_and_spare_whitespace_only(written, served):
    assert stylesheet(written) == served


@pytest.mark.parametrize("broken", ['a { content: "unclosed }', "a { color: red } }", "a { (]"])
def test_a_stylesheet_the_tokenizer_finds_broken_is_served_as_written(broken):
    assert stylesheet(broken) == broken
    assert problems(broken)  # and theme check says where


def test_problems_name_the_line_and_what_is_wrong():
    assert problems("a {}\nb { background: url(x y) }\n@media (x) { c { d: e } ] }") == [
        (2, "bad URL token"), (3, "Unmatched ]")]
    assert problems("a { color: red") == []  # a block the file's end closes, as browsers do


def test_scripts_keep_strings_regular_expressions_and_statement_ends():
    script = """/*! cart.js, MIT licence */
// Counts the cart's lines: a comment for the theme's developers only.
const spaced = "two  spaces // not a comment";
const template = `a  ${1 + 2} // not a comment`;
export const pattern = /a  b\\/c/g;   /* a regular expression */
let total = 4 / 2 / 1
total++
"""
    assert minified(script, ".js") == (
        "/*! cart.js, MIT licence */"
        'const spaced="two  spaces // not a comment";'
        "const template=`a  ${1 + 2} // not a comment`;"
        "export const pattern=/a  b\\/c/g;let total=4/2/1\ntotal++")


@pytest.mark.parametrize("suffix", [".svg", ".json", ".html", ".txt"])
def test_other_files_are_left_as_written(suffix):
    assert minified("  <a> /* x */  ", suffix) == "  <a> /* x */  "


def test_read_minifies_utf8_stylesheets_and_scripts_and_nothing_else(tmp_path):
    (tmp_path / "a.CSS").write_text("a { color: red } /* é */", "utf-8")
    (tmp_path / "b.css").write_bytes("/* caf\xe9 */ a { color: red }".encode("latin-1"))
    (tmp_path / "c.mjs").write_text("export const  a = 1; // why\n")
    (tmp_path / "d.svg").write_text("<svg>  </svg>")
    assert read(tmp_path / "a.CSS") == b"a{color:red}"
    assert read(tmp_path / "b.css") == "/* caf\xe9 */ a { color: red }".encode("latin-1")
    assert read(tmp_path / "c.mjs") == b"export const a=1;"
    assert read(tmp_path / "d.svg") == b"<svg>  </svg>"
