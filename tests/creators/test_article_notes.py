"""`[article_notes.<blog>]`: a creator's notes on blog articles, read and checked like
product notes."""

from __future__ import annotations

import json
import pickle

import pytest

from storefront.creators.metaobjects import check_metaobject
from storefront.creators.validate import check_file, label_of, scan_context
from tests.creators import problems_of, write
from tests.creators.metaobject_data import field

NAME = 'name = "Maya Rivers"\n'


def test_notes_by_blog_and_article(folder):
    path = write(folder, "maya", NAME + """
        [notes]
        linen-shirt = "Wear it open."

        [article_notes.journal]
        how-to-care-for-linen = " Exactly how I wash mine. "
        a-week-with-one-bag = "Pack one tee fewer."

        [article_notes.news]
        spring-drop = "Finally."
        """)
    creator, problems = check_file(path, scan_context(folder), label_of(folder, path.name))
    assert problems == []
    assert creator.article_note("journal", "how-to-care-for-linen") == "Exactly how I wash mine."
    assert creator.article_note("news", "spring-drop") == "Finally."
    assert creator.article_note("news", "how-to-care-for-linen") is None  # another blog's
    assert creator.notes == {"linen-shirt": "Wear it open."}  # product notes stay apart
    assert creator.picks == ("linen-shirt",)
    # Creators may be kept in a shared cache (Redis pickles them).
    assert pickle.loads(pickle.dumps(creator)).article_notes == creator.article_notes


def test_a_file_without_article_notes_has_none(folder):
    path = write(folder, "maya", NAME)
    creator, _ = check_file(path, scan_context(folder), label_of(folder, path.name))
    assert dict(creator.article_notes) == {}
    assert creator.article_note("journal", "anything") is None


@pytest.mark.parametrize(("text", "problem"), [
    ('[article_notes]\njournal = "A note"\n',
     'article_notes.journal: must be a table of article-handle = "note" '
     "([article_notes.journal]), not a string"),
    ('article_notes = "journal"\n',
     "article_notes: must be a table ([article_notes.<blog handle>]), not a string"),
    ('[article_notes."The Journal"]\nx = "y"\n',
     "article_notes: 'The Journal' is not a Shopify blog handle: lowercase letters and "
     "digits, words joined by '-'"),
    ('[article_notes.journal]\n"Care Guide" = "y"\n',
     "article_notes.journal: 'Care Guide' is not a Shopify article handle: lowercase letters "
     "and digits, words joined by '-'"),
    ('[article_notes.journal]\ncare = ""\n', "article_notes.journal.care: must not be empty"),
    ('[article_notes.journal]\ncare = 5\n',
     "article_notes.journal.care: must be a string, not a whole number"),
    (f'[article_notes.journal]\ncare = "{"x" * 501}"\n',
     "article_notes.journal.care: must be at most 500 characters, not 501"),
    ('[article_note.journal]\ncare = "y"\n',
     "unknown key 'article_note' (did you mean 'article_notes'?)"),
])
def test_each_mistake_is_named(folder, text, problem):
    assert problems_of(folder, "maya", NAME + text) == [f"creators/maya.toml: {problem}"]


def test_a_metaobject_carries_article_notes_as_json(tmp_path):
    notes = {"journal": {"how-to-care-for-linen": "Exactly how I wash mine."}}
    raw = {"handle": "maya", "fields": [field("name", "Maya Rivers"),
                                        field("article_notes", json.dumps(notes), "json")]}
    creator, problems = check_metaobject(raw, scan_context(tmp_path))
    assert problems == []
    assert creator.article_note("journal", "how-to-care-for-linen") == "Exactly how I wash mine."
