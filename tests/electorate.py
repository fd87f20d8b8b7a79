"""An electorate of n accredited, present delegates with accounts, and an open motion poll,
built directly in the database: casting is under test, not designation."""

from __future__ import annotations

from sqlalchemy import select

from congress.auth.models import User
from congress.database import write_intent
from congress.demo_delegates import add_present_voters
from congress.voting import polls
from live_server import mint_phone
from scenario import demo_conference


def electorate(db, n: int):
    """n extra members, accredited and present, with accounts; an open motion poll.

    Delegates are inserted directly: apportionment and accreditation are tested
    elsewhere, casting is under test here."""
    conference = demo_conference()
    with write_intent():
        voters = add_present_voters(conference, n)
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
        db.session.execute(select(User).where(User.member_id.in_(voters)).order_by(User.id))
        .scalars()
        .all()
    )
    return poll.id, [mint_phone(u) for u in users]


def present_voters(conference, n: int, db) -> list:
    """n accredited delegates present in a sitting, with accounts (support.PASSWORD): for
    tests that need more voters than the demo's apportionment seats."""
    from congress.auth.passwords import hash_password
    from support import PASSWORD

    with write_intent():
        ids = add_present_voters(conference, n, password_hash=hash_password(PASSWORD))
        db.session.commit()
    return (
        db.session.execute(select(User).where(User.member_id.in_(ids)).order_by(User.id))
        .scalars()
        .all()
    )
