"""Inputs and answers of the rules API: plain frozen values that each name their article."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from congress.core.bylaws.frozen import FrozenMap
from congress.core.rules import Text

T = TypeVar("T")


@dataclass(frozen=True)
class Cited(Generic[T]):
    """A value the bylaws set, with the article that sets it."""

    value: T
    article: str


@dataclass(frozen=True)
class MemberFacts:
    """What the rules need to know about a member, detached from the database row."""

    member_number: str
    status: str
    joined_on: dt.date | None
    birth_date: dt.date | None
    gender: str | None
    branch: str
    dues_paid: bool | None = None
    extra: Mapping[str, str] = field(default_factory=FrozenMap)

    def __post_init__(self) -> None:
        if not isinstance(self.extra, FrozenMap):
            object.__setattr__(self, "extra", FrozenMap(self.extra))


@dataclass(frozen=True)
class CandidacyContext:
    """Facts about a would-be candidate that live outside the member roll."""

    on_election_committee: bool = False
    is_delegate: bool = False
    bodies: frozenset[str] = frozenset()
    standing_for: frozenset[str] = frozenset()


@dataclass(frozen=True)
class QuorumResult:
    """Whether quorum is met, how many are needed, and why."""

    met: bool
    needed: int
    accredited: int
    present: int
    article: str
    message: Text

    def __bool__(self) -> bool:
        return self.met


@dataclass(frozen=True)
class Apportionment:
    """Delegates (and alternates) per branch, and the method that produced them."""

    method: str
    delegates: FrozenMap[str, int]
    alternates: FrozenMap[str, int]
    total: int
    article: str
    alternates_article: str | None


@dataclass(frozen=True)
class MotionResult:
    """The outcome of a yes/no/abstain vote under one majority kind."""

    passed: bool
    kind: str
    yes: int
    no: int
    abstain: int
    base: str
    base_value: int
    needed: int
    article: str
    reason: Text
    quorum: QuorumResult | None = None

    def __bool__(self) -> bool:
        return self.passed


@dataclass(frozen=True)
class Electorate:
    """Who may vote in a poll: delegates present at opening, all accredited, or a body."""

    kind: str
    body: str | None = None


@dataclass(frozen=True)
class QuotaSeats:
    """A group quota resolved to a whole number of seats (fractions round up)."""

    group: str
    minimum_seats: int
    article: str


@dataclass(frozen=True)
class BranchCapSeats:
    """A per-branch cap resolved to a whole number of seats (fractions round down)."""

    maximum_seats: int
    article: str


@dataclass(frozen=True)
class BallotRules:
    """Everything a poll for one body needs to know, each part with its article."""

    body: str
    title: Text
    method: Cited[str]
    seats: Cited[int]
    max_marks: Cited[int | None]
    quotas: tuple[QuotaSeats, ...]
    branch_cap: BranchCapSeats | None
    blank_allowed: Cited[bool]
    tie: Cited[str]
    electorate: Cited[Electorate]
    candidates_from: Cited[str]
    order: Cited[str]


@dataclass(frozen=True)
class EndorsementRules:
    """How many endorsements a candidacy needs, and from whom."""

    count: int
    source: str
    endorsers: Electorate
    one_per_endorser_per_body: bool
    article: str


@dataclass(frozen=True)
class CertificationRules:
    """Signatures that certify a result, and the window for objections after it."""

    signatures_required: int
    committee_size: int
    signatures_article: str
    objection_window: dt.timedelta
    objections_article: str


@dataclass(frozen=True)
class Timeline:
    """The dates the bylaws derive from the conference date, in the organization's zone."""

    conference_at: dt.datetime
    latest_convening: Cited[dt.datetime]
    nominations_open: Cited[dt.datetime]
    nominations_close: Cited[dt.datetime]
    objection_window: Cited[dt.timedelta]

    def objection_deadline(self, certified_at: dt.datetime) -> Cited[dt.datetime]:
        """Objections close a fixed elapsed time after certification (not wall-clock)."""
        if certified_at.tzinfo is None:
            raise ValueError("certified_at must be timezone-aware")
        end = certified_at.astimezone(dt.UTC) + self.objection_window.value
        return Cited(end.astimezone(self.conference_at.tzinfo), self.objection_window.article)


@dataclass(frozen=True)
class Article:
    """One article of the bylaws as the bylaws page shows it."""

    number: str
    title: Text
    path: str
    summary: Text

    @property
    def anchor(self) -> str:
        """A stable HTML id for links such as `/bylaws#art-12.2` (dots are valid in HTML ids)."""
        return f"art-{self.number}"
