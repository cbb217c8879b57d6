"""What the store does with the checks of creators' codes against the shop: a creator whose
code does not apply never gets the "applied" promise nor prices; one whose code applies
otherwise than declared keeps the promise but shows no prices. Results come from the shared
cache (as `creators check --shop` or the background writes them), never from a page view."""

from __future__ import annotations

import time

import pytest

from storefront import create_app
from storefront.creators import code_checks, shop_check
from storefront.creators.code_checks import checks_of
from storefront.demo_shop import catalog as demo_catalog
from tests.web.conftest import text
from tests.web.offer_kinds import creator_prices, offer_catalog, offer_creators

TEE = "/products/organic-cotton-tee"


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setattr(demo_catalog, "DEFAULT_CATALOG", offer_catalog(tmp_path / "shop"))
    app = create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3"),
                      "CREATORS_DIR": str(offer_creators(tmp_path))})
    return app


def record(app, handle: str, outcome: str, detail: str = "seen") -> None:
    creator = app.extensions["creators"].get(handle)
    result = shop_check.Result(handle, creator.discount.code, outcome, detail, time.time())
    with app.app_context():
        checks_of(app).save({handle: creator}, [result])


def pages(app, handle: str) -> tuple[str, str]:
    client = app.test_client()
    landing = client.get(f"/@{handle}")
    assert landing.status_code == 200
    return text(landing), text(client.get(TEE))


@pytest.mark.parametrize("outcome", [shop_check.MISSING, shop_check.INACTIVE,
                                     shop_check.NOT_APPLIED])
def test_a_code_that_does_not_apply_is_never_promised(app, outcome):
    landing, product = pages(app, "pct")  # warm the page cache with the promise first
    assert "applied" in landing and creator_prices(product) != []
    record(app, "pct", outcome)
    landing, product = pages(app, "pct")
    for page in (landing, product):
        assert "applied" not in page
        assert "PCT15" not in page.split('class="creator-banner"')[1].split("</aside>")[0]
        assert "You're shopping" in page  # the creator's welcome stays
        assert creator_prices(page) == []


def test_a_code_that_applies_otherwise_keeps_the_promise_without_prices(app):
    record(app, "pct", shop_check.DIFFERENT)
    landing, product = pages(app, "pct")
    assert "applied at checkout" in product and "already applied" in landing
    assert creator_prices(product) == [] and creator_prices(landing) == []


def test_a_code_that_applies_as_declared_changes_nothing(app):
    record(app, "pct", shop_check.OK)
    landing, product = pages(app, "pct")
    assert "already applied" in landing and creator_prices(product) != []


def test_a_result_for_another_offer_is_ignored(app, tmp_path):
    record(app, "pct", shop_check.MISSING)
    folder = tmp_path / "creators"

    def another_app():
        return create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3"),
                           "CREATORS_DIR": str(folder)})

    assert "already applied" not in pages(another_app(), "pct")[0]  # shared by every process
    (folder / "pct.toml").write_text(
        (folder / "pct.toml").read_text().replace("percent = 15", "percent = 12"))
    # A changed offer is promised as before until it is checked again.
    assert "already applied" in pages(another_app(), "pct")[0]


def test_a_background_round_checks_new_creators_once(app):
    # The in-process demo shop behind the app: the offer kinds' codes exist there.
    throttle = shop_check.Throttle(pause=0)
    checked = code_checks.run_once(app, throttle)
    assert checked == len(shop_check.to_check(app.extensions["creators"]))
    assert code_checks.run_once(app, shop_check.Throttle(pause=0)) == 0  # nothing changed
    with app.app_context():
        result = checks_of(app).for_creator(app.extensions["creators"].get("pct"))
    assert result.outcome == shop_check.OK, result.detail
