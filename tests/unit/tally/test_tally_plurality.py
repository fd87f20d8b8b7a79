"""Block vote, approval voting and the single-seat majority vote."""

from __future__ import annotations

from tally_support import counts, marks, people, tally

from congress.core.tally import Ballot, BranchCap, Candidate, GroupQuota, lot_order


def test_block_vote_elects_the_most_marked() -> None:
    """With two seats, do the two candidates with most marks win, most first?"""
    ballots = [marks(5, "A", "B"), marks(3, "B", "C"), marks(2, "C")]
    report = tally("block", 2, people("A", "B", "C"), ballots, max_marks=2)
    assert counts(report, 1) == {"A": "5", "B": "8", "C": "5"}
    assert report.winners[0] == "B"
    assert report.winners[1] in ("A", "C")
    assert len(report.ties) == 1


def test_a_block_ballot_with_too_many_marks_is_invalid() -> None:
    """Is a ballot marking more candidates than allowed counted as invalid, not cut?"""
    ballots = [marks(1, "A", "B", "C"), marks(2, "C")]
    report = tally("block", 2, people("A", "B", "C"), ballots, max_marks=2)
    assert dict(report.ballots.invalid_reasons) == {"too-many-marks": 1}
    assert counts(report, 1) == {"A": "0", "B": "0", "C": "2"}


def test_unknown_repeated_and_blank_block_ballots_are_reported() -> None:
    """Are marks for unknown candidates or twice for one candidate invalid, blanks blank?"""
    ballots = [marks(1, "A", "X"), marks(2, "B", "B"), Ballot((), 3), marks(4, "A")]
    report = tally("block", 1, people("A", "B"), ballots)
    summary = report.ballots
    assert (summary.total, summary.valid, summary.blank, summary.invalid) == (10, 4, 3, 3)
    assert dict(summary.invalid_reasons) == {"duplicate-candidate": 2, "unknown-candidate": 1}


def test_block_defaults_to_as_many_marks_as_seats() -> None:
    """Without max_marks, may a block ballot mark as many candidates as there are seats?"""
    ballots = [marks(1, "A", "B"), marks(1, "A", "B", "C")]
    report = tally("block", 2, people("A", "B", "C"), ballots)
    assert report.ballots.valid == 1
    assert report.ballots.invalid == 1


def test_approval_counts_any_number_of_marks() -> None:
    """May an approval ballot approve every candidate?"""
    ballots = [marks(2, "A", "B", "C"), marks(1, "C")]
    report = tally("approval", 1, people("A", "B", "C"), ballots)
    assert report.ballots.valid == 3
    assert report.winners == ("C",)


def test_a_tie_for_the_last_seat_is_decided_by_the_seeded_lot() -> None:
    """When A and C tie for the last seat, does the SHA-256 lot of the seed decide?"""
    ballots = [marks(5, "B"), marks(3, "A"), marks(3, "C")]
    for seed in (b"alpha", b"beta", b"gamma", b"delta"):
        report = tally("approval", 2, people("A", "B", "C"), ballots, seed=seed)
        first = next(c for c in lot_order(seed, ["A", "B", "C"]) if c in ("A", "C"))
        assert report.winners == ("B", first)
        [tie] = report.ties
        assert (tie.candidates, tie.purpose, tie.method, tie.chosen) == (
            ("A", "C"),
            "seat",
            "lot",
            first,
        )


def test_a_given_tie_order_overrides_the_seed() -> None:
    """Does a BLT [tie] order, when given, decide instead of the seed?"""
    ballots = [marks(3, "A"), marks(3, "C")]
    report = tally("approval", 1, people("A", "C"), ballots, seed=b"x", tie_order=("C", "A"))
    assert report.winners == ("C",)
    assert report.ties[0].lot_order == ("C", "A")


def test_a_candidate_nobody_voted_for_is_not_elected() -> None:
    """Does a seat stay vacant rather than go to a candidate with no votes?"""
    report = tally("approval", 2, people("A", "B"), [marks(3, "A")])
    assert report.winners == ("A",)
    assert report.vacancies == 1


def test_marks_for_a_withdrawn_candidate_are_ignored() -> None:
    """Does a mark for a withdrawn candidate leave the rest of the ballot valid?"""
    candidates = [*people("A", "B"), Candidate("W", "W", withdrawn=True)]
    report = tally("block", 1, candidates, [marks(2, "W", "B"), marks(1, "A")], max_marks=2)
    assert report.ballots.valid == 3
    assert report.winners == ("B",)


def test_the_branch_cap_skips_a_second_candidate_of_a_full_branch() -> None:
    """With one seat per branch, is the runner-up of a full branch skipped for the next?"""
    candidates = [
        Candidate("A", "A", branch="x"),
        Candidate("B", "B", branch="x"),
        Candidate("C", "C", branch="y"),
    ]
    ballots = [marks(9, "A", "B"), marks(2, "C")]
    report = tally("block", 2, candidates, ballots, cap=BranchCap(1, "11.2"))
    assert report.winners == ("A", "C")
    [adjustment] = report.adjustments
    assert (adjustment.candidate, adjustment.action, adjustment.subject, adjustment.article) == (
        "B",
        "skipped",
        "x",
        "11.2",
    )
    assert [(m.candidate, m.reason) for m in report.rounds[0].excluded] == [("B", "branch-cap")]


