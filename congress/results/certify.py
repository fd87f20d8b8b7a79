"""Certification: committee members sign the count; enough signatures certify it.

The number of signatures and the objection window come from the bylaws. A member
can refuse to sign with a reason, shown with the result. On certification the
winners become the body's composition (the Coordination Office is then elected
from the certified Central Council).
"""

from __future__ import annotations

import json

from flask_babel import gettext as _
from sqlalchemy import select

from congress.audit import actions
from congress.audit.operations import actor_label, head, record
from congress.auth.models import User
from congress.bylaws.operations import rules_of
from congress.conference.models import Conference, InvalidTransition
from congress.conference.operations import on_committee
from congress.extensions import db
from congress.models_common import utcnow
from congress.voting.models import Poll, PollCandidate

from .models import Signature, Tally


class CertificationError(Exception):
    pass


def signatures(poll: Poll) -> list[Signature]:
    return list(
        db.session.execute(
            select(Signature).where(Signature.poll_id == poll.id).order_by(Signature.at)
        ).scalars()
    )


def _decide(poll: Poll, user: User, decision: str, reason: str) -> Tally:
    if poll.state != "tallied":
        raise InvalidTransition("poll", poll.state, "certified")
    conference = db.session.get(Conference, poll.conference_id)
    if not on_committee(conference, user):
        raise CertificationError(_("Only members of this conference's election committee sign."))
    tally = db.session.get(Tally, poll.id)
    if db.session.get(Signature, (poll.id, user.id)) is not None:
        raise CertificationError(_("You have already decided on this result."))
    db.session.add(
        Signature(
            poll_id=poll.id,
            user_id=user.id,
            decision=decision,
            reason=reason,
            report_sha256=tally.sha256,
        )
    )
    db.session.flush()
    return tally


def sign(poll: Poll, user: User) -> bool:
    """Sign the count; returns True when this signature certified the result."""
    tally = _decide(poll, user, "signed", "")
    record(
        actions.RESULT_SIGNED,
        actor=actor_label(user),
        subject=f"poll:{poll.id}",
        data={"report_sha256": tally.sha256},
    )
    conference = db.session.get(Conference, poll.conference_id)
    rules = rules_of(conference.bylaws_version).certification_rules()
    signed = sum(1 for s in signatures(poll) if s.decision == "signed")
    if signed < rules.signatures_required:
        return False
    now = utcnow()
    poll.move_to("certified")
    poll.certified_at = now
    poll.objections_until = now + rules.objection_window
    data = {
        "report_sha256": tally.sha256,
        "signatures": signed,
        "required": rules.signatures_required,
        "article": rules.signatures_article,
        "chain_head": head().hash,
    }
    if poll.level == "verifiable":  # the record certified is this archive, to the byte
        from congress.verifiable.polls import archive_sha256, of

        data["archive_sha256"] = archive_sha256(of(poll))
    record(actions.RESULT_CERTIFIED, actor=actor_label(user), subject=f"poll:{poll.id}", data=data)
    if poll.kind == "election":
        _record_composition(poll, json.loads(tally.report))
    return True


def refuse(poll: Poll, user: User, reason: str) -> None:
    if not reason.strip():
        raise CertificationError(_("A refusal needs a reason."))
    tally = _decide(poll, user, "refused", reason.strip()[:2000])
    record(
        actions.RESULT_REFUSED,
        actor=actor_label(user),
        subject=f"poll:{poll.id}",
        data={"report_sha256": tally.sha256, "reason": reason.strip()[:500]},
    )


def _record_composition(poll: Poll, report: dict) -> None:
    from congress.candidacy.models import BodyMember

    members = {
        str(c.id): c.member_id
        for c in db.session.execute(
            select(PollCandidate).where(PollCandidate.poll_id == poll.id)
        ).scalars()
    }
    for position, winner in enumerate(report["winners"], start=1):
        db.session.add(
            BodyMember(
                conference_id=poll.conference_id,
                body=poll.body,
                member_id=members[winner],
                position=position,
                source_poll_id=poll.id,
                since=poll.certified_at,
            )
        )
    db.session.flush()
