"""`demo-shop serve --webhook-url`: where the standalone shop's orders send their webhooks."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from storefront.demo_shop import cli
from storefront.demo_shop.order_views import SENDER


@pytest.fixture
def served(monkeypatch, tmp_path):
    """Run `serve ARGS` without a real server; what gunicorn would have been given."""

    def serve(*args: str, env: dict | None = None):
        started = {}
        monkeypatch.setattr(cli._Gunicorn, "run", lambda self: started.update(
            self.options, app=self.app))
        result = CliRunner().invoke(cli.demo_shop_cli, [
            "serve", "--port", "8124", "--cart-db", str(tmp_path / "c.sqlite3"), *args],
            env=env or {})
        return result, started

    return serve


def test_the_webhook_url_and_the_secret_from_the_environment_reach_the_sender(served):
    result, started = served("--webhook-url", "http://127.0.0.1:8000/webhooks/shopify",
                             env={"SHOPIFY_WEBHOOK_SECRET": "s3cret"})
    assert result.exit_code == 0, result.output
    app = started["app"]
    assert app.config["DEMO_SHOP_WEBHOOK_URL"] == "http://127.0.0.1:8000/webhooks/shopify"
    assert app.extensions[SENDER].secret == "s3cret"
    assert callable(started["post_worker_init"])  # resumes pending webhooks in the worker
    assert "s3cret" not in result.output


def test_the_webhook_url_may_come_from_the_environment(served):
    result, started = served(env={"DEMO_SHOP_WEBHOOK_URL": "http://store:8000/webhooks/shopify",
                                  "SHOPIFY_WEBHOOK_SECRET": "s"})
    assert result.exit_code == 0, result.output
    assert started["app"].config["DEMO_SHOP_WEBHOOK_URL"] == "http://store:8000/webhooks/shopify"


def test_a_webhook_url_needs_a_secret_and_must_be_a_url(served):
    result, started = served("--webhook-url", "http://127.0.0.1:8000/webhooks/shopify",
                             env={"SHOPIFY_WEBHOOK_SECRET": ""})
    assert result.exit_code == 2 and "SHOPIFY_WEBHOOK_SECRET" in result.output and not started
    result, started = served("--webhook-url", "file:///etc/passwd",
                             env={"SHOPIFY_WEBHOOK_SECRET": "s"})
    assert result.exit_code == 2 and "http(s)://" in result.output and not started


def test_without_a_webhook_url_orders_send_nothing(served):
    result, started = served()
    assert result.exit_code == 0, result.output
    assert started["app"].config["DEMO_SHOP_WEBHOOK_URL"] is None
