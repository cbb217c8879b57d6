"""A wrong setting stops gunicorn once, in the master, with one message and a non-zero exit."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support import STRONG_KEY
from tests.support.processes import ROOT

GUNICORN = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"]
REAL_SHOP = {"SHOPIFY_STORE_DOMAIN": "shop.myshopify.com", "SHOPIFY_STOREFRONT_TOKEN": "t"}


@pytest.mark.slow
@pytest.mark.parametrize(("setting", "message"), [
    ({**REAL_SHOP, "SECRET_KEY": "dev"}, "SECRET_KEY is too weak for a real shop"),
    ({**REAL_SHOP, "SECRET_KEY": STRONG_KEY, "SECRET_KEY_FALLBACKS": "dev,changeme"},
     "SECRET_KEY_FALLBACKS (key 1) is too weak"),
    ({"ADMIN_USERNAME": "admin", "ADMIN_PASSWORD": "x"}, "ADMIN_PASSWORD is too short"),
    ({"THEME": "nosuchtheme"}, "THEME='nosuchtheme'"),
])
def test_a_bad_setting_exits_gunicorn_with_one_message(setting, message):
    env = {"PATH": "", "PYTHONDONTWRITEBYTECODE": "1", "BIND": "127.0.0.1:0",
           "WEB_CONCURRENCY": "2", **setting}
    done = subprocess.run(GUNICORN, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60)  # a server that keeps restarting workers runs into this
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert output.count("storefront: cannot start:") == 1, output
    assert message in output
    assert "Booting worker" not in output and "Traceback" not in output
