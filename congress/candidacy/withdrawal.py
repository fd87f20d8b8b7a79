"""Withdrawal: by the candidate until the ballot opens, by the committee at any time."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from congress.audit import actions
from congress.audit.operations import actor_label, record
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
from .nominations import release_endorsements


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
    _withdraw(candidacy, reason, actor, now or utcnow())
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
    candidacy.withdrawn_at = now
    if actor is not None and actor.member_id != candidacy.member_id:
        candidacy.decided_by_id, candidacy.decided_at = actor.id, now
    db.session.flush()
    if ballot_opened(db.session.get(Conference, candidacy.conference_id), candidacy.body):
        return 0  # the ballot is printed: endorsements no longer matter, keep the record
    return release_endorsements(candidacy)
