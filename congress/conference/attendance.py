"""Sittings, check-in and the live quorum."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from congress.audit import actions
from congress.audit.operations import actor_label, record
from congress.auth.models import User
from congress.core.bylaws import QuorumResult
from congress.extensions import db
from congress.models_common import utcnow

from .delegates import DelegateError
from .facts import bylaws_of
from .models import ATTENDANCE_STATES, Attendance, Conference, Delegate, Sitting


def open_sitting(conference: Conference) -> Sitting | None:
    return db.session.execute(
        select(Sitting).where(Sitting.conference_id == conference.id, Sitting.closed_at.is_(None))
    ).scalar_one_or_none()


def start_sitting(conference: Conference, *, actor: User | None) -> Sitting:
    """Opening the first sitting puts the conference in session (registration closes)."""
    db.session.execute(
        select(Conference.id).where(Conference.id == conference.id).with_for_update()
    )
    if open_sitting(conference) is not None:
        raise DelegateError(_("A sitting is already open."))
    if conference.state not in ("convened", "registration_closed", "in_session"):
        raise DelegateError(_("The conference is not in a state that allows a sitting."))
    from .operations import advance

    if conference.state == "convened":
        advance(conference, "registration_closed", actor=actor)
    if conference.state == "registration_closed":
        advance(conference, "in_session", actor=actor)
    number = (
        db.session.execute(
            select(func.max(Sitting.number)).where(Sitting.conference_id == conference.id)
        ).scalar()
        or 0
    ) + 1
    sitting = Sitting(conference_id=conference.id, number=number)
    db.session.add(sitting)
    db.session.flush()
    record(
        actions.SITTING_OPENED,
        actor=actor_label(actor),
        subject=f"conference:{conference.id}",
        data={"sitting": number},
    )
    return sitting


def end_sitting(conference: Conference, *, actor: User | None) -> Sitting:
    sitting = open_sitting(conference)
    if sitting is None:
        raise DelegateError(_("No sitting is open."))
    sitting.closed_at = utcnow()
    record(
        actions.SITTING_CLOSED,
        actor=actor_label(actor),
        subject=f"conference:{conference.id}",
        data={"sitting": sitting.number},
    )
    return sitting


def set_presence(delegate: Delegate, state: str, *, actor: User | None) -> bool:
    """Record a delegate's presence in the open sitting; False when nothing changed.

    The delegate's row is locked first, so a check-in from two phones at once
    writes one attendance row and one audit entry.
    """
    if state not in ATTENDANCE_STATES:
        raise ValueError(state)
    db.session.execute(select(Delegate.id).where(Delegate.id == delegate.id).with_for_update())
    conference = db.session.get(Conference, delegate.conference_id)
    sitting = open_sitting(conference)
    if sitting is None:
        raise DelegateError(_("No sitting is open: check-in is not possible now."))
    if delegate.status != "accredited":
        raise DelegateError(_("Only accredited delegates can be checked in."))
    row = db.session.execute(
        select(Attendance).where(
            Attendance.sitting_id == sitting.id, Attendance.delegate_id == delegate.id
        )
    ).scalar_one_or_none()
    if row is not None and row.state == state:
        return False
    if row is None:
        row = Attendance(sitting_id=sitting.id, delegate_id=delegate.id, state=state)
        db.session.add(row)
    row.state, row.changed_at = state, utcnow()
    db.session.flush()
    record(
        actions.ATTENDANCE_CHANGED,
        actor=actor_label(actor),
        subject=f"delegate:{delegate.id}",
        data={"conference": conference.id, "sitting": sitting.number, "state": state},
    )
    return True


def present_delegates(conference: Conference) -> list[Delegate]:
    """Accredited delegates marked present in the open sitting."""
    sitting = open_sitting(conference)
    if sitting is None:
        return []
    return list(
        db.session.execute(
            select(Delegate)
            .join(Attendance, Attendance.delegate_id == Delegate.id)
            .where(
                Attendance.sitting_id == sitting.id,
                Attendance.state == "present",
                Delegate.status == "accredited",
                Delegate.kind == "delegate",
            )
            .order_by(Delegate.id)
        ).scalars()
    )


def accredited_count(conference: Conference) -> int:
    return db.session.execute(
        select(func.count(Delegate.id)).where(
            Delegate.conference_id == conference.id,
            Delegate.status == "accredited",
            Delegate.kind == "delegate",
        )
    ).scalar_one()


def quorum(conference: Conference) -> QuorumResult:
    return bylaws_of(conference).quorum(
        accredited_count(conference), len(present_delegates(conference))
    )


@dataclass(frozen=True)
class QuorumSnapshot:
    """What a poll records when it opens: the counts and a hash of who was present."""

    accredited: int
    present: int
    needed: int
    met: bool
    article: str
    present_hash: str
    taken_at: str

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def snapshot(conference: Conference) -> QuorumSnapshot:
    present = present_delegates(conference)
    numbers = sorted(d.member.number for d in present)
    digest = hashlib.sha256("\n".join(numbers).encode("utf-8")).hexdigest()
    result = bylaws_of(conference).quorum(accredited_count(conference), len(present))
    return QuorumSnapshot(
        result.accredited,
        result.present,
        result.needed,
        result.met,
        result.article,
        digest,
        utcnow().isoformat(),
    )


def presence_of(delegate: Delegate, sitting: Sitting) -> str | None:
    return db.session.execute(
        select(Attendance.state).where(
            Attendance.sitting_id == sitting.id, Attendance.delegate_id == delegate.id
        )
    ).scalar_one_or_none()


def states_in(sitting: Sitting) -> dict[int, str]:
    return dict(
        db.session.execute(
            select(Attendance.delegate_id, Attendance.state).where(
                Attendance.sitting_id == sitting.id
            )
        ).all()
    )
