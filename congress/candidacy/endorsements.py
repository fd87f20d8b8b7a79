"""Endorsements: who may endorse, one per endorser per body when the bylaws say so."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from congress.audit import actions
from congress.audit.operations import actor_label, record
from congress.conference.delegates import lock_conference
from congress.conference.facts import bylaws_of, member_facts
from congress.conference.models import Conference
from congress.core.bylaws import EndorsementRules
from congress.core.rules import RuleRefused
from congress.extensions import db
from congress.members.models import Member
from congress.models_common import utcnow

from .common import CandidacyError, active_delegate, body_title, members_of
from .models import Candidacy, Endorsement
from .nominations import require_window

OPEN_TO_ENDORSEMENT = ("proposed", "submitted")


def rules_for(conference: Conference, body: str) -> EndorsementRules:
    return bylaws_of(conference).endorsements(body)


def count_of(candidacy: Candidacy) -> int:
    return db.session.execute(
        select(func.count(Endorsement.id)).where(Endorsement.candidacy_id == candidacy.id)
    ).scalar_one()


def counts_for(conference: Conference, body: str) -> dict[int, int]:
    """Endorsements per candidacy id of one body, in one query (for the lists)."""
    return dict(
        db.session.execute(
            select(Endorsement.candidacy_id, func.count(Endorsement.id))
            .where(Endorsement.conference_id == conference.id, Endorsement.body == body)
            .group_by(Endorsement.candidacy_id)
        ).all()
    )


def endorsers_of(candidacy: Candidacy) -> list[Endorsement]:
    """Names are for the committee only: the candidate sees the count."""
    return list(
        db.session.execute(
            select(Endorsement)
            .where(Endorsement.candidacy_id == candidacy.id)
            .order_by(Endorsement.created_at, Endorsement.id)
        ).scalars()
    )


def given_by(conference: Conference, body: str, member: Member) -> list[Endorsement]:
    return list(
        db.session.execute(
            select(Endorsement).where(
                Endorsement.conference_id == conference.id,
                Endorsement.body == body,
                Endorsement.endorser_member_id == member.id,
            )
        ).scalars()
    )


def endorser_refusal(conference: Conference, body: str, member: Member | None) -> str | None:
    """Why this member may not endorse candidacies for this body (None: they may)."""
    rule = rules_for(conference, body)
    title = body_title(conference, body)
    if rule.count == 0:
        return _("The bylaws require no endorsements for %(body)s.", body=title)
    if rule.endorsers.kind == "body":
        composition = members_of(conference, rule.endorsers.body) or set()
        if member is None or member.id not in composition:
            pool = body_title(conference, rule.endorsers.body)
            return _(
                "Only members of %(pool)s may endorse candidacies for %(body)s.",
                pool=pool,
                body=title,
            )
        return None
    if rule.endorsers.kind == "members":
        if member is None or not bylaws_of(conference).good_standing(member_facts(member)).ok:
            return _("Only members in good standing may endorse candidacies.")
        return None
    # delegates, or the conference's electorate (delegates present or accredited)
    if member is None or active_delegate(conference, member.id) is None:
        return _(
            "Only delegates of this conference may endorse candidacies for %(body)s.", body=title
        )
    return None


def endorse(
    candidacy: Candidacy, endorser: Member | None, *, actor, now: datetime | None = None
) -> Endorsement:
    conference = db.session.get(Conference, candidacy.conference_id)
    rule = rules_for(conference, candidacy.body)
    refusal = endorser_refusal(conference, candidacy.body, endorser)
    if refusal is not None:
        raise RuleRefused(rule.article, refusal)
    if endorser.id == candidacy.member_id:
        raise RuleRefused(rule.article, _("A candidate cannot endorse their own candidacy."))
    if candidacy.status not in OPEN_TO_ENDORSEMENT:
        raise CandidacyError(_("This candidacy is no longer open to endorsements."))
    require_window(conference, candidacy.body, now or utcnow())
    lock_conference(conference)
    mine = given_by(conference, candidacy.body, endorser)
    if any(e.candidacy_id == candidacy.id for e in mine):
        raise RuleRefused(rule.article, _("You have already endorsed this candidacy."))
    if rule.one_per_endorser_per_body and mine:
        other = db.session.get(Candidacy, mine[0].candidacy_id)
        raise RuleRefused(
            rule.article,
            _(
                "You have already endorsed %(name)s for %(body)s, and the bylaws allow one "
                "endorsement per body. Withdraw it first to endorse someone else.",
                name=other.member.name_ar,
                body=body_title(conference, candidacy.body),
            ),
        )
    endorsement = Endorsement(
        candidacy_id=candidacy.id,
        conference_id=conference.id,
        body=candidacy.body,
        endorser_member_id=endorser.id,
    )
    db.session.add(endorsement)
    db.session.flush()
    record(
        actions.CANDIDACY_ENDORSED,
        actor=actor_label(actor),
        subject=f"candidacy:{candidacy.id}",
        data={"conference": conference.id, "body": candidacy.body, "endorser": endorser.number},
    )
    return endorsement


def withdraw_endorsement(
    candidacy: Candidacy, endorser: Member | None, *, actor, now: datetime | None = None
) -> None:
    """Allowed until nominations close, while the committee has not yet decided."""
    conference = db.session.get(Conference, candidacy.conference_id)
    found = None
    if endorser is not None:
        found = db.session.execute(
            select(Endorsement).where(
                Endorsement.candidacy_id == candidacy.id,
                Endorsement.endorser_member_id == endorser.id,
            )
        ).scalar_one_or_none()
    if found is None:
        raise CandidacyError(_("You have not endorsed this candidacy."))
    if candidacy.status not in OPEN_TO_ENDORSEMENT:
        raise CandidacyError(
            _("The committee has decided on this candidacy; endorsements can no longer change.")
        )
    require_window(conference, candidacy.body, now or utcnow())
    db.session.delete(found)
    db.session.flush()
    record(
        actions.CANDIDACY_ENDORSEMENT_WITHDRAWN,
        actor=actor_label(actor),
        subject=f"candidacy:{candidacy.id}",
        data={"conference": conference.id, "body": candidacy.body, "endorser": endorser.number},
    )
