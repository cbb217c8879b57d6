"""`[legacy_ids]`: a creator's referral ids on the affiliate platforms the brand moved from,
checked like every key, one creator's each, and looked up with discount codes by the registry."""

from __future__ import annotations

import pytest

from storefront.creators.registry import Registry
from tests.creators import problems_of, write


def loaded(folder) -> Registry:
    registry = Registry(folder)
    registry.load()
    return registry


def test_ids_of_every_platform_one_or_several(folder):
    write(folder, "maya", """\
        name = "Maya"

        [legacy_ids]
        uppromote = "2837745.kQ7tR2xWmB"
        goaffpro = ["maya", "maya-r"]
        refersion = "1184551.8f3a2c"
        snowball = "MAYA"
        collabs = "4471902"
        """)
    maya = loaded(folder).get("maya")
    assert maya.legacy_ids == (
        ("uppromote", "2837745.kQ7tR2xWmB"), ("goaffpro", "maya"), ("goaffpro", "maya-r"),
        ("refersion", "1184551.8f3a2c"), ("snowball", "MAYA"), ("collabs", "4471902"),
    )


def test_files_without_the_key_stay_valid(folder):
    write(folder, "leo", 'name = "Leo"\n')
    assert loaded(folder).get("leo").legacy_ids == ()


@pytest.mark.parametrize(("table", "problem"), [
    ('uppromot = "1.a"',
     "unknown key 'legacy_ids.uppromot' (did you mean 'legacy_ids.uppromote'?)"),
    ('impact = "1.a"', "unknown key 'legacy_ids.impact' (use uppromote, goaffpro, refersion, "
                       "snowball or collabs)"),
    ('uppromote = "a b"', "legacy_ids.uppromote: 'a b' is not a referral id: letters, digits, "
                          "'-', '.', '_' and '~', at most 128"),
    ('goaffpro = "a&ref=b"', "legacy_ids.goaffpro: 'a&ref=b' is not a referral id: letters, "
                             "digits, '-', '.', '_' and '~', at most 128"),
    (f'collabs = "{"9" * 129}"', f"legacy_ids.collabs: '{'9' * 129}' is not a referral id: "
                                 "letters, digits, '-', '.', '_' and '~', at most 128"),
    ("collabs = 4471902", "legacy_ids.collabs: must be an id or a list of ids; 4471902 is a "
                          "whole number"),
    ("snowball = []", "legacy_ids.snowball: must not be an empty list"),
    ('snowball = ["MAYA", "maya"]', "legacy_ids.snowball: 'maya' is listed twice"),
])
def test_each_wrong_id_is_named(folder, table, problem):
    assert problems_of(folder, "maya", f'name = "Maya"\n[legacy_ids]\n{table}\n') == [
        f"creators/maya.toml: {problem}"]


def test_the_key_must_be_a_table(folder):
    assert problems_of(folder, "maya", 'name = "Maya"\nlegacy_ids = "x"\n') == [
        "creators/maya.toml: legacy_ids: must be a table ([legacy_ids]), not a string"]


def test_an_id_belongs_to_one_creator_the_first_file_keeps_it(folder):
    write(folder, "ava", 'name = "Ava"\n[legacy_ids]\nrefersion = "7.abc"\n')
    write(folder, "maya", 'name = "Maya"\n[legacy_ids]\nrefersion = ["1.x", "7.ABC"]\n')
    write(folder, "sam", 'name = "Sam"\n[legacy_ids]\nsnowball = "7.abc"\n')  # another platform
    registry = loaded(folder)
    assert registry.problems == [
        "creators/maya.toml: legacy_ids.refersion: '7.ABC' is already creators/ava.toml's"]
    assert registry.get("maya") is None
    assert registry.by_platform_id("refersion", "7.Abc").handle == "ava"
    assert registry.by_platform_id("snowball", "7.abc").handle == "sam"
    assert registry.by_platform_id("refersion", "1.x") is None  # its file is skipped
    assert registry.by_platform_id("uppromote", "7.abc") is None


def test_lookups_by_code_in_any_case_and_a_shared_code_names_no_one(folder):
    write(folder, "ava", 'name = "Ava"\nstatus = "paused"\n[discount]\ncode = "AVA10"\n')
    write(folder, "leo", 'name = "Leo"\n[discount]\ncode = "TEAM"\n')
    write(folder, "maya", 'name = "Maya"\n[discount]\ncode = "team"\n')
    registry = loaded(folder)
    assert registry.by_code("ava10").handle == "ava"  # any status: callers decide
    assert registry.by_code("TEAM") is None and registry.by_code("team") is None
    assert registry.by_code("NOPE") is None
    assert registry.by_code("x" * 300) is None and registry.by_platform_id("goaffpro", "") is None


def test_the_index_follows_the_files(folder):
    write(folder, "maya", 'name = "Maya"\n[legacy_ids]\ngoaffpro = "mayar"\n'
                          '[discount]\ncode = "MAYA15"\n')
    registry = loaded(folder)
    assert registry.by_platform_id("goaffpro", "MAYAR").handle == "maya"
    write(folder, "maya", 'name = "Maya"\n[legacy_ids]\ngoaffpro = "maya-rivers"\n')
    registry.load()
    assert registry.by_platform_id("goaffpro", "mayar") is None
    assert registry.by_platform_id("goaffpro", "maya-rivers").handle == "maya"
    assert registry.by_code("MAYA15") is None
