"""Withdrawal: by the candidate until the ballot opens, by the committee at any time; the
candidate's own withdrawal undone by them while nominations are open."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from congress.audit import actions
from congress.audit.operations import actor_label, record
from congress.conference.delegates import lock_conference
from congress.conference.models import Conference
from congress.extensions import db
from congress.models_common import utcnow

from .common import (
    CandidacyError,
    ballot_opened,
    body_title,
    mine_link,
    notify,
    require_committee,
    require_member,
)
from .models import ACTIVE, Candidacy
from .nominations import _require_eligible as require_eligible
from .nominations import release_endorsements, require_window


def withdraw(candidacy: Candidacy, reason: str = "", *, actor, now: datetime | None = None) -> None:
    """The candidate steps down; once the ballot is open only the committee can record it."""
    require_member(candidacy, actor)
    conference = db.session.get(Conference, candidacy.conference_id)
    if candidacy.status not in ACTIVE:
        raise CandidacyError(_("This candidacy is no longer active."))
    if ballot_opened(conference, candidacy.body):
        raise CandidacyError(
            _(
                "The ballot for %(body)s has opened: ask the election committee to record "
                "your withdrawal.",
                body=body_title(conference, candidacy.body),
            )
        )
    before = candidacy.status
    _withdraw(candidacy, reason, actor, now or utcnow())
    candidacy.withdrawn_from = before  # their own step: they may undo it (see `reinstate`)
    record(
        actions.CANDIDACY_WITHDRAWN,
        actor=actor_label(actor),
        subject=f"candidacy:{candidacy.id}",
        data={"conference": conference.id, "body": candidacy.body, "reason": reason[:500]},
    )


def mark_withdrawn_by_committee(
    candidacy: Candidacy, reason: str, actor, *, now: datetime | None = None
) -> None:
    """The committee records a withdrawal; after the ballot opened the count excludes them."""
    conference = db.session.get(Conference, candidacy.conference_id)
    require_committee(conference, actor)
    reason = (reason or "").strip()
    if not reason:
        raise CandidacyError(_("A withdrawal recorded by the committee needs a reason."))
    if candidacy.status not in ACTIVE:
        raise CandidacyError(_("This candidacy is no longer active."))
    after_opening = ballot_opened(conference, candidacy.body)
    now = now or utcnow()
    released = _withdraw(candidacy, reason, actor, now)
    sent = notify(
        candidacy.member,
        lambda: _("Your candidacy for %(body)s", body=body_title(conference, candidacy.body)),
        lambda: "\n".join(
            [
                _("Dear %(name)s,", name=candidacy.member.name_ar),
                "",
                _(
                    "The election committee has recorded the withdrawal of your candidacy "
                    "for %(body)s.",
                    body=body_title(conference, candidacy.body),
                ),
                _("Reason: %(reason)s", reason=reason),
                "",
                mine_link(conference),
                "",
            ]
        ),
    )
    record(
        actions.CANDIDACY_WITHDRAWN_BY_COMMITTEE,
        actor=actor_label(actor),
        subject=f"candidacy:{candidacy.id}",
        data={
            "conference": conference.id,
            "body": candidacy.body,
            "member": candidacy.member.number,
            "reason": reason[:500],
            "after_ballot_opened": after_opening,
            "endorsements_released": released,
            "channel": sent.channel,
        },
    )


def _withdraw(candidacy: Candidacy, reason: str, actor, now: datetime) -> int:
    candidacy.status, candidacy.reason, candidacy.reason_article = "withdrawn", reason.strip(), ""
    candidacy.withdrawn_from = ""  # a withdrawal the committee records is not undone here
    candidacy.withdrawn_at = now
    if actor is not None and actor.member_id != candidacy.member_id:
        candidacy.decided_by_id, candidacy.decided_at = actor.id, now
    db.session.flush()
    if ballot_opened(db.session.get(Conference, candidacy.conference_id), candidacy.body):
        return 0  # the ballot is printed: endorsements no longer matter, keep the record
    return release_endorsements(candidacy)


def reinstate(candidacy: Candidacy, *, actor, now: datetime | None = None) -> None:
    """The candidate undoes their own withdrawal while nominations for the body are open
    (and they are still eligible): the candidacy gets back the status it had, except that
    an approved one comes back submitted. The endorsements released by the withdrawal stay
    released (their endorsers were free to endorse someone else meanwhile), and an approval
    needs them (the endorsements article): the committee decides again once they are
    gathered."""
    require_member(candidacy, actor)
    conference = db.session.get(Conference, candidacy.conference_id)
    if candidacy.status != "withdrawn":
        raise CandidacyError(_("This candidacy is not withdrawn: there is nothing to undo."))
    if not candidacy.withdrawn_from:
        raise CandidacyError(
            _(
                "Only a withdrawal you made yourself can be undone; this one was recorded by "
                "the election committee or was a declined nomination."
            )
        )
    now = now or utcnow()
    require_window(conference, candidacy.body, now)
    lock_conference(conference)
    require_eligible(conference, candidacy.member, candidacy.body, exclude=candidacy)
    restored = "submitted" if candidacy.withdrawn_from == "approved" else candidacy.withdrawn_from
    candidacy.status, candidacy.reason, candidacy.reason_article = restored, "", ""
    candidacy.withdrawn_at, candidacy.withdrawn_from = None, ""
    db.session.flush()
    record(
        actions.CANDIDACY_REINSTATED,
        actor=actor_label(actor),
        subject=f"candidacy:{candidacy.id}",
        data={"conference": conference.id, "body": candidacy.body, "status": restored},
    )
