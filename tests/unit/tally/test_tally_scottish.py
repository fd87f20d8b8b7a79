"""Scottish STV (SSI 2007/42) on small elections whose every stage was worked by hand."""

from __future__ import annotations

from tally_support import counts, people, ranked, tally

from congress.core.tally import Ballot, BranchCap, Candidate, GroupQuota, lot_order


def test_quota_is_floor_of_valid_over_seats_plus_one_plus_one() -> None:
    """Is the quota floor(valid / (seats + 1)) + 1, to five decimal places (rule 46)?"""
    report = tally("stv-scottish", 2, people("A", "B", "C"), [ranked(6, "A", "B"), ranked(4, "C")])
    assert report.quota == "4.00000"


def test_surplus_goes_on_at_the_truncated_transfer_value() -> None:
    """Does a surplus of 2 over 6 papers pass on at 0.33333 a paper (rule 48(3))?

    A 6 papers (A, B), C 2, B 1; quota 4. A is elected at stage 1; each of A's papers
    goes to B at 2 x 1 / 6 = 0.33333 (truncated), so B has 1 + 6 x 0.33333 = 2.99998.
    C is then excluded, and B, the only candidate left, takes the last seat.
    """
    report = tally(
        "stv-scottish",
        2,
        people("A", "B", "C"),
        [ranked(6, "A", "B"), ranked(2, "C"), ranked(1, "B")],
    )
    assert counts(report, 1) == {"A": "6.00000", "B": "1.00000", "C": "2.00000"}
    assert counts(report, 2) == {"A": "4.00000", "B": "2.99998", "C": "2.00000"}
    assert report.rounds[1].transfer_values == ("1.00000->0.33333",)
    assert report.rounds[2].action == "exclusion"
    assert report.rounds[2].exhausted == "2.00000"
    assert report.winners == ("A", "B")
    assert [m.reason for m in report.rounds[2].elected] == ["last vacancies"]


def test_a_later_surplus_passes_on_every_paper_at_its_own_value() -> None:
    """Does a candidate elected on transfers pass on all papers, each at its value?

    Rule 48 transfers every paper the candidate holds (not only the last parcel):
    A (10 papers A,B,D) is elected with surplus 4: B gets 10 x 0.4 = 4 and has 7.
    B's surplus is 1 over 7 votes: B's own 3 papers go to C at 1 x 1/7 = 0.14285,
    A's 10 papers go to D at 1 x 0.4/7 = 0.05714. C 4.42855, D 4.57140.
    """
    report = tally(
        "stv-scottish",
        3,
        people("A", "B", "C", "D"),
        [ranked(10, "A", "B", "D"), ranked(3, "B", "C"), ranked(4, "C"), ranked(4, "D")],
    )
    assert report.quota == "6.00000"
    assert counts(report, 2)["B"] == "7.00000"
    assert counts(report, 3) == {"A": "6.00000", "B": "6.00000", "C": "4.42855", "D": "4.57140"}
    assert report.rounds[2].transfer_values == ("1.00000->0.14285", "0.40000->0.05714")
    assert report.rounds[3].transfer_values == ("stage 1: 1.00000", "stage 3: 0.14285")
    assert report.winners == ("A", "B", "D")


def test_equal_lowest_are_separated_by_the_latest_stage_where_they_differed() -> None:
    """When B and C tie for exclusion, is the one lower at an earlier stage excluded?

    Stage 1: A 4, B 3, C 2, D 1. D is excluded and C reaches 3, equal to B.
    At stage 2 they are equal; at stage 1 C had fewer, so C is excluded (rule 51(2)(a)).
    """
    report = tally(
        "stv-scottish",
        1,
        people("A", "B", "C", "D"),
        [ranked(4, "A"), ranked(3, "B"), ranked(2, "C"), ranked(1, "D", "C")],
    )
    [tie] = report.ties
    assert (tie.candidates, tie.method, tie.chosen, tie.lookback_stage) == (
        ("B", "C"),
        "lookback",
        "C",
        1,
    )
    assert report.rounds[2].subject == ("C",)
    assert report.winners == ("A",)


def test_a_tie_at_every_stage_is_broken_by_lot_in_the_given_order() -> None:
    """With A and B equal from the first stage, does the lot decide who is excluded?"""
    ballots = [ranked(2, "A", "B"), ranked(2, "B", "C"), ranked(3, "C")]
    a_first = tally("stv-scottish", 1, people("A", "B", "C"), ballots, tie_order=("A", "B", "C"))
    b_first = tally("stv-scottish", 1, people("A", "B", "C"), ballots, tie_order=("B", "A", "C"))
    assert a_first.ties[0].method == "lot"
    assert a_first.ties[0].lot_order == ("A", "B")
    assert a_first.winners == ("B",)
    assert b_first.winners == ("C",)


