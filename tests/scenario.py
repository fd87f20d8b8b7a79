"""Build a convened demo conference with delegates directly through the operations."""

from __future__ import annotations

from sqlalchemy import select

from congress.conference import attendance, delegates, operations
from congress.conference.models import Conference
from congress.database import write_intent
from congress.demo import load_demo
from congress.extensions import db
from congress.members.models import Member


def demo_conference() -> Conference:
    with write_intent():
        load_demo()
        db.session.commit()
    return db.session.execute(select(Conference)).scalar_one()


def designated(conference: Conference, count: int, *, accredit: bool = True, sitting: bool = True):
    """The first `count` designatable members of each branch in turn, as delegates."""
    chosen = []
    with write_intent():
        seats = (
            delegates.bylaws_of(conference)
            .apportionment(delegates.good_standing_per_branch(delegates.bylaws_of(conference)))
            .delegates
        )
        for member in db.session.execute(select(Member).order_by(Member.id)).scalars():
            code = member.branch.code
            taken = sum(1 for d in chosen if d.branch_id == member.branch_id)
            if len(chosen) >= count or taken >= seats[code]:
                continue
            if not delegates.bylaws_of(conference).good_standing(delegates.member_facts(member)).ok:
                continue
            d = delegates.designate(conference, member, member.branch, "delegate", actor=None)
            if accredit:
                delegates.accredit(d, actor=None)
            chosen.append(d)
        if sitting:
            attendance.start_sitting(conference, actor=None)
        db.session.commit()
    assert len(chosen) == count, f"only {len(chosen)} designatable"
    return chosen


__all__ = ["demo_conference", "designated", "operations"]
