"""Helpers for the bylaws engine tests: the example document and exact edits of it.

A uniquely named module (not `conftest`) so that importing it never picks up
another folder's conftest."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from congress.core.bylaws import (
    BylawsError,
    BylawsInvalid,
    MemberFacts,
    example_path,
    load_bylaws,
)

EXAMPLE_TEXT = example_path().read_text(encoding="utf-8")
MALFORMED = Path(__file__).parent / "malformed"


def edit(text: str, *pairs: tuple[str, str]) -> str:
    """Replace snippets that must each occur exactly once, so an edit never misfires."""
    for old, new in pairs:
        assert text.count(old) == 1, f"snippet occurs {text.count(old)} times: {old!r}"
        text = text.replace(old, new)
    return text


def line_of(text: str, marker: str) -> int:
    """1-based line of a snippet that occurs exactly once in the text."""
    assert text.count(marker) == 1, f"marker occurs {text.count(marker)} times: {marker!r}"
    return text[: text.index(marker)].count("\n") + 1


def errors_of(text: str) -> tuple[BylawsError, ...]:
    """The errors a document produces (fails the test if it loads)."""
    with pytest.raises(BylawsInvalid) as caught:
        load_bylaws(text)
    return caught.value.errors


def member(**changes: object) -> MemberFacts:
    """A member who meets every condition of the example bylaws unless changed."""
    facts: dict[str, object] = {
        "member_number": "M-1",
        "status": "active",
        "joined_on": dt.date(2020, 1, 15),
        "birth_date": dt.date(1995, 6, 1),
        "gender": "female",
        "branch": "SY",
        "dues_paid": True,
        "extra": {},
    }
    facts.update(changes)
    return MemberFacts(**facts)  # type: ignore[arg-type]
