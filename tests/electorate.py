"""An electorate of n accredited, present delegates with accounts, and an open motion poll,
built directly in the database: casting is under test, not designation."""

from __future__ import annotations

from sqlalchemy import insert, select

from congress.auth.models import User
from congress.auth.passwords import hash_password
from congress.conference import attendance
from congress.conference.models import Attendance, Delegate
from congress.database import write_intent
from congress.members.models import Branch, Member
from congress.voting import polls
from live_server import mint_phone
from scenario import demo_conference


def electorate(db, n: int):
    """n extra members, accredited and present, with accounts; an open motion poll.

    Delegates are inserted directly: apportionment and accreditation are tested
    elsewhere, casting is under test here."""
    conference = demo_conference()
    with write_intent():
        sy = db.session.execute(select(Branch).where(Branch.code == "SY")).scalar_one()
        db.session.execute(
            insert(Member),
            [
                {
                    "number": f"L{i:05d}",
                    "name_ar": f"ناخب {i}",
                    "name_latin": f"Voter {i}",
                    "search_name": "",
                    "email": f"voter{i}@example.org",
                    "phone": "",
                    "branch_id": sy.id,
                    "gender": "",
                    "status": "active",
                    "dues_paid": True,
                }
                for i in range(n)
            ],
        )
        voters = (
            db.session.execute(select(Member).where(Member.number.like("L%")).order_by(Member.id))
            .scalars()
            .all()
        )
        db.session.execute(
            insert(Delegate),
            [
                {
                    "conference_id": conference.id,
                    "member_id": m.id,
                    "branch_id": sy.id,
                    "kind": "delegate",
                    "status": "accredited",
                    "reason": "",
                }
                for m in voters
            ],
        )
        sitting = attendance.start_sitting(conference, actor=None)
        delegates = db.session.execute(
            select(Delegate.id).where(
                Delegate.conference_id == conference.id, Delegate.status == "accredited"
            )
        )
        db.session.execute(
            insert(Attendance),
            [
                {"sitting_id": sitting.id, "delegate_id": d, "state": "present"}
                for d in delegates.scalars()
            ],
        )
        hashed = hash_password("not-used-sessions-are-minted")
        db.session.execute(
            insert(User),
            [
                {
                    "email": m.email,
                    "name": m.name_ar,
                    "member_id": m.id,
                    "password_hash": hashed,
                    "session_version": 1,
                    "active": True,
                }
                for m in voters
            ],
        )
        poll = polls.create_motion(
            conference,
            title_ar="مقترح",
            title_en="Motion",
            text_ar="نص",
            text_en="Text",
            category="ordinary",
            actor=None,
        )
        polls.open_poll(poll, actor=None)
        db.session.commit()
    users = (
        db.session.execute(
            select(User).where(User.member_id.in_([m.id for m in voters])).order_by(User.id)
        )
        .scalars()
        .all()
    )
    return poll.id, [mint_phone(u) for u in users]
