"""Demo candidacies for the Central Council, in every state a reader should see.

The demo conference is 45 days ahead and the example bylaws open nominations
28 days before it, so the window is closed when the demo loads: these rows are
written directly, each with an audit entry saying so, instead of pretending the
window was open. Eligibility is still checked: only eligible members are approved.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from congress.audit import actions
from congress.audit.operations import actor_label, record
from congress.conference.facts import bylaws_of
from congress.conference.models import Conference
from congress.extensions import db
from congress.members.models import Member
from congress.models_common import utcnow

from .common import check_eligibility
from .models import Candidacy

BODY = "central_council"
STATEMENTS = (
    (
        "أترشّح لأعمل على ربط لجان التنسيق في الداخل والمهجر بقنوات تواصل منتظمة وشفافة.\n\n"
        "أولوياتي: نشر محاضر المجلس خلال أسبوع، وتخصيص جلسة شهرية لأسئلة الأعضاء.",
        "I stand to connect the committees inside and abroad through regular, open channels.\n\n"
        "My priorities: Council minutes published within a week, and a monthly members' hour.",
    ),
    (
        "عملت سبع سنوات في الإغاثة والتعليم. أريد مجلسًا يصغي إلى الشباب ويمنحهم مسؤوليات حقيقية.",
        "Seven years in relief and education. I want a Council that listens to young members.",
    ),
    (
        "الشفافية المالية أولًا: ميزانية منشورة وتدقيق مستقل كل عام.",
        "Financial transparency first: a published budget and an independent audit every year.",
    ),
    ("أسعى إلى تمثيل أعضاء المهجر تمثيلًا عادلًا في قرارات المجلس.", ""),
)


def add_demo_candidacies(conference: Conference, admin) -> list[Candidacy]:
    """Three approved, one awaiting the committee, one rejected, one withdrawn."""
    rules = bylaws_of(conference)
    members = db.session.execute(select(Member).order_by(Member.id.desc())).scalars().all()
    eligible = [m for m in members if check_eligibility(conference, m, BODY).ok][:5]
    standing = rules.candidacy.eligibility.article
    ineligible = next(m for m in members if not check_eligibility(conference, m, BODY).ok)
    plan = [
        (eligible[0], "approved", STATEMENTS[0], ""),
        (eligible[1], "approved", STATEMENTS[1], ""),
        (eligible[2], "approved", STATEMENTS[2], ""),
        (eligible[3], "submitted", STATEMENTS[3], ""),
        (ineligible, "rejected", ("", ""), "لا يستوفي شروط الترشّح: العضوية غير سارية."),
        (eligible[4], "withdrawn", ("", ""), "انسحب لأسباب شخصية."),
    ]
    now = utcnow()
    created = []
    for member, status, (text_ar, text_en), reason in plan:
        candidacy = Candidacy(
            conference_id=conference.id,
            body=BODY,
            member_id=member.id,
            status=status,
            statement_ar=text_ar,
            statement_en=text_en,
            reason=reason,
            reason_article=rules.membership.good_standing.article if status == "rejected" else "",
            created_at=now,
            submitted_at=now,
            # the rejection is older than the objection window: no objection is pending
            decided_at=(now - timedelta(days=3) if status == "rejected" else now)
            if status in ("approved", "rejected")
            else None,
            decided_by_id=admin.id if status in ("approved", "rejected") else None,
            withdrawn_at=now if status == "withdrawn" else None,
        )
        db.session.add(candidacy)
        db.session.flush()
        record(
            actions.CANDIDACY_DEMO,
            actor=actor_label(admin),
            subject=f"candidacy:{candidacy.id}",
            data={
                "conference": conference.id,
                "body": BODY,
                "member": member.number,
                "status": status,
                "note": "demo data written directly: the nomination window is not open",
                "eligibility_article": standing,
            },
        )
        created.append(candidacy)
    return created
