"""Meek STV (PR Foundation reference rule): hand-worked rounds, and the fast engine
checked ballot by ballot against a plain implementation of the rule."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from tally_reference import naive_meek
from tally_support import PROPERTY, counts, people, ranked, tally

from congress.core.tally import Ballot, BranchCap, Candidate, GroupQuota


def test_keep_factor_and_transfer_are_rounded_up_to_nine_places() -> None:
    """Does A's surplus reach B after one keep-factor update, rounded as the rule says?

    A 10 (A, B), C 6, B 5; quota 21/3 + 0.000000001 = 7.000000001. After A is
    elected, kf(A) = 7.000000001 / 10 rounded up = 0.700000001; each (A, B) ballot
    keeps 0.700000001 with A and gives 0.299999999 to B: B = 7.99999999 >= quota.
    """
    report = tally(
        "stv-meek", 2, people("A", "B", "C"), [ranked(10, "A", "B"), ranked(6, "C"), ranked(5, "B")]
    )
    assert report.quota == "7.000000001"
    assert counts(report, 3) == {"A": "7.000000010", "B": "7.999999990", "C": "6.000000000"}
    assert dict(report.rounds[2].keep_factors)["A"] == "0.700000001"
    assert report.winners == ("A", "B")


def test_a_candidate_within_the_surplus_of_the_lowest_counts_as_tied() -> None:
    """Are candidates whose votes differ by less than the total surplus tied for exclusion?

    D (4 ballots, nothing after) is elected; as D's surplus melts away the count
    settles with A at 0.999999818 and C at 1.000000000, within the surplus of
    0.000000272. Under the reference rule (ties by lot) the lot may exclude C,
    the higher of the two; under ours the earlier round decides: A had 0, C had 1.
    """
    ballots = [ranked(4, "D"), ranked(1, "C"), ranked(2, "B", "A", "D", "C")]
    candidates = people("A", "B", "C", "D")
    by_lot = tally("stv-meek-prf", 3, candidates, ballots, tie_order=("C", "A", "B", "D"))
    assert counts(by_lot, 3)["A"] == "0.999999818"
    assert counts(by_lot, 3)["C"] == "1.000000000"
    assert by_lot.rounds[2].surplus == "0.000000272"
    [tie] = by_lot.ties
    assert (tie.candidates, tie.method, tie.chosen) == (("A", "C"), "lot", "C")
    assert set(by_lot.winners) == {"A", "B", "D"}
    looking_back = tally("stv-meek", 3, candidates, ballots, tie_order=("C", "A", "B", "D"))
    [tie] = looking_back.ties
    assert (tie.method, tie.chosen, tie.lookback_stage) == ("lookback", "A", 2)
    assert set(looking_back.winners) == {"B", "C", "D"}


def test_equal_rankings_share_the_ballot_equally() -> None:
    """Does a ballot ranking B and C equal give each half of its weight?"""
    ballots = [Ballot((("B", "C"),), 2), ranked(3, "A")]
    report = tally("stv-meek", 1, people("A", "B", "C"), ballots)
    assert counts(report, 1) == {"A": "3.000000000", "B": "1.000000000", "C": "1.000000000"}


def test_a_withdrawn_candidate_keeps_nothing() -> None:
    """Do ballots for a withdrawn candidate pass straight to the next preference?"""
    candidates = [*people("A", "B"), Candidate("W", "W", withdrawn=True)]
    report = tally("stv-meek", 1, candidates, [ranked(3, "W", "B"), ranked(2, "A")])
    assert counts(report, 1) == {"A": "2.000000000", "B": "3.000000000"}
    assert report.winners == ("B",)


def test_a_branch_cap_excludes_the_rest_of_a_full_branch() -> None:
    """Once a branch has its one seat, are its other candidates excluded at once?"""
    candidates = [
        Candidate("A", "A", branch="x"),
        Candidate("B", "B", branch="x"),
        Candidate("C", "C", branch="y"),
        Candidate("D", "D", branch="y"),
    ]
    ballots = [ranked(9, "A", "B"), ranked(6, "B"), ranked(3, "C"), ranked(2, "D")]
    report = tally("stv-meek", 2, candidates, ballots, cap=BranchCap(1, "4.2"))
    assert report.winners == ("A", "C")
    assert [(a.candidate, a.rule) for a in report.adjustments] == [("B", "branch-cap")]


def test_a_group_minimum_is_met_inside_the_count() -> None:
    """With one of two seats owed to group g, does its best candidate take it?"""
    g = frozenset({"g"})
    candidates = [*people("A", "B"), Candidate("C", "C", groups=g), Candidate("D", "D", groups=g)]
    ballots = [ranked(9, "A"), ranked(8, "B"), ranked(3, "C"), ranked(2, "D", "C")]
    report = tally("stv-meek", 2, candidates, ballots, quotas=(GroupQuota("g", 1, "5"),))
    assert set(report.winners) == {"A", "C"}
    assert ("B", "excluded", "5") in {
        (a.candidate, a.action, a.article) for a in report.adjustments
    }


@st.composite
def elections(draw: st.DrawFn) -> tuple[list[str], list[tuple[tuple[str, ...], int]], int]:
    """Small random elections: candidates, (ranking, weight) ballots, seats."""
    n = draw(st.integers(2, 6))
    ids = [f"c{i}" for i in range(n)]
    seats = draw(st.integers(1, n - 1))
    ballots = draw(
        st.lists(
            st.tuples(
                st.permutations(ids).flatmap(lambda p: st.integers(1, len(p)).map(lambda k: p[:k])),
                st.integers(1, 9),
            ),
            min_size=1,
            max_size=25,
        )
    )
    return ids, [(tuple(r), w) for r, w in ballots], seats


@PROPERTY
@given(elections())
def test_the_fast_engine_matches_a_ballot_by_ballot_count(
    election: tuple[list[str], list[tuple[tuple[str, ...], int]], int],
) -> None:
    """Does the ballot tree give exactly the votes of walking every ballot, every round?"""
    ids, ballots, seats = election
    winners, rounds = naive_meek(ids, ballots, seats, ids)
    report = tally(
        "stv-meek-prf",
        seats,
        people(*ids),
        [ranked(w, *r) for r, w in ballots],
        tie_order=tuple(ids),
    )
    assert list(report.winners) == winners
    ours = [{c: int(v.replace(".", "")) for c, v in r.counts} for r in report.rounds]
    assert ours == rounds
