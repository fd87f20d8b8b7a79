"""The home page's "waiting for you": each role's work, found for the person logged in.

A new user must find everything from here by clicking. Each function below asks one
domain what waits for this person in the conference the site is about, and returns
tasks: a sentence, a link, and whether it is urgent (something to do now) or a way in.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext, pgettext
from sqlalchemy import func, select

from congress.auth import roles
from congress.auth.models import User
from congress.candidacy.models import Candidacy
from congress.conference import attendance
from congress.conference.delegates import delegate_of
from congress.conference.models import Conference, Delegate, Invitation
from congress.conference.operations import on_committee
from congress.extensions import db
from congress.i18n import language
from congress.results.models import Signature
from congress.voting.models import Poll, RollEntry


@dataclass(frozen=True)
class Task:
    text: str
    url: str
    urgent: bool = False


@dataclass(frozen=True)
class Section:
    title: str
    tasks: list[Task]


def sections(user, conference: Conference | None) -> list[Section]:
    if not user.is_authenticated:
        return []
    out = []
    if conference is not None:
        for title, maker in (
            (_("Your vote"), _delegate),
            (_("Your candidacy"), _member),
            (_("Election committee"), _committee),
            (_("Credentials"), _officer),
            (_("Credential authority"), _authority),
            (_("Observation"), _observer),
        ):
            tasks = maker(user, conference)
            if tasks:
                out.append(Section(title, tasks))
    admin = _administrator(user, conference)
    if admin:
        out.append(Section(_("Administration"), admin))
    return out


def _title(poll: Poll) -> str:
    return poll.title(language())


def _polls(conference: Conference, *states: str) -> list[Poll]:
    return list(
        db.session.execute(
            select(Poll)
            .where(Poll.conference_id == conference.id, Poll.state.in_(states))
            .order_by(Poll.id)
        ).scalars()
    )


def _delegate(user, conference: Conference) -> list[Task]:
    delegate = delegate_of(conference, user)
    if delegate is None:
        return []
    me = url_for("delegates.me", conference_id=conference.id)
    if delegate.status in ("withdrawn", "rejected"):
        return [Task(_("You are not a delegate of this conference (any more)."), me)]
    tasks = []
    if delegate.status != "accredited":
        waiting = (
            pgettext(
                "female", "You are designated; the credentials officer has not yet accredited you."
            )
            if user.is_female
            else _("You are designated; the credentials officer has not yet accredited you.")
        )
        tasks.append(Task(waiting, me))
    else:
        sitting = attendance.open_sitting(conference)
        here = sitting is not None and attendance.presence_of(delegate, sitting) == "present"
        if sitting is not None and not here:
            tasks.append(
                Task(_("A sitting is open: check in to count for the quorum and vote."), me, True)
            )
    on_roll = {}
    for poll, voted in db.session.execute(
        select(Poll, RollEntry.voted)
        .outerjoin(
            RollEntry, (RollEntry.poll_id == Poll.id) & (RollEntry.member_id == user.member_id)
        )
        .where(Poll.conference_id == conference.id, Poll.state == "open")
        .order_by(Poll.id)
    ).all():
        on_roll[poll] = voted
    waiting = _waiting_for_credentials(conference)
    for poll, voted in on_roll.items():
        if voted is not None and poll.id in waiting:
            url = url_for("voting.page", poll_id=poll.id)
            text = _(
                "Voting starts when the credentials are published: %(title)s", title=_title(poll)
            )
            tasks.append(Task(text, url))
        elif voted is False and not poll.casting_ended():
            url = url_for("voting.ballot", poll_id=poll.id)
            tasks.append(Task(_("Vote now: %(title)s", title=_title(poll)), url, True))
        elif voted and poll.level == "verifiable" and not poll.casting_ended():
            url = url_for("voting.page", poll_id=poll.id)
            text = _("You voted; you may vote again until it closes: %(title)s", title=_title(poll))
            tasks.append(Task(text, url))
        elif voted is None and poll.electorate != "body":
            url = url_for("voting.page", poll_id=poll.id)
            text = _("Not on the roll of: %(title)s (see why)", title=_title(poll))
            tasks.append(Task(text, url))
    tasks.append(Task(_("Your delegate status and check-in"), me))
    return tasks


def _waiting_for_credentials(conference: Conference) -> set[int]:
    from congress.verifiable.models import VerifiablePoll

    return set(
        db.session.execute(
            select(Poll.id)
            .join(VerifiablePoll, VerifiablePoll.poll_id == Poll.id)
            .where(
                Poll.conference_id == conference.id,
                Poll.state == "open",
                VerifiablePoll.credentials == "",
            )
        ).scalars()
    )


def _member(user, conference: Conference) -> list[Task]:
    if user.member_id is None:
        return []
    mine = db.session.execute(
        select(func.count(Candidacy.id)).where(
            Candidacy.conference_id == conference.id, Candidacy.member_id == user.member_id
        )
    ).scalar_one()
    tasks = [
        Task(
            _("Your candidacies and nominations") if mine else _("Stand as a candidate"),
            url_for("candidacy.mine", conference_id=conference.id),
        ),
        Task(_("Candidates"), url_for("candidacy.index", conference_id=conference.id)),
    ]
    if delegate_of(conference, user) is not None:
        tasks.append(
            Task(
                _("Endorse candidates"),
                url_for("candidacy.endorsement_page", conference_id=conference.id),
            )
        )
    return tasks


def _committee(user, conference: Conference) -> list[Task]:
    if not on_committee(conference, user):
        return []
    tasks = []
    waiting = db.session.execute(
        select(func.count(Candidacy.id)).where(
            Candidacy.conference_id == conference.id, Candidacy.status == "submitted"
        )
    ).scalar_one()
    if waiting:
        tasks.append(
            Task(
                ngettext(
                    "%(num)d candidacy awaits the committee's decision",
                    "%(num)d candidacies await the committee's decision",
                    waiting,
                ),
                url_for("candidacy.review_page", conference_id=conference.id),
                True,
            )
        )
    for poll in _polls(conference, "draft", "open", "closed", "tallied"):
        page = url_for("voting.page", poll_id=poll.id)
        title = _title(poll)
        if poll.state == "draft":
            tasks.append(Task(_("Ready to open: %(title)s", title=title), page))
        elif poll.state == "open":
            text = (
                _("Voting ended, close it: %(title)s", title=title)
                if poll.casting_ended()
                else _("Open now: %(title)s", title=title)
            )
            tasks.append(Task(text, page, poll.casting_ended()))
        elif poll.state == "closed":
            tasks.append(Task(_("Closed, to be counted: %(title)s", title=title), page, True))
        elif not _signed(poll, user):
            url = url_for("results.result", poll_id=poll.id)
            tasks.append(Task(_("Your signature is awaited: %(title)s", title=title), url, True))
    tasks += _shares(user, conference)
    from congress.verifiable.tasks import for_trustee

    tasks += for_trustee(user, conference, Task)
    tasks += _objections_waiting(conference)
    tasks.append(Task(_("Create a poll"), url_for("voting.create", conference_id=conference.id)))
    tasks.append(
        Task(_("Review candidacies"), url_for("candidacy.review_page", conference_id=conference.id))
    )
    return tasks


def _objections_waiting(conference: Conference) -> list[Task]:
    """Delegates' objections to certified results that the committee has not decided."""
    from congress.results.models import ResultObjection

    rows = db.session.execute(
        select(ResultObjection.poll_id, func.count(ResultObjection.id))
        .join(Poll, Poll.id == ResultObjection.poll_id)
        .where(Poll.conference_id == conference.id, ResultObjection.outcome == "")
        .group_by(ResultObjection.poll_id)
        .order_by(ResultObjection.poll_id)
    ).all()
    return [
        Task(
            ngettext(
                "%(num)d objection to %(title)s awaits the committee's decision",
                "%(num)d objections to %(title)s await the committee's decision",
                n,
                title=_title(db.session.get(Poll, poll_id)),
            ),
            url_for("results.result", poll_id=poll_id, _anchor="objections"),
            True,
        )
        for poll_id, n in rows
    ]


