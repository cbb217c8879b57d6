"""The referral decision (storefront.visit.referral), made without Flask."""

from __future__ import annotations

import pytest

from storefront import attribution
from storefront.config import PROJECT_ROOT
from storefront.creators.registry import Registry
from storefront.visit import referral
from tests.creators import make_folder, write

KEYS = ["k" * 40]


@pytest.fixture(scope="module")
def registry(tmp_path_factory) -> Registry:
    folder = make_folder(tmp_path_factory.mktemp("visit"))
    write(folder, "ana", 'name = "Ana"\naliases = ["ana-cooks"]\n')
    write(folder, "pia", 'name = "Pia"\nstatus = "paused"\n')
    write(folder, "lou", 'name = "Lou"\ntheme = "atelier"\n')
    found = Registry(folder, PROJECT_ROOT / "themes")
    found.load()
    assert {creator.handle for creator in found} == {"ana", "pia", "lou"}
    return found


@pytest.fixture(scope="module")
def signer() -> attribution.Signer:
    return attribution.Signer(KEYS, 30)


def cookie_for(signer, handle: str) -> str:
    return signer.dumps(attribution.touch(None, handle, {}))


def decide(registry, signer, path="/", method="GET", query=(), cookie=None, model="last_click"):
    return referral.decide(path=path, method=method, query=list(query), cookie=cookie,
                           registry=registry, signer=signer, model=model)


def test_a_visitor_without_a_cookie_credits_nobody(registry, signer):
    decision = decide(registry, signer)
    assert decision == referral.NOBODY
    assert decision.theme is None and decision.cookie == "keep"


def test_a_cookie_of_an_active_creator_credits_them_and_picks_their_theme(registry, signer):
    decision = decide(registry, signer, cookie=cookie_for(signer, "lou"))
    assert decision.creator.handle == "lou"
    assert decision.theme == "atelier"
    assert decision.cookie == "keep" and decision.redirect_to is None and decision.followed is None


@pytest.mark.parametrize("cookie", ["garbage", "paused", "unknown"])
def test_a_cookie_that_credits_nobody_is_cleared(registry, signer, cookie):
    value = {"paused": cookie_for(signer, "pia"), "unknown": cookie_for(signer, "zed")}.get(
        cookie, cookie)
    decision = decide(registry, signer, cookie=value)
    assert decision.creator is None and decision.referral is None
    assert decision.cookie == "clear"


def test_a_ref_link_follows_the_creator_by_alias_and_redirects_without_ref(registry, signer):
    query = [("utm_source", "tiktok"), ("ref", "ANA-cooks"), ("q", "tee"), ("ref", "lou")]
    decision = decide(registry, signer, path="/search", query=query,
                      cookie=cookie_for(signer, "lou"))
    assert decision.followed.handle == "ana"  # the first ref, as views read it
    assert decision.creator.handle == "ana"
    assert decision.referral.first.handle == "lou"  # the earlier touch is kept
    assert decision.referral.campaign == {"utm_source": "tiktok"}
    assert decision.cookie == "set"
    assert decision.redirect_to == "/search?utm_source=tiktok&q=tee"


def test_a_ref_link_to_nobody_active_still_drops_ref_and_credits_no_one(registry, signer):
    decision = decide(registry, signer, path="/collections/all", query=[("ref", "pia")])
    assert decision.followed is None and decision.creator is None
    assert decision.cookie == "keep"
    assert decision.redirect_to == "/collections/all"


def test_only_a_get_follows_a_link(registry, signer):
    decision = decide(registry, signer, method="HEAD", query=[("ref", "ana")])
    assert decision == referral.NOBODY


@pytest.mark.parametrize("path", ["/admin", "/admin/creators", "/webhooks/shopify", "/healthz"])
def test_operations_paths_credit_nobody_and_leave_the_cookie(registry, signer, path):
    decision = decide(registry, signer, path=path, query=[("ref", "ana")],
                      cookie=cookie_for(signer, "pia"))
    assert decision == referral.NOBODY


def test_first_click_credits_the_first_touch(registry, signer):
    first = attribution.touch(None, "lou", {})
    both = signer.dumps(attribution.touch(first, "ana", {}))
    assert decide(registry, signer, cookie=both, model="first_click").creator.handle == "lou"
    assert decide(registry, signer, cookie=both).creator.handle == "ana"


def test_follow_records_a_vanity_link(registry, signer):
    decision = referral.follow(referral.NOBODY, registry.get("ana"), [("utm_medium", "video")],
                               registry, "last_click")
    assert decision.creator.handle == "ana" and decision.followed.handle == "ana"
    assert decision.cookie == "set"
    assert decision.referral.campaign == {"utm_medium": "video"}
    assert signer.loads(signer.dumps(decision.referral)).last.handle == "ana"
