"""Objections to a certified result (the bylaws' objection article, 30.2 in the example).

The window opens when the result is certified and lasts the hours the bylaws set. Within
it, each accredited delegate of the conference may file one objection to the result, with
its grounds; the election committee decides each one, upheld or rejected, with a reason,
also after the window (an objection filed in time is always answered). Filing and
decision are audited on the poll, with a hash of the text, so the poll's export carries
them and `congress verify` checks the export's objections against the chain.

An upheld objection does not change the count: the ballots are what they are. The result
stops being final, and the committee acts on it as the bylaws say (a new poll, say).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select, update

from congress.audit import actions
from congress.audit.operations import actor_label, record
from congress.auth.models import User
from congress.conference.delegates import delegate_of
from congress.conference.facts import bylaws_of
from congress.conference.models import Conference, Delegate
from congress.core.rules import RuleRefused
from congress.extensions import db
from congress.models_common import utcnow
from congress.voting.models import Poll

from .models import OBJECTION_OUTCOMES, ResultObjection

MAX_TEXT = 4000


class ObjectionError(Exception):
    """A refusal that is not a rule of the bylaws: an empty reason, nothing to decide."""


class NotEntitled(RuleRefused):
    """Who is not an accredited delegate of the conference cannot object (a 403)."""


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def objections_of(poll: Poll) -> list[ResultObjection]:
    """Every objection to the poll's result, in the order filed."""
    return list(
        db.session.execute(
            select(ResultObjection)
            .where(ResultObjection.poll_id == poll.id)
            .order_by(ResultObjection.filed_at, ResultObjection.id)
        ).scalars()
    )


def pending(objections: list[ResultObjection]) -> list[ResultObjection]:
    return [o for o in objections if not o.outcome]


def objector(conference: Conference, user) -> Delegate | None:
    """The user's seat at the conference, if it lets them object: an accredited delegate
    (an alternate who has replaced one counts; an alternate waiting does not)."""
    delegate = delegate_of(conference, user)
    if delegate is None or delegate.status != "accredited" or delegate.kind != "delegate":
        return None
    return delegate


@dataclass(frozen=True)
class Window:
    """The objection window of a certified result, with its article."""

    closes: datetime | None
    article: str
    open: bool


def window(poll: Poll, now: datetime | None = None) -> Window:
    rules = bylaws_of(db.session.get(Conference, poll.conference_id))
    article = rules.certification.objections.article
    if poll.state != "certified" or poll.objections_until is None:
        return Window(None, article, False)
    decision = rules.objections_open(now or utcnow(), poll.objections_until)
    return Window(poll.objections_until, article, decision.ok)


def file_objection(
    poll: Poll, user: User, reason: str, *, now: datetime | None = None
) -> ResultObjection:
    """A delegate's objection, within the window, once per delegate and poll."""
    now = now or utcnow()
    conference = db.session.get(Conference, poll.conference_id)
    rules = bylaws_of(conference)
    article = rules.certification.objections.article
    delegate = objector(conference, user)
    if delegate is None:
        raise NotEntitled(
            article,
            _("Only the accredited delegates of the conference may object to its results."),
        )
    if poll.state != "certified" or poll.objections_until is None:
        raise RuleRefused(article, _("Only a certified result can be objected to."))
    decision = rules.objections_open(now, poll.objections_until)
    if not decision.ok:
        raise RuleRefused.from_decision(
            decision, _("The time for objections to this result has passed.")
        )
    # one objection per delegate and poll: the delegate's row is locked first, so two
    # submissions at once from two phones file one objection
    db.session.execute(select(Delegate.id).where(Delegate.id == delegate.id).with_for_update())
    filed = db.session.execute(
        select(ResultObjection.id).where(
            ResultObjection.poll_id == poll.id, ResultObjection.delegate_id == delegate.id
        )
    ).first()
    if filed is not None:
        raise RuleRefused(
            article,
            _("You have already objected to this result: each delegate files one objection."),
        )
    reason = (reason or "").strip()
    if not reason:
        raise ObjectionError(_("Write the grounds of the objection."))
    if len(reason) > MAX_TEXT:
        raise ObjectionError(
            ngettext(
                "The objection is longer than %(num)d character.",
                "The objection is longer than %(num)d characters.",
                MAX_TEXT,
            )
        )
    objection = ResultObjection(
        poll_id=poll.id, delegate_id=delegate.id, reason=reason, filed_at=now
    )
    db.session.add(objection)
    db.session.flush()
    record(
        actions.RESULT_OBJECTION_FILED,
        actor=actor_label(user),
        subject=f"poll:{poll.id}",
        data={
            "objection": objection.id,
            "member": delegate.member.number,
            "article": article,
            "reason_sha256": text_sha256(reason),
        },
        at=now,
    )
    return objection