def _signed(poll: Poll, user) -> bool:
    return (
        db.session.execute(
            select(Signature.poll_id).where(
                Signature.poll_id == poll.id, Signature.user_id == user.id
            )
        ).first()
        is not None
    )


def _shares(user, conference: Conference) -> list[Task]:
    """Sealed boxes: shares to collect before the opening, to enter after the close."""
    from congress.sealing.models import PollKey, ShareEnvelope, ShareRelay

    tasks = []
    rows = db.session.execute(
        select(Poll, ShareEnvelope, PollKey)
        .join(ShareEnvelope, ShareEnvelope.poll_id == Poll.id)
        .join(PollKey, PollKey.poll_id == Poll.id)
        .where(
            Poll.conference_id == conference.id,
            ShareEnvelope.user_id == user.id,
            ShareEnvelope.discarded_at.is_(None),
        )
    ).all()
    for poll, envelope, key in rows:
        title = _title(poll)
        if envelope.collected_at is None:
            url = url_for("sealing.my_share", poll_id=poll.id)
            tasks.append(
                Task(_("Collect your share of the key: %(title)s", title=title), url, True)
            )
        elif poll.state == "closed" and key.opened_at is None:
            entered = db.session.execute(
                select(ShareRelay.id).where(
                    ShareRelay.poll_id == poll.id, ShareRelay.from_user_id == user.id
                )
            ).first()
            if entered is None:
                url = url_for("sealing.box", poll_id=poll.id)
                tasks.append(
                    Task(_("Enter your share to open the box: %(title)s", title=title), url, True)
                )
    return tasks


