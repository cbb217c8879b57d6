"""`demo-shop serve`, without starting a real server (the contract tests do that)."""

from __future__ import annotations

import re

import pytest
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


def test_public_url_goes_into_image_and_checkout_urls_but_not_into_the_binding(monkeypatch):
    # A Hydrogen app's development Content-Security-Policy allows images from
    # http://localhost:* only: the shop binds 127.0.0.1 and hands out localhost URLs.
    started = {}

    def run(self):
        started.update(self.options, app=self.app)
        self.options["when_ready"](None)

    monkeypatch.setattr(cli._Gunicorn, "run", run)
    result = CliRunner().invoke(cli.demo_shop_cli, [
        "serve", "--port", "8124", "--token", "t0k", "--catalog", str(FIXTURE_CATALOG),
        "--public-url", "http://localhost:8124/",
    ])
    assert result.exit_code == 0, result.output
    assert LISTENING.search(result.output).group(1) == "http://127.0.0.1:8124"
    assert started["bind"] == "127.0.0.1:8124"
    reply = started["app"].test_client().post(
        "/api/2026-04/graphql.json",
        json={"query": "{ products(first: 1) { nodes { featuredImage { url } } } }"},
        headers={"X-Shopify-Storefront-Access-Token": "t0k"},
    ).get_json()
    image = reply["data"]["products"]["nodes"][0]["featuredImage"]["url"]
    assert image.startswith("http://localhost:8124/demo-shop/files/")
    checkout = started["app"].test_client().post(
        "/api/2026-04/graphql.json",
        json={"query": "mutation { cartCreate { cart { checkoutUrl } } }"},
        headers={"X-Shopify-Storefront-Access-Token": "t0k"},
    ).get_json()["data"]["cartCreate"]["cart"]["checkoutUrl"]
    assert checkout.startswith("http://localhost:8124/demo-shop/checkouts/")
    # The image is served where the URL says (the file route does not care about the host).
    path = image.removeprefix("http://localhost:8124")
    assert started["app"].test_client().get(path).status_code == 200


@pytest.mark.parametrize("bad", ["localhost:8100", "ftp://localhost", "http://localhost/x",
                                 "http://local host", "javascript:alert(1)"])
def test_public_url_must_be_an_origin(monkeypatch, bad):
    monkeypatch.setattr(cli._Gunicorn, "run", lambda self: pytest.fail("must not start"))
    result = CliRunner().invoke(cli.demo_shop_cli, ["serve", "--public-url", bad])
    assert result.exit_code == 2
    assert "give an origin such as http://localhost:8100" in result.output
    assert "Traceback" not in result.output
