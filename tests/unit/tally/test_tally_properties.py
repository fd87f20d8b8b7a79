"""Properties every count must have, checked on many random elections."""

from __future__ import annotations

import json

from hypothesis import assume, given
from hypothesis import strategies as st
from tally_support import PROPERTY, people

from congress.core.tally import Ballot, BranchCap, Candidate, CountRules, GroupQuota, count

METHODS = ["block", "approval", "single", "stv-scottish", "stv-meek", "stv-wigm"]
STV = ["stv-scottish", "stv-meek", "stv-wigm"]


@st.composite
def elections(
    draw: st.DrawFn, max_candidates: int = 5, max_ballots: int = 20
) -> tuple[list[Candidate], list[Ballot], int]:
    """Random elections: candidates, ballots (some blank, some odd), seats."""
    n = draw(st.integers(2, max_candidates))
    ids = [f"c{i}" for i in range(n)]
    seats = draw(st.integers(1, n - 1))
    ballots = []
    for _ in range(draw(st.integers(1, max_ballots))):
        ranking = draw(st.permutations(ids))[: draw(st.integers(0, n))]
        ballots.append(Ballot(tuple((c,) for c in ranking), draw(st.integers(1, 4))))
    return people(*ids), ballots, seats


def _rules(method: str, seats: int, **extra: object) -> CountRules:
    """Rules for `method` (single always has one seat)."""
    seats = 1 if method == "single" else seats
    return CountRules(method=method, seats=seats, max_marks=None, **extra)  # type: ignore[arg-type]


@PROPERTY
@given(elections(), st.sampled_from(METHODS), st.randoms(use_true_random=False))
def test_ballot_order_never_changes_the_result(
    election: tuple[list[Candidate], list[Ballot], int], method: str, rnd: object
) -> None:
    """Does shuffling the ballot box give the very same report, byte for byte?"""
    candidates, ballots, seats = election
    shuffled = list(ballots)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    rules = _rules(method, seats, seed=b"s")
    assert (
        count(candidates, shuffled, rules).to_json() == count(candidates, ballots, rules).to_json()
    )


@PROPERTY
@given(elections(), st.sampled_from(METHODS), st.binary(max_size=8))
def test_the_same_seed_gives_the_same_report_bytes(
    election: tuple[list[Candidate], list[Ballot], int], method: str, seed: bytes
) -> None:
    """Counted twice with the same seed, are the reports (and their hashes) identical?"""
    candidates, ballots, seats = election
    first = count(candidates, ballots, _rules(method, seats, seed=seed))
    again = count(list(candidates), list(ballots), _rules(method, seats, seed=seed))
    assert first.to_json() == again.to_json()
    assert first.sha256() == again.sha256()


@PROPERTY
@given(elections(), st.sampled_from(METHODS))
def test_reports_hold_no_floats(
    election: tuple[list[Candidate], list[Ballot], int], method: str
) -> None:
    """Does the canonical JSON carry only ints and exact decimal strings?"""
    candidates, ballots, seats = election
    raw = count(candidates, ballots, _rules(method, seats)).to_json()

    def no_float(text: str) -> float:
        """Fail on any float the JSON parser meets."""
        raise AssertionError(f"float {text} in a report")

    data = json.loads(raw, parse_float=no_float)
    assert (
        json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode() == raw
    )


@PROPERTY
@given(elections(), st.sampled_from(STV), st.integers(0, 4), st.data())
def test_a_candidate_first_on_more_than_a_quota_is_elected(
    election: tuple[list[Candidate], list[Ballot], int],
    method: str,
    pick: int,
    data: st.DataObject,
) -> None:
    """Is a candidate ranked first on more than a Droop quota of ballots always elected?"""
    candidates, ballots, seats = election
    star = candidates[pick % len(candidates)].id
    extra = data.draw(st.integers(1, 40))
    others = [c.id for c in candidates if c.id != star]
    ballots = [*ballots, Ballot(((star,), *((o,) for o in others[:1])), extra)]
    first = sum(b.weight for b in ballots if b.prefs and b.prefs[0] == (star,))
    valid = sum(b.weight for b in ballots if b.prefs)
    assume(first * (seats + 1) > valid)
    report = count(candidates, ballots, CountRules(method, seats))
    assert star in report.winners


