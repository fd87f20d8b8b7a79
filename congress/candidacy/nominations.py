"""Standing: a member nominates themselves, or a delegate proposes a member who accepts."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import pgettext
from sqlalchemy import delete, select

from congress.audit import actions
from congress.audit.operations import actor_label, record
from congress.conference.delegates import lock_conference
from congress.conference.facts import bylaws_of
from congress.conference.models import Conference
from congress.core.rules import RuleRefused
from congress.extensions import db
from congress.members.models import Member
from congress.models_common import utcnow

from .common import (
    CandidacyError,
    NotAllowed,
    active_delegate,
    body_title,
    check_eligibility,
    elected_bodies,
    mine_link,
    nomination_window,
    notify,
    require_member,
)
from .models import ACTIVE, Candidacy, Endorsement


def find(conference: Conference, member: Member, body: str) -> Candidacy | None:
    return db.session.execute(
        select(Candidacy).where(
            Candidacy.conference_id == conference.id,
            Candidacy.member_id == member.id,
            Candidacy.body == body,
        )
    ).scalar_one_or_none()


def _require_body(conference: Conference, body: str) -> None:
    if body not in elected_bodies(bylaws_of(conference)):
        raise CandidacyError(_("Members do not stand for this body."))


def require_window(conference: Conference, body: str, now: datetime) -> None:
    window = nomination_window(conference, body, now)
    if not window.ok:
        raise RuleRefused.from_decision(
            window,
            _("Nominations for %(body)s are not open.", body=body_title(conference, body)),
        )


def _require_eligible(conference: Conference, member: Member, body: str, exclude=None) -> None:
    decision = check_eligibility(conference, member, body, exclude=exclude)
    if not decision.ok:
        raise RuleRefused.from_decision(
            decision,
            _(
                "%(name)s cannot stand for %(body)s.",
                name=member.name_ar,
                body=body_title(conference, body),
            ),
        )


def _open(
    conference: Conference, member: Member, body: str, status: str, actor, now: datetime
) -> Candidacy:
    """Checks shared by both ways of standing, then the row (a withdrawn one is reused)."""
    _require_body(conference, body)
    require_window(conference, body, now)
    lock_conference(conference)
    existing = find(conference, member, body)
    if existing is not None and existing.status in ACTIVE:
        raise RuleRefused(
            bylaws_of(conference).candidacy.eligibility.article,
            pgettext(
                "female",
                "%(name)s is already nominated for %(body)s.",
                name=member.name_ar,
                body=body_title(conference, body),
            )
            if member.gender == "f"
            else _(
                "%(name)s is already nominated for %(body)s.",
                name=member.name_ar,
                body=body_title(conference, body),
            ),
        )
    if existing is not None and existing.status == "rejected":
        raise CandidacyError(
            _("The committee rejected this candidacy; only an objection can reopen it.")
        )
    _require_eligible(conference, member, body)
    candidacy = existing or Candidacy(conference_id=conference.id, body=body, member_id=member.id)
    candidacy.status, candidacy.reason, candidacy.reason_article = status, "", ""
    candidacy.nominated_by_user_id = actor.id if actor is not None else None
    candidacy.created_at = now
    candidacy.submitted_at = now if status == "submitted" else None
    candidacy.decided_at = candidacy.decided_by_id = candidacy.withdrawn_at = None
    if existing is None:
        db.session.add(candidacy)
    db.session.flush()
    return candidacy


def nominate_self(
    conference: Conference, member: Member, body: str, *, actor, now: datetime | None = None
) -> Candidacy:
    """The member stands: the candidacy is submitted for the committee at once."""
    if actor is None or actor.member_id != member.id:
        raise NotAllowed("only the member can nominate themselves")
    candidacy = _open(conference, member, body, "submitted", actor, now or utcnow())
    record(
        actions.CANDIDACY_NOMINATED,
        actor=actor_label(actor),
        subject=f"candidacy:{candidacy.id}",
        data={"conference": conference.id, "body": body, "member": member.number},
    )
    return candidacy


def propose(
    conference: Conference, member: Member, body: str, *, actor, now: datetime | None = None
) -> Candidacy:
    """A delegate nominates a member; it counts only once the member accepts."""
    if actor is not None and actor.member_id == member.id:
        return nominate_self(conference, member, body, actor=actor, now=now)
    if actor is None or active_delegate(conference, actor.member_id) is None:
        raise CandidacyError(_("Only delegates of this conference can nominate another member."))
    candidacy = _open(conference, member, body, "proposed", actor, now or utcnow())
    sent = notify(
        member,
        lambda: _("You have been nominated for %(body)s", body=body_title(conference, body)),
        lambda: _proposal_body(conference, candidacy, member),
    )
    record(
        actions.CANDIDACY_PROPOSED,
        actor=actor_label(actor),
        subject=f"candidacy:{candidacy.id}",
        data={
            "conference": conference.id,
            "body": body,
            "member": member.number,
            "channel": sent.channel,
        },
    )
    return candidacy


def _proposal_body(conference: Conference, candidacy: Candidacy, member: Member) -> str:
    link = mine_link(conference)
    return "\n".join(
        [
            _("Dear %(name)s,", name=member.name_ar),
            "",
            _(
                "A delegate has nominated you for %(body)s. The nomination counts only "
                "once you accept it; you may also decline it:",
                body=body_title(conference, candidacy.body),
            ),
            "",
            link,
            "",
        ]
    )


def accept(candidacy: Candidacy, *, actor, now: datetime | None = None) -> None:
    """The member accepts a proposal: the same window and eligibility as standing alone."""
    require_member(candidacy, actor)
    conference = db.session.get(Conference, candidacy.conference_id)
    if candidacy.status != "proposed":
        raise CandidacyError(_("There is no nomination waiting for your answer."))
    now = now or utcnow()
    require_window(conference, candidacy.body, now)
    lock_conference(conference)
    _require_eligible(conference, candidacy.member, candidacy.body, exclude=candidacy)
    candidacy.status, candidacy.submitted_at = "submitted", now
    record(
        actions.CANDIDACY_ACCEPTED,
        actor=actor_label(actor),
        subject=f"candidacy:{candidacy.id}",
        data={"conference": conference.id, "body": candidacy.body},
    )


def decline(candidacy: Candidacy, *, actor, now: datetime | None = None) -> None:
    require_member(candidacy, actor)
    if candidacy.status != "proposed":
        raise CandidacyError(_("There is no nomination waiting for your answer."))
    candidacy.status, candidacy.withdrawn_at = "withdrawn", now or utcnow()
    candidacy.reason, candidacy.withdrawn_from = "declined", ""  # a decline is not undone
    released = release_endorsements(candidacy)
    record(
        actions.CANDIDACY_DECLINED,
        actor=actor_label(actor),
        subject=f"candidacy:{candidacy.id}",
        data={
            "conference": candidacy.conference_id,
            "body": candidacy.body,
            "endorsements_released": released,
        },
    )


def release_endorsements(candidacy: Candidacy) -> int:
    """A candidacy that ends frees its endorsers to endorse someone else."""
    return db.session.execute(
        delete(Endorsement)
        .where(Endorsement.candidacy_id == candidacy.id)
        .execution_options(synchronize_session=False)
    ).rowcount
