"""Creators' codes checked against the shop, over real HTTP: the demo shop runs as its own
server with a copy of the shipped catalog plus discounts of this test's own."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from storefront.creators import shop_check
from storefront.creators.fields import Context
from storefront.creators.shop_check import (
    DIFFERENT,
    INACTIVE,
    MISSING,
    OK,
    UNCHECKED,
    Throttle,
)
from storefront.creators.validate import check_data
from storefront.shopify.client import StorefrontClient
from storefront.shopify.transport import HTTPTransport, endpoint_url
from tests.support import processes
from tests.support.ports import free_port
from tests.web.offer_kinds import offer_catalog

TOKEN = "shop-check-token"
NOW = datetime.now(UTC)  # the demo shop judges dates by its own clock: the real one

DISCOUNTS = [
    {"code": "OLD20", "type": "percentage", "value": "20", "status": "active",
     "endsAt": "2020-01-01T00:00:00Z"},
    {"code": "TEN", "type": "percentage", "value": "10", "status": "active"},
]


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    root = tmp_path_factory.mktemp("shop-check")
    server = processes.start([
        sys.executable, "-m", "storefront.demo_shop", "serve", "--port", "0", "--token", TOKEN,
        "--cart-db", str(root / "carts.sqlite3"),
        "--catalog", str(offer_catalog(root / "shop", extra=DISCOUNTS)),
    ])
    try:
        yield server
    finally:
        server.stop()
    assert "Traceback" not in server.log(), server.log()


@pytest.fixture(scope="module")
def client(shop) -> Iterator[StorefrontClient]:
    return StorefrontClient(HTTPTransport(endpoint_url(shop.url, "2026-04"), public_token=TOKEN))


def creator(handle: str, code: str, offer: dict | None = None):
    data = {"name": handle.title(), "discount": {"code": code}}
    if offer is not None:
        data["offer"] = offer
    found, problems = check_data(handle, data, Context())
    assert not problems, problems
    return found


def check(client, *creators, throttle: Throttle | None = None):
    return shop_check.check_all(client, creators, now=NOW,
                                throttle=throttle or Throttle(pause=0))


def test_a_code_the_shop_does_not_have(client):
    (result,) = check(client, creator("nora", "NORA10", {"percent": 10}))
    assert (result.outcome, result.applies) == (MISSING, False)
    assert result.line() == "nora: NORA10: does not exist in the shop (DISCOUNT_NOT_FOUND)"


def test_an_expired_code(client):
    (result,) = check(client, creator("olga", "OLD20", {"percent": 20}))
    assert (result.outcome, result.applies) == (INACTIVE, False)
    assert result.detail == "is not active in the shop now (DISCOUNT_CURRENTLY_INACTIVE)"


def test_a_code_whose_amount_differs_from_the_file(client):
    (result,) = check(client, creator("tess", "TEN", {"percent": 15}))
    assert result.outcome == DIFFERENT
    assert result.applies and not result.as_declared
    assert result.detail.startswith("takes ") and "but its [offer] says" in result.detail


@pytest.mark.parametrize(("code", "offer"), [
    ("COLL20", {"percent": 20}),  # limited to apparel in the shop; everything in the file
    ("TEN", {"percent": 10, "collections": ["apparel"]}),  # the other way round
])
def test_a_code_whose_scope_differs_from_the_file(client, code, offer):
    (result,) = check(client, creator("cole", code, offer))
    assert (result.outcome, result.applies) == (DIFFERENT, True), result.detail


@pytest.mark.parametrize(("code", "offer"), [
    ("MAYA15", {"percent": 15}),  # the shipped demo code
    ("COLL20", {"percent": 20, "collections": ["apparel"]}),
    ("TEE10", {"amount": "10.00", "products": ["organic-cotton-tee"]}),
    ("MIN50", {"percent": 10, "minimum_subtotal": "50.00"}),
    ("TAKE5", {"amount": "5.00"}),
    ("TEN", None),  # no [offer]: only whether it applies
])
def test_a_code_that_applies_as_declared(client, code, offer):
    (result,) = check(client, creator("maya", code, offer))
    assert (result.outcome, result.applies, result.as_declared) == (OK, True, True), result.detail


def test_runs_are_throttled_and_capped(client):
    pauses: list[float] = []
    throttle = Throttle(pause=0.25, cap=2, sleep=pauses.append)
    results = check(client, creator("a", "MAYA15"), creator("b", "TEN"), creator("c", "TAKE5"),
                    throttle=throttle)
    assert [r.outcome for r in results] == [OK, OK, UNCHECKED]
    assert pauses == [0.25]  # between the two carts made, not before the first
    assert results[2].detail == "not checked: this run's cap of 2 carts was reached"


def test_the_commands_lines_and_exit(client):
    results, lines, failed = shop_check.report(
        client, [creator("maya", "MAYA15", {"percent": 15}), creator("nora", "NORA10")],
        now=NOW, throttle=Throttle(pause=0))
    assert [r.outcome for r in results] == [OK, MISSING]
    assert lines[0].startswith("maya: MAYA15: applies as declared (")
    assert lines[1:] == ["nora: NORA10: does not exist in the shop (DISCOUNT_NOT_FOUND)",
                         "1 of 2 codes failing"]
    assert failed
    _, lines, failed = shop_check.report(client, [creator("maya", "MAYA15", {"percent": 15})],
                                         now=NOW, throttle=Throttle(pause=0))
    assert lines[-1] == "1 code applies as declared" and not failed


def app_over(shop_url: str, folder):
    """The store on the shop at `shop_url`, with the creator files in `folder`."""
    from storefront import create_app

    return create_app({"SHOPIFY_STORE_DOMAIN": shop_url, "SHOPIFY_STOREFRONT_TOKEN": TOKEN,
                       "SECRET_KEY": "a-test-secret-key-of-more-than-32-characters",
                       "CREATORS_DIR": str(folder), "CREATORS_RELOAD_SECONDS": "0"})


def test_the_command_against_the_shop_over_http(shop, tmp_path):
    from storefront.creators.code_checks import checks_of

    folder = tmp_path / "creators"
    folder.mkdir()
    (folder / "maya.toml").write_text('name = "Maya"\n[discount]\ncode = "MAYA15"\n'
                                      '[offer]\npercent = 15\n')
    (folder / "nora.toml").write_text('name = "Nora"\n[discount]\ncode = "NORA10"\n')
    app = app_over(shop.url, folder)
    done = app.test_cli_runner().invoke(args=["creators", "check", "--shop"])
    assert done.exit_code == 1, done.output
    lines = done.output.splitlines()
    assert lines[0] == "2 creators OK"
    assert lines[1].startswith("maya: MAYA15: applies as declared (")
    assert lines[2:] == ["nora: NORA10: does not exist in the shop (DISCOUNT_NOT_FOUND)",
                         "1 of 2 codes failing"]
    # Kept for the running store: Nora's banner stops promising her code at once.
    with app.app_context():
        checks = checks_of(app)
        checks.reload()
        nora = app.extensions["creators"].get("nora")
        assert checks.for_creator(nora).outcome == MISSING
    plain = app.test_cli_runner().invoke(args=["creators", "check"])
    assert plain.exit_code == 0 and plain.output == "2 creators OK\n"


def test_the_command_checks_each_creators_market_over_http(shop, tmp_path):
    # The demo shop sells in en-us (the primary market), en-ca, fr-ca and fr-fr.
    folder = tmp_path / "creators"
    folder.mkdir()
    for handle, market in (("ann", "fr-ca"), ("ben", "de-de"), ("cy", "en-us")):
        (folder / f"{handle}.toml").write_text(f'name = "{handle}"\nmarket = "{market}"\n')
    (folder / "dee.toml").write_text('name = "Dee"\nstatus = "archived"\nmarket = "de-de"\n')
    app = app_over(shop.url, folder)
    done = app.test_cli_runner().invoke(args=["creators", "check", "--shop"])
    assert done.exit_code == 1, done.output
    lines = done.output.splitlines()
    assert lines[:2] == ["4 creators OK", "no creator has a code to try"]
    assert lines[2:] == [
        "ann: market fr-ca: the shop sells there",
        "ben: market de-de: the shop does not sell there (it sells in en-us, en-ca, "
        "fr-ca, fr-fr); the link opens in the primary market",
        "cy: market en-us: the primary market, whose addresses have no prefix; "
        "the link opens as it is",
    ]
    (folder / "ben.toml").unlink()
    again = app.test_cli_runner().invoke(args=["creators", "check", "--shop"])
    assert again.exit_code == 0, again.output


def test_a_market_check_with_shopify_down_fails_and_says_so(tmp_path):
    folder = tmp_path / "creators"
    folder.mkdir()
    (folder / "ann.toml").write_text('name = "Ann"\nmarket = "fr-ca"\n')
    app = app_over(f"http://127.0.0.1:{free_port()}", folder)  # (nothing listens there)
    done = app.test_cli_runner().invoke(args=["creators", "check", "--shop"])
    assert done.exit_code == 1, done.output
    assert done.output.splitlines()[-1].startswith("markets: not checked: Shopify failed (")
