"""Ballot, endorsement and certification rules for a body, resolved to whole numbers.

Rounding: a fractional group minimum rounds UP (a 25% youth quota of 10 seats
guarantees 3 seats), a fractional branch cap rounds DOWN (40% of 9 seats allows
3 from one branch): both are read in the direction that never weakens the rule.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from congress.core.bylaws.results import (
    BallotRules,
    BranchCapSeats,
    CertificationRules,
    Cited,
    Electorate,
    EndorsementRules,
    QuotaSeats,
)

if TYPE_CHECKING:
    from congress.core.bylaws.model import Bylaws
    from congress.core.bylaws.schema import Body

import datetime as dt

_ALEFS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ـ": None})
_MARKS = re.compile("[\u064b-\u065f\u0670]")
_ARTICLE = re.compile(r"(?<!\S)ال(?=\S\S)")


def electorate_of(b: Bylaws, body: Body) -> Cited[Electorate]:
    """Conference polls use the bylaws' default electorate; a body's members elect otherwise."""
    chooser = body.chosen_by
    if chooser == "conference":
        rule = b.voting.electorate
        return Cited(Electorate(rule.default), rule.article)
    return Cited(Electorate("body", chooser), b.bodies[chooser].article)


def ballot_rules(b: Bylaws, body_key: str) -> BallotRules:
    """Everything a poll for this body needs, each part citing its article."""
    body = b.body(body_key)
    if body.method is None:
        raise ValueError(f"body {body_key!r} is appointed, not elected: it has no ballot")
    art = body.article
    if body.method == "block":
        marks: int | None = body.seats
    elif body.method == "single":
        marks = 1
    else:
        marks = None  # approval: any number; STV: a ranking of any length
    quotas = tuple(QuotaSeats(q.group, q.seats(body.seats), q.article) for q in body.quotas)
    cap = body.branch_cap
    tie = Cited(body.tie, art) if body.tie is not None else Cited(b.ties.default, b.ties.article)
    order = b.voting.ballot_order
    return BallotRules(
        body=body.key,
        title=body.title,
        method=Cited(body.method, art),
        seats=Cited(body.seats, art),
        max_marks=Cited(marks, art),
        quotas=quotas,
        branch_cap=None if cap is None else BranchCapSeats(cap.seats(body.seats), cap.article),
        blank_allowed=Cited(body.blank_ballot_valid, art),
        tie=tie,
        electorate=electorate_of(b, body),
        candidates_from=Cited(body.candidates_from, art),
        order=Cited(order.order, order.article),
    )


def endorsement_rules(b: Bylaws, body_key: str) -> EndorsementRules:
    """A body's own endorsement article if it has one, else the general candidacy one."""
    body = b.body(body_key)
    rule = body.endorsements or b.candidacy.endorsements
    if rule.source == "electors":
        endorsers = electorate_of(b, body).value
    else:
        endorsers = Electorate(rule.source)
    return EndorsementRules(
        rule.count, rule.source, endorsers, rule.one_per_endorser_per_body, rule.article
    )


def certification_rules(b: Bylaws) -> CertificationRules:
    """Signatures that certify a result and how long objections stay open afterwards."""
    sig, obj = b.certification.signatures, b.certification.objections
    return CertificationRules(
        sig.required, sig.committee_size, sig.article, dt.timedelta(hours=obj.hours), obj.article
    )


def candidate_sort_key(b: Bylaws, name: str) -> str:
    """Alphabetical ballot key: Arabic letter variants folded, marks dropped, and the
    definite article 'ال' at the start of a word ignored when the bylaws say so."""
    text = unicodedata.normalize("NFC", name).translate(_ALEFS)
    text = _MARKS.sub("", text)
    if b.voting.ballot_order.ignore_definite_article:
        text = _ARTICLE.sub("", text)
    return " ".join(text.casefold().split())
