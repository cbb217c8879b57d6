"""CSV cells that a spreadsheet reads as text, never as a formula."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """`text`, with a quote in front when a spreadsheet would run it as a formula.

    Creator names and handles come from files anyone on the team may edit, and
    the reports' CSV goes into spreadsheets and payments tools. A lone "-" (an
    empty figure) is left as it is.
    """
    return "'" + text if text[:1] in FORMULA_STARTS and text != "-" else text
