"""The life of a poll: create, open (roll + quorum snapshot), close, annul.

Only the conference's election committee moves a poll (the views check it, with a
fresh login). Each transition is audited with the counts and the chain head.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, insert, select, update

from congress import notifications
from congress.audit import actions
from congress.audit.operations import actor_label, head, record
from congress.auth.models import User
from congress.conference import attendance
from congress.conference.facts import bylaws_of, member_facts
from congress.conference.models import Conference, Delegate, InvalidTransition
from congress.core.rules import RuleRefused
from congress.extensions import db
from congress.models_common import utcnow

from . import storage
from .models import Poll, PollCandidate, RollEntry


class PollError(Exception):
    """A refusal that is not a rule of the bylaws (wrong state, empty list...)."""


def _refuse_if_closed(conference: Conference) -> None:
    if conference.state == "closed":
        raise PollError(_("The conference is closed: no poll can be created in it."))


def _refuse_past(closes_at: datetime | None, now: datetime | None = None) -> None:
    if closes_at is not None and closes_at <= (now or utcnow()):
        raise PollError(_("The closing time has already passed: choose a time to come."))


def create_election(
    conference: Conference,
    body: str,
    *,
    actor: User | None,
    closes_at: datetime | None = None,
    level: str = "plain",
) -> Poll:
    """A draft election for a body; the rules come from the conference's bylaws."""
    _refuse_if_closed(conference)
    _refuse_past(closes_at)
    rules = bylaws_of(conference)
    ballot = rules.ballot_rules(body)
    electorate = ballot.electorate.value
    frozen = {
        "method_article": ballot.method.article,
        "seats_article": ballot.seats.article,
        "quotas": [
            {"group": q.group, "min_seats": q.minimum_seats, "article": q.article}
            for q in ballot.quotas
        ],
        "cap": (
            {"max_seats": ballot.branch_cap.maximum_seats, "article": ballot.branch_cap.article}
            if ballot.branch_cap
            else None
        ),
        "tie": ballot.tie.value,
        "tie_article": ballot.tie.article,
        "blank_article": ballot.blank_allowed.article,
        "electorate_article": ballot.electorate.article,
        "electorate_body": electorate.body,
    }
    poll = Poll(
        conference_id=conference.id,
        kind="election",
        body=body,
        title_ar=ballot.title.ar,
        title_en=ballot.title.en,
        method=ballot.method.value,
        seats=ballot.seats.value,
        max_marks=ballot.max_marks.value,
        blank_allowed=ballot.blank_allowed.value,
        electorate=electorate.kind,
        rules=json.dumps(frozen, sort_keys=True),
        closes_at=closes_at,
    )
    _add(poll, conference, level)
    record(
        actions.POLL_CREATED,
        actor=actor_label(actor),
        subject=f"poll:{poll.id}",
        data={
            "conference": conference.id,
            "kind": "election",
            "body": body,
            "method": poll.method,
            "seats": poll.seats,
            "level": level,
        },
    )
    return poll


def _add(poll: Poll, conference: Conference, level: str) -> None:
    """The new poll stored with its secrecy level; a verifiable one gets its Belenios
    election (refused without the trustees' key, or for a ranked ballot). A sealed one
    becomes sealed when its key ceremony runs (sealing/ceremony.py)."""
    from congress.core.ballot import RANKED

    if level not in ("plain", "sealed", "verifiable"):
        raise PollError(_("Choose the secrecy of the ballot."))
    if level == "verifiable" and poll.method in RANKED:
        raise PollError(
            _(
                "A ranked ballot cannot be verifiable yet: choose plain or sealed for this "
                "body's election."
            )
        )
    poll.level = "plain" if level == "sealed" else level
    db.session.add(poll)
    db.session.flush()
    if level == "verifiable":
        from congress.verifiable.polls import VerifiableRefused, attach

        try:
            attach(poll, conference)
        except VerifiableRefused as refused:
            raise PollError(refused.message) from None


