"""The composition of each body once its results are certified, and appointment by motion.

An elected body's members are written when its election is certified
(`certify._record_composition`). An appointed body (the example bylaws' Advisory
Body, Article 17.1, appointed by the Central Council) has no ballot and no
candidacy. It is appointed by a motion of the appointing body that lists the
members by number: the list is written into the motion's text and into its rules
(`appoints`) when the committee proposes it, so the electors vote on exactly that
list and the export carries it. Once the motion has passed and is certified, the
committee records the appointment: the same list becomes the body's rows, with
`source_poll_id` the motion. Both steps are audited; nobody can add a name after
the vote.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext, pgettext
from sqlalchemy import select

from congress.audit import actions
from congress.audit.operations import actor_label, record
from congress.auth.models import User
from congress.candidacy.common import members_of
from congress.candidacy.models import BodyMember
from congress.conference.facts import bylaws_of, member_facts
from congress.conference.models import Conference
from congress.core.bylaws.schema_base import Body
from congress.extensions import db
from congress.members.models import Member
from congress.models_common import utcnow
from congress.voting import polls
from congress.voting.models import Poll

from . import objections
from .models import Tally

MOTION_CATEGORY = "ordinary"  # an appointment is an ordinary decision of the appointing body


class AppointmentError(Exception):
    """Why an appointment motion cannot be proposed, or an appointment recorded."""


@dataclass(frozen=True)
class Seat:
    """One member of a body, with the poll that put them there and its objection window."""

    position: int
    member: Member
    poll: Poll | None
    status: str  # final | objections | pending | upheld | unsourced

    @property
    def objections_until(self) -> datetime | None:
        return self.poll.objections_until if self.poll is not None else None


@dataclass(frozen=True)
class Composition:
    key: str
    rule: Body
    seats: list[Seat]
    motions: list[Poll]  # appointment motions for this body, newest first

    @property
    def appointed(self) -> bool:
        return self.rule.appointed_by is not None


def status_of(poll: Poll | None, now: datetime) -> str:
    """Article 30.2: a certified result is final once its objection window has passed and
    no objection to it is undecided or upheld (see `objections.status_of`)."""
    if poll is None:
        return "unsourced"
    return objections.status_of(poll, now)


def compositions(conference: Conference, *, now: datetime | None = None) -> list[Composition]:
    """Every body of the bylaws, in their order, with its certified members."""
    now = now or utcnow()
    rules = bylaws_of(conference)
    rows = (
        db.session.execute(
            select(BodyMember)
            .where(BodyMember.conference_id == conference.id)
            .order_by(BodyMember.body, BodyMember.position, BodyMember.id)
        )
        .scalars()
        .all()
    )
    poll_ids = {r.source_poll_id for r in rows if r.source_poll_id is not None}
    sources = (
        {p.id: p for p in db.session.execute(select(Poll).where(Poll.id.in_(poll_ids))).scalars()}
        if poll_ids
        else {}
    )
    motions = appointment_motions(conference)
    statuses = {p.id: status_of(p, now) for p in sources.values()}
    out = []
    for key, rule in rules.bodies.items():
        seats = []
        for row in rows:
            if row.body != key:
                continue
            poll = sources.get(row.source_poll_id) if row.source_poll_id else None
            status = statuses[poll.id] if poll is not None else "unsourced"
            seats.append(Seat(row.position, row.member, poll, status))
        mine = [m for m in motions if m.frozen_rules["appoints"]["body"] == key]
        out.append(Composition(key, rule, seats, mine))
    return out


def appointment_motions(conference: Conference) -> list[Poll]:
    """The conference's motions that appoint members to a body (any state), newest first."""
    rows = db.session.execute(
        select(Poll)
        .where(Poll.conference_id == conference.id, Poll.kind == "motion")
        .order_by(Poll.id.desc())
    ).scalars()
    return [p for p in rows if "appoints" in p.frozen_rules]


def appointees(poll: Poll) -> list[Member]:
    """The members an appointment motion names, in its order."""
    ids = poll.frozen_rules.get("appoints", {}).get("members", [])
    found = {
        m.id: m for m in db.session.execute(select(Member).where(Member.id.in_(ids))).scalars()
    }
    return [found[i] for i in ids if i in found]


def parse_numbers(text: str) -> list[str]:
    """Member numbers separated by spaces, commas (Latin or Arabic) or new lines."""
    return [n for n in re.split(r"[\s,،;؛]+", text or "") if n]


def _appointed_body(conference: Conference, key: str) -> Body:
    rule = bylaws_of(conference).bodies.get(key)
    if rule is None or rule.appointed_by is None:
        raise AppointmentError(_("This body is not appointed by another body."))
    return rule


