"""Use cases of the conference itself: create, agenda, convene, move through its states."""

from __future__ import annotations

import json
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from congress.audit import actions
from congress.audit.operations import actor_label, record
from congress.auth import roles as role_names
from congress.auth.models import User
from congress.bylaws.models import BylawsVersion
from congress.core.rules import RuleRefused
from congress.extensions import db
from congress.models_common import utcnow

from . import attendance
from .facts import bylaws_of, good_standing_per_branch
from .models import AGENDA_KINDS, AgendaItem, CommitteeSeat, Conference, InvalidTransition


def create(
    *,
    title_ar: str,
    title_en: str,
    starts_at: datetime,
    place: str = "",
    online_link: str = "",
    bylaws_version: BylawsVersion,
    actor: User | None,
) -> Conference:
    conference = Conference(
        title_ar=title_ar,
        title_en=title_en,
        starts_at=starts_at,
        place=place,
        online_link=online_link,
        bylaws_version_id=bylaws_version.id,
    )
    db.session.add(conference)
    db.session.flush()
    record(
        actions.CONFERENCE_CREATED,
        actor=actor_label(actor),
        subject=f"conference:{conference.id}",
        data={"starts_at": starts_at.isoformat(), "bylaws_sha256": bylaws_version.sha256},
    )
    return conference


class DraftInUse(Exception):
    """The election committee has prepared work on a draft conference (its polls, its
    trustees' key): the administrator does not delete it, nor change the bylaws under it."""

    def __init__(self, what: list[str]):
        self.what = what
        super().__init__(", ".join(what))


def require_draft(conference: Conference) -> None:
    """Once convened, the notice has gone out with the title, date and bylaws (the notice
    article): the conference can no longer be edited or deleted."""
    if conference.state != "draft":
        raise RuleRefused(
            bylaws_of(conference).conference.notice.article,
            _(
                "The conference has been convened: its notice has gone out, so it can no "
                "longer be edited or deleted."
            ),
        )


def _locked(conference: Conference) -> None:
    """The conference row locked and read again: a change to its state (convening, a
    deletion, an edit) sees what the last committed one left, never what it loaded before
    another request changed it."""
    from .delegates import lock_conference

    lock_conference(conference)
    db.session.refresh(conference)


def committee_work(conference: Conference) -> list[str]:
    """What the election committee has prepared on this conference, by name."""
    from congress.i18n import language
    from congress.verifiable.models import TrusteeSetup
    from congress.voting.models import Poll

    polls = db.session.execute(
        select(Poll).where(Poll.conference_id == conference.id).order_by(Poll.id)
    ).scalars()
    work = [p.title(language()) for p in polls]
    if db.session.get(TrusteeSetup, conference.id) is not None:
        work.append(_("the trustees' key"))
    return work


def update_draft(conference: Conference, *, actor: User | None, **fields) -> list[str]:
    """Only a draft can change its titles, date, place, link or bylaws: a convened
    conference is frozen. Audited with the names of the fields that changed (none: no
    entry); returns them."""
    _locked(conference)
    require_draft(conference)
    changed = sorted(key for key, value in fields.items() if getattr(conference, key) != value)
    if "bylaws_version_id" in changed and (work := committee_work(conference)):
        raise DraftInUse(work)
    for key in changed:
        setattr(conference, key, fields[key])
    if changed:
        db.session.flush()
        record(
            actions.CONFERENCE_UPDATED,
            actor=actor_label(actor),
            subject=f"conference:{conference.id}",
            data={"fields": changed},
        )
    return changed


def delete_draft(conference: Conference, *, actor: User | None) -> None:
    """A draft removed with its agenda and committee seats; the chain keeps its history.
    Refused while it holds the election committee's work."""
    _locked(conference)
    require_draft(conference)
    work = committee_work(conference)
    if work:
        raise DraftInUse(work)
    record(
        actions.CONFERENCE_DELETED,
        actor=actor_label(actor),
        subject=f"conference:{conference.id}",
        data={
            "title": conference.title_ar[:200],
            "starts_at": conference.starts_at.isoformat(),
            "bylaws_sha256": conference.bylaws_version.sha256,
        },
    )
    db.session.delete(conference)
    db.session.flush()


def add_agenda_item(
    conference: Conference, kind: str, title_ar: str, title_en: str = "", *, actor: User | None
) -> AgendaItem:
    if kind not in AGENDA_KINDS:
        raise ValueError(kind)
    if conference.state == "closed":
        raise InvalidTransition("conference", conference.state, "agenda")
    item = AgendaItem(
        position=len(conference.agenda) + 1, kind=kind, title_ar=title_ar, title_en=title_en
    )
    conference.agenda.append(item)
    db.session.flush()
    record(
        actions.CONFERENCE_UPDATED,
        actor=actor_label(actor),
        subject=f"conference:{conference.id}",
        data={"agenda_item": item.position, "kind": kind},
    )
    return item


