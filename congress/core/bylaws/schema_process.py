"""The typed rules of the election process: candidacy, voting, motions, ties, certification.

Split from `schema` only to keep modules short; import them from `schema`.
"""

from __future__ import annotations

from dataclasses import dataclass

from congress.core.bylaws.frozen import FrozenMap
from congress.core.bylaws.schema_base import Endorsements, Rule, Threshold


@dataclass(frozen=True)
class NominationWindow(Rule):
    """When nominations open and close, in days before the conference."""

    opens_days_before: int
    closes_days_before: int


@dataclass(frozen=True)
class Eligibility(Rule):
    """Conditions every candidate must meet."""

    min_membership_months: int
    good_standing: bool
    exclude_election_committee: bool
    min_age: int | None
    max_age: int | None


@dataclass(frozen=True)
class SeveralBodies(Rule):
    """Whether one member may stand for several bodies at once."""

    allowed: bool


@dataclass(frozen=True)
class Statement(Rule):
    """The longest candidate statement, in characters."""

    max_chars: int


@dataclass(frozen=True)
class Candidacy:
    """The candidacy rules: window, eligibility, endorsements, several bodies, statement."""

    window: NominationWindow
    eligibility: Eligibility
    endorsements: Endorsements
    several_bodies: SeveralBodies
    statement: Statement


@dataclass(frozen=True)
class ElectorateRule(Rule):
    """Who votes in conference polls by default."""

    default: str


@dataclass(frozen=True)
class BallotOrder(Rule):
    """How candidates are ordered on the ballot."""

    order: str
    ignore_definite_article: bool


@dataclass(frozen=True)
class Security(Rule):
    """Whether delegates must confirm with a TOTP code."""

    totp_for_delegates: bool


@dataclass(frozen=True)
class Turnout(Rule):
    """Whether the election committee sees, while a poll is open, who has not voted yet
    (never what anyone voted), and may remind them; observers always see counts only."""

    names_to_committee: bool
    reminders: bool


@dataclass(frozen=True)
class Voting:
    """Electorate, ballot order, delegate authentication and what turnout shows."""

    electorate: ElectorateRule
    ballot_order: BallotOrder
    security: Security
    turnout: Turnout | None = None  # absent: counts only


@dataclass(frozen=True)
class Majority(Rule):
    """A majority kind: a threshold over a base (votes for/against, cast, present, accredited)."""

    key: str
    base: str
    threshold: Threshold


@dataclass(frozen=True)
class Category(Rule):
    """Which majority kind a category of motion needs."""

    key: str
    kind: str


@dataclass(frozen=True)
class Motions:
    """The majority kinds and the motion categories that use them."""

    majorities: FrozenMap[str, Majority]
    categories: FrozenMap[str, Category]


@dataclass(frozen=True)
class Ties(Rule):
    """The general tie rule; a lot is seeded from the audit chain head at close."""

    default: str
    seed: str


@dataclass(frozen=True)
class Signatures(Rule):
    """How many election committee signatures certify a result, of how many members."""

    committee_size: int
    required: int


@dataclass(frozen=True)
class Objections(Rule):
    """How many hours objections stay open after certification."""

    hours: int


@dataclass(frozen=True)
class Certification:
    """Signatures and the objection window."""

    signatures: Signatures
    objections: Objections
