"""The benchmark's parts that need no load: creator files, cookies, targets, the shop's counter."""

from __future__ import annotations

from bench import creators, recording, report, scenarios
from bench.measurement import percentile
from storefront.attribution import Signer
from storefront.creators.registry import Registry
from storefront.demo_shop.shop import DemoShop
from storefront.demo_shop.web import create_http_app
from tests.support.processes import ROOT

TOKEN = "t"
QUERY = "query ShopName { shop { name } }"


def test_generated_creators_pass_the_stores_checks(tmp_path):
    catalog = creators.Catalog.load()
    handles = creators.creators_dir(tmp_path / "creators", 60, catalog)

    registry = Registry(tmp_path / "creators", ROOT / "themes", log_problems=False)
    registry.load()
    assert registry.problems == []
    assert len(handles) == 60
    assert len(registry) == 60 + len(list(creators.SHIPPED.glob("*.toml")))
    assert registry.get("bench-00042").collections  # featured collections made it in


def test_the_referral_cookie_is_what_the_store_signs():
    cookie = creators.referral_cookie("k" * 40, "maya", now=1_780_000_000)
    name, value = cookie.split("=", 1)
    referral = Signer(["k" * 40], window_days=30).loads(value, now=1_780_000_100)
    assert name == "referral"
    assert referral is not None and referral.last.handle == referral.first.handle == "maya"


def test_cold_pass_pages_are_distinct_and_unseen_elsewhere():
    targets = scenarios.cold_targets(creators.Catalog.load())
    paths = [t.path for t in targets]
    assert len(paths) == len(set(paths)) > 150
    assert "/" not in paths and f"/products/{scenarios.PRODUCT}" not in paths


def test_only_adds_the_baselines_a_scenario_is_compared_to():
    chosen = [s.name for s in scenarios.select(["creator-home-10k"])]
    assert chosen == ["creator-home", "creator-home-10k"]


def test_a_funnels_off_scenario_brings_its_funnels_on_counterpart():
    chosen = [s.name for s in scenarios.select(["creator-product-no-funnels"])]
    assert chosen == ["creator-product", "creator-product-no-funnels"]
    assert scenarios.PHASE_ENV[scenarios.NO_FUNNELS] == {"FUNNELS_URL": "off"}


def test_the_funnel_table_shows_what_recording_costs():
    def row(name, ratio, cpu, of=None):
        return {"name": name, "ratio_to_reference": ratio, "recording_of": of,
                "cpu_ms_per_view": {"storefront": cpu}}

    lines = report.funnel_table({"scenarios": [
        row("creator-product", 0.76, 0.63), row("creator-product-no-funnels", 0.8, 0.6,
                                                "creator-product")]})
    assert "| creator-product | 0.80 -> 0.76" in lines[2]
    assert "+5.0%" in lines[2] and "0.600 -> 0.630" in lines[2]


def test_the_recording_table_puts_the_cost_against_a_served_view():
    lines = report.recording_table({
        "scenarios": [{"name": "creator-product", "cpu_ms_per_view": {"storefront": 0.5}}],
        "recording": [{"page": "creator-product", "us_per_view_off": 100.0,
                       "us_per_view_on": 105.0, "cost_us": 5.0, "cost": 0.05}],
    })
    cells = [cell.strip() for cell in lines[2].split("|")[1:-1]]
    assert cells == ["creator-product", "100.0 -> 105.0", "+5.0", "+5.0%", "+1.0%"]
    assert report.recording_table({"scenarios": []}) == []


def test_recording_is_measured_on_apps_that_count_and_apps_that_do_not(monkeypatch):
    monkeypatch.setattr(recording, "ROUNDS", 2)
    monkeypatch.setattr(recording, "CALLS", 5)
    rows = recording.measure()  # raises when the funnels-on app did not count every view
    assert [row["page"] for row in rows] == ["creator-home", "creator-product"]
    assert all(row["us_per_view_on"] > 0 and row["us_per_view_off"] > 0 for row in rows)


def test_next_link_is_found_in_any_attribute_order():
    page = '<a class="x" href="/search?after=A&amp;q=a" rel="next">Next</a>'
    assert scenarios._next_link(page) == "/search?after=A&q=a"
    assert scenarios._next_link('<a rel="prev" href="/p">Previous</a>') is None


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50 and percentile(values, 99) == 99
    assert percentile([], 50) == 0.0


def test_the_standalone_shop_counts_graphql_requests_by_operation():
    http = create_http_app(DemoShop(), TOKEN).test_client()
    headers = {"X-Shopify-Storefront-Access-Token": TOKEN}
    body = {"query": QUERY, "operationName": "ShopName"}

    assert http.get("/_stats").json == {"graphql_requests": 0, "by_operation": {},
                                        "in_flight": 0}
    assert http.post("/api/2026-04/graphql.json", json=body, headers=headers).status_code == 200
    http.post("/api/2026-04/graphql.json", json=body, headers=headers)
    http.post("/api/2026-04/graphql.json", json={"query": QUERY}, headers=headers)
    http.post("/api/2026-04/graphql.json", json=body)  # refused (no token), still a request
    http.get("/api/2026-04/graphql.json")  # not a POST: not a GraphQL request

    assert http.get("/_stats").json == {
        "graphql_requests": 4,
        "by_operation": {"ShopName": 3, "(unnamed)": 1}, "in_flight": 0,
    }
    assert http.post("/_stats/reset").json["graphql_requests"] == 0
    assert http.get("/_stats").json["graphql_requests"] == 0
