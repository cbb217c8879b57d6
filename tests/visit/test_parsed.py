"""Cookies and queries parsed once per distinct input (storefront.visit.parsed), and
request ids (storefront.visit.headers.request_id)."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

import pytest
from werkzeug.http import parse_cookie

from storefront.visit import headers, parsed

COOKIE_HEADERS = [
    "",
    "referral=abc.def.ghi",
    "session=.eJx; cart=gid%3A%2F%2Fshopify%2FCart%2F1; cart_count=3",
    'quoted="a value; with a semicolon"; plain=1',
    "twice=first; twice=second",  # the first of a repeated name, as Werkzeug reads it
    "  spaced = yes ;;; empty=; =nameless",
    "caf\xc3\xa9=cr\xc3\xa8me",  # UTF-8 bytes as a WSGI (latin-1) string
]


@pytest.mark.parametrize("header", COOKIE_HEADERS)
def test_cookies_read_as_werkzeug_reads_them(header):
    assert dict(parsed.cookies(header)) == parse_cookie(header).to_dict()
    assert dict(parsed.cookies(header)) == dict(parsed.cookies(header))  # kept or not


def test_no_cookie_header_is_no_cookies():
    assert dict(parsed.cookies(None)) == {} and dict(parsed.cookies("")) == {}


def test_kept_cookies_cannot_be_changed_by_the_request_that_reads_them():
    kept = parsed.cookies("cart_count=2; referral=x")
    with pytest.raises(TypeError):
        kept["cart_count"] = "99"  # type: ignore[index]
    assert parsed.cookies("cart_count=2; referral=x")["cart_count"] == "2"


def test_a_repeated_header_is_parsed_once_and_a_long_one_every_time(monkeypatch):
    calls = []

    def counting(header, *args, **kwargs):
        calls.append(header)
        return parse_cookie(header, *args, **kwargs)

    monkeypatch.setattr(parsed, "parse_cookie", counting)
    parsed._cookies.cache_clear()
    for _ in range(3):
        assert parsed.cookies("visitor=one")["visitor"] == "one"
    assert calls == ["visitor=one"]
    long = "x=" + "y" * parsed.LONGEST_KEPT
    for _ in range(2):
        assert parsed.cookies(long)["x"] == "y" * parsed.LONGEST_KEPT
    assert calls.count(long) == 2  # never kept: what a client sends cannot grow the memory


def test_a_header_werkzeug_cannot_read_fails_as_it_did_and_is_not_kept():
    bad = "name=\xff\xfe"  # not UTF-8 once taken back to bytes
    with pytest.raises(UnicodeDecodeError):
        parse_cookie(bad)
    with pytest.raises(UnicodeDecodeError):
        parsed.cookies(bad)
    with pytest.raises(UnicodeDecodeError):
        parsed.cookies(bad)


@pytest.mark.parametrize("string", [
    "", "q=a", "after=WzExXQ%3D%3D&q=a", "q=&sort=price", "a=1&a=2&b", "q=caf%C3%A9+cr%C3%A8me",
    "utm_source=x&ref=maya&q=tee",
])
def test_queries_read_as_parse_qsl_reads_them(string):
    assert list(parsed.query(string)) == parse_qsl(string, keep_blank_values=True)
    assert parsed.query(string) == parsed.query(string)


def test_a_long_query_is_parsed_every_time(monkeypatch):
    calls = []

    def counting(string, **kwargs):
        calls.append(string)
        return parse_qsl(string, **kwargs)

    monkeypatch.setattr(parsed, "parse_qsl", counting)
    parsed._query.cache_clear()
    short, long = "page=2", "q=" + "z" * parsed.LONGEST_KEPT
    for _ in range(2):
        parsed.query(short)
        parsed.query(long)
    assert calls.count(short) == 1 and calls.count(long) == 2


def test_a_request_id_is_kept_when_it_looks_like_one_else_made():
    assert headers.request_id("edge-1234.abcd") == "edge-1234.abcd"
    made = {headers.request_id(given) for given in ("", "short", "spa ce-12345", "x" * 129)}
    assert len(made) == 4
    assert all(re.fullmatch(r"[0-9a-f]{32}", one) for one in made)
