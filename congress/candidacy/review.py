"""The election committee decides each candidacy by the bylaws; the candidate may object once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import update

from congress.audit import actions
from congress.audit.operations import actor_label, record
from congress.conference.facts import bylaws_of
from congress.conference.models import Conference
from congress.core.bylaws import EndorsementRules
from congress.core.bylaws.wording import moment
from congress.core.rules import Decision, RuleRefused
from congress.extensions import db
from congress.models_common import utcnow

from .common import (
    CandidacyError,
    ballot_opened,
    body_title,
    check_eligibility,
    mine_link,
    notify,
    require_committee,
    require_member,
)
from .endorsements import count_of, rules_for
from .models import Candidacy, Objection

MAX_TEXT = 4000


@dataclass(frozen=True)
class ReviewFacts:
    """What the committee sees before deciding: eligibility now, endorsements against need."""

    eligibility: Decision
    endorsements: int
    endorsement_rules: EndorsementRules

    @property
    def endorsed_enough(self) -> bool:
        return self.endorsements >= self.endorsement_rules.count

    @property
    def ready(self) -> bool:
        return self.eligibility.ok and self.endorsed_enough


def facts_of(candidacy: Candidacy) -> ReviewFacts:
    conference = db.session.get(Conference, candidacy.conference_id)
    return ReviewFacts(
        check_eligibility(conference, candidacy.member, candidacy.body, exclude=candidacy),
        count_of(candidacy),
        rules_for(conference, candidacy.body),
    )


def _require_list_open(conference: Conference, candidacy: Candidacy) -> None:
    if ballot_opened(conference, candidacy.body):
        raise CandidacyError(
            _(
                "The ballot for %(body)s has opened: its list of candidates is final.",
                body=body_title(conference, candidacy.body),
            )
        )


def _require_approvable(conference: Conference, candidacy: Candidacy) -> None:
    """Approval follows the bylaws: eligible now, and endorsed as often as required."""
    facts = facts_of(candidacy)
    if not facts.eligibility.ok:
        raise RuleRefused.from_decision(
            facts.eligibility,
            _(
                "%(name)s cannot be approved: the bylaws' conditions are not met.",
                name=candidacy.member.name_ar,
            ),
        )
    if not facts.endorsed_enough:
        raise RuleRefused(
            facts.endorsement_rules.article,
            ngettext(
                "%(name)s has %(num)d endorsement; the bylaws require %(needed)d.",
                "%(name)s has %(num)d endorsements; the bylaws require %(needed)d.",
                facts.endorsements,
                name=candidacy.member.name_ar,
                needed=facts.endorsement_rules.count,
            ),
        )


def _move(candidacy: Candidacy, before: tuple[str, ...], after: str, actor, now, **values) -> None:
    """A conditional update: of two committee members deciding at once, one succeeds."""
    changed = db.session.execute(
        update(Candidacy)
        .where(Candidacy.id == candidacy.id, Candidacy.status.in_(before))
        .values(status=after, decided_at=now, decided_by_id=actor.id, **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(candidacy)
    if changed != 1:
        raise CandidacyError(_("This candidacy has already been decided on."))


def approve(candidacy: Candidacy, *, actor, now: datetime | None = None) -> None:
    conference = db.session.get(Conference, candidacy.conference_id)
    require_committee(conference, actor)
    _require_list_open(conference, candidacy)
    if candidacy.status != "submitted":
        raise CandidacyError(_("Only a submitted candidacy can be approved."))
    _require_approvable(conference, candidacy)
    _move(
        candidacy, ("submitted",), "approved", actor, now or utcnow(), reason="", reason_article=""
    )
    sent = _tell(conference, candidacy, "approved")
    record(
        actions.CANDIDACY_APPROVED,
        actor=actor_label(actor),
        subject=f"candidacy:{candidacy.id}",
        data={
            "conference": conference.id,
            "body": candidacy.body,
            "member": candidacy.member.number,
            "channel": sent.channel,
        },
    )


def reject(
    candidacy: Candidacy, reason: str, article: str, *, actor, now: datetime | None = None
) -> None:
    """A rejection states its reason and the article it rests on."""
    conference = db.session.get(Conference, candidacy.conference_id)
    require_committee(conference, actor)
    _require_list_open(conference, candidacy)
    reason, article = (reason or "").strip(), (article or "").strip()
    if not reason:
        raise CandidacyError(_("A rejection needs a reason."))
    try:
        bylaws_of(conference).article(article)
    except KeyError:
        raise CandidacyError(
            _("Choose the article of the bylaws the rejection rests on.")
        ) from None
    _move(
        candidacy,
        ("submitted", "approved"),
        "rejected",
        actor,
        now or utcnow(),
        reason=reason[:MAX_TEXT],
        reason_article=article,
    )
    sent = _tell(conference, candidacy, "rejected")
    record(
        actions.CANDIDACY_REJECTED,
        actor=actor_label(actor),
        subject=f"candidacy:{candidacy.id}",
        data={
            "conference": conference.id,
            "body": candidacy.body,
            "article": article,
            "reason": reason[:500],
            "channel": sent.channel,
        },
    )


def objection_deadline(candidacy: Candidacy) -> tuple[datetime, str] | None:
    """Objections close the bylaws' objection window after the rejection (with its article)."""
    if candidacy.status != "rejected" or candidacy.decided_at is None:
        return None
    conference = db.session.get(Conference, candidacy.conference_id)
    rule = bylaws_of(conference).certification.objections
    return candidacy.decided_at + timedelta(hours=rule.hours), rule.article