def test_a_group_minimum_skips_candidates_once_the_last_seats_are_owed() -> None:
    """With one of three seats owed to women, is the third man skipped for a woman?"""
    women = frozenset({"women"})
    candidates = [*people("A", "B", "C"), Candidate("W", "W", groups=women)]
    ballots = [marks(7, "A", "B", "C"), marks(1, "A", "B"), marks(1, "A"), marks(1, "W")]
    report = tally(
        "block", 3, candidates, ballots, max_marks=3, quotas=(GroupQuota("women", 1, "8"),)
    )
    assert counts(report, 1) == {"A": "9", "B": "8", "C": "7", "W": "1"}
    assert report.winners == ("A", "B", "W")
    assert [(a.candidate, a.action, a.rule, a.article) for a in report.adjustments] == [
        ("C", "skipped", "group-quota", "8")
    ]


def test_a_minimum_no_count_could_reach_is_lowered_and_said_so() -> None:
    """With no woman standing, is the women's minimum lowered, and reported?"""
    report = tally(
        "block", 2, people("A", "B"), [marks(1, "A", "B")], quotas=(GroupQuota("women", 1, "8"),)
    )
    assert report.winners == ("A", "B")
    assert [(a.action, a.subject) for a in report.adjustments] == [("minimum-lowered", "women")]


def test_single_seat_needs_more_than_half_of_the_valid_votes() -> None:
    """Is a candidate with an absolute majority (blanks aside) elected outright?"""
    ballots = [marks(6, "A"), marks(5, "B"), Ballot((), 9)]
    report = tally("single", 1, people("A", "B"), ballots)
    assert report.winners == ("A",)
    assert not report.runoff_needed


def test_exactly_half_is_not_a_majority() -> None:
    """Does half of the votes lead to a runoff between the top two?"""
    ballots = [marks(5, "A"), marks(3, "B"), marks(2, "C")]
    report = tally("single", 1, people("A", "B", "C"), ballots)
    assert report.winners == ()
    assert report.runoff_needed
    assert report.runoff_candidates == ("A", "B")


def test_a_tie_for_second_brings_all_tied_into_the_runoff() -> None:
    """When B and C tie for second, does the runoff take the first and both of them?"""
    ballots = [marks(4, "A"), marks(3, "B"), marks(3, "C")]
    report = tally("single", 1, people("A", "B", "C"), ballots)
    assert report.runoff_candidates == ("A", "B", "C")


def test_a_tie_for_first_makes_the_runoff_between_the_tied() -> None:
    """When A and B tie for first, is the runoff between just those two?"""
    ballots = [marks(4, "A"), marks(4, "B"), marks(1, "C")]
    report = tally("single", 1, people("A", "B", "C"), ballots)
    assert report.runoff_candidates == ("A", "B")


def test_a_single_seat_ballot_with_two_marks_is_invalid() -> None:
    """Is a single-seat ballot marking two candidates invalid?"""
    report = tally("single", 1, people("A", "B"), [marks(1, "A", "B"), marks(2, "A")])
    assert dict(report.ballots.invalid_reasons) == {"too-many-marks": 1}
    assert report.winners == ("A",)


def _from_totals(report, method, seats, candidates, **rules):
    """The same count from the report's own totals and summary, as a verifiable poll's
    decryption gives them (no single ballot)."""
    from congress.core.tally import CountRules, count_totals

    votes = {cid: int(v) for cid, v in report.rounds[0].counts}
    rule = CountRules(method=method, seats=seats, **rules)
    return count_totals(candidates, votes, report.ballots, rule)


def test_counting_from_totals_gives_the_same_report_as_counting_ballots() -> None:
    """A verifiable poll is counted from decrypted totals: same winners, caps and quotas,
    ties by the same lot, the same report byte for byte."""
    candidates = [
        Candidate("A", "A", branch="x"),
        Candidate("B", "B", branch="x", groups=frozenset({"youth"})),
        Candidate("C", "C", branch="y"),
        Candidate("D", "D", branch="y"),
    ]
    ballots = [marks(9, "A", "B"), marks(4, "C", "D"), marks(4, "D"), Ballot((), 2)]
    rules = {"cap": BranchCap(1, "11.2"), "quotas": (GroupQuota("youth", 1, "15.2"),)}
    for method, seats, extra in (("block", 2, rules), ("approval", 2, {}), ("single", 1, {})):
        by_ballots = tally(method, seats, candidates, ballots, **extra)
        by_totals = _from_totals(by_ballots, method, seats, candidates, **extra)
        assert by_totals.to_dict() == by_ballots.to_dict(), method