def create_motion(
    conference: Conference,
    *,
    title_ar: str,
    title_en: str,
    text_ar: str,
    text_en: str,
    category: str,
    actor: User | None,
    closes_at: datetime | None = None,
    level: str = "plain",
) -> Poll:
    _refuse_if_closed(conference)
    _refuse_past(closes_at)
    rules = bylaws_of(conference)
    kind = rules.motion_kind(category)
    electorate = rules.electorate_default()
    poll = Poll(
        conference_id=conference.id,
        kind="motion",
        title_ar=title_ar,
        title_en=title_en,
        text_ar=text_ar,
        text_en=text_en,
        motion_category=category,
        method="motion",
        seats=1,
        blank_allowed=False,
        electorate=electorate.value,
        rules=json.dumps(
            {
                "majority": kind.value,
                "majority_article": kind.article,
                "electorate_article": electorate.article,
            },
            sort_keys=True,
        ),
        closes_at=closes_at,
    )
    _add(poll, conference, level)
    record(
        actions.POLL_CREATED,
        actor=actor_label(actor),
        subject=f"poll:{poll.id}",
        data={
            "conference": conference.id,
            "kind": "motion",
            "category": category,
            "majority": kind.value,
            "level": level,
        },
    )
    return poll


def _electorate(conference: Conference, poll: Poll) -> list[int]:
    """Member ids on the roll: fixed now, whatever happens to presence later."""
    if poll.electorate == "present_at_opening":
        return [d.member_id for d in attendance.present_delegates(conference)]
    if poll.electorate == "accredited":
        return list(
            db.session.execute(
                select(Delegate.member_id).where(
                    Delegate.conference_id == conference.id,
                    Delegate.status == "accredited",
                    Delegate.kind == "delegate",
                )
            ).scalars()
        )
    from congress.candidacy.operations import members_of

    body = poll.frozen_rules.get("electorate_body") or ""
    members = members_of(conference, body)
    if members is None:
        raise PollError(_("The electing body has no certified composition yet."))
    return sorted(members)


def _refuse_while_candidacies_move(conference: Conference, poll: Poll, now: datetime) -> None:
    """The ballot's list is frozen when it opens: not while nominations for a body elected
    by the conference are open (Article 20.1), nor while a rejected candidate may still
    object or awaits the committee's answer."""
    from congress.candidacy.common import nomination_window, pool_of
    from congress.candidacy.models import Candidacy, Objection
    from congress.candidacy.review import objection_deadline
    from congress.core.bylaws.wording import moment

    rules = bylaws_of(conference)
    if pool_of(rules, poll.body) is None:
        window = nomination_window(conference, poll.body, now)
        if window.ok:
            closes = rules.timeline(conference.starts_at).nominations_close
            raise RuleRefused(
                closes.article,
                _(
                    "The ballot cannot open while nominations are open: they close %(when)s.",
                    when=moment(closes.value, rules.zone),
                ),
            )
    rejected = db.session.execute(
        select(Candidacy).where(
            Candidacy.conference_id == conference.id,
            Candidacy.body == poll.body,
            Candidacy.status == "rejected",
        )
    ).scalars()
    for candidacy in rejected:
        deadline = objection_deadline(candidacy)
        pending = db.session.execute(
            select(Objection.id).where(
                Objection.candidacy_id == candidacy.id, Objection.decided_at.is_(None)
            )
        ).first()
        if pending is not None or (deadline is not None and deadline[0] > now):
            raise RuleRefused(
                deadline[1] if deadline else rules.certification.objections.article,
                _(
                    "The ballot cannot open while a rejected candidate may still object or "
                    "awaits the committee's answer (%(name)s).",
                    name=candidacy.member.name_ar,
                ),
            )


