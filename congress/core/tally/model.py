"""Plain data in and out of a count: candidates, ballots, rules, and the report.

Every number in a report is an int or an exact decimal string (never a float), so
the same ballots and seed always serialise to the same bytes, and anyone can
recount an exported report and compare its SHA-256.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

METHODS: tuple[str, ...] = (
    "block",
    "approval",
    "single",
    "stv-scottish",
    "stv-meek",
    "stv-meek-prf",
    "stv-meek-omega9",
    "stv-wigm",
)
"""Counting methods `count` knows; the last three exist to check the corpus."""


class TallyError(ValueError):
    """Input that no count can be run on (unknown method, bad seats, duplicate ids)."""


@dataclass(frozen=True)
class Candidate:
    """One person standing; `groups` and `branch` feed group quotas and branch caps."""

    id: str
    name: str
    branch: str | None = None
    groups: frozenset[str] = frozenset()
    withdrawn: bool = False


@dataclass(frozen=True)
class Ballot:
    """One ballot (or `weight` identical ones): ranked groups of equally ranked ids."""

    prefs: tuple[tuple[str, ...], ...]
    weight: int = 1

    @classmethod
    def ranking(cls, *ids: str, weight: int = 1) -> Ballot:
        """Build a strict ranking (or a list of marks) without the nested tuples."""
        return cls(tuple((i,) for i in ids), weight)

    @property
    def marks(self) -> tuple[str, ...]:
        """The flattened ids, which is what block, approval and single read."""
        return tuple(i for group in self.prefs for i in group)


@dataclass(frozen=True)
class GroupQuota:
    """At least `min_seats` of the seats go to candidates in `group`."""

    group: str
    min_seats: int
    article: str


@dataclass(frozen=True)
class BranchCap:
    """No branch may take more than `max_seats` of the seats."""

    max_seats: int
    article: str


@dataclass(frozen=True)
class CountRules:
    """How to count: method, seats, constraints, and what breaks ties by lot."""

    method: str
    seats: int
    quotas: tuple[GroupQuota, ...] = ()
    cap: BranchCap | None = None
    max_marks: int | None = None
    seed: bytes = b""
    tie_order: tuple[str, ...] | None = None


def fmt(value: int, places: int) -> str:
    """Render an integer scaled by 10**places as an exact decimal string."""
    if places == 0:
        return str(value)
    sign = "-" if value < 0 else ""
    whole, frac = divmod(abs(value), 10**places)
    return f"{sign}{whole}.{frac:0{places}d}"


@dataclass(frozen=True)
class Move:
    """A candidate's election or exclusion within a round, with the reason."""

    candidate: str
    reason: str
    article: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain dict; the article only when a bylaws rule caused the move."""
        out: dict[str, Any] = {"candidate": self.candidate, "reason": self.reason}
        if self.article is not None:
            out["article"] = self.article
        return out


@dataclass(frozen=True)
class Round:
    """One stage of a count: what was done, and every candidate's votes after it."""

    number: int
    action: str
    counts: tuple[tuple[str, str], ...]
    quota: str | None = None
    subject: tuple[str, ...] = ()
    transfers: tuple[tuple[str, str], ...] = ()
    exhausted: str | None = None
    elected: tuple[Move, ...] = ()
    excluded: tuple[Move, ...] = ()
    transfer_values: tuple[str, ...] = ()
    keep_factors: tuple[tuple[str, str], ...] = ()
    surplus: str | None = None
    iterations: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain dict; optional parts appear only when the method produces them."""
        out: dict[str, Any] = {
            "number": self.number,
            "action": self.action,
            "counts": dict(self.counts),
            "subject": list(self.subject),
            "elected": [m.to_dict() for m in self.elected],
            "excluded": [m.to_dict() for m in self.excluded],
        }
        if self.quota is not None:
            out["quota"] = self.quota
        if self.transfers:
            out["transfers"] = dict(self.transfers)
        if self.exhausted is not None:
            out["exhausted"] = self.exhausted
        if self.transfer_values:
            out["transfer_values"] = list(self.transfer_values)
        if self.keep_factors:
            out["keep_factors"] = dict(self.keep_factors)
        if self.surplus is not None:
            out["surplus"] = self.surplus
        if self.iterations is not None:
            out["iterations"] = self.iterations
        return out


@dataclass(frozen=True)
class Tie:
    """A tie the count had to break, and how: by looking back, or by lot."""

    candidates: tuple[str, ...]
    stage: int
    purpose: str
    method: str
    chosen: str
    lookback_stage: int | None = None
    lot_order: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain dict; `lookback_stage` for lookback, `lot_order` for lot."""
        out: dict[str, Any] = {
            "candidates": list(self.candidates),
            "stage": self.stage,
            "purpose": self.purpose,
            "method": self.method,
            "chosen": self.chosen,
        }
        if self.lookback_stage is not None:
            out["lookback_stage"] = self.lookback_stage
        if self.lot_order:
            out["lot_order"] = list(self.lot_order)
        return out


