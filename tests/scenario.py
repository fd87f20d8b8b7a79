"""Build a convened demo conference with delegates directly through the operations."""

from __future__ import annotations

from sqlalchemy import select

from congress.conference import attendance, operations
from congress.conference.models import Conference
from congress.database import write_intent
from congress.demo import load_demo
from congress.demo_delegates import designate_delegates
from congress.extensions import db
from congress.members.models import Member


def demo_conference() -> Conference:
    with write_intent():
        load_demo()
        db.session.commit()
    return db.session.execute(select(Conference)).scalar_one()


def designated(conference: Conference, count: int, *, accredit: bool = True, sitting: bool = True):
    """The first `count` designatable members of each branch in turn, as delegates."""
    with write_intent():
        chosen = designate_delegates(conference, count, accredit=accredit)
        if sitting:
            attendance.start_sitting(conference, actor=None)
        db.session.commit()
    assert len(chosen) == count, f"only {len(chosen)} designatable"
    return chosen


__all__ = ["demo_conference", "designated", "operations"]


def delegate_users(conference: Conference, count: int, *, present: int | None = None):
    """`count` accredited delegates with accounts (password support.PASSWORD), the first
    `present` of them checked in to an open sitting. Returns their users."""
    from congress.auth.models import User
    from congress.auth.passwords import hash_password
    from support import PASSWORD

    chosen = designated(conference, count)
    users = []
    with write_intent():
        hashed = hash_password(PASSWORD)
        for d in chosen:
            member = d.member
            user = User(
                email=member.email, name=member.name_ar, member_id=member.id, password_hash=hashed
            )
            db.session.add(user)
            users.append(user)
        db.session.flush()
        for d in chosen[: count if present is None else present]:
            attendance.set_presence(d, "present", actor=None)
        db.session.commit()
    return users


def approve_candidates(conference: Conference, body: str, members) -> list:
    """Approved candidacies for `members`, as the committee would leave them."""
    from congress.candidacy.models import Candidacy
    from congress.models_common import utcnow

    rows = []
    with write_intent():
        for member in members:
            candidacy = Candidacy(
                conference_id=conference.id,
                body=body,
                member_id=member.id,
                status="approved",
                submitted_at=utcnow(),
                decided_at=utcnow(),
            )
            db.session.add(candidacy)
            rows.append(candidacy)
        db.session.commit()
    return rows


def seat_body(conference: Conference, body: str, members) -> None:
    """A certified composition for `body` (as certification of its election records)."""
    from congress.candidacy.models import BodyMember
    from congress.models_common import utcnow

    with write_intent():
        for position, member in enumerate(members, start=1):
            db.session.add(
                BodyMember(
                    conference_id=conference.id,
                    body=body,
                    member_id=member.id,
                    position=position,
                    since=utcnow(),
                )
            )
        db.session.commit()


def members(*, exclude=(), limit=None):
    """Members in id order, skipping some."""
    skip = {getattr(m, "id", m) for m in exclude}
    rows = [
        m
        for m in db.session.execute(select(Member).order_by(Member.id)).scalars()
        if m.id not in skip
    ]
    return rows[:limit] if limit else rows