def _freeze_candidates(conference: Conference, poll: Poll, actor: User | None) -> None:
    from congress.candidacy.listing import ballot_list, freeze_list

    rules = bylaws_of(conference)
    on = conference.starts_at.astimezone(rules.zone).date()
    restricted = poll.frozen_rules.get("restricted_to")
    if restricted is None:  # the lot (if the bylaws draw one) is drawn now, at the opening
        freeze_list(conference, poll.body, actor=actor, seed=lot_seed(), poll_id=poll.id)
    listed = ballot_list(conference, poll.body)  # in the frozen order
    if restricted is not None:  # a runoff: only the candidates the count named
        listed = [c for c in listed if c.id in set(restricted)]
    if not listed:
        raise PollError(_("There is no approved candidate for this body."))
    for position, candidacy in enumerate(listed, start=1):
        member = candidacy.member
        groups = ",".join(sorted(rules.groups_of(member_facts(member), on)))
        db.session.add(
            PollCandidate(
                poll_id=poll.id,
                position=position,
                member_id=member.id,
                candidacy_id=candidacy.id,
                name_ar=member.name_ar,
                name_latin=member.name_latin,
                branch=member.branch.code,
                groups=groups,
            )
        )


def lot_seed() -> str:
    """A lot for the ballot order is seeded when the ballot opens, from the operating
    system's CSPRNG, and published in the chain with the order it gives (anyone redoes the
    draw from it). Nothing anyone can see or do beforehand tells it: not a draft (drafts
    can be made and deleted, so a seed fixed at creation could be shopped for), not the
    chain head (an anonymous failed login moves it); and opening cannot be undone, nor a
    list frozen twice."""
    return secrets.token_hex(32)


def open_poll(poll: Poll, *, actor: User | None, now: datetime | None = None) -> None:
    """Refused while quorum is not met; writes the roll and the quorum snapshot."""
    now = now or utcnow()
    conference = db.session.get(Conference, poll.conference_id)
    if poll.state != "draft":
        raise InvalidTransition("poll", poll.state, "open")
    _refuse_past(poll.closes_at, now)
    if conference.state != "in_session":
        raise PollError(_("Polls open only while the conference is in session."))
    snapshot = attendance.snapshot(conference)
    if poll.electorate != "body" and not snapshot.met:
        raise RuleRefused(
            snapshot.article,
            ngettext(
                "The ballot cannot open: quorum is %(needed)d of %(num)d accredited "
                "delegate, %(present)d are present.",
                "The ballot cannot open: quorum is %(needed)d of %(num)d accredited "
                "delegates, %(present)d are present.",
                snapshot.accredited,
                needed=snapshot.needed,
                present=snapshot.present,
            ),
        )
    if "public_key" in poll.frozen_rules:
        from congress.sealing.ceremony import pending

        waiting = pending(poll)
        if waiting:
            raise PollError(
                ngettext(
                    "%(num)d committee member has not yet collected their share of "
                    "the ballot-box key.",
                    "%(num)d committee members have not yet collected their share of "
                    "the ballot-box key.",
                    len(waiting),
                )
            )
    if poll.kind == "election":
        _refuse_while_candidacies_move(conference, poll, now)
        _freeze_candidates(conference, poll, actor)
    voters = _electorate(conference, poll)
    if not voters:
        raise PollError(_("The electorate of this poll is empty."))
    rules = bylaws_of(conference)
    standing = rules.membership.good_standing
    candidates = list(
        db.session.execute(
            select(PollCandidate.id)
            .where(PollCandidate.poll_id == poll.id)
            .order_by(PollCandidate.position)
        ).scalars()
    )
    frozen = {
        **poll.frozen_rules,
        "good_standing": {
            "statuses": list(standing.statuses),
            "dues_required": standing.dues_required,
            "article": standing.article,
        },
        "spec": {
            "method": poll.method,
            "candidates": candidates,
            "max_marks": poll.max_marks,
            "blank_allowed": poll.blank_allowed,
        },
    }
    poll.rules = json.dumps(frozen, sort_keys=True)
    opening = {}
    if poll.level == "verifiable":
        from congress.verifiable.polls import election_sha256, freeze

        freeze(poll)  # the Belenios election: its question, the trustees' joint key
        opening["election_sha256"] = election_sha256(poll)
    db.session.execute(
        insert(RollEntry), [{"poll_id": poll.id, "member_id": m, "voted": False} for m in voters]
    )
    poll.move_to("open")
    poll.opened_at, poll.electorate_size = now, len(voters)
    if poll.level != "verifiable":  # a verifiable poll's voters are told once they can vote
        notifications.poll_opened(poll, voters)
    poll.quorum = json.dumps(snapshot.as_dict(), sort_keys=True)
    record(
        actions.POLL_OPENED,
        actor=actor_label(actor),
        subject=f"poll:{poll.id}",
        data={
            "electorate": len(voters),
            "quorum": snapshot.as_dict(),
            "chain_head": head().hash,
            "closes_at": poll.closes_at.isoformat() if poll.closes_at else None,
            **opening,
        },
    )


