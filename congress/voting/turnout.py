"""Turnout by name, when the bylaws allow it: who has not voted yet, never what anyone voted.

The roll says only whether a member has voted. The bylaws decide whether the election
committee may see, while a poll is open, the names of those who have not (to remind them:
a conference of people in four countries on weak connections needs it), and observers
never see more than counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from congress.audit import actions
from congress.audit.operations import actor_label, record
from congress.conference.facts import bylaws_of
from congress.conference.models import Conference
from congress.core.rules import RuleRefused
from congress.extensions import db
from congress.i18n import language
from congress.mail import send
from congress.members.models import Branch, Member

from .models import Poll, RollEntry


@dataclass(frozen=True)
class NotYet:
    branch: str
    members: list[Member]


def rule_of(poll: Poll):
    """The bylaws' turnout article, or None (counts only)."""
    return bylaws_of(db.session.get(Conference, poll.conference_id)).voting.turnout


def require_names(poll: Poll) -> None:
    rule = rule_of(poll)
    if rule is None or not rule.names_to_committee:
        article = (
            rule.article
            if rule
            else bylaws_of(db.session.get(Conference, poll.conference_id)).voting.electorate.article
        )
        raise RuleRefused(
            article,
            _("The bylaws do not let the committee see who has not voted: only the counts."),
        )


def not_yet_voted(poll: Poll) -> list[NotYet]:
    """Those on the roll who have not voted, by branch, names in the bylaws' order."""
    require_names(poll)
    rows = db.session.execute(
        select(Member, Branch.code)
        .join(RollEntry, RollEntry.member_id == Member.id)
        .join(Branch, Branch.id == Member.branch_id)
        .where(RollEntry.poll_id == poll.id, RollEntry.voted.is_(False))
        .order_by(Branch.code, Member.name_ar)
    ).all()
    rules = bylaws_of(db.session.get(Conference, poll.conference_id))
    by_branch: dict[str, list[Member]] = {}
    for member, code in rows:
        by_branch.setdefault(code, []).append(member)
    return [
        NotYet(code, sorted(members, key=lambda m: rules.candidate_sort_key(m.name_ar)))
        for code, members in sorted(by_branch.items())
    ]


def remind(poll: Poll, *, actor) -> int:
    """A message to each member on the roll who has not voted; audited as a count."""
    rule = rule_of(poll)
    require_names(poll)
    if not rule.reminders:
        raise RuleRefused(rule.article, _("The bylaws do not provide for reminders."))
    if poll.state != "open" or poll.casting_ended():
        raise RuleRefused(rule.article, _("Reminders are sent only while a poll is open."))
    link = url_for("voting.ballot", poll_id=poll.id, _external=True)
    sent = 0
    for group in not_yet_voted(poll):
        for member in group.members:
            if not member.email:
                continue
            body = "\n".join(
                [
                    _("Dear %(name)s,", name=member.name_ar),
                    "",
                    _(
                        "The poll “%(title)s” is open and you have not voted yet. Your vote "
                        "stays secret: the committee knows only that you have not voted.",
                        title=poll.title(language()),
                    ),
                    "",
                    link,
                ]
            )
            send(member.email, _("Reminder: a poll is open"), body + "\n")
            sent += 1
    record(
        actions.TURNOUT_REMINDER,
        actor=actor_label(actor),
        subject=f"poll:{poll.id}",
        data={"sent": sent, "article": rule.article},
    )
    return sent