def propose_appointment(
    conference: Conference,
    key: str,
    numbers: list[str],
    *,
    title_ar: str,
    title_en: str,
    actor: User | None,
) -> Poll:
    """A draft motion of the appointing body that appoints exactly these members."""
    rules = bylaws_of(conference)
    rule = _appointed_body(conference, key)
    appointer = rules.bodies[rule.appointed_by]
    if members_of(conference, rule.appointed_by) is None:
        raise AppointmentError(
            _("The appointing body has no certified composition yet, so it cannot vote.")
        )
    if members_of(conference, key) is not None:
        raise AppointmentError(_("The members of this body are already recorded."))
    if len(set(numbers)) != len(numbers):
        raise AppointmentError(_("A member number is listed twice."))
    if not numbers or len(numbers) > rule.seats:
        raise AppointmentError(
            ngettext(
                "List %(num)d member (Article %(article)s).",
                "List between 1 and %(num)d members (Article %(article)s).",
                rule.seats,
                article=rule.article,
            )
        )
    found = {
        m.number: m
        for m in db.session.execute(select(Member).where(Member.number.in_(numbers))).scalars()
    }
    unknown = [n for n in numbers if n not in found]
    if unknown:
        raise AppointmentError(_("Unknown member numbers: %(numbers)s", numbers=", ".join(unknown)))
    members = [found[n] for n in numbers]
    for member in members:
        standing = rules.good_standing(member_facts(member))
        if not standing.ok:
            who = {
                "name": member.name_ar,
                "number": member.number,
                "article": rules.membership.good_standing.article,
            }
            raise AppointmentError(
                pgettext(
                    "female",
                    "%(name)s (%(number)s) is not a member in good standing (Article %(article)s).",
                    **who,
                )
                if member.gender == "f"
                else _(
                    "%(name)s (%(number)s) is not a member in good standing (Article %(article)s).",
                    **who,
                )
            )
    text_ar = "\n\n".join(
        [f"يعيّن {appointer.title.ar} أعضاء {rule.title.ar} وفق المادة {rule.article}:"]
        + [f"{i}. {m.name_ar} ({m.number})" for i, m in enumerate(members, start=1)]
    )
    text_en = "\n\n".join(
        [f"The {appointer.title.en} appoints the {rule.title.en} under Article {rule.article}:"]
        + [f"{i}. {m.name_latin or m.name_ar} ({m.number})" for i, m in enumerate(members, start=1)]
    )
    poll = polls.create_motion(
        conference,
        title_ar=title_ar or f"تعيين {rule.title.ar}",
        title_en=title_en or f"Appointment of the {rule.title.en}",
        text_ar=text_ar,
        text_en=text_en,
        category=MOTION_CATEGORY,
        actor=actor,
    )
    # The appointing body votes, from its certified composition (as an election by a body).
    poll.electorate = "body"
    poll.rules = json.dumps(
        {
            **poll.frozen_rules,
            "electorate_body": rule.appointed_by,
            "electorate_article": rule.article,
            "appoints": {
                "body": key,
                "article": rule.article,
                "members": [m.id for m in members],
                "numbers": numbers,
            },
        },
        sort_keys=True,
    )
    db.session.flush()
    record(
        actions.APPOINTMENT_PROPOSED,
        actor=actor_label(actor),
        subject=f"poll:{poll.id}",
        data={
            "conference": conference.id,
            "body": key,
            "by": rule.appointed_by,
            "article": rule.article,
            "members": numbers,
        },
    )
    return poll


def record_appointment(poll: Poll, *, actor: User | None) -> list[BodyMember]:
    """After the motion passed and was certified: its list becomes the body's composition."""
    appoints = poll.frozen_rules.get("appoints")
    if poll.kind != "motion" or not appoints:
        raise AppointmentError(_("This poll appoints nobody."))
    if poll.state != "certified":
        raise AppointmentError(_("An appointment is recorded only once the motion is certified."))
    tally = db.session.get(Tally, poll.id)
    report = json.loads(tally.report)
    if not report.get("passed"):
        raise AppointmentError(_("The motion failed: nobody is appointed."))
    conference = db.session.get(Conference, poll.conference_id)
    _appointed_body(conference, appoints["body"])
    if members_of(conference, appoints["body"]) is not None:
        raise AppointmentError(_("The members of this body are already recorded."))
    members = appointees(poll)
    rows = [
        BodyMember(
            conference_id=conference.id,
            body=appoints["body"],
            member_id=member.id,
            position=position,
            source_poll_id=poll.id,
            since=poll.certified_at,
        )
        for position, member in enumerate(members, start=1)
    ]
    db.session.add_all(rows)
    db.session.flush()
    record(
        actions.APPOINTMENT_RECORDED,
        actor=actor_label(actor),
        subject=f"poll:{poll.id}",
        data={
            "conference": conference.id,
            "body": appoints["body"],
            "article": appoints["article"],
            "members": [m.number for m in members],
            "report_sha256": tally.sha256,
        },
    )
    return rows


def recordable(poll: Poll) -> bool:
    """A certified, passed appointment motion whose members are not yet recorded."""
    if poll.state != "certified" or "appoints" not in poll.frozen_rules:
        return False
    tally = db.session.get(Tally, poll.id)
    if tally is None or not json.loads(tally.report).get("passed"):
        return False
    conference = db.session.get(Conference, poll.conference_id)
    return members_of(conference, poll.frozen_rules["appoints"]["body"]) is None
