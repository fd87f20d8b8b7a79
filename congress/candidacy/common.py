"""What every candidacy use case shares: refusals, the facts the rules read, the window, mail."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from congress.auth.models import User
from congress.conference.delegates import ACTIVE as DELEGATE_ACTIVE
from congress.conference.facts import bylaws_of, member_facts
from congress.conference.models import Conference, Delegate
from congress.conference.operations import on_committee
from congress.core.bylaws import Bylaws, CandidacyContext
from congress.core.bylaws.wording import moment, quoted
from congress.core.rules import Decision, Reason, Text
from congress.extensions import db
from congress.mail import Sent, send
from congress.members.models import Member

from .models import STANDING, BodyMember, Candidacy, CandidateList

NOT_CONVENED = Text(
    "لا يُفتح باب الترشّح قبل توجيه الدعوة إلى المؤتمر",
    "nominations open once the conference is convened",
)
CONFERENCE_CLOSED = Text("اختُتم المؤتمر وأُغلق باب الترشّح", "the conference is closed")
POOL_NOT_CERTIFIED = Text(
    "يُفتح باب الترشّح لـ{body} بعد المصادقة على نتيجة انتخاب {pool}، ولم يُصادَق عليها بعد",
    "nominations for {body} open once the result for {pool} is certified, and it is not yet",
)
BALLOT_OPENED = Text(
    "فُتح الاقتراع على {body} في {at}، فأُغلق باب الترشّح",
    "the ballot for {body} opened on {at}: nominations are closed",
)


class CandidacyError(Exception):
    """A refusal that is not a rule of the bylaws (wrong state, already done); translated."""


class NotAllowed(CandidacyError):
    """The user may not take this action (not the candidate, not on this committee)."""


def conference_date(conference: Conference) -> date:
    """The conference date on the organization's clock: eligibility and groups are judged on it."""
    return conference.starts_at.astimezone(bylaws_of(conference).zone).date()


def elected_bodies(rules: Bylaws) -> list[str]:
    """Bodies members stand for (appointed bodies have no candidacy)."""
    return [key for key, body in rules.bodies.items() if body.appointed_by is None]


def pool_of(rules: Bylaws, body: str) -> str | None:
    """The body whose members alone may stand for this one (None: members or delegates)."""
    source = rules.body(body).candidates_from
    return source if source in rules.bodies else None


def members_of(conference: Conference, body: str) -> set[int] | None:
    """Member ids of a body's certified composition; None while none is recorded."""
    ids = set(
        db.session.execute(
            select(BodyMember.member_id).where(
                BodyMember.conference_id == conference.id, BodyMember.body == body
            )
        ).scalars()
    )
    return ids or None


def candidate_list(conference: Conference, body: str) -> CandidateList | None:
    return db.session.get(CandidateList, (conference.id, body))


def ballot_opened(conference: Conference, body: str) -> bool:
    """True once the voting domain has opened the ballot for this body (see `freeze_list`)."""
    frozen = candidate_list(conference, body)
    return frozen is not None and frozen.ballot_opened_at is not None


def member_user(member: Member) -> User | None:
    return db.session.execute(select(User).where(User.member_id == member.id)).scalar_one_or_none()


def active_delegate(conference: Conference, member_id: int | None) -> Delegate | None:
    if member_id is None:
        return None
    return db.session.execute(
        select(Delegate).where(
            Delegate.conference_id == conference.id,
            Delegate.member_id == member_id,
            Delegate.status.in_(DELEGATE_ACTIVE),
        )
    ).scalar_one_or_none()


def fill_text(template: Text, **params: object) -> Text:
    def part(value: object, lang: str) -> str:
        return value.get(lang) if isinstance(value, Text) else str(value)

    return Text(
        template.ar.format(**{k: part(v, "ar") for k, v in params.items()}),
        template.en.format(**{k: part(v, "en") for k, v in params.items()}),
    )