def test_without_a_tie_order_the_seeded_lot_decides() -> None:
    """Does the SHA-256 lot of the seed pick the candidate excluded first?"""
    ballots = [ranked(2, "A", "B"), ranked(2, "B", "C"), ranked(3, "C")]
    for seed in (b"one", b"two", b"three"):
        report = tally("stv-scottish", 1, people("A", "B", "C"), ballots, seed=seed)
        first = next(cid for cid in lot_order(seed, ["A", "B", "C"]) if cid in ("A", "B"))
        assert report.ties[0].chosen == first
        assert report.ties[0].lot_order[0] == first


def test_a_withdrawn_candidate_is_skipped_and_preferences_move_on() -> None:
    """Do papers ranking a withdrawn candidate first count for the next preference?"""
    candidates = [Candidate("A", "A", withdrawn=True), *people("B", "C")]
    report = tally("stv-scottish", 1, candidates, [ranked(3, "A", "B"), ranked(2, "C")])
    assert counts(report, 1) == {"B": "3.00000", "C": "2.00000"}
    assert report.withdrawn == ("A",)
    assert report.winners == ("B",)


def test_blank_and_invalid_ballots_are_counted_and_reported_not_dropped() -> None:
    """Are blank, unknown-candidate and repeated-candidate ballots reported as such?"""
    ballots = [
        ranked(3, "A"),
        ranked(2, "B"),
        Ballot((), 4),
        ranked(1, "Z"),
        ranked(5, "A", "B", "A"),
        Ballot((("A", "B"),), 6),
    ]
    report = tally("stv-scottish", 1, people("A", "B"), ballots)
    summary = report.ballots
    assert (summary.total, summary.valid, summary.blank, summary.invalid) == (21, 5, 4, 12)
    assert dict(summary.invalid_reasons) == {
        "duplicate-candidate": 5,
        "equal-first-preference": 6,
        "unknown-candidate": 1,
    }
    assert report.quota == "3.00000"


def test_preferences_stop_before_a_rank_shared_by_two_candidates() -> None:
    """Does a paper ranking B and C equal second stop after its first preference?"""
    ballots = [Ballot((("A",), ("B", "C")), 4), ranked(1, "B"), ranked(2, "C")]
    report = tally("stv-scottish", 1, people("A", "B", "C"), ballots)
    assert report.ballots.valid == 7
    assert report.winners == ("A",)


def test_a_branch_cap_turns_a_quota_into_an_exclusion() -> None:
    """With one seat per branch, is B (same branch as A, over the quota) excluded?

    C, then the only candidate left for the last seat, is elected without further
    transfer (rule 52).
    """
    candidates = [
        Candidate("A", "A", branch="north"),
        Candidate("B", "B", branch="north"),
        Candidate("C", "C", branch="south"),
    ]
    ballots = [ranked(10, "A"), ranked(8, "B", "C"), ranked(3, "C")]
    report = tally("stv-scottish", 2, candidates, ballots, cap=BranchCap(1, "12.3"))
    assert report.winners == ("A", "C")
    [adjustment] = report.adjustments
    assert (adjustment.candidate, adjustment.action, adjustment.rule, adjustment.article) == (
        "B",
        "excluded",
        "branch-cap",
        "12.3",
    )
    assert [(m.candidate, m.reason) for m in report.rounds[0].excluded] == [("B", "branch-cap")]


def test_seats_left_equal_to_seats_owed_exclude_everyone_outside_the_group() -> None:
    """When the one seat left is owed to women, are the men still standing excluded?"""
    women = frozenset({"women"})
    candidates = [
        *people("A", "B", "C"),
        Candidate("D", "D", groups=women),
    ]
    ballots = [ranked(10, "A"), ranked(4, "B"), ranked(3, "C"), ranked(2, "D")]
    report = tally("stv-scottish", 2, candidates, ballots, quotas=(GroupQuota("women", 1, "7"),))
    assert report.winners == ("A", "D")
    assert {(a.candidate, a.action, a.article) for a in report.adjustments} == {
        ("B", "excluded", "7"),
        ("C", "excluded", "7"),
    }


def test_the_last_candidate_of_a_group_owed_a_seat_is_not_excluded_as_lowest() -> None:
    """Is the next lowest excluded instead of the only woman, while a seat is owed?"""
    candidates = [*people("A", "B", "C", "E"), Candidate("D", "D", groups=frozenset({"w"}))]
    ballots = [ranked(10, "A"), ranked(5, "B"), ranked(4, "C"), ranked(2, "E"), ranked(1, "D")]
    report = tally("stv-scottish", 3, candidates, ballots, quotas=(GroupQuota("w", 1, "9"),))
    assert set(report.winners) == {"A", "B", "D"}
    excluded = [m.candidate for r in report.rounds for m in r.excluded]
    assert excluded[:2] == ["E", "C"]
    assert {(a.candidate, a.action) for a in report.adjustments} == {("D", "kept")}
