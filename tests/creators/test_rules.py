"""Link and image checks: only https:// URLs and same-site paths get through."""

from __future__ import annotations

import pytest

from storefront.creators.rules import handle_problem, image_problem, url_problem

PATH_WANTED = "use an https:// URL or a path starting with one /"


@pytest.mark.parametrize(
    "url",
    [
        "https://www.instagram.com/maya",
        "HTTPS://example.com/a?b=c#d",
        "https://example.com:8443/",
        "https://example.com/%E2%9C%93",
        "/collections/sale",
        "/",
        "/products/linen-shirt?variant=1#top",
    ],
)
def test_safe_links(url):
    assert url_problem(url, path_ok=True) is None


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("javascript:alert(1)", "'javascript:alert(1)' is refused: javascript: links"),
        ("JaVaScRiPt:alert(1)", "'JaVaScRiPt:alert(1)' is refused: javascript: links"),
        (" javascript:alert(1)", "' javascript:alert(1)' is refused: javascript: links"),
        ("java\tscript:alert(1)", "'java\\tscript:alert(1)' is refused: javascript: links"),
        ("\x01javascript:alert(1)", "'\\x01javascript:alert(1)' is refused: javascript: links"),
        ("%6Aavascript:alert(1)", "'%6Aavascript:alert(1)' is refused: javascript: links"),
        ("%256Aavascript:alert(1)", "'%256Aavascript:alert(1)' is refused: javascript: links"),
        ("data:text/html,<script>", "'data:text/html,<script>' is refused: data: links"),
        ("vbscript:msgbox", "'vbscript:msgbox' is refused: vbscript: links"),
        ("http://example.com", "'http://example.com' must use https://, not http://"),
        ("HTTP://example.com", "'HTTP://example.com' must use https://, not http://"),
        ("//evil.example/x", "'//evil.example/x' must start with one /, not two"),
        ("/%2Fevil.example", "'/%2Fevil.example' must start with one /, not two"),
        ("/\\evil.example", "'/\\\\evil.example' must not contain a backslash"),
        ("/%5Cevil.example", "'/%5Cevil.example' must not contain a backslash"),
        ("/a b", "'/a b' must not contain spaces or control characters"),
        ("/a%20b", "'/a%20b' must not contain spaces or control characters"),
        ("/a\u200bb", "'/a\\u200bb' must not contain spaces or control characters"),
        ("/a%00", "'/a%00' must not contain spaces or control characters"),
        ("https://", "'https://' has no host name"),
        ("https://brand.com@evil.example/", "must not contain a user name"),
        ("https://example.com:99999/", "is not a valid URL"),
        ("ftp://example.com", "'ftp://example.com' must be an https:// URL or a path"),
        ("collections/sale", "'collections/sale' must be an https:// URL or a path"),
        ("", "'' must be an https:// URL or a path"),
    ],
)
def test_unsafe_links(url, problem):
    assert problem in (url_problem(url, path_ok=True) or "")


def test_refused_link_says_what_to_use():
    assert url_problem("javascript:x", path_ok=True) == (
        f"'javascript:x' is refused: javascript: links are not allowed; {PATH_WANTED}"
    )


def test_paths_only_where_allowed():
    assert url_problem("/about") == "'/about' must be an https:// URL"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("maya.svg", None),
        ("MAYA.SVG", "no file 'MAYA.SVG' in creators/media/"),
        ("https://cdn.example.com/a.png", None),
        ("http://cdn.example.com/a.png", "must use https://"),
        ("javascript:alert(1)", "is refused"),
        ("..", "must be a file name"),
        ("media/maya.svg", "must be a file name"),
        ("a\\maya.svg", "must be a file name"),
        ("my photo.png", "must be a file name"),
        ("maya.html", "must be an image file"),
    ],
)
def test_images(value, problem):
    found = image_problem(value, frozenset({"maya.svg"}), "creators/media/")
    assert (found is None) if problem is None else (problem in found)


@pytest.mark.parametrize("handle", ["maya", "m", "0day", "sam-writes", "sam_ito", "a" * 64])
def test_handles(handle):
    assert handle_problem(handle) is None


@pytest.mark.parametrize("handle", ["", "Maya", "-maya", "_maya", "ma ya", "maya.r", "mayä"])
def test_not_handles(handle):
    assert handle_problem(handle) == "lowercase letters, digits, '-' and '_'"
