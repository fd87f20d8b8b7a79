"""The demo conference at full size, through the operations (no browser, for speed).

Members and delegates are inserted directly, as tests/integration/test_cast_concurrency.py
does: apportionment and accreditation are tested elsewhere. Everything after that goes
through the real operations: polls open and close, ballots are cast with
`congress.voting.casting.cast`, the committee counts and three of it sign (Article 30.1).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from sqlalchemy import insert, select

from congress.auth.models import User
from congress.auth.passwords import hash_password
from congress.conference import attendance
from congress.conference.models import Attendance, Conference, Delegate
from congress.database import write_intent
from congress.extensions import db
from congress.members.models import Branch, Member
from congress.results import certify, counting
from congress.voting import casting, polls
from congress.voting.models import Poll, PollCandidate
from support import PASSWORD

BRANCH_CODES = ("SY", "TR", "EU", "US")
COMMITTEE_EMAILS = tuple(f"committee{n}@congress.test" for n in range(1, 6))


def add_members(prefix: str, count: int, *, youth: Iterable[int] = ()) -> list[Member]:
    """`count` members in good standing, spread over the branches; those whose index is in
    `youth` are under 35 on the conference date (Article 5.4), the others are not."""
    young = set(youth)
    branches = {b.code: b.id for b in db.session.execute(select(Branch)).scalars()}
    with write_intent():
        db.session.execute(
            insert(Member),
            [
                {
                    "number": f"{prefix}{i:04d}",
                    "name_ar": f"{ARABIC_PREFIX.get(prefix, 'عضو')} {_arabic_ordinal(i)}",
                    "name_latin": f"{LATIN_PREFIX.get(prefix, 'Member')} {i}",
                    "search_name": "",
                    "email": f"{prefix.lower()}{i:04d}@example.org",
                    "phone": "",
                    "branch_id": branches[BRANCH_CODES[i % len(BRANCH_CODES)]],
                    "birth_date": date(2001, 5, 1) if i in young else date(1975, 5, 1),
                    "joined_on": date(2015, 1, 1),
                    "gender": "f" if i % 2 else "m",
                    "status": "active",
                    "dues_paid": True,
                }
                for i in range(count)
            ],
        )
        db.session.commit()
    return list(
        db.session.execute(
            select(Member).where(Member.number.like(f"{prefix}%")).order_by(Member.number)
        ).scalars()
    )


ARABIC_PREFIX = {"D": "مندوب", "C": "مرشّح"}
LATIN_PREFIX = {"D": "Delegate", "C": "Candidate"}
_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _arabic_ordinal(i: int) -> str:
    return str(i + 1).translate(_DIGITS)


def seat_delegates(conference: Conference, members: list[Member]) -> None:
    """Accredited delegates, checked in to an open sitting (which puts the conference in
    session)."""
    with write_intent():
        db.session.execute(
            insert(Delegate),
            [
                {
                    "conference_id": conference.id,
                    "member_id": m.id,
                    "branch_id": m.branch_id,
                    "kind": "delegate",
                    "status": "accredited",
                    "reason": "",
                }
                for m in members
            ],
        )
        sitting = attendance.start_sitting(conference, actor=None)
        ids = db.session.execute(
            select(Delegate.id).where(
                Delegate.conference_id == conference.id,
                Delegate.member_id.in_([m.id for m in members]),
            )
        ).scalars()
        db.session.execute(
            insert(Attendance),
            [{"sitting_id": sitting.id, "delegate_id": d, "state": "present"} for d in ids],
        )
        db.session.commit()


def give_accounts(members: list[Member]) -> list[User]:
    """User accounts linked to these members (password support.PASSWORD)."""
    with write_intent():
        hashed = hash_password(PASSWORD)
        users = [
            User(email=m.email, name=m.name_ar, member_id=m.id, password_hash=hashed)
            for m in members
        ]
        db.session.add_all(users)
        db.session.commit()
    return users


def committee() -> list[User]:
    return [
        db.session.execute(select(User).where(User.email == email)).scalar_one()
        for email in COMMITTEE_EMAILS
    ]


def open_poll(poll: Poll) -> None:
    with write_intent():
        polls.open_poll(poll, actor=committee()[0])
        db.session.commit()


def candidate_ids(poll: Poll) -> dict[int, str]:
    """Member id -> the candidate id printed on the ballot."""
    return {
        c.member_id: str(c.id)
        for c in db.session.execute(
            select(PollCandidate).where(PollCandidate.poll_id == poll.id)
        ).scalars()
    }


def cast_all(poll: Poll, ballots: Iterable[tuple[int, Mapping]]) -> int:
    """Cast (member id, choices) pairs through the real cast; returns how many were cast."""
    cast = 0
    with write_intent():
        for member_id, choices in ballots:
            casting.cast(poll.id, member_id, **choices)
            cast += 1
        db.session.commit()
    return cast


def count_and_certify(poll: Poll, *, signers: int = 3) -> dict:
    """Close, count, and sign by `signers` of the committee; returns the report."""
    import json

    members = committee()
    with write_intent():
        polls.close_poll(poll, actor=members[0])
        db.session.commit()  # PostgreSQL rewrites the box in a temporary table per close
    with write_intent():
        tally = counting.run_tally(poll, actor=members[0])
        certified = [certify.sign(poll, user) for user in members[:signers]]
        db.session.commit()
    assert certified[-1] is (signers >= 3) and not any(certified[:-1])
    return json.loads(tally.report)
