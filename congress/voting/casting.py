"""Casting a ballot: the roll is marked and the ballot dropped in one transaction.

The hot path is four statements: the poll row (shared lock, so a close waits for
casts in flight), a conditional UPDATE of the roll that must change exactly one
row, and the INSERT of the ballot. Anything else rolls the whole cast back. The
ballot row carries no time, no address, no session: nothing but the poll, a
random id, the tracker and the content. Nothing here is logged.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import and_, insert, select, update

from congress.core import ballot as ballots
from congress.core import sealed
from congress.extensions import db
from congress.members.models import Member
from congress.models_common import utcnow

from .models import Ballot, Poll, RollEntry


class CastRefused(Exception):
    """Why a cast was refused, for the voter; nothing was stored."""

    def __init__(self, message: str, *, already_voted: bool = False):
        self.message, self.already_voted = message, already_voted
        super().__init__(message)


@dataclass(frozen=True)
class Receipt:
    poll_id: int
    title_ar: str
    title_en: str
    tracker: str


def spec_of(rules: Mapping) -> ballots.BallotSpec:
    s = rules["spec"]
    return ballots.BallotSpec(
        s["method"], tuple(s["candidates"]), s["max_marks"], s["blank_allowed"]
    )


def open_poll_row(poll_id: int, *, lock: bool):
    """The columns a cast needs, in one statement; FOR SHARE on PostgreSQL when casting."""
    stmt = select(
        Poll.id, Poll.state, Poll.closes_at, Poll.rules, Poll.title_ar, Poll.title_en, Poll.level
    ).where(Poll.id == poll_id)
    if lock:
        stmt = stmt.with_for_update(read=True)
    row = db.session.execute(stmt).one_or_none()
    if row is None:
        raise CastRefused(_("There is no such poll."))
    _check_open(row)
    return row


def _check_open(poll) -> None:
    if poll.state != "open" or (poll.closes_at is not None and poll.closes_at <= utcnow()):
        raise CastRefused(_("This poll is not open for voting."))


def cast(
    poll_id: int,
    member_id: int | None,
    *,
    marks: Sequence[str] = (),
    ranks: Mapping[str, str] | None = None,
    answer: str | None = None,
    token: str | None = None,
) -> Receipt:
    """Mark the roll and drop the ballot, or refuse and change nothing. The choices come as
    form fields, or as the sealed ballot the voter reviewed (`token`); the same token
    posted twice (a double tap on a slow link) gives the same receipt, not a refusal."""
    if member_id is None:
        raise CastRefused(_("Your account is not linked to a member of the organization."))
    row = open_poll_row(poll_id, lock=True)
    if row.level == "verifiable":
        raise CastRefused(_("This poll is verifiable: vote in its booth, from the poll's page."))
    rules = json.loads(row.rules)
    spec = spec_of(rules)
    reviewed = _reviewed(token, poll_id, member_id, spec) if token is not None else None
    if reviewed is not None:
        ballots.check_content(reviewed.content, spec)
        content = ballots.canonical(reviewed.content)
    else:
        content = ballots.canonical(ballots.build(spec, marks=marks, ranks=ranks, answer=answer))
    stored, tracker = _boxed(poll_id, rules, spec, content, reviewed)
    standing = rules["good_standing"]
    in_good_standing = select(Member.id).where(Member.status.in_(standing["statuses"]))
    if standing["dues_required"]:
        in_good_standing = in_good_standing.where(Member.dues_paid.is_(True))
    marked = db.session.execute(
        update(RollEntry)
        .where(
            RollEntry.poll_id == poll_id,
            RollEntry.member_id == member_id,
            RollEntry.voted.is_(False),
            RollEntry.member_id.in_(in_good_standing),
        )
        .values(voted=True)
        .execution_options(synchronize_session=False)
    ).rowcount
    if marked != 1:
        db.session.rollback()
        if reviewed is not None and _in_box(poll_id, tracker):  # this very form, cast before
            return Receipt(poll_id, row.title_ar, row.title_en, tracker)
        raise _why_not(poll_id, member_id)
    db.session.execute(
        insert(Ballot).values(
            poll_id=poll_id, id=secrets.token_hex(16), tracker=tracker, content=stored
        )
    )
    return Receipt(poll_id, row.title_ar, row.title_en, tracker)


def _reviewed(token: str, poll_id: int, member_id: int, spec: ballots.BallotSpec):
    from .ballot_token import BadToken, open_token

    try:
        reviewed = open_token(token, poll_id, spec)
    except BadToken:
        reviewed = None
    if reviewed is None or reviewed.member_id != member_id:
        raise CastRefused(
            _("This reviewed ballot is not valid any more: review your choices again.")
        )
    return reviewed


def _boxed(poll_id: int, rules: Mapping, spec: ballots.BallotSpec, content: str, reviewed):
    """(what the box stores, the tracker). From a reviewed token the randomness (the
    tracker's salt, the sealing's ephemeral key) is derived from the token, so the same
    form gives the same tracker; without one it is fresh."""
    public_key = rules.get("public_key")
    if public_key:  # the sealed box: only k of n committee members together can read it
        seed = reviewed.derived("seal") if reviewed is not None else None
        stored = sealed.seal(
            bytes.fromhex(public_key), content, ballots.longest_content(spec), seed
        )
        return stored, sealed.tracker(f"poll:{poll_id}", stored)
    salt = reviewed.derived("tracker")[:16] if reviewed is not None else secrets.token_bytes(16)
    return content, ballots.tracker(f"poll:{poll_id}", content, salt)


def _in_box(poll_id: int, tracker: str) -> bool:
    return (
        db.session.execute(
            select(Ballot.poll_id).where(Ballot.poll_id == poll_id, Ballot.tracker == tracker)
        ).first()
        is not None
    )


def _why_not(poll_id: int, member_id: int) -> CastRefused:
    """Only on the refusal path: a precise reason costs extra reads there, not in casts."""
    voted = db.session.execute(
        select(RollEntry.voted).where(
            RollEntry.poll_id == poll_id, RollEntry.member_id == member_id
        )
    ).scalar_one_or_none()
    if voted is None:
        return CastRefused(_("You are not on the roll of this poll."))
    if voted:
        return CastRefused(
            _("You have already voted in this poll: your ballot is in the box."), already_voted=True
        )
    return CastRefused(_("Your membership is not in good standing, so you cannot vote now."))


def review(
    poll,
    *,
    marks: Sequence[str] = (),
    ranks: Mapping[str, str] | None = None,
    answer: str | None = None,
) -> dict:
    """Validate without storing anything: the review page shows these choices back.
    `poll` is the Poll the page already loaded (no second read of it)."""
    _check_open(poll)
    return ballots.build(spec_of(json.loads(poll.rules)), marks=marks, ranks=ranks, answer=answer)


def poll_and_mark(poll_id: int, member_id: int | None) -> tuple[Poll | None, bool | None]:
    """The poll and the member's mark on its roll, in one statement (the ballot and review
    pages ask both on every request): (None, None) without such a poll; the mark is None
    when the member is not on the roll, else whether they have voted."""
    if member_id is None:
        return db.session.get(Poll, poll_id), None
    row = db.session.execute(
        select(Poll, RollEntry.voted)
        .outerjoin(RollEntry, and_(RollEntry.poll_id == Poll.id, RollEntry.member_id == member_id))
        .where(Poll.id == poll_id)
    ).one_or_none()
    return (None, None) if row is None else (row[0], row[1])


def has_voted(poll_id: int, member_id: int | None) -> bool | None:
    """True/False from the roll, None when not on it."""
    if member_id is None:
        return None
    return db.session.execute(
        select(RollEntry.voted).where(
            RollEntry.poll_id == poll_id, RollEntry.member_id == member_id
        )
    ).scalar_one_or_none()
