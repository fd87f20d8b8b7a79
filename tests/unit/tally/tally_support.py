"""Small builders shared by the tally tests, so each test reads like the rule it checks."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

from congress.core.tally import Ballot, Candidate, CountRules, Report, count

PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
"""Hypothesis settings for this folder: enough examples to find bugs, fast enough for CI."""


def people(
    *ids: str, branch: str | None = None, groups: frozenset[str] = frozenset()
) -> list[Candidate]:
    """Candidates whose names are their ids."""
    return [Candidate(i, i, branch=branch, groups=groups) for i in ids]


def ranked(n: int, *ids: str) -> Ballot:
    """`n` identical ballots ranking `ids` in order."""
    return Ballot(tuple((i,) for i in ids), n)


def marks(n: int, *ids: str) -> Ballot:
    """`n` identical ballots marking `ids` (block, approval, single)."""
    return Ballot(tuple((i,) for i in ids), n)


def tally(
    method: str,
    seats: int,
    candidates: list[Candidate],
    ballots: list[Ballot],
    **rules: object,
) -> Report:
    """Count with the given rules (seed and tie order by keyword)."""
    return count(candidates, ballots, CountRules(method=method, seats=seats, **rules))  # type: ignore[arg-type]


def counts(report: Report, number: int) -> dict[str, str]:
    """The vote counts of round `number` (1-based)."""
    return dict(report.rounds[number - 1].counts)
