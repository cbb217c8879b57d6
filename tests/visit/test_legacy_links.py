"""Links creators shared on an affiliate platform, and their codes, credit them as `?ref=` does:
decided by storefront.visit.referral, without Flask."""

from __future__ import annotations

import pytest

from storefront import attribution
from storefront.creators.registry import Registry
from storefront.visit import referral
from tests.creators import make_folder, write

KEYS = ["k" * 40]


@pytest.fixture(scope="module")
def registry(tmp_path_factory) -> Registry:
    folder = make_folder(tmp_path_factory.mktemp("legacy"))
    write(folder, "nora", """\
        name = "Nora"
        [discount]
        code = "NORA10"
        [legacy_ids]
        uppromote = "2837745.kQ7tR2xWmB"
        goaffpro = ["noraq", "ana"]
        refersion = "1184551.8f3a2c"
        snowball = "NORA"
        collabs = "4471902"
        """)
    write(folder, "ana", 'name = "Ana"\n')  # a handle that is also Nora's GoAffPro code
    write(folder, "omar", """\
        name = "Omar"
        status = "paused"
        [discount]
        code = "OMAR15"
        [legacy_ids]
        uppromote = "2837746.Zp4LxV9cYe"
        """)
    found = Registry(folder)
    found.load()
    assert found.problems == []
    return found


@pytest.fixture(scope="module")
def signer() -> attribution.Signer:
    return attribution.Signer(KEYS, 30)


def decide(registry, signer, query, path="/collections/apparel", method="GET", cookie=None,
           model="last_click"):
    return referral.decide(path=path, method=method, query=query, cookie=cookie,
                           registry=registry, signer=signer, model=model)


@pytest.mark.parametrize(("parameter", "value"), [
    ("sca_ref", "2837745.kQ7tR2xWmB"),
    ("ref", "noraq"),
    ("rfsn", "1184551.8f3a2c"),
    ("snowball", "NORA"),
    ("dt_id", "4471902"),
    ("sca_ref", "2837745.KQ7TR2XWMB"),  # ids match in any case
])
def test_a_platforms_link_credits_the_creator_and_redirects_without_it(registry, signer,
                                                                      parameter, value):
    query = [("utm_source", "ig"), (parameter, value), ("sort_by", "price"), ("sca_source", "x")]
    decision = decide(registry, signer, query)
    assert decision.followed.handle == "nora" and decision.creator.handle == "nora"
    assert decision.cookie == "set"
    assert decision.referral.last.handle == "nora"
    assert decision.referral.campaign == {"utm_source": "ig"}
    assert decision.redirect_to == "/collections/apparel?utm_source=ig&sort_by=price&sca_source=x"


def test_ref_names_a_handle_first_then_a_goaffpro_code(registry, signer):
    assert decide(registry, signer, [("ref", "ana")]).creator.handle == "ana"
    assert decide(registry, signer, [("ref", "NORAQ")]).creator.handle == "nora"


@pytest.mark.parametrize("query", [
    [("sca_ref", "2837746.Zp4LxV9cYe")],  # a paused creator
    [("dt_id", "0000")],  # nobody's
    [("rfsn", "2837745.kQ7tR2xWmB")],  # an UpPromote id is not a Refersion one
    [("snowball", "")],
    [("dt_id", "4" * 300)],
])
def test_a_link_that_names_no_active_creator_is_dropped_crediting_no_one(registry, signer, query):
    decision = decide(registry, signer, query + [("q", "tee")])
    assert decision.creator is None and decision.followed is None
    assert decision.cookie == "keep"
    assert decision.redirect_to == "/collections/apparel?q=tee"


def test_several_link_parameters_the_first_naming_an_active_creator_wins(registry, signer):
    query = [("dt_id", "4471902"), ("ref", "omar"), ("sca_ref", "2837746.Zp4LxV9cYe"),
             ("ref", "ana")]
    decision = decide(registry, signer, query)
    # `ref` is read first (its first value: a paused creator), then the platforms' in order.
    assert decision.creator.handle == "nora"
    assert decision.redirect_to == "/collections/apparel"


@pytest.mark.parametrize("method", ["HEAD", "POST"])
def test_only_a_get_follows_a_platforms_link(registry, signer, method):
    decision = decide(registry, signer, [("sca_ref", "2837745.kQ7tR2xWmB")], method=method)
    assert decision == referral.NOBODY


@pytest.mark.parametrize("path", ["/admin", "/webhooks/shopify", "/healthz", "/demo-shop/x"])
def test_operations_urls_credit_no_one(registry, signer, path):
    assert decide(registry, signer, [("rfsn", "1184551.8f3a2c")], path=path) == referral.NOBODY


def test_a_code_names_its_active_creator_in_any_case(registry):
    assert referral.by_code(registry, "nora10").handle == "nora"
    assert referral.by_code(registry, "OMAR15") is None  # paused: earns nothing
    assert referral.by_code(registry, "WELCOME10") is None


def test_following_a_code_is_a_touch_the_model_weighs(registry, signer):
    cookie = signer.dumps(attribution.touch(None, "ana", {}))
    for model, credited in (("last_click", "nora"), ("first_click", "ana")):
        before = decide(registry, signer, [], path="/cart/discounts", method="POST",
                        cookie=cookie, model=model)
        after = referral.follow(before, referral.by_code(registry, "NORA10"), [], registry, model)
        assert after.creator.handle == credited
        assert (after.referral.first.handle, after.referral.last.handle) == ("ana", "nora")
        assert after.cookie == "set"


def test_the_parameters_are_declared_once():
    assert referral.LINK_PARAMETERS == ("ref", "sca_ref", "rfsn", "snowball", "dt_id")
    from storefront.web.pages import TRACKING

    for parameter in referral.LINK_PARAMETERS:  # never in a page key, never printed
        assert TRACKING.fullmatch(parameter)
