"""The access line gunicorn writes, built from only what its format names
(storefront.access_log): the same line as gunicorn's own, for any format."""

from __future__ import annotations

import base64
import datetime
from pathlib import Path

import pytest
from gunicorn import glogging
from gunicorn.config import Config

from storefront.access_log import AccessLog, named
from tests.support.processes import ROOT

DEFAULT = Config().access_log_format
FORMATS = [
    DEFAULT,
    '%(h)s %(u)s "%(r)s" %(s)s %(b)s %(D)s {%({X-Request-Id}o)s} "%({user-agent}i)s"',
    '%({Content-Type}o)s|%({COOKIE}i)s|%({remote_addr}e)s|%({missing}i)s|%({wsgi.url_scheme}e)s',
    "%({x-forwarded-for}i)s %({set-cookie}o)s %(p)s %(m)s %(U)s %(q)s %(H)s %(f)s %(a)s",
]


class Request:
    def __init__(self, headers):
        self.headers = headers


class Response:
    def __init__(self, status, headers, sent):
        self.status, self.headers, self.sent = status, headers, sent


def a_request():
    user = base64.b64encode(b"admin:secret").decode()
    headers = [("HOST", "shop.example"), ("USER-AGENT", 'Mozilla/5.0 "quoted"'),
               ("COOKIE", "session=abc.def; referral=ghi"), ("X-FORWARDED-FOR", "203.0.113.9"),
               ("AUTHORIZATION", f"Basic {user}")]
    response = Response("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                   ("X-Request-Id", "d2bbbbab3946474fb738b1ed9e51928b"),
                                   ("Set-Cookie", "session=x; HttpOnly"),
                                   ("Content-Length", "11498")], 11498)
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/creator-stats/[hidden]?month=2026-11",
               "SERVER_PROTOCOL": "HTTP/1.1", "PATH_INFO": "/creator-stats/x",
               "QUERY_STRING": "month=2026-11", "REMOTE_ADDR": "127.0.0.1",
               "HTTP_REFERER": "https://shop.example/", "HTTP_USER_AGENT": 'Mozilla/5.0 "quoted"',
               "HTTP_AUTHORIZATION": f"Basic {user}", "wsgi.url_scheme": "https"}
    return response, Request(headers), environ


@pytest.mark.parametrize("access_format", FORMATS)
def test_the_line_is_gunicorns_own(tmp_path, monkeypatch, access_format):
    lines = {}
    for kind in (glogging.Logger, AccessLog):
        path = tmp_path / f"{kind.__name__}.log"
        config = Config()
        config.set("accesslog", str(path))
        config.set("access_log_format", access_format)
        logger = kind(config)
        monkeypatch.setattr(logger, "now", lambda: "[27/Nov/2026:13:00:00 +0000]")
        response, request, environ = a_request()
        logger.access(response, request, environ, datetime.timedelta(microseconds=1234))
        for handler in logger.access_log.handlers:
            handler.flush()
        lines[kind] = Path(path).read_text()
    assert lines[AccessLog] == lines[glogging.Logger]
    assert lines[AccessLog].count("\n") == 1


def test_the_names_a_format_uses():
    assert named(DEFAULT) == {"i": frozenset(), "o": frozenset(), "e": frozenset()}
    assert named(FORMATS[2]) == {"i": {"cookie", "missing"}, "o": {"content-type"},
                                 "e": {"remote_addr", "wsgi.url_scheme"}}


def test_the_shipped_configuration_uses_it():
    config = Config()
    settings = {}
    shipped = ROOT / "gunicorn.conf.py"
    exec(compile(shipped.read_text(), str(shipped), "exec"), settings)
    config.set("logger_class", settings["logger_class"])
    assert config.logger_class is AccessLog
