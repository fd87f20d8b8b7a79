"""Two officers accrediting at once, a delegate checking in from two phones: one outcome,
no duplicated or lost state (SQLite and PostgreSQL)."""

from concurrency import run_at_once
from sqlalchemy import func, select

from congress.audit.models import AuditEntry
from congress.audit.operations import verify_chain
from congress.conference import attendance, delegates, facts
from congress.conference.models import Attendance, Conference, Delegate
from congress.database import write_intent
from scenario import demo_conference, designated


def test_two_officers_accrediting_at_once_accredit_once(app, db):
    conference = demo_conference()
    delegate_id = designated(conference, 1, accredit=False, sitting=False)[0].id

    def accredit(_i):
        delegates.accredit(db.session.get(Delegate, delegate_id), actor=None)
        return "ok"

    results = run_at_once(app, 8, accredit)
    assert results.count("ok") == 1
    assert all(isinstance(r, delegates.DelegateError) for r in results if r != "ok")
    entries = db.session.execute(
        select(func.count(AuditEntry.seq)).where(AuditEntry.action == "delegate.accredited")
    ).scalar()
    assert entries == 1 and verify_chain().ok


def test_a_delegate_checking_in_from_two_phones_is_present_once(app, db):
    conference = demo_conference()
    delegate_id = designated(conference, 1)[0].id

    def check_in(_i):
        return attendance.set_presence(db.session.get(Delegate, delegate_id), "present", actor=None)

    results = run_at_once(app, 6, check_in)
    assert results.count(True) == 1 and results.count(False) == 5, results
    rows = db.session.execute(select(func.count(Attendance.id))).scalar()
    changes = db.session.execute(
        select(func.count(AuditEntry.seq)).where(AuditEntry.action == "sitting.attendance")
    ).scalar()
    assert rows == 1 and changes == 1 and verify_chain().ok


def test_two_officers_designating_the_last_seat_at_once_fill_it_once(app, db):
    conference = demo_conference()
    rules = facts.bylaws_of(conference)
    seats = rules.apportionment(facts.standing_for_apportionment(conference, rules)).delegates["US"]
    from congress.members.models import Member

    us = [
        m
        for m in db.session.execute(select(Member).order_by(Member.id)).scalars()
        if m.branch.code == "US"
        and delegates.bylaws_of(conference).good_standing(delegates.member_facts(m)).ok
    ]
    with write_intent():
        for member in us[: seats - 1]:
            delegates.designate(conference, member, member.branch, "delegate", actor=None)
        db.session.commit()
    contenders = [m.id for m in us[seats - 1 : seats + 3]]
    conference_id = conference.id

    def designate(i):  # each thread loads its own rows: ORM objects stay in their session
        member = db.session.get(Member, contenders[i])
        delegates.designate(
            db.session.get(Conference, conference_id), member, member.branch, "delegate", actor=None
        )
        return "ok"

    results = run_at_once(app, len(contenders), designate)
    assert results.count("ok") == 1, results
    taken = db.session.execute(
        select(func.count(Delegate.id)).where(Delegate.branch_id == us[0].branch_id)
    ).scalar()
    assert taken == seats


def test_one_delegate_endorsing_six_candidacies_at_once_endorses_one_art_20_3(app, db):
    """Article 20.3 allows one endorsement per delegate per body: six requests at once (six
    tabs, six candidacies) leave exactly one, and the others are refused by the article."""
    from datetime import timedelta

    from congress.candidacy import endorsements
    from congress.candidacy.models import Candidacy, Endorsement
    from congress.core.rules import RuleRefused
    from congress.members.models import Member
    from congress.models_common import utcnow

    conference = demo_conference()
    endorser = designated(conference, 1, sitting=False)[0].member_id
    with write_intent():
        conference.starts_at = utcnow() + timedelta(days=20)  # inside the window (20.1)
        taken = set(db.session.execute(select(Candidacy.member_id)).scalars()) | {endorser}
        standing = [
            m.id
            for m in db.session.execute(select(Member).order_by(Member.id.desc())).scalars()
            if m.id not in taken
        ][:6]
        rows = [
            Candidacy(
                conference_id=conference.id,
                body="central_council",
                member_id=member_id,
                status="submitted",
                submitted_at=utcnow(),
            )
            for member_id in standing
        ]
        db.session.add_all(rows)
        db.session.commit()
    candidacies = [c.id for c in rows]

    def endorse(i):
        endorsements.endorse(
            db.session.get(Candidacy, candidacies[i]),
            db.session.get(Member, endorser),
            actor=None,
        )
        return "ok"

    results = run_at_once(app, len(candidacies), endorse)
    assert results.count("ok") == 1, results
    refused = [r for r in results if r != "ok"]
    assert all(isinstance(r, RuleRefused) and r.article == "20.3" for r in refused), refused
    given = db.session.execute(
        select(func.count(Endorsement.id)).where(Endorsement.endorser_member_id == endorser)
    ).scalar()
    recorded = db.session.execute(
        select(func.count(AuditEntry.seq)).where(AuditEntry.action == "candidacy.endorsed")
    ).scalar()
    assert given == 1 and recorded == 1 and verify_chain().ok