def counts(poll: Poll) -> tuple[int, int]:
    """(roll marked as voted, ballots in the box): only turnout, never a choice."""
    voted = db.session.execute(
        select(func.count())
        .select_from(RollEntry)
        .where(RollEntry.poll_id == poll.id, RollEntry.voted.is_(True))
    ).scalar_one()
    table = storage.box_table(poll)
    ballots = db.session.execute(
        select(func.count()).select_from(table).where(table.poll_id == poll.id)
    ).scalar_one()
    return voted, ballots


def close_poll(poll: Poll, *, actor: User | None, now: datetime | None = None) -> None:
    """Closing waits for casts in flight (their share lock on the poll row), then counts,
    records the box's digests in the chain and rewrites the poll's rows (storage.py)."""
    now = now or utcnow()
    if poll.state != "open":
        raise InvalidTransition("poll", poll.state, "closed")
    verifiable = None
    if poll.level == "verifiable":
        from congress.verifiable import polls as verifiable

        if not verifiable.of(poll).credentials:
            raise PollError(
                _(
                    "No one could vote: the credential authority never published this "
                    "poll's credentials. Annul the poll instead."
                )
            )
        try:  # before anything changes: the election and credentials are the recorded ones
            verifiable.checked_election(poll)
            verifiable.checked_credentials(poll, verifiable.of(poll))
        except verifiable.RecordChanged:
            raise PollError(
                _(
                    "This poll's election or credentials differ from those recorded in the "
                    "audit chain: it cannot be closed and counted. Annul it, and have the "
                    "database examined."
                )
            ) from None
    db.session.execute(update(Poll).where(Poll.id == poll.id).values(state="closed", closed_at=now))
    db.session.refresh(poll)
    voted, ballots = counts(poll)
    poll.ballots_at_close = ballots
    record_of_box = verifiable.on_close(poll) if verifiable else {}  # the encrypted tally
    entry = record(
        actions.POLL_CLOSED,
        actor=actor_label(actor),
        subject=f"poll:{poll.id}",
        data={
            "electorate": poll.electorate_size,
            "voted": voted,
            "ballots": ballots,
            "chain_head": head().hash,
            **storage.digests(poll),
            **record_of_box,
        },
    )
    poll.chain_head_at_close = entry.hash  # seeds any tie by lot; known to no one before
    storage.rewrite(poll)


def annul(poll: Poll, reason: str, *, actor: User | None) -> None:
    """An annulled poll publishes nothing of its box, ever (annulling an open poll must not
    turn it into an interim result), and one annulled while open loses its cast order on
    disk as a closed one does."""
    if not reason.strip():
        raise PollError(_("An annulment needs a reason."))
    was_open = poll.state == "open"
    poll.move_to("annulled")
    poll.annulled_reason = reason.strip()
    data = {"reason": reason.strip()[:500], "chain_head": head().hash}
    if was_open:
        data.update(storage.digests(poll))
    record(actions.POLL_ANNULLED, actor=actor_label(actor), subject=f"poll:{poll.id}", data=data)
    if was_open:
        storage.rewrite(poll)
