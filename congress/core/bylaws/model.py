"""The validated bylaws: an immutable value whose methods are the rules API.

Each method is a thin, documented entry point to a pure function in a sibling
module; every answer names the article of the bylaws it comes from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from zoneinfo import ZoneInfo

from congress.core.bylaws import apportion as _apportion
from congress.core.bylaws import ballot as _ballot
from congress.core.bylaws import rules as _rules
from congress.core.bylaws import timeline as _timeline
from congress.core.bylaws.frozen import FrozenMap
from congress.core.bylaws.results import (
    Apportionment,
    Article,
    BallotRules,
    CandidacyContext,
    CertificationRules,
    Cited,
    EndorsementRules,
    MemberFacts,
    MotionResult,
    QuorumResult,
    Timeline,
)
from congress.core.bylaws.schema import (
    Body,
    Branches,
    Candidacy,
    Certification,
    Conference,
    Delegates,
    Membership,
    Meta,
    Motions,
    Organization,
    Rule,
    Ties,
    Voting,
)
from congress.core.rules import Decision


@dataclass(frozen=True)
class Bylaws:
    """One frozen version of an organization's bylaws, and the rules it implies."""

    meta: Meta
    organization: Organization
    branches: Branches | None
    membership: Membership
    delegates: Delegates
    conference: Conference
    bodies: FrozenMap[str, Body]
    candidacy: Candidacy
    voting: Voting
    motions: Motions
    ties: Ties
    certification: Certification
    source_sha256: str
    article_list: tuple[Article, ...]

    # --- the document -------------------------------------------------------

    def articles(self) -> tuple[Article, ...]:
        """Every article in document order, for the bylaws page."""
        return self.article_list

    def articles_by_number(self) -> tuple[Article, ...]:
        """Every article in the order of its number (16.2 before 16.5), as a reader looks
        one up; the file may define them in another order (a body's endorsements beside it)."""
        return tuple(sorted(self.article_list, key=lambda a: _number_key(a.number)))

    def article(self, number: str) -> Article:
        """One article by number (KeyError if the bylaws have none such)."""
        for found in self.article_list:
            if found.number == number:
                return found
        raise KeyError(number)

    def rules(self) -> Iterator[Rule]:
        """Every rule object in the document, in reading order of the sections."""
        yield self.organization
        if self.branches is not None:
            yield self.branches
        yield self.membership.good_standing
        yield from self.membership.groups.values()
        d = self.delegates
        yield from (r for r in (d.apportionment, d.alternates, d.proxies) if r is not None)
        c = self.conference
        yield from (c.notice, c.quorum, c.chair)
        for body in self.bodies.values():
            yield body
            yield from body.quotas
            yield from (r for r in (body.branch_cap, body.endorsements) if r is not None)
        k = self.candidacy
        yield from (k.window, k.eligibility, k.endorsements, k.several_bodies, k.statement)
        v = self.voting
        yield from (v.electorate, v.ballot_order, v.security)
        if v.turnout is not None:
            yield v.turnout
        yield from self.motions.majorities.values()
        yield from self.motions.categories.values()
        yield self.ties
        yield from (self.certification.signatures, self.certification.objections)

    @cached_property
    def zone(self) -> ZoneInfo:
        """The organization's official time zone."""
        return ZoneInfo(self.organization.time_zone)

    def body(self, key: str) -> Body:
        """A body by key; ValueError (not a refusal) if the bylaws define none such."""
        found = self.bodies.get(key)
        if found is None:
            raise ValueError(f"the bylaws define no body {key!r}")
        return found

    # --- conference ---------------------------------------------------------

    def quorum(self, accredited: int, present: int) -> QuorumResult:
        """Is quorum met with this many accredited delegates present?"""
        return _rules.quorum(self, accredited, present)

    def apportionment(self, members: Mapping[str, int]) -> Apportionment:
        """Delegates per branch code from its members in good standing."""
        return _apportion.apportion(self, members)

    def proxies_allowed(self) -> Cited[bool]:
        """Proxies are allowed only if an article says so (default: not)."""
        p = self.delegates.proxies
        if p is None:
            return Cited(False, self.delegates.apportionment.article)
        return Cited(p.allowed, p.article)

    def timeline(self, conference_at: dt.datetime) -> Timeline:
        """Latest convening date, nomination window and objection window."""
        return _timeline.timeline(self, conference_at)

    def notice_check(self, convened_at: dt.datetime, conference_at: dt.datetime) -> Decision:
        """Was the conference convened early enough?"""
        return _timeline.notice_check(self, convened_at, conference_at)

    def nominations_open(self, at: dt.datetime, conference_at: dt.datetime) -> Decision:
        """Is the nomination window open at this instant?"""
        return _timeline.nominations_open(self, at, conference_at)

    def objection_deadline(self, certified_at: dt.datetime) -> Cited[dt.datetime]:
        """When objections to a result certified at this instant close."""
        return _timeline.objection_deadline(self, certified_at)

    def objections_open(self, at: dt.datetime, closes: dt.datetime) -> Decision:
        """May an objection to a result be filed now, its window closing at `closes`?"""
        return _timeline.objections_open(self, at, closes)

    def electorate_default(self) -> Cited[str]:
        """Who votes in conference polls by default."""
        e = self.voting.electorate
        return Cited(e.default, e.article)

    def totp_required(self) -> Cited[bool]:
        """Must delegates confirm with a one-time code?"""
        s = self.voting.security
        return Cited(s.totp_for_delegates, s.article)

    # --- members ------------------------------------------------------------

    def good_standing(self, member: MemberFacts) -> Decision:
        """Is this member in good standing (every failing reason listed)?"""
        return _rules.good_standing(self, member)

    def groups_of(self, member: MemberFacts, on: dt.date) -> frozenset[str]:
        """The bylaws-defined groups of a member on a date (pass the conference date)."""
        return _rules.groups_of(self, member, on)

    # --- candidacy ----------------------------------------------------------

    def eligibility(
        self,
        member: MemberFacts,
        body: str,
        on: dt.date,
        context: CandidacyContext | None = None,
    ) -> Decision:
        """May this member stand for this body? Every unmet condition, with its article."""
        return _rules.eligibility(self, member, body, on, context)

    def endorsements(self, body: str) -> EndorsementRules:
        """How many endorsements a candidacy for this body needs, and from whom."""
        return _ballot.endorsement_rules(self, body)

    def statement_max_chars(self) -> Cited[int]:
        """Longest candidate statement, in characters."""
        st = self.candidacy.statement
        return Cited(st.max_chars, st.article)

    def several_bodies_allowed(self) -> Cited[bool]:
        """May one member stand for several bodies at once?"""
        sb = self.candidacy.several_bodies
        return Cited(sb.allowed, sb.article)

    # --- voting and results -------------------------------------------------

    def ballot_rules(self, body: str) -> BallotRules:
        """Method, seats, marks, quotas, cap, blanks, ties and electorate of a body's poll."""
        return _ballot.ballot_rules(self, body)

    def candidate_sort_key(self, name: str) -> str:
        """Key for the alphabetical ballot order the bylaws prescribe."""
        return _ballot.candidate_sort_key(self, name)

    def motion_kind(self, category: str) -> Cited[str]:
        """The majority kind for a category: ordinary, policy_paper, bylaw_amendment, ..."""
        return _rules.motion_kind(self, category)

    def motion_result(
        self, yes: int, no: int, abstain: int, present: int, accredited: int, kind: str
    ) -> MotionResult:
        """Did a motion pass under this majority kind? Exact arithmetic, with the article."""
        return _rules.motion_result(self, yes, no, abstain, present, accredited, kind)

    def certification_rules(self) -> CertificationRules:
        """Signatures needed, committee size and objection window."""
        return _ballot.certification_rules(self)


def _number_key(number: str) -> tuple:
    """ "16.2" -> ((0, 16, ""), (0, 2, "")); a part that is not a number sorts after numbers."""
    parts = []
    for part in number.split("."):
        digits = "".join(ch for ch in part if ch.isdigit())
        parts.append((0, int(digits), part) if digits else (1, 0, part))
    return tuple(parts)