def file_objection(
    candidacy: Candidacy, text: str, *, actor, now: datetime | None = None
) -> Objection:
    require_member(candidacy, actor)
    conference = db.session.get(Conference, candidacy.conference_id)
    now = now or utcnow()
    deadline = objection_deadline(candidacy)
    if deadline is None:
        raise CandidacyError(_("Only a rejected candidacy can be objected to."))
    if candidacy.objection is not None:
        raise CandidacyError(_("An objection has already been filed; its decision is final."))
    if now > deadline[0]:
        raise RuleRefused(deadline[1], _("The time for an objection has passed."))
    _require_list_open(conference, candidacy)
    text = (text or "").strip()
    if not text:
        raise CandidacyError(_("Write the grounds of the objection."))
    if len(text) > MAX_TEXT:
        raise CandidacyError(
            ngettext(
                "The objection is longer than %(num)d character.",
                "The objection is longer than %(num)d characters.",
                MAX_TEXT,
            )
        )
    objection = Objection(candidacy_id=candidacy.id, text=text, filed_at=now)
    db.session.add(objection)
    db.session.flush()
    db.session.refresh(candidacy)
    record(
        actions.CANDIDACY_OBJECTION_FILED,
        actor=actor_label(actor),
        subject=f"candidacy:{candidacy.id}",
        data={"conference": conference.id, "body": candidacy.body, "chars": len(text)},
    )
    return objection


def decide_objection(
    candidacy: Candidacy, outcome: str, answer: str, *, actor, now: datetime | None = None
) -> None:
    """Upheld: the candidacy is approved (if the bylaws allow it). Either way, final."""
    conference = db.session.get(Conference, candidacy.conference_id)
    require_committee(conference, actor)
    objection = candidacy.objection
    if objection is None or objection.outcome:
        raise CandidacyError(_("There is no objection waiting for a decision."))
    if outcome not in ("upheld", "dismissed"):
        raise ValueError(outcome)
    answer = (answer or "").strip()
    if outcome == "dismissed" and not answer:
        raise CandidacyError(_("A dismissal needs a reason."))
    _require_list_open(conference, candidacy)
    now = now or utcnow()
    if outcome == "upheld":
        _require_approvable(conference, candidacy)
    changed = db.session.execute(
        update(Objection)
        .where(Objection.id == objection.id, Objection.outcome == "")
        .values(outcome=outcome, answer=answer[:MAX_TEXT], decided_at=now, decided_by_id=actor.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise CandidacyError(_("There is no objection waiting for a decision."))
    db.session.refresh(objection)
    if outcome == "upheld":
        _move(candidacy, ("rejected",), "approved", actor, now, reason="", reason_article="")
    sent = _tell(conference, candidacy, f"objection_{outcome}")
    record(
        actions.CANDIDACY_OBJECTION_DECIDED,
        actor=actor_label(actor),
        subject=f"candidacy:{candidacy.id}",
        data={
            "conference": conference.id,
            "body": candidacy.body,
            "outcome": outcome,
            "answer": answer[:500],
            "channel": sent.channel,
        },
    )


def _tell(conference: Conference, candidacy: Candidacy, what: str):
    """Mail the candidate the committee's decision, in the candidate's language."""
    member = candidacy.member
    link = mine_link(conference)

    def subject() -> str:
        return _("Your candidacy for %(body)s", body=body_title(conference, candidacy.body))

    def body() -> str:
        title = body_title(conference, candidacy.body)
        lines = [_("Dear %(name)s,", name=member.name_ar), ""]
        if what == "approved":
            lines.append(
                _("The election committee has approved your candidacy for %(body)s.", body=title)
            )
        elif what == "rejected":
            lines += [
                _("The election committee has rejected your candidacy for %(body)s.", body=title),
                _(
                    "Reason: %(reason)s (Article %(article)s)",
                    reason=candidacy.reason,
                    article=candidacy.reason_article,
                ),
                _(
                    "You may file an objection until %(deadline)s.",
                    deadline=moment(objection_deadline(candidacy)[0], bylaws_of(conference).zone),
                ),
            ]
        elif what == "objection_upheld":
            lines.append(
                _(
                    "The election committee has upheld your objection: your candidacy "
                    "for %(body)s is approved. This decision is final.",
                    body=title,
                )
            )
        else:
            lines += [
                _(
                    "The election committee has dismissed your objection; your candidacy for "
                    "%(body)s remains rejected. This decision is final.",
                    body=title,
                ),
                _("Reason: %(reason)s", reason=candidacy.objection.answer),
            ]
        return "\n".join([*lines, "", link, ""])

    return notify(member, subject, body)
