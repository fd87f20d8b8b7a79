"""Delegates for a demonstration, a scan, a test or a load run, on the demo organization.

`designate_delegates` goes through the real operations (apportionment, good standing,
designation, accreditation), so what it seats is what a credentials officer could seat.
`add_present_voters` writes thousands of accredited, present delegates with accounts in a
few statements: for casting under load, where designation is not what is measured.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import insert, select

from congress.auth.models import User
from congress.auth.passwords import hash_password
from congress.conference import attendance, delegates
from congress.conference.models import Attendance, Conference, Delegate
from congress.extensions import db
from congress.members.models import Branch, Member


def designate_delegates(
    conference: Conference, count: int | None = None, *, accredit: bool = True, skip: Iterable = ()
) -> list[Delegate]:
    """The first designatable members in id order (not in `skip`), each branch up to its
    seats under the bylaws' apportionment, designated and, with `accredit`, accredited;
    `count` caps the total (None: every seat that can be filled)."""
    rules = delegates.bylaws_of(conference)
    standing = delegates.standing_for_apportionment(conference, rules)
    seats = rules.apportionment(standing).delegates
    skipped = {getattr(m, "id", m) for m in skip}
    chosen: list[Delegate] = []
    for member in db.session.execute(select(Member).order_by(Member.id)).scalars():
        if count is not None and len(chosen) >= count:
            break
        taken = sum(1 for d in chosen if d.branch_id == member.branch_id)
        if member.id in skipped or taken >= seats[member.branch.code]:
            continue
        if not rules.good_standing(delegates.member_facts(member)).ok:
            continue
        d = delegates.designate(conference, member, member.branch, "delegate", actor=None)
        if accredit:
            delegates.accredit(d, actor=None)
        chosen.append(d)
    return chosen


def add_present_voters(
    conference: Conference,
    n: int,
    *,
    password_hash: str | None = None,
    email_domain: str = "example.org",
) -> list[int]:
    """n new members of the SY branch (numbers L00000...), accredited delegates, present in
    a sitting started now, each with an account (all sharing `password_hash`, a hash of the
    configured profile unless given). Returns their member ids in order."""
    sy = db.session.execute(select(Branch).where(Branch.code == "SY")).scalar_one()
    db.session.execute(
        insert(Member),
        [
            {
                "number": f"L{i:05d}",
                "name_ar": f"ناخب {i}",
                "name_latin": f"Voter {i}",
                "search_name": "",
                "email": f"voter{i}@{email_domain}",
                "phone": "",
                "branch_id": sy.id,
                "gender": "",
                "status": "active",
                "dues_paid": True,
            }
            for i in range(n)
        ],
    )
    voters = list(
        db.session.execute(
            select(Member.id, Member.email, Member.name_ar)
            .where(Member.number.like("L%"))
            .order_by(Member.id)
        )
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
    accredited = db.session.execute(
        select(Delegate.id).where(
            Delegate.conference_id == conference.id, Delegate.status == "accredited"
        )
    )
    db.session.execute(
        insert(Attendance),
        [
            {"sitting_id": sitting.id, "delegate_id": d, "state": "present"}
            for d in accredited.scalars()
        ],
    )
    hashed = password_hash or hash_password("not-used-sessions-are-minted")
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
    return [m.id for m in voters]
