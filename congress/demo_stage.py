"""`congress demo` stages the demo conference so that a new user can try everything now.

`load_demo` (the organization, a convened conference, candidacies) is what the tests build
on. On top of it `make run` gets, with dates relative to the day it runs:

- the conference 20 days ahead, so the nomination window of Article 20.1 is open: a member
  can stand as a candidate;
- every delegate seat designated and accredited, with accounts (DEMO_DELEGATES print their
  logins), the approved candidacies endorsed as Article 20.3 requires;
- a sitting open, every delegate present but the second demo delegate, who can check in;
- a motion open for voting, that the first and third demo delegates have not voted in;
- an earlier motion closed, counted and certified by three committee signatures, so the
  results page has something to read;
- the trustees' key made (each committee member's key file under instance/demo-trustees/)
  and a verifiable motion open, its public credentials published (every delegate's
  credential in instance/demo-authority/credentials.json).

Everything goes through the operations (roll, casting, close, count, certification) and
is audited, except the endorsements, written directly because the candidacies are already
approved (each with an audit entry saying so).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from congress.audit import actions
from congress.audit.operations import actor_label, record
from congress.auth.models import User
from congress.auth.passwords import hash_password
from congress.candidacy.models import Candidacy, Endorsement
from congress.conference import attendance
from congress.conference.models import Conference
from congress.demo_delegates import designate_delegates
from congress.extensions import db
from congress.results import certify, counting
from congress.voting import casting, polls

DELEGATE_PASSWORD = "delegate-demo-2026"  # noqa: S105 (a published demo password)
DEMO_DELEGATES = 3  # the first delegates of the roll get printed logins
ANSWERS = ("yes", "yes", "no", "yes", "abstain", "yes", "no")


def demo_delegate_logins() -> list[tuple[str, str, str]]:
    """(what, email, password) of the first delegates, as README.md describes them."""
    from congress.conference.models import Delegate

    rows = db.session.execute(
        select(Delegate)
        .where(Delegate.kind == "delegate")
        .order_by(Delegate.id)
        .limit(DEMO_DELEGATES)
    ).scalars()
    what = ("delegate, present", "delegate, to check in", "delegate, present")
    return [(what[n], d.member.email, DELEGATE_PASSWORD) for n, d in enumerate(rows)]


def stage(admin: User) -> None:
    """Stage the demo conference (module docstring)."""
    conference = db.session.execute(select(Conference)).scalars().first()
    zone = ZoneInfo("Asia/Damascus")
    day = (datetime.now(zone) + timedelta(days=20)).date()
    conference.starts_at = datetime(day.year, day.month, day.day, 10, 0, tzinfo=zone)
    record(
        actions.CONFERENCE_UPDATED,
        actor=actor_label(admin),
        subject=f"conference:{conference.id}",
        data={"starts_at": conference.starts_at.isoformat(), "note": "demo: 20 days ahead"},
    )
    delegates = designate_delegates(conference, None)
    hashed = hash_password(DELEGATE_PASSWORD)
    for delegate in delegates:
        member = delegate.member
        db.session.add(
            User(email=member.email, name=member.name_ar, member_id=member.id, password_hash=hashed)
        )
    db.session.flush()
    _endorse(conference, [d.member for d in delegates], admin)
    attendance.start_sitting(conference, actor=admin)
    for n, delegate in enumerate(delegates):
        if n != 1:  # the second demo delegate checks in themself
            attendance.set_presence(delegate, "present", actor=admin)
    _certified_motion(conference, delegates[DEMO_DELEGATES:], admin)
    motion = polls.create_motion(
        conference,
        title_ar="ورقة التوجهات السياسية الجديدة",
        title_en="The new policy directions paper",
        text_ar="تعتمد الهيئة العامة ورقة التوجهات السياسية المعروضة عليها.\n\n"
        "وتكلّف المجلس المركزي بمتابعة تنفيذها وتقديم تقرير عنها في المؤتمر القادم.",
        text_en="The General Conference adopts the policy directions paper before it.\n\n"
        "It charges the Central Council with carrying it out and reporting at the next conference.",
        category="policy_paper",
        actor=admin,
        closes_at=datetime.now(zone) + timedelta(days=3),
    )
    polls.open_poll(motion, actor=admin)
    _verifiable(conference, admin)


def _verifiable(conference: Conference, admin: User) -> None:
    """The trustees' key and an open verifiable motion (congress/verifiable/demo.py)."""
    from congress.demo import DEMO_LOGINS
    from congress.verifiable import demo

    authority = db.session.execute(
        select(User).where(User.email == DEMO_LOGINS[-1][1])
    ).scalar_one()
    demo.make_key(conference, admin)
    demo.verifiable_motion(conference, admin, authority)


def _endorse(conference: Conference, endorsers: list, admin: User) -> None:
    """Three endorsements for each approved candidacy, each endorser once per body."""
    pool = iter(endorsers)
    for candidacy in db.session.execute(
        select(Candidacy)
        .where(Candidacy.conference_id == conference.id, Candidacy.status == "approved")
        .order_by(Candidacy.id)
    ).scalars():
        for _ in range(3):
            member = next(m for m in pool if m.id != candidacy.member_id)
            db.session.add(
                Endorsement(
                    candidacy_id=candidacy.id,
                    conference_id=conference.id,
                    body=candidacy.body,
                    endorser_member_id=member.id,
                )
            )
            record(
                actions.CANDIDACY_ENDORSED,
                actor=actor_label(admin),
                subject=f"candidacy:{candidacy.id}",
                data={"endorser": member.number, "note": "demo data written directly"},
            )
    db.session.flush()


def _certified_motion(conference: Conference, voters: list, admin: User) -> None:
    """An earlier motion, voted, closed, counted and certified: something to read."""
    poll = polls.create_motion(
        conference,
        title_ar="اعتماد تقرير المكتب التنسيقي عن الدورة المنتهية",
        title_en="Approval of the Coordination Office's report on the past term",
        text_ar="تعتمد الهيئة العامة تقرير المكتب التنسيقي عن الدورة المنتهية.",
        text_en="The General Conference approves the Coordination Office's report.",
        category="ordinary",
        actor=admin,
    )
    polls.open_poll(poll, actor=admin)
    for n, delegate in enumerate(voters):
        casting.cast(poll.id, delegate.member_id, answer=ANSWERS[n % len(ANSWERS)])
    polls.close_poll(poll, actor=admin)
    counting.run_tally(poll, actor=admin)
    signers = db.session.execute(
        select(User).where(User.email.like("committee%@congress.test")).order_by(User.email)
    ).scalars()
    for signer in list(signers)[:3]:
        certify.sign(poll, signer)
