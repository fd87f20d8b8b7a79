"""Shared steps for the candidacy tests: the demo conference moved in time, members with
accounts, the demo committee, certified compositions."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from congress.candidacy.common import check_eligibility
from congress.candidacy.models import BodyMember, Candidacy
from congress.conference.models import Conference
from congress.database import write_intent
from congress.extensions import db
from congress.members.models import Member
from congress.models_common import utcnow
from scenario import demo_conference
from support import PASSWORD

CC, CO, GC = "central_council", "coordination_office", "general_coordinator"
COMMITTEE = ("committee1@congress.test", "committee-demo-2026")


def conference_in(days: int) -> Conference:
    """The demo conference, `days` ahead: 20 puts now inside the window of Article 20.1
    (28 to 10 days before), 45 before it, 5 after it."""
    conference = demo_conference()
    move(conference, days)
    return conference


def move(conference: Conference, days: int) -> None:
    with write_intent():
        conference.starts_at = utcnow() + timedelta(days=days)
        db.session.commit()


def eligible(conference: Conference, n: int, body: str = CC, skip=()) -> list[Member]:
    """Members who may stand (Article 20.2) and have no candidacy yet."""
    taken = set(db.session.execute(select(Candidacy.member_id)).scalars()) | {m.id for m in skip}
    found = []
    for member in db.session.execute(select(Member).order_by(Member.id)).scalars():
        if member.id in taken or not check_eligibility(conference, member, body).ok:
            continue
        found.append(member)
        if len(found) == n:
            return found
    raise AssertionError(f"only {len(found)} eligible members")


def member_number(number: str) -> Member:
    return db.session.execute(select(Member).where(Member.number == number)).scalar_one()


def logged_in_member(make_user, make_browser, member: Member, **kw):
    """A browser logged in as the account of this member of the roll."""
    user = make_user(member_id=member.id, name=member.name_ar, **kw)
    browser = make_browser()
    assert browser.login(user.email, PASSWORD).status_code == 302
    browser.user = user
    return browser


def committee(make_browser):
    browser = make_browser()
    assert browser.login(*COMMITTEE).status_code == 302
    return browser


def certify(conference: Conference, body: str, members: list[Member]) -> None:
    """What the results domain will do: record a body's certified composition."""
    with write_intent():
        for position, member in enumerate(members, 1):
            db.session.add(
                BodyMember(
                    conference_id=conference.id, body=body, member_id=member.id, position=position
                )
            )
        db.session.commit()


def candidacy_of(member: Member, body: str = CC) -> Candidacy | None:
    db.session.expire_all()
    return db.session.execute(
        select(Candidacy).where(Candidacy.member_id == member.id, Candidacy.body == body)
    ).scalar_one_or_none()


def stand(browser, conference: Conference, body: str = CC):
    page = f"/conferences/{conference.id}/candidacy"
    return browser.post(f"{page}/stand", {"body": body}, page=page)
