"""`demo-shop serve`, without starting a real server (the contract tests do that)."""

from __future__ import annotations

import re

from click.testing import CliRunner

from storefront.demo_shop import cli
from tests.demo_shop.conftest import FIXTURE_CATALOG

LISTENING = re.compile(r"Listening at: (http://[\d.]+:\d+)")  # what tests/support waits for


def test_serve_runs_one_gthread_worker_and_says_where_it_listens(monkeypatch, tmp_path):
    started = {}

    def run(self):
        started.update(self.options, app=self.app)
        self.options["when_ready"](None)

    monkeypatch.setattr(cli._Gunicorn, "run", run)
    result = CliRunner().invoke(
        cli.demo_shop_cli,
        [
            "serve",
            "--port",
            "8123",
            "--token",
            "t0k",
            "--latency-ms",
            "5",
            "--threads",
            "4",
            "--cart-db",
            str(tmp_path / "carts.sqlite3"),
            "--catalog",
            str(FIXTURE_CATALOG),
        ],
    )
    assert result.exit_code == 0, result.output
    assert LISTENING.search(result.output).group(1) == "http://127.0.0.1:8123"
    assert (started["bind"], started["workers"], started["worker_class"], started["threads"]) == (
        "127.0.0.1:8123",
        1,
        "gthread",
        4,
    )
    client = started["app"].test_client()
    reply = client.post(
        "/api/2026-04/graphql.json",
        json={"query": "mutation { cartCreate { cart { checkoutUrl } } }"},
        headers={"X-Shopify-Storefront-Access-Token": "t0k"},
    )
    url = reply.get_json()["data"]["cartCreate"]["cart"]["checkoutUrl"]
    assert url.startswith("http://127.0.0.1:8123/demo-shop/checkouts/")
    assert (tmp_path / "carts.sqlite3").exists()


def test_port_zero_picks_a_free_port(monkeypatch):
    monkeypatch.setattr(cli._Gunicorn, "run", lambda self: self.options["when_ready"](None))
    result = CliRunner().invoke(
        cli.demo_shop_cli, ["serve", "--port", "0", "--catalog", str(FIXTURE_CATALOG)]
    )
    assert result.exit_code == 0, result.output
    assert int(LISTENING.search(result.output).group(1).rsplit(":", 1)[1]) > 0


def test_help_lists_the_options():
    result = CliRunner().invoke(cli.demo_shop_cli, ["serve", "--help"])
    for option in ["--host", "--port", "--token", "--latency-ms", "--threads", "--cart-db"]:
        assert option in result.output