@dataclass(frozen=True)
class Adjustment:
    """A place where a group quota or branch cap changed what the count did.

    `action` is "skipped" (block/approval), "excluded" or "kept" (STV), or
    "minimum-lowered" (with the new `minimum`, when no count could reach the old).
    """

    candidate: str | None
    action: str
    rule: str
    subject: str
    article: str
    stage: int
    minimum: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (the bylaws page links `article`); `minimum` when one was lowered."""
        out: dict[str, Any] = {
            "candidate": self.candidate,
            "action": self.action,
            "rule": self.rule,
            "subject": self.subject,
            "article": self.article,
            "stage": self.stage,
        }
        if self.minimum is not None:
            out["minimum"] = self.minimum
        return out


@dataclass(frozen=True)
class BallotSummary:
    """How many ballots were counted, blank, or invalid (and why)."""

    total: int
    valid: int
    blank: int
    invalid: int
    invalid_reasons: tuple[tuple[str, int], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain dict with integer counts."""
        return {
            "total": self.total,
            "valid": self.valid,
            "blank": self.blank,
            "invalid": self.invalid,
            "invalid_reasons": dict(self.invalid_reasons),
        }


@dataclass(frozen=True)
class Report:
    """Everything a count decided, in a form that serialises canonically."""

    method: str
    seats: int
    winners: tuple[str, ...]
    rounds: tuple[Round, ...]
    ballots: BallotSummary
    candidates: tuple[str, ...]
    withdrawn: tuple[str, ...] = ()
    ties: tuple[Tie, ...] = ()
    adjustments: tuple[Adjustment, ...] = ()
    quota: str | None = None
    runoff_needed: bool = False
    runoff_candidates: tuple[str, ...] = ()
    vacancies: int = 0
    seed: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready plain data (ints and strings only)."""
        return {
            "method": self.method,
            "seats": self.seats,
            "winners": list(self.winners),
            "rounds": [r.to_dict() for r in self.rounds],
            "ballots": self.ballots.to_dict(),
            "candidates": list(self.candidates),
            "withdrawn": list(self.withdrawn),
            "ties": [t.to_dict() for t in self.ties],
            "adjustments": [a.to_dict() for a in self.adjustments],
            "quota": self.quota,
            "runoff_needed": self.runoff_needed,
            "runoff_candidates": list(self.runoff_candidates),
            "vacancies": self.vacancies,
            "seed": self.seed,
        }

    def to_json(self) -> bytes:
        """Canonical bytes: sorted keys, no spaces, UTF-8, so hashes are stable."""
        text = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return text.encode("utf-8")

    def sha256(self) -> str:
        """Hex SHA-256 of the canonical bytes, which the certified result carries."""
        return hashlib.sha256(self.to_json()).hexdigest()
