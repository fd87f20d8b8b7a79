"""Designating delegates and alternates per branch, accrediting, withdrawing, replacing."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext, pgettext
from sqlalchemy import delete, func, select, update

from congress.audit import actions
from congress.audit.operations import actor_label, record
from congress.auth.models import User
from congress.core.rules import RuleRefused
from congress.extensions import db
from congress.i18n import isolate
from congress.members.models import Branch, Member
from congress.models_common import utcnow

from .facts import bylaws_of, member_facts, standing_for_apportionment
from .models import Conference, Delegate

ACTIVE = ("designated", "accredited")


class DelegateError(Exception):
    """A refusal that is not a rule of the bylaws (wrong state, already done)."""


def lock_conference(conference: Conference) -> None:
    """Serialize changes to one conference's delegates (a row lock on PostgreSQL;
    SQLite's write lock is already held by the request)."""
    db.session.execute(
        select(Conference.id).where(Conference.id == conference.id).with_for_update()
    )


def seats_taken(conference: Conference, branch: Branch, kind: str) -> int:
    return db.session.execute(
        select(func.count(Delegate.id)).where(
            Delegate.conference_id == conference.id,
            Delegate.branch_id == branch.id,
            Delegate.kind == kind,
            Delegate.status.in_(ACTIVE),
        )
    ).scalar_one()


def designate(
    conference: Conference, member: Member, branch: Branch, kind: str, *, actor: User | None
) -> Delegate:
    """Refused with the article when the bylaws do not allow this designation."""
    if kind not in ("delegate", "alternate"):
        raise ValueError(kind)
    if conference.state != "convened":
        raise DelegateError(
            _(
                "Delegates can be designated only while the conference is "
                "convened and registration is open."
            )
        )
    lock_conference(conference)
    rules = bylaws_of(conference)
    apportionment = rules.apportionment(standing_for_apportionment(conference, rules))
    # the Arabic adjectives agree with the member named (عضوة, مسمّاة)
    female = member.gender == "f"
    if member.branch_id != branch.id:
        where = {
            "name": member.name_ar,
            "member_branch": member.branch.code,
            "branch": branch.code,
        }
        raise RuleRefused(
            apportionment.article,
            pgettext(
                "female",
                "%(name)s is a member of branch %(member_branch)s, not of %(branch)s.",
                **where,
            )
            if female
            else _("%(name)s is a member of branch %(member_branch)s, not of %(branch)s.", **where),
        )
    standing = rules.good_standing(member_facts(member))
    if not standing.ok:
        name = isolate(member.name_ar)
        raise RuleRefused.from_decision(
            standing,
            pgettext("female", "%(name)s is not a member in good standing.", name=name)
            if female
            else _("%(name)s is not a member in good standing.", name=name),
        )
    existing = db.session.execute(
        select(Delegate).where(
            Delegate.conference_id == conference.id, Delegate.member_id == member.id
        )
    ).scalar_one_or_none()
    if existing is not None and existing.status in ACTIVE:
        name = isolate(member.name_ar)
        raise DelegateError(
            pgettext("female", "%(name)s is already designated.", name=name)
            if female
            else _("%(name)s is already designated.", name=name)
        )
    if kind == "delegate":
        seats, article = apportionment.delegates.get(branch.code, 0), apportionment.article
    else:
        seats = apportionment.alternates.get(branch.code, 0)
        article = apportionment.alternates_article or apportionment.article
    if seats_taken(conference, branch, kind) >= seats:
        message = (
            ngettext(
                "Branch %(branch)s has %(num)d delegate seat and it is designated.",
                "Branch %(branch)s has %(num)d delegate seats and all are designated.",
                seats,
                branch=branch.code,
            )
            if kind == "delegate"
            else ngettext(
                "Branch %(branch)s may designate %(num)d alternate and it is designated.",
                "Branch %(branch)s may designate %(num)d alternates and all are designated.",
                seats,
                branch=branch.code,
            )
        )
        raise RuleRefused(article, message)
    if existing is not None:  # designated again after a rejection or withdrawal
        delegate = existing
        delegate.kind, delegate.status, delegate.reason = kind, "designated", ""
        delegate.designated_at, delegate.decided_at, delegate.decided_by_id = utcnow(), None, None
    else:
        delegate = Delegate(
            conference_id=conference.id, member_id=member.id, branch_id=branch.id, kind=kind
        )
        db.session.add(delegate)
    db.session.flush()
    record(
        actions.DELEGATE_DESIGNATED,
        actor=actor_label(actor),
        subject=f"delegate:{delegate.id}",
        data={
            "conference": conference.id,
            "member": member.number,
            "branch": branch.code,
            "kind": kind,
        },
    )
    return delegate


