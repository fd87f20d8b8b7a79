"""Acceptance: the counts of the shared tally corpus (real and reference elections).

Set CONGRESS_TALLY_CORPUS to the corpus folder to run these; they are skipped
otherwise. Each case is counted under the rule its expected outcome was computed
with, breaking ties by lot in the reference program's order (the file's [tie] line,
else the order of the candidates in the file).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tally_corpus import (
    CORPUS_ENV,
    CorpusCount,
    collapse_spaces,
    count_case,
    manifest_cases,
    our_stages,
    reference_stages,
)

from congress.core.tally import CountRules, Report, count

CASES = manifest_cases()
PARAMS = [pytest.param(case, id=name) for name, case in CASES] or [
    pytest.param(None, id=f"{CORPUS_ENV}-not-set")
]

pytestmark = pytest.mark.corpus


def _count_with_lookback(reference: CorpusCount, seats: int) -> Report:
    """Count a reference case under stv-meek (ties: lookback, then the file's order)."""
    order = tuple(c.id for c in reference.candidates)
    rules = CountRules("stv-meek", seats, tie_order=order)
    return count(reference.candidates, reference.ballots, rules)


@pytest.mark.parametrize("case", PARAMS)
def test_the_winners_are_those_of_the_reference_count(
    corpus_root: Path, case: dict[str, Any] | None
) -> None:
    """Does our count elect exactly the candidates the reference count elected?"""
    assert case is not None
    counted = count_case(corpus_root, case)
    winners = sorted(counted.winner_names())
    if case.get("expected_winning_committees"):
        assert winners in [sorted(c) for c in case["expected_winning_committees"]]
    else:
        assert winners == sorted(case["expected_winners"])


SCOTTISH = [
    pytest.param(case, id=name) for name, case in CASES if case["method"] == "scottish_stv"
] or [pytest.param(None, id=f"{CORPUS_ENV}-not-set")]


@pytest.mark.parametrize("case", SCOTTISH)
def test_scottish_counts_match_the_reference_stage_by_stage(
    corpus_root: Path, case: dict[str, Any] | None
) -> None:
    """After every stage of a Scottish count, does each candidate have the reference votes?

    Droop also lists zero surpluses as transfers (they move nothing); stages that
    change no count are dropped on both sides before comparing.
    """
    assert case is not None
    counted = count_case(corpus_root, case)
    reference = reference_stages(corpus_root / case["round_by_round"])
    assert our_stages(counted) == reference
    assert counted.report.quota == case["quota"]


def test_winner_names_keep_their_double_and_trailing_spaces(corpus_root: Path) -> None:
    """Are names like 'Kieran  Wild ' reported exactly as spelled in the file?"""
    case = dict(CASES)["droop-scotland/Canal-2007"]
    counted = count_case(corpus_root, case)
    assert "Kieran  Wild " in counted.winner_names()
    assert "Ellen   Hurcombe" in counted.winner_names()
    assert collapse_spaces("Ellen   Hurcombe") == "Ellen Hurcombe"


def test_meek_with_lookback_differs_from_the_reference_only_through_a_tie(
    corpus_root: Path,
) -> None:
    """Why does our stv-meek differ from Droop's Meek on M135?

    Both follow the PRF Meek rule; the rule leaves the tie procedure to the
    organisation. Droop breaks the round-12 tie between C13 and C16 (within the
    surplus of each other) by lot; ours looks back first: C16 had fewer votes in
    round 11, so C16 is excluded and C13 goes on to win the seat C9 took there.
    """
    case = dict(CASES)["droop-synthetic/M135__meek-prf"]
    reference = count_case(corpus_root, case)
    ours = _count_with_lookback(reference, case["seats"])
    [tie] = ours.ties
    names = reference.names
    assert [names[c] for c in tie.candidates] == ["C13", "C16"]
    assert (tie.stage, tie.method, names[tie.chosen]) == (13, "lookback", "C16")
    assert tie.lookback_stage == 12
    assert sorted(names[w] for w in ours.winners) == sorted(
        ["C1", "C10", "C13", "C2", "C3", "C4", "C6"]
    )


MEEK_ELSEWHERE = [
    n for n, c in CASES if c["method"] == "meek_stv_prf_reference" and "M135" not in n
] or [f"{CORPUS_ENV}-not-set"]


@pytest.mark.parametrize("name", MEEK_ELSEWHERE)
def test_meek_with_lookback_agrees_with_the_reference_elsewhere(
    corpus_root: Path, name: str
) -> None:
    """On the other PRF Meek cases, does the lookback tie rule change nothing?"""
    case = dict(CASES)[name]
    reference = count_case(corpus_root, case)
    ours = _count_with_lookback(reference, case["seats"])
    assert sorted(reference.names[w] for w in ours.winners) == sorted(case["expected_winners"])
