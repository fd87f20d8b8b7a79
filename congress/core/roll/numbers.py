"""Member numbers pasted from a spreadsheet column or typed one per line."""

from __future__ import annotations

import re

from .values import _EASTERN_DIGITS

# between numbers: any space or line break, a tab of a spreadsheet row, the Latin or
# Arabic comma and semicolon (a member number never holds any of them)
_SEPARATORS = re.compile(r"[\s,;\u060c\u061b]+")
# marks a right-to-left page or spreadsheet puts around copied text
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def split_numbers(text: str) -> list[str]:
    """Every number in the order given, Arabic-Indic digits folded, duplicates kept (the
    preview reports a number listed twice rather than dropping it silently)."""
    text = _INVISIBLE.sub("", text or "").translate(_EASTERN_DIGITS)
    return [part for part in _SEPARATORS.split(text) if part]