@PROPERTY
@given(elections(max_candidates=6), st.data())
def test_another_ballot_marking_a_block_winner_never_unseats_them(
    election: tuple[list[Candidate], list[Ballot], int], data: st.DataObject
) -> None:
    """If one more ballot marks a winner of a block vote, does that winner still win?"""
    candidates, ballots, seats = election
    rules = CountRules("block", seats, max_marks=seats, seed=b"monotone")
    before = count(candidates, ballots, rules)
    assume(before.winners)
    winner = data.draw(st.sampled_from(before.winners))
    others = [c.id for c in candidates if c.id != winner]
    companions = data.draw(st.lists(st.sampled_from(others), unique=True, max_size=seats - 1))
    extra = Ballot(tuple((c,) for c in [winner, *companions]))
    after = count(candidates, [*ballots, extra], rules)
    assert winner in after.winners


@PROPERTY
@given(elections(), st.sampled_from(STV))
def test_stv_fills_every_seat_it_can(
    election: tuple[list[Candidate], list[Ballot], int], method: str
) -> None:
    """Does an STV count without quotas or caps always fill all its seats, each once?"""
    candidates, ballots, seats = election
    report = count(candidates, ballots, CountRules(method, seats))
    assert len(report.winners) == seats == len(set(report.winners))
    assert report.vacancies == 0


@st.composite
def constrained(
    draw: st.DrawFn,
) -> tuple[list[Candidate], list[Ballot], int, tuple[GroupQuota, ...], BranchCap]:
    """Random elections whose candidates have branches and groups, with a cap and minimums."""
    _, ballots, _ = draw(elections(max_candidates=7, max_ballots=25))
    ids = sorted({c for b in ballots for g in b.prefs for c in g} | {"c0", "c1"})
    candidates = [
        Candidate(
            i,
            i,
            branch=draw(st.sampled_from(["north", "south", "east", None])),
            groups=frozenset(draw(st.lists(st.sampled_from(["women", "youth"]), unique=True))),
        )
        for i in ids
    ]
    seats = draw(st.integers(1, len(ids)))
    quotas = (
        GroupQuota("women", draw(st.integers(0, seats)), "5.1"),
        GroupQuota("youth", draw(st.integers(0, 2)), "5.2"),
    )
    return candidates, ballots, seats, quotas, BranchCap(draw(st.integers(1, 3)), "6")


@PROPERTY
@given(constrained(), st.sampled_from(["block", "approval", *STV]))
def test_winners_keep_every_cap_and_every_reachable_minimum(
    case: tuple[list[Candidate], list[Ballot], int, tuple[GroupQuota, ...], BranchCap],
    method: str,
) -> None:
    """Do the winners never exceed a branch cap, and meet each minimum the count could reach?"""
    candidates, ballots, seats, quotas, cap = case
    rules = CountRules(method, seats, quotas=quotas, cap=cap, max_marks=None, seed=b"c")
    report = count(candidates, ballots, rules)
    by_id = {c.id: c for c in candidates}
    winners = [by_id[w] for w in report.winners]
    for branch in {c.branch for c in winners if c.branch is not None}:
        assert sum(c.branch == branch for c in winners) <= cap.max_seats
    for quota in quotas:
        minimum = quota.min_seats
        for a in report.adjustments:
            if a.action == "minimum-lowered" and a.subject == quota.group:
                assert a.minimum is not None and a.minimum < minimum
                minimum = a.minimum
        assert sum(quota.group in c.groups for c in winners) >= minimum
