"""The bridge from database rows to the plain facts the rules engine reads."""

from __future__ import annotations

import json
from collections import Counter

from sqlalchemy import select

from congress.bylaws.operations import rules_of
from congress.core.bylaws import Bylaws, MemberFacts
from congress.extensions import db
from congress.members.models import Branch, Member

GENDERS = {"f": "female", "m": "male"}


def member_facts(member: Member) -> MemberFacts:
    return MemberFacts(
        member_number=member.number,
        status=member.status,
        joined_on=member.joined_on,
        birth_date=member.birth_date,
        gender=GENDERS.get(member.gender, member.gender or None),
        branch=member.branch.code,
        dues_paid=member.dues_paid,
    )


def bylaws_of(conference) -> Bylaws:
    return rules_of(conference.bylaws_version)


def standing_for_apportionment(conference, bylaws: Bylaws) -> dict[str, int]:
    """The counts the apportionment uses: those frozen when the conference was convened
    (the notice fixes the seats), else today's roll (a draft)."""
    if conference.standing_at_convening:
        return json.loads(conference.standing_at_convening)
    return good_standing_per_branch(bylaws)


def good_standing_per_branch(bylaws: Bylaws) -> dict[str, int]:
    """Members in good standing per branch code (every branch listed, even with none)."""
    counts: Counter[str] = Counter()
    codes = db.session.execute(select(Branch.code)).scalars().all()
    for member in db.session.execute(select(Member)).scalars():
        if bylaws.good_standing(member_facts(member)).ok:
            counts[member.branch.code] += 1
    return {code: counts.get(code, 0) for code in sorted(codes)}