def _decide(delegate: Delegate, status: str, reason: str, actor: User | None) -> None:
    """A conditional update: of two officers deciding at once, exactly one succeeds."""
    changed = db.session.execute(
        update(Delegate)
        .where(Delegate.id == delegate.id, Delegate.status == "designated")
        .values(
            status=status,
            reason=reason,
            decided_at=utcnow(),
            decided_by_id=actor.id if actor is not None else None,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(delegate)
    if changed != 1:
        raise DelegateError(
            _("This delegate has already been decided on (%(status)s).", status=delegate.status)
        )


def accredit(delegate: Delegate, *, actor: User | None) -> None:
    _decide(delegate, "accredited", "", actor)
    record(
        actions.DELEGATE_ACCREDITED,
        actor=actor_label(actor),
        subject=f"delegate:{delegate.id}",
        data={"conference": delegate.conference_id},
    )


def reject(delegate: Delegate, reason: str, *, actor: User | None) -> None:
    if not reason.strip():
        raise DelegateError(_("A rejection needs a reason."))
    _decide(delegate, "rejected", reason.strip(), actor)
    record(
        actions.DELEGATE_REJECTED,
        actor=actor_label(actor),
        subject=f"delegate:{delegate.id}",
        data={"conference": delegate.conference_id, "reason": reason.strip()[:500]},
    )


def withdraw(delegate: Delegate, reason: str, *, actor: User | None) -> None:
    """A withdrawn delegate leaves the roll of every open poll they have not voted in (a
    vote already cast stays: nothing links it to them)."""
    if delegate.status not in ACTIVE:
        raise DelegateError(_("Only a designated or accredited delegate can be withdrawn."))
    if not reason.strip():
        raise DelegateError(_("A withdrawal needs a reason."))
    delegate.withdrawn_from = delegate.status  # what an undo restores (see `reinstate`)
    delegate.status, delegate.reason = "withdrawn", reason.strip()
    delegate.decided_at, delegate.decided_by_id = utcnow(), actor.id if actor else None
    from congress.voting.models import Poll, RollEntry

    leaving = list(
        db.session.execute(
            select(RollEntry.poll_id)
            .join(Poll, Poll.id == RollEntry.poll_id)
            .where(
                Poll.conference_id == delegate.conference_id,
                Poll.state == "open",
                Poll.electorate != "body",
                RollEntry.member_id == delegate.member_id,
                RollEntry.voted.is_(False),
            )
        ).scalars()
    )
    if leaving:
        db.session.execute(
            delete(RollEntry).where(
                RollEntry.member_id == delegate.member_id, RollEntry.poll_id.in_(leaving)
            )
        )
        db.session.execute(
            update(Poll)
            .where(Poll.id.in_(leaving))
            .values(electorate_size=Poll.electorate_size - 1)
            .execution_options(synchronize_session=False)
        )
    removed = len(leaving)
    record(
        actions.DELEGATE_WITHDRAWN,
        actor=actor_label(actor),
        subject=f"delegate:{delegate.id}",
        data={
            "conference": delegate.conference_id,
            "reason": reason.strip()[:500],
            "left_open_rolls": removed,
        },
    )


def replace(withdrawn: Delegate, alternate: Delegate, *, actor: User | None) -> None:
    """An alternate of the same branch takes the seat of a withdrawn delegate, while that
    seat is free: not taken again by a new designation, nor by the withdrawn delegate's
    reinstatement (the conference is locked, and both rows read again under the lock)."""
    conference = db.session.get(Conference, withdrawn.conference_id)
    lock_conference(conference)
    db.session.refresh(withdrawn)
    db.session.refresh(alternate)
    if withdrawn.status != "withdrawn" or withdrawn.kind != "delegate":
        raise DelegateError(_("Only a withdrawn delegate can be replaced."))
    if (
        alternate.kind != "alternate"
        or alternate.status not in ACTIVE
        or alternate.branch_id != withdrawn.branch_id
        or alternate.conference_id != withdrawn.conference_id
    ):
        raise DelegateError(_("The replacement must be an alternate of the same branch."))
    taken = db.session.execute(
        select(Delegate.id).where(Delegate.replaces_id == withdrawn.id)
    ).first()
    if taken is not None:
        raise DelegateError(_("This delegate has already been replaced."))
    rules = bylaws_of(conference)
    apportionment = rules.apportionment(standing_for_apportionment(conference, rules))
    branch = withdrawn.branch
    if seats_taken(conference, branch, "delegate") >= apportionment.delegates.get(branch.code, 0):
        raise RuleRefused(
            apportionment.article,
            _(
                "Since the withdrawal, the delegate seats of branch %(branch)s have all been "
                "designated again: there is no seat for an alternate to take.",
                branch=branch.code,
            ),
        )
    alternate.kind, alternate.replaces_id = "delegate", withdrawn.id
    record(
        actions.DELEGATE_REPLACED,
        actor=actor_label(actor),
        subject=f"delegate:{alternate.id}",
        data={
            "conference": withdrawn.conference_id,
            "replaces": withdrawn.id,
            "replaced_member": withdrawn.member.number,
            "by_member": alternate.member.number,
        },
    )


def delegate_of(conference: Conference, user) -> Delegate | None:
    """The delegate record of a logged-in member at this conference, if any."""
    member_id = getattr(user, "member_id", None)
    if member_id is None:
        return None
    return db.session.execute(
        select(Delegate).where(
            Delegate.conference_id == conference.id, Delegate.member_id == member_id
        )
    ).scalar_one_or_none()


def reinstate(delegate: Delegate, *, actor: User | None) -> int:
    """Undo a withdrawal made by mistake: the delegate gets back the status they had
    (designated or accredited), while the bylaws allow it. Refused once their seat went to
    an alternate (the alternates' article), once the branch's seats of their kind are all
    taken again (the apportionment's), when they are no longer in good standing, or once
    the conference is closed. Returns how many polls are open: a reinstated delegate is not
    put back on their rolls (each roll was fixed when its poll opened)."""
    conference = db.session.get(Conference, delegate.conference_id)
    lock_conference(conference)
    db.session.refresh(delegate)  # as it is under the lock (a replacement may have won)
    if delegate.status != "withdrawn":
        raise DelegateError(_("Only a withdrawn delegate can be reinstated."))
    if conference.state == "closed":
        raise DelegateError(_("The conference is closed: its record of delegates is final."))
    rules = bylaws_of(conference)
    apportionment = rules.apportionment(standing_for_apportionment(conference, rules))
    member, branch = delegate.member, delegate.branch
    successor = db.session.execute(
        select(Delegate).where(Delegate.replaces_id == delegate.id, Delegate.status.in_(ACTIVE))
    ).scalar_one_or_none()
    if successor is not None:
        raise RuleRefused(
            apportionment.alternates_article or apportionment.article,
            _(
                "The seat of %(name)s went to the alternate %(alternate)s: it is no longer "
                "free, so the withdrawal cannot be undone.",
                name=isolate(member.name_ar),
                alternate=isolate(successor.member.name_ar),
            ),
        )
    standing = rules.good_standing(member_facts(member))
    if not standing.ok:
        name = isolate(member.name_ar)
        raise RuleRefused.from_decision(
            standing,
            pgettext("female", "%(name)s is not a member in good standing.", name=name)
            if member.gender == "f"
            else _("%(name)s is not a member in good standing.", name=name),
        )
    if delegate.kind == "delegate":
        seats, article = apportionment.delegates.get(branch.code, 0), apportionment.article
    else:
        seats = apportionment.alternates.get(branch.code, 0)
        article = apportionment.alternates_article or apportionment.article
    if seats_taken(conference, branch, delegate.kind) >= seats:
        raise RuleRefused(
            article,
            _(
                "Since the withdrawal, the seats of branch %(branch)s have all been "
                "designated again: there is none to give back.",
                branch=branch.code,
            ),
        )
    restored = delegate.withdrawn_from or "designated"  # a row from before undo existed
    now = utcnow()
    delegate.status, delegate.reason, delegate.withdrawn_from = restored, "", ""
    if restored == "accredited":
        delegate.decided_at, delegate.decided_by_id = now, actor.id if actor else None
    else:
        delegate.decided_at, delegate.decided_by_id = None, None
    from congress.voting.models import Poll

    open_polls = db.session.execute(
        select(func.count(Poll.id)).where(
            Poll.conference_id == conference.id, Poll.state == "open", Poll.electorate != "body"
        )
    ).scalar_one()
    db.session.flush()
    record(
        actions.DELEGATE_REINSTATED,
        actor=actor_label(actor),
        subject=f"delegate:{delegate.id}",
        data={
            "conference": conference.id,
            "member": member.number,
            "status": restored,
            "open_polls_not_rejoined": open_polls,
        },
    )
    return open_polls
