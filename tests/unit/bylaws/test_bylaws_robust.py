"""Validation never crashes: any one-line damage to the example gives BylawsInvalid or loads."""

from __future__ import annotations

from bylaws_helpers import EXAMPLE_TEXT
from hypothesis import given, settings
from hypothesis import strategies as st

from congress.core.bylaws import BylawsInvalid, load_bylaws

LINES = EXAMPLE_TEXT.split("\n")
VALUES = [
    "1", "-1", "0", '"x"', "true", "1.5", "[]", "{}", "2025-01-01", '"1/0"', '"0%"',
    '"conference"', '"central_council"', '["a", "a"]', '{ ar = "", en = "x" }', '"-1/2"',
    '"nan"', '"inf"', '"1e400"', '"100%"', "99999999999999999999",
]  # fmt: skip


def _check(text: str) -> None:
    try:
        load_bylaws(text)
    except BylawsInvalid as invalid:
        assert invalid.errors
        for error in invalid.errors:
            assert error.message.ar and error.message.en and error.code
            assert error.line is None or 1 <= error.line <= text.count("\n") + 1


@settings(max_examples=150, deadline=None)
@given(st.integers(0, len(LINES) - 1), st.sampled_from(VALUES), st.booleans())
def test_one_damaged_line_never_crashes(index: int, value: str, delete: bool) -> None:
    line = LINES[index]
    if delete or " = " not in line or line.startswith("#"):
        damaged = LINES[:index] + LINES[index + 1 :]
    else:
        damaged = [*LINES[:index], f"{line.split(' = ')[0]} = {value}", *LINES[index + 1 :]]
    _check("\n".join(damaged))


def test_an_integer_too_long_for_python_is_a_located_error_not_a_crash() -> None:
    """Issue 14.10: Python refuses to convert integers of more than 4,300 digits with a
    ValueError that the TOML reader lets through."""
    index = next(i for i, line in enumerate(LINES) if line.startswith("seats = "))
    damaged = [*LINES[:index], "seats = " + "9" * 5000, *LINES[index + 1 :]]
    try:
        load_bylaws("\n".join(damaged))
    except BylawsInvalid as invalid:
        [error] = invalid.errors
        assert error.line == index + 1 and "too long" in error.message.en
    else:
        raise AssertionError("a 5,000-digit number was accepted")