def decide_objection(
    poll: Poll,
    objection_id: int | None,
    outcome: str,
    answer: str,
    *,
    actor: User,
    now: datetime | None = None,
) -> ResultObjection:
    """The committee's decision on one objection, with its reason; final once taken.

    The caller has checked that `actor` sits on the conference's committee."""
    objection = db.session.get(ResultObjection, objection_id) if objection_id else None
    if objection is None or objection.poll_id != poll.id or objection.outcome:
        raise ObjectionError(_("There is no objection waiting for a decision."))
    if outcome not in OBJECTION_OUTCOMES:
        raise ObjectionError(_("Choose whether the objection is upheld or rejected."))
    answer = (answer or "").strip()
    if not answer:
        raise ObjectionError(_("The decision on an objection needs a reason."))
    if len(answer) > MAX_TEXT:
        raise ObjectionError(
            ngettext(
                "The reason is longer than %(num)d character.",
                "The reason is longer than %(num)d characters.",
                MAX_TEXT,
            )
        )
    now = now or utcnow()
    # a conditional update: of two committee members deciding at once, one succeeds
    changed = db.session.execute(
        update(ResultObjection)
        .where(ResultObjection.id == objection.id, ResultObjection.outcome == "")
        .values(outcome=outcome, answer=answer, decided_at=now, decided_by_id=actor.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise ObjectionError(_("There is no objection waiting for a decision."))
    db.session.refresh(objection)
    conference = db.session.get(Conference, poll.conference_id)
    record(
        actions.RESULT_OBJECTION_DECIDED,
        actor=actor_label(actor),
        subject=f"poll:{poll.id}",
        data={
            "objection": objection.id,
            "outcome": outcome,
            "article": bylaws_of(conference).certification.objections.article,
            "answer_sha256": text_sha256(answer),
        },
        at=now,
    )
    _tell(poll, objection)
    return objection


def _tell(poll: Poll, objection: ResultObjection) -> None:
    """Mail the delegate the committee's decision, in the delegate's own language, once
    the decision is committed (a refused request sends nothing)."""
    from flask import current_app, url_for
    from flask_babel import force_locale

    from congress.candidacy.common import member_user
    from congress.database import after_commit
    from congress.mail import send

    member = objection.delegate.member
    if not member.email:
        return
    user = member_user(member)
    lang = (user.language if user else None) or current_app.config["DEFAULT_LANGUAGE"]
    title = {"ar": poll.title("ar"), "en": poll.title("en")}
    email, name = member.email, member.name_ar
    outcome, answer = objection.outcome, objection.answer
    try:
        link = url_for("results.result", poll_id=poll.id, _external=True)
    except RuntimeError:  # outside a request: the command line
        link = ""

    def task() -> None:
        with force_locale(lang):
            here = title["en"] if lang == "en" else title["ar"]
            if outcome == "upheld":
                decided = _(
                    "The election committee has upheld your objection to the result of %(title)s.",
                    title=here,
                )
            else:
                decided = _(
                    "The election committee has rejected your objection to the result of "
                    "%(title)s.",
                    title=here,
                )
            lines = [_("Dear %(name)s,", name=name), "", decided]
            lines += [_("Reason: %(reason)s", reason=answer), "", link, ""]
            subject = _("Your objection to the result of %(title)s", title=here)
            send(email, subject, "\n".join(lines))

    after_commit(task)


def status_of(poll: Poll, now: datetime) -> str:
    """Article 30.2: final once the window has passed and every objection is decided, none
    upheld. Otherwise: objections (the window runs), pending (it has passed, an objection
    awaits its decision) or upheld."""
    if poll.objections_until is None:
        return "unsourced"
    filed = objections_of(poll)
    if any(o.outcome == "upheld" for o in filed):
        return "upheld"
    if poll.objections_until > now:
        return "objections"
    return "pending" if pending(filed) else "final"
