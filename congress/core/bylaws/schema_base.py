"""The typed, immutable shape of a validated bylaws document (organization to bodies).

Every rule is a frozen dataclass that carries its article number, bilingual
title and key path, so every answer built from it can cite its article.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from congress.core.bylaws.frozen import FrozenMap
from congress.core.rules import Text

# A share of seats: an int is a number of seats, a Fraction a share of the body.
SeatShare = int | Fraction


@dataclass(frozen=True)
class Threshold:
    """'more than f' (strict) or 'at least f' of a base, in exact arithmetic."""

    fraction: Fraction
    strict: bool

    def needed(self, base: int) -> int:
        """Smallest whole number of votes or people that satisfies the threshold."""
        num, den = self.fraction.numerator, self.fraction.denominator
        if self.strict:
            return (num * base) // den + 1
        return -((-num * base) // den)

    def met(self, count: int, base: int) -> bool:
        """Exact comparison, never floats: count > f*base or count >= f*base."""
        if self.strict:
            return count * self.fraction.denominator > self.fraction.numerator * base
        return count * self.fraction.denominator >= self.fraction.numerator * base


@dataclass(frozen=True)
class Rule:
    """What every rule carries: its article, bilingual title and key path."""

    article: str
    title: Text
    path: str


@dataclass(frozen=True)
class Meta:
    """The document itself: title, version (a conference runs under one), adoption date."""

    title: Text
    version: str
    adopted_on: dt.date | None


@dataclass(frozen=True)
class Organization(Rule):
    """The organization itself: bilingual name, languages (first is default), time zone."""

    name: Text
    languages: tuple[str, ...]
    time_zone: str


@dataclass(frozen=True)
class Branches(Rule):
    """Declared branch codes with names; lets validation check caps against the branch count."""

    names: FrozenMap[str, Text]


@dataclass(frozen=True)
class GoodStanding(Rule):
    """What makes a member in good standing: an allowed status and, optionally, paid dues."""

    statuses: tuple[str, ...]
    dues_required: bool


@dataclass(frozen=True)
class Group(Rule):
    """A group rules refer to (quotas), defined by criteria that must all hold."""

    key: str
    age_under: int | None
    age_at_least: int | None
    genders: tuple[str, ...] | None
    branches: tuple[str, ...] | None
    extra_field: str | None
    extra_values: tuple[str, ...] | None


@dataclass(frozen=True)
class Membership:
    """Good standing and the groups, both defined by the bylaws rather than code."""

    good_standing: GoodStanding
    groups: FrozenMap[str, Group]


@dataclass(frozen=True)
class Notice(Rule):
    """How many days before the conference it must be convened."""

    days: int


@dataclass(frozen=True)
class Quorum(Rule):
    """Quorum of accredited delegates, how presence is counted, and whether votes need it."""

    threshold: Threshold
    present_counted: str
    at_voting: bool


@dataclass(frozen=True)
class Chair(Rule):
    """Who chairs the conference: 'elected', 'eldest_delegate' or a body key."""

    chaired_by: str


@dataclass(frozen=True)
class Conference:
    """The conference rules: notice, quorum and chair."""

    notice: Notice
    quorum: Quorum
    chair: Chair


@dataclass(frozen=True)
class ApportionmentRule(Rule):
    """How delegate seats are shared among branches."""

    method: str
    members_per_delegate: int | None
    minimum_per_branch: int
    rounding: str | None
    size: int | None


@dataclass(frozen=True)
class Alternates(Rule):
    """Whether branches name alternates, and how many per delegate (rounded up)."""

    allowed: bool
    ratio: Fraction


@dataclass(frozen=True)
class Proxies(Rule):
    """Whether a delegate may vote by proxy."""

    allowed: bool


@dataclass(frozen=True)
class Delegates:
    """Apportionment, alternates and proxies."""

    apportionment: ApportionmentRule
    alternates: Alternates | None
    proxies: Proxies | None


@dataclass(frozen=True)
class Quota(Rule):
    group: str
    at_least: SeatShare

    def seats(self, body_seats: int) -> int:
        """A fractional minimum rounds UP: 25% of 10 seats guarantees 3, never 2."""
        if isinstance(self.at_least, int):
            return self.at_least
        return -((-self.at_least.numerator * body_seats) // self.at_least.denominator)


@dataclass(frozen=True)
class BranchCap(Rule):
    at_most: SeatShare

    def seats(self, body_seats: int) -> int:
        """A fractional cap rounds DOWN: 40% of 9 seats allows 3, never 4."""
        if isinstance(self.at_most, int):
            return self.at_most
        return (self.at_most.numerator * body_seats) // self.at_most.denominator


@dataclass(frozen=True)
class Endorsements(Rule):
    """How many endorsements a candidacy needs and from whom."""

    count: int
    source: str
    one_per_endorser_per_body: bool


@dataclass(frozen=True)
class Body(Rule):
    """A council, office or single post: seats, term, who chooses it and how it is counted."""

    key: str
    seats: int
    term_months: int
    elected_by: str | None
    appointed_by: str | None
    candidates_from: str
    method: str | None
    blank_ballot_valid: bool
    tie: str | None
    quotas: tuple[Quota, ...]
    branch_cap: BranchCap | None
    endorsements: Endorsements | None

    @property
    def chosen_by(self) -> str:
        """The electing or appointing body ('conference' or a body key)."""
        return self.elected_by or self.appointed_by or ""
