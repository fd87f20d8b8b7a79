"""The lot, the shape of a report, and refusals of rules no count can follow."""

from __future__ import annotations

import hashlib
import json

import pytest
from tally_support import marks, people, ranked, tally

from congress.core.tally import Candidate, CountRules, TallyError, count, lot_order


def test_the_lot_orders_by_sha256_of_seed_and_id() -> None:
    """Is the lot order the ids sorted by SHA-256(seed || id), as documented?"""
    seed = hashlib.sha256(b"chain head" + b"poll 7").digest()
    ids = ["ahmad", "layla", "omar", "سلمى"]
    expected = sorted(ids, key=lambda i: hashlib.sha256(seed + i.encode()).hexdigest())
    assert lot_order(seed, ids) == tuple(expected)
    assert lot_order(seed, reversed(ids)) == tuple(expected)


def test_different_seeds_draw_different_orders() -> None:
    """Does the seed actually change the lot (not always the input order)?"""
    ids = [f"c{i}" for i in range(8)]
    assert len({lot_order(bytes([n]), ids) for n in range(10)}) > 1


def test_a_report_has_the_agreed_shape() -> None:
    """Does to_dict() carry method, seats, winners, rounds, ties and ballot counts?"""
    report = tally("stv-scottish", 1, people("A", "B", "C"), [ranked(3, "A"), ranked(2, "B", "A")])
    data = report.to_dict()
    assert {
        "method",
        "seats",
        "winners",
        "rounds",
        "ties",
        "adjustments",
        "ballots",
        "quota",
        "runoff_needed",
        "runoff_candidates",
        "candidates",
        "withdrawn",
        "vacancies",
        "seed",
    } <= set(data)
    first = data["rounds"][0]
    assert {"number", "action", "counts", "quota", "elected", "excluded"} <= set(first)
    assert first["counts"] == {"A": "3.00000", "B": "2.00000", "C": "0.00000"}
    assert data["ballots"] == {
        "total": 5,
        "valid": 5,
        "blank": 0,
        "invalid": 0,
        "invalid_reasons": {},
    }


def test_the_json_is_canonical_and_hashable() -> None:
    """Is to_json() sorted, compact UTF-8, and sha256() the hash of exactly those bytes?"""
    report = tally("approval", 1, people("A", "B"), [marks(1, "A")], seed=b"\x01")
    raw = report.to_json()
    assert raw == json.dumps(
        json.loads(raw), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")
    assert report.sha256() == hashlib.sha256(raw).hexdigest()
    assert json.loads(raw)["seed"] == "01"


@pytest.mark.parametrize(
    "rules",
    [
        CountRules("borda", 1),
        CountRules("block", 0),
        CountRules("single", 2),
        CountRules("block", 1, max_marks=0),
    ],
)
def test_rules_no_count_can_follow_are_refused(rules: CountRules) -> None:
    """Are an unknown method, no seats, or a two-seat 'single' refused up front?"""
    with pytest.raises(TallyError):
        count(people("A"), [], rules)


def test_two_candidates_with_one_id_are_refused() -> None:
    """Is a candidate list with a repeated id refused rather than counted?"""
    with pytest.raises(TallyError):
        count([Candidate("A", "x"), Candidate("A", "y")], [], CountRules("approval", 1))


def test_a_ballot_weight_must_be_a_positive_integer() -> None:
    """Is a zero or negative weight refused (it is the caller's data, not a vote)?"""
    with pytest.raises(TallyError):
        count(people("A"), [ranked(0, "A")], CountRules("stv-meek", 1))
    with pytest.raises(TallyError):
        count(people("A"), [marks(-1, "A")], CountRules("block", 1))


def test_an_election_without_ballots_still_reports_every_seat() -> None:
    """With no valid ballot at all, does each method end cleanly and say what it did?"""
    for method in ("stv-scottish", "stv-meek", "stv-wigm"):
        report = tally(method, 1, people("A", "B"), [], seed=b"e")
        assert len(report.winners) == 1
    assert tally("approval", 1, people("A", "B"), []).vacancies == 1
    assert tally("single", 1, people("A", "B"), []).runoff_needed