def nomination_window(conference: Conference, body: str, now: datetime) -> Decision:
    """Is the nomination window for this body open now?

    Bodies elected at the conference follow the bylaws' timeline. A body whose
    candidates come from another body (the Coordination Office from the Central
    Council) opens once that body's composition is certified and closes when its
    own ballot opens: the conference timeline cannot apply to it.
    """
    rules = bylaws_of(conference)
    article = rules.candidacy.window.article
    body_rule = rules.body(body)
    if conference.state == "draft":
        return Decision(False, article, (Reason(article, NOT_CONVENED),))
    if conference.state == "closed":
        return Decision(False, article, (Reason(article, CONFERENCE_CLOSED),))
    frozen = candidate_list(conference, body)
    if frozen is not None and frozen.ballot_opened_at is not None:
        text = fill_text(
            BALLOT_OPENED,
            body=quoted(body_rule.title),
            at=moment(frozen.ballot_opened_at, rules.zone),
        )
        return Decision(False, article, (Reason(article, text),))
    pool = pool_of(rules, body)
    if pool is None:
        return rules.nominations_open(now, conference.starts_at)
    if members_of(conference, pool) is None:
        text = fill_text(
            POOL_NOT_CERTIFIED,
            body=quoted(body_rule.title),
            pool=quoted(rules.body(pool).title),
        )
        return Decision(False, body_rule.article, (Reason(body_rule.article, text),))
    return Decision(True, body_rule.article)


def check_eligibility(
    conference: Conference, member: Member, body: str, *, exclude: Candidacy | None = None
) -> Decision:
    """The bylaws' eligibility for this member and body, every unmet condition listed.

    `exclude` leaves one candidacy out of "already standing" (the one under review).
    """
    rules = bylaws_of(conference)
    user = member_user(member)
    bodies = {
        key
        for key in rules.bodies
        if (composition := members_of(conference, key)) and member.id in composition
    }
    extra: list[Reason] = []
    pool = pool_of(rules, body) if body in rules.bodies else None
    if pool is not None and members_of(conference, pool) is None:
        # Reported as "not certified yet" rather than as "not a member of the pool".
        bodies.add(pool)
        body_rule = rules.body(body)
        text = fill_text(
            POOL_NOT_CERTIFIED, body=quoted(body_rule.title), pool=quoted(rules.body(pool).title)
        )
        extra.append(Reason(body_rule.article, text))
    standing = db.session.execute(
        select(Candidacy).where(
            Candidacy.conference_id == conference.id,
            Candidacy.member_id == member.id,
            Candidacy.status.in_(STANDING),
        )
    ).scalars()
    context = CandidacyContext(
        on_election_committee=user is not None and on_committee(conference, user),
        is_delegate=active_delegate(conference, member.id) is not None,
        bodies=frozenset(bodies),
        # An election that has been certified is over: its candidates no longer "stand".
        standing_for=frozenset(
            c.body
            for c in standing
            if (exclude is None or c.id != exclude.id) and members_of(conference, c.body) is None
        ),
    )
    decision = rules.eligibility(member_facts(member), body, conference_date(conference), context)
    reasons = (*extra, *decision.reasons)
    return Decision(not reasons, decision.article, reasons)


def require_committee(conference: Conference, actor) -> None:
    """Committee rights are per conference: the role alone is not enough."""
    if actor is None or not on_committee(conference, actor):
        raise NotAllowed("not on this conference's election committee")


def require_member(candidacy: Candidacy, actor) -> None:
    if actor is None or getattr(actor, "member_id", None) != candidacy.member_id:
        raise NotAllowed("not the candidate")


def notify(member: Member, subject: Callable[[], str], body: Callable[[], str]) -> Sent:
    """Mail (or the outbox) in the member's own language, not the acting user's."""
    user = member_user(member)
    lang = (user.language if user else None) or current_app.config["DEFAULT_LANGUAGE"]
    with force_locale(lang):
        return send(member.email, subject(), body())


def mine_link(conference: Conference) -> str:
    """The candidate's page as a full link for mail; empty outside a request (CLI, demo)."""
    from flask import url_for

    try:
        return url_for("candidacy.mine", conference_id=conference.id, _external=True)
    except RuntimeError:
        return ""


def body_title(conference: Conference, body: str) -> str:
    """A body's title in the language of the request (or of a forced locale)."""
    from congress.i18n import language

    return bylaws_of(conference).body(body).title.get(language())
