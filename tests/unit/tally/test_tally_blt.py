"""Reading and writing BLT files: every extension, every refusal, and round trips."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tally_support import PROPERTY

from congress.core.tally import Ballot, BltError, Candidate, read_blt, write_blt

SIMPLE = """4 2
-2
3 1 3 4 0
4 1 0
0
"Adam"
"Basil"
"Charlotte"
"Donald"
"Title"
"""


def test_the_basic_format_reads_candidates_ballots_seats_and_title() -> None:
    """Does a plain BLT file give back its candidates, weighted ballots, seats and title?"""
    blt = read_blt(SIMPLE)
    assert [(c.id, c.name, c.withdrawn) for c in blt.candidates] == [
        ("1", "Adam", False),
        ("2", "Basil", True),
        ("3", "Charlotte", False),
        ("4", "Donald", False),
    ]
    assert blt.ballots == (Ballot((("1",), ("3",), ("4",)), 3), Ballot((("1",),), 4))
    assert (blt.seats, blt.title, blt.tie_order) == (2, "Title", None)


def test_the_extensions_are_understood() -> None:
    """Are =, [tie], [withdrawn], [nick], /* */ and # comments all read as meant?"""
    text = """3 2  # three candidates, two seats
[nick a b c]
[tie c b a]
[withdrawn b]
/* a comment
   over two lines */ 2 a b=c 0
1 c = a 0
0
"Ann" "Bob"
"Cy  "
"Equal  ranks" # trailing comment
"""
    candidates, ballots, seats, title, tie_order = read_blt(text)
    assert [c.name for c in candidates] == ["Ann", "Bob", "Cy  "]
    assert [c.withdrawn for c in candidates] == [False, True, False]
    assert ballots == (Ballot((("1",), ("2", "3")), 2), Ballot((("3", "1"),), 1))
    assert (seats, title, tie_order) == (2, "Equal  ranks", ("3", "2", "1"))


def test_text_after_the_title_is_ignored() -> None:
    """Do notes after the title (as in Wichmann's test files) leave the count alone?"""
    blt = read_blt(SIMPLE + '"Source: somewhere"\nFirst Prefs\n 0 1 2\n')
    assert blt.title == "Title"
    assert len(blt.ballots) == 2


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("", 1, "ends before"),
        ("x 2\n", 1, "number of candidates"),
        ("2 0\n", 1, "at least 1"),
        ("2 1\n1 1 2\n1 2 0\n0\n", 2, "must end with 0"),
        ("2 1\n1 1 3 0\n0\n", 2, "not a candidate number"),
        ("2 1\n1 1 0 2 0\n0\n", 2, "0 may only end"),
        ("2 1\n[seed 7]\n1 1 0\n0\n", 2, "unknown option"),
        ("2 1\n1 1=  0\n0\n", 2, "'=' must join"),
        ('2 1\n1 1 0\n0\n"A"\n', 4, "2 names and a title"),
        ('2 1\n1 1 0\n0\n"A\n', 4, "not closed"),
        ('2 1\n1 1 0\n0\n"A" B\n', 4, "quoted name"),
        ("2 1\n/* open\n1 1 0\n", 2, "comment"),
        ("2 1\n1 1 0\n-1\n0\n", 3, "before the ballots"),
        ("2 1 5\n", 1, "first line"),
        ("2 1\n[tie 1 1]\n", 2, "twice"),
    ],
)
def test_a_malformed_file_is_refused_with_its_line(text: str, line: int, message: str) -> None:
    """Is each kind of malformed file refused with the right 1-based line number?"""
    with pytest.raises(BltError) as caught:
        read_blt(text)
    assert caught.value.line == line
    assert message in caught.value.message


def test_a_ballot_naming_a_candidate_twice_is_read_for_the_count_to_reject() -> None:
    """Is a repeated candidate kept as written, so the count reports it as invalid?"""
    blt = read_blt('2 1\n1 1 2 1 0\n0\n"A"\n"B"\n"T"\n')
    assert blt.ballots == (Ballot((("1",), ("2",), ("1",)), 1),)


def test_writing_then_reading_gives_the_same_poll() -> None:
    """Does an exported ranked poll read back identically (names with spaces included)?"""
    candidates = (
        Candidate("1", "سلمى  الحسن"),
        Candidate("2", "Kieran  Wild ", withdrawn=True),
        Candidate("3", " Lead"),
    )
    ballots = (Ballot((("1",), ("2", "3")), 2), Ballot((), 1), Ballot((("3",),), 5))
    text = write_blt(candidates, ballots, 2, "Central Council", tie_order=("3", "1", "2"))
    assert read_blt(text) == (candidates, ballots, 2, "Central Council", ("3", "1", "2"))


def test_a_name_with_a_quote_cannot_be_written() -> None:
    """Is a name BLT cannot hold refused rather than written wrongly?"""
    with pytest.raises(ValueError, match="quote"):
        write_blt([Candidate("1", 'A "B"')], [], 1, "T")


NAME = st.text(st.characters(codec="utf-8", exclude_characters='"\n\r'), max_size=12)


@st.composite
def polls(
    draw: st.DrawFn,
) -> tuple[tuple[Candidate, ...], tuple[Ballot, ...], int, str, tuple[str, ...] | None]:
    """Random ranked polls with BLT-style candidate ids ("1", "2", ...)."""
    n = draw(st.integers(1, 6))
    ids = [str(k) for k in range(1, n + 1)]
    candidates = tuple(Candidate(i, draw(NAME), withdrawn=draw(st.booleans())) for i in ids)
    ballots = []
    for _ in range(draw(st.integers(0, 8))):
        chosen = draw(st.permutations(ids))[: draw(st.integers(0, n))]
        groups: list[tuple[str, ...]] = []
        for cid in chosen:
            join = draw(st.booleans())
            if groups and join:
                groups[-1] = (*groups[-1], cid)
            else:
                groups.append((cid,))
        ballots.append(Ballot(tuple(groups), draw(st.integers(1, 1000))))
    tie = draw(st.none() | st.permutations(ids).map(tuple))
    return candidates, tuple(ballots), draw(st.integers(1, 9)), draw(NAME), tie


@PROPERTY
@given(polls())
def test_any_ranked_poll_survives_a_blt_round_trip(
    poll: tuple[tuple[Candidate, ...], tuple[Ballot, ...], int, str, tuple[str, ...] | None],
) -> None:
    """Does every exportable poll read back exactly as it was written?"""
    candidates, ballots, seats, title, tie = poll
    assert read_blt(write_blt(candidates, ballots, seats, title, tie)) == poll


@PROPERTY
@given(st.text(max_size=300))
def test_the_reader_refuses_arbitrary_text_only_with_blt_errors(text: str) -> None:
    """Whatever the text, does the reader either read it or raise BltError?"""
    with contextlib.suppress(BltError):
        read_blt(text)


@PROPERTY
@given(st.data())
def test_the_reader_refuses_damaged_files_only_with_blt_errors(data: st.DataObject) -> None:
    """Does a valid file with characters cut or inserted read, or fail with BltError?"""
    text = SIMPLE
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        if data.draw(st.booleans()):
            text = text[:at] + text[at + 1 :]
        else:
            text = text[:at] + data.draw(st.sampled_from(list('0123456789 -="[]/*#\n'))) + text[at:]
    try:
        read_blt(text)
    except BltError as exc:
        assert exc.line >= 1