def _officer(user, conference: Conference) -> list[Task]:
    if not (user.has_role(roles.CREDENTIALS) or user.has_role(roles.ADMIN)):
        return []
    delegates_page = url_for("delegates.index", conference_id=conference.id)
    tasks = []
    designated = db.session.execute(
        select(func.count(Delegate.id)).where(
            Delegate.conference_id == conference.id, Delegate.status == "designated"
        )
    ).scalar_one()
    if designated:
        tasks.append(
            Task(
                ngettext(
                    "%(num)d designated delegate awaits accreditation",
                    "%(num)d designated delegates await accreditation",
                    designated,
                ),
                delegates_page,
                True,
            )
        )
    without_link = db.session.execute(
        select(func.count(Delegate.id)).where(
            Delegate.conference_id == conference.id,
            Delegate.status.in_(("designated", "accredited")),
            ~select(Invitation.id).where(Invitation.member_id == Delegate.member_id).exists(),
            ~select(User.id)
            .where(User.member_id == Delegate.member_id, User.password_hash.is_not(None))
            .exists(),
        )
    ).scalar_one()
    if without_link:
        tasks.append(
            Task(
                ngettext(
                    "%(num)d delegate has no account link yet",
                    "%(num)d delegates have no account link yet",
                    without_link,
                ),
                delegates_page,
            )
        )
    sitting_page = url_for("delegates.attendance_page", conference_id=conference.id)
    if conference.state in ("registration_closed", "in_session") or conference.state == "convened":
        if attendance.open_sitting(conference) is None:
            tasks.append(
                Task(_("No sitting is open: open one to check delegates in"), sitting_page)
            )
        else:
            tasks.append(Task(_("The open sitting: attendance and check-in"), sitting_page))
    tasks.append(Task(_("Delegates and accreditation"), delegates_page))
    tasks.append(Task(_("Member roll"), url_for("members.index")))
    return tasks


def _authority(user, conference: Conference) -> list[Task]:
    from congress.verifiable.tasks import for_authority

    return for_authority(user, conference, Task)


def _observer(user, conference: Conference) -> list[Task]:
    if not user.has_role(roles.OBSERVER):
        return []
    return [
        Task(_("Quorum, live"), url_for("conference.quorum", conference_id=conference.id)),
        Task(_("Polls and turnout"), url_for("voting.index", conference_id=conference.id)),
        Task(_("Audit log"), url_for("audit.entries")),
        Task(_("Verify the chain"), url_for("audit.verify")),
    ]


def _administrator(user, conference: Conference | None) -> list[Task]:
    if not user.has_role(roles.ADMIN):
        return []
    tasks = []
    if conference is not None:
        if conference.state == "draft":
            url = url_for("conference.page", conference_id=conference.id)
            tasks.append(Task(_("The conference is a draft: convene it"), url, True))
        tasks.append(
            Task(
                _("The conference and its agenda"),
                url_for("conference.page", conference_id=conference.id),
            )
        )
    tasks += [
        Task(_("Conferences"), url_for("conference.index")),
        Task(_("Create a conference"), url_for("conference.create")),
        Task(_("Users and roles"), url_for("auth.users")),
        Task(_("Upload bylaws"), url_for("bylaws.upload")),
    ]
    return tasks


def certified(conference: Conference | None) -> list[Poll]:
    """Certified results, newest first: every member reads them."""
    if conference is None:
        return []
    return list(
        db.session.execute(
            select(Poll)
            .where(Poll.conference_id == conference.id, Poll.state == "certified")
            .order_by(Poll.certified_at.desc())
        ).scalars()
    )
