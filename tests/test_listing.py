"""Reports' JSON (storefront.listing): the same document as json.dumps, a row per line."""

from __future__ import annotations

import json

from storefront import listing


def test_the_document_reads_back_the_same_with_a_row_per_line():
    document = {"period": "2026-10", "batch": {"id": 3, "hold_days": 30},
                "creators": [{"creator": "maya", "name": "Maya Rivers", "amount": "12.30"},
                             {"creator": "léo", "name": "Léo", "amount": "-1.00"}],
                "totals": {"USD": "11.30"}}
    text = listing.dumps(document, "creators", ensure_ascii=False)
    assert json.loads(text) == document
    lines = text.splitlines()
    assert '    {"creator": "maya", "name": "Maya Rivers", "amount": "12.30"},' in lines
    assert '    {"creator": "léo", "name": "Léo", "amount": "-1.00"}' in lines
    assert lines[0] == "{" and lines[-1] == "}" and '  "batch": {' in lines


def test_no_rows_and_other_values_are_written_as_json_dumps_would():
    document = {"since": "2026-10-01", "revenue_error": None, "creators": []}
    text = listing.dumps(document, "creators")
    assert json.loads(text) == document
    assert text == json.dumps(document, indent=2)
