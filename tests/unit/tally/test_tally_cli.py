"""`congress tally FILE.blt`: winners on stdout, JSON on request, line numbers on error."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from congress.core.tally import Ballot, Candidate, write_blt
from congress.core.tally.cli import run

POLL = """3 2
4 1 2 0
2 3 0
2 2 3 0
0
"Castor"
"Pollux  "
"Helen"
"Twins"
"""


def _run(*argv: str) -> tuple[int, str, str]:
    """Run the command with captured streams."""
    out, err = io.StringIO(), io.StringIO()
    status = run(list(argv), out, err)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def poll(tmp_path: Path) -> Path:
    """A small BLT file on disk (one name with trailing spaces)."""
    path = tmp_path / "poll.blt"
    path.write_text(POLL, encoding="utf-8")
    return path


@pytest.mark.parametrize("method", ["stv-scottish", "stv-meek"])
def test_winners_are_printed_one_per_line_with_names_as_in_the_file(
    poll: Path, method: str
) -> None:
    """Are the winners printed in order of election, names spelled exactly as in the file?"""
    status, out, err = _run(str(poll), "--method", method)
    assert (status, err) == (0, "")
    assert out == "Castor\nPollux  \n"


def test_json_output_carries_method_seats_winners_rounds_and_ties(poll: Path) -> None:
    """With --json, is there an object with the report and the winners' names?"""
    status, out, _ = _run(str(poll), "--method", "stv-scottish", "--json")
    data = json.loads(out)
    assert status == 0
    assert (data["method"], data["seats"], data["winners"]) == (
        "stv-scottish",
        2,
        ["Castor", "Pollux  "],
    )
    assert data["rounds"] and "ties" in data
    assert data["names"]["3"] == "Helen"


def test_block_marks_are_the_listed_candidates_up_to_the_seats(poll: Path) -> None:
    """For block, are a ballot's listed candidates its marks, at most one per seat?"""
    status, out, _ = _run(str(poll), "--method", "block", "--seats", "1", "--json")
    data = json.loads(out)
    assert status == 0
    assert data["ballots"]["invalid"] == 6
    assert data["winners"] == ["Helen"]


def test_the_seats_option_overrides_the_file(poll: Path) -> None:
    """Does --seats change the number of seats the file asks for?"""
    status, out, _ = _run(str(poll), "--method", "approval", "--seats", "1")
    assert (status, out) == (0, "Pollux  \n")


def test_a_malformed_file_names_its_line_and_exits_2(tmp_path: Path) -> None:
    """Does a malformed file give exit status 2 and a message with the line number?"""
    path = tmp_path / "bad.blt"
    path.write_text("3 2\n4 1 2\n0\n", encoding="utf-8")
    status, out, err = _run(str(path), "--method", "stv-meek")
    assert (status, out) == (2, "")
    assert "line 2:" in err


def test_a_missing_file_or_bad_usage_exits_2(tmp_path: Path) -> None:
    """Do a file that cannot be read and a missing --method both exit with status 2?"""
    assert _run(str(tmp_path / "none.blt"), "--method", "block")[0] == 2
    status, _, err = _run(str(tmp_path / "none.blt"))
    assert status == 2
    assert "--method" in err


def test_an_exported_poll_recounts_to_the_same_winners(tmp_path: Path) -> None:
    """Does a poll written by write_blt (with its lot order) recount identically?"""
    candidates = [Candidate("a", "Amal"), Candidate("b", "Bassel"), Candidate("c", "Carmen")]
    ballots = [Ballot((("a",), ("b",)), 3), Ballot((("c",),), 3)]
    path = tmp_path / "export.blt"
    path.write_text(write_blt(candidates, ballots, 1, "Chair", ("c", "a", "b")), encoding="utf-8")
    status, out, _ = _run(str(path), "--method", "stv-scottish")
    assert (status, out) == (0, "Amal\n")