def convene(conference: Conference, *, actor: User | None, now: datetime | None = None) -> None:
    """Convening is refused when the notice period of the bylaws can no longer be kept."""
    now = now or utcnow()
    _locked(conference)
    if conference.state != "draft":
        raise InvalidTransition("conference", conference.state, "convened")
    rules = bylaws_of(conference)
    decision = rules.notice_check(now, conference.starts_at)
    if not decision.ok:
        raise RuleRefused.from_decision(decision, _("The conference cannot be convened this late."))
    conference.move_to("convened")
    conference.convened_at = now
    standing = good_standing_per_branch(rules)
    conference.standing_at_convening = json.dumps(standing, sort_keys=True)
    record(
        actions.CONFERENCE_STATE,
        actor=actor_label(actor),
        subject=f"conference:{conference.id}",
        data={
            "state": "convened",
            "bylaws_sha256": conference.bylaws_version.sha256,
            "good_standing_per_branch": standing,
        },
    )


def advance(conference: Conference, state: str, *, actor: User | None) -> None:
    """registration_closed -> in_session -> closed, each audited."""
    if state == "convened":
        raise InvalidTransition("conference", conference.state, state)
    conference.move_to(state)
    record(
        actions.CONFERENCE_STATE,
        actor=actor_label(actor),
        subject=f"conference:{conference.id}",
        data={"state": state},
    )


class PollsStillOpen(Exception):
    """A conference does not close under open polls: the committee closes them first."""

    def __init__(self, titles: list[str]):
        self.titles = titles
        super().__init__(", ".join(titles))


def close(conference: Conference, *, actor: User | None) -> None:
    """Refused while any of its polls is open (a delegate could still cast, the committee
    still count); ends the open sitting, then the conference."""
    from congress.i18n import language
    from congress.voting.models import Poll

    still_open = (
        db.session.execute(
            select(Poll).where(Poll.conference_id == conference.id, Poll.state == "open")
        )
        .scalars()
        .all()
    )
    if still_open:
        raise PollsStillOpen([p.title(language()) for p in still_open])
    if attendance.open_sitting(conference) is not None:
        attendance.end_sitting(conference, actor=actor)
    advance(conference, "closed", actor=actor)


def seat_committee_member(conference: Conference, user: User, *, actor: User | None) -> None:
    """A committee seat, audited with who seated the member and who granted them the role."""
    if db.session.get(CommitteeSeat, (conference.id, user.id)) is None:
        db.session.add(CommitteeSeat(conference_id=conference.id, user_id=user.id))
        db.session.flush()
        record(
            actions.COMMITTEE_SEAT,
            actor=actor_label(actor),
            subject=f"conference:{conference.id}",
            data={"user": user.id, "role_granted_by": _role_granted_by(user)},
        )


def _role_granted_by(user: User) -> str | None:
    from congress.audit.models import AuditEntry

    return db.session.execute(
        select(AuditEntry.actor)
        .where(
            AuditEntry.action == actions.ROLE_GRANTED,
            AuditEntry.subject == f"user:{user.id}",
            AuditEntry.data.contains('"election_committee"'),
        )
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    ).scalar()


def add_committee_from_role(conference: Conference, *, actor: User | None) -> None:
    """Seat every holder of the election committee role on a new conference's committee.

    The administrator can change the seats later; each is audited.
    """
    from congress.auth.models import UserRole
    from congress.auth.roles import COMMITTEE

    holders = db.session.execute(
        select(User).join(UserRole).where(UserRole.role == COMMITTEE).order_by(User.id)
    ).scalars()
    for user in holders:
        seat_committee_member(conference, user, actor=actor)


def committee_of(conference: Conference) -> list[User]:
    return list(
        db.session.execute(
            select(User)
            .join(CommitteeSeat, CommitteeSeat.user_id == User.id)
            .where(CommitteeSeat.conference_id == conference.id)
            .order_by(User.id)
        ).scalars()
    )


def on_committee(conference: Conference, user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.get(CommitteeSeat, (conference.id, user.id)) is not None


LIVE_ORDER = ("in_session", "registration_closed", "convened", "draft", "closed")


def current(*, drafts: bool = True) -> Conference | None:
    """The conference the site is about: the one in session, else one convened, else (for
    those who may see drafts) a draft, else the latest closed; the latest date breaks ties."""
    states = [s for s in LIVE_ORDER if drafts or s != "draft"]
    rows = db.session.execute(
        select(Conference).where(Conference.state.in_(states)).order_by(Conference.starts_at.desc())
    ).scalars()
    return min(rows, key=lambda c: states.index(c.state), default=None)


def sees_drafts(user) -> bool:
    """Drafts are the administrator's work in progress: only staff see them."""
    return bool(user.is_authenticated and user.has_role(role_names.ADMIN))
