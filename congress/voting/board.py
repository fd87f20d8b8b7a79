"""The bulletin board of a closed poll: trackers and contents, published apart.

Trackers are listed sorted; contents in the order of the ballots' random ids.
The two orders are unrelated, so a receipt never reveals a choice.
"""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from congress.extensions import db

from .models import Ballot, Poll, PollCandidate

VISIBLE = ("closed", "tallied", "certified")


def is_public(poll: Poll) -> bool:
    """Nothing of the box is shown while a poll is open (invariant 4), nor ever for an
    annulled poll: annulling an open poll would otherwise publish an interim result."""
    return poll.state in VISIBLE


def trackers(poll: Poll) -> list[str]:
    from .storage import box_table

    table = box_table(poll)
    return list(
        db.session.execute(
            select(table.tracker).where(table.poll_id == poll.id).order_by(table.tracker)
        ).scalars()
    )


def is_verifiable(poll: Poll) -> bool:
    return poll.level == "verifiable"


def is_sealed(poll: Poll) -> bool:
    return "public_key" in poll.frozen_rules


def contents(poll: Poll) -> list[dict]:
    """The ballots' contents in random-id order; for a sealed box, the opened ballots
    (empty until k holders have opened it). A verifiable poll's ballots are never opened:
    only their sum is decrypted."""
    if is_verifiable(poll):
        return []
    if is_sealed(poll):
        from congress.sealing.models import OpenedBallot

        rows = db.session.execute(
            select(OpenedBallot.content)
            .where(OpenedBallot.poll_id == poll.id)
            .order_by(OpenedBallot.id)
        ).scalars()
    else:
        rows = db.session.execute(
            select(Ballot.content).where(Ballot.poll_id == poll.id).order_by(Ballot.id)
        ).scalars()
    return [json.loads(c) for c in rows]


def ciphertexts(poll: Poll) -> list[str]:
    """A sealed box as it is stored: anyone can recompute each tracker from it."""
    return list(
        db.session.execute(
            select(Ballot.content).where(Ballot.poll_id == poll.id).order_by(Ballot.id)
        ).scalars()
    )


def candidates(poll: Poll) -> dict[int, PollCandidate]:
    return {
        c.id: c
        for c in db.session.execute(
            select(PollCandidate)
            .where(PollCandidate.poll_id == poll.id)
            .order_by(PollCandidate.position)
        ).scalars()
    }


def normalize_tracker(value: str) -> str:
    return re.sub(r"[^0-9a-f]", "", (value or "").lower())[:32]


def has_tracker(poll: Poll, value: str) -> bool:
    if is_verifiable(poll):  # Belenios' tracker: the ballot's SHA-256 in base64
        from congress.verifiable.models import VerifiableBallot

        wanted = re.sub(r"[^0-9A-Za-z+/]", "", value or "")[:43]
        return (
            db.session.execute(
                select(VerifiableBallot.poll_id).where(
                    VerifiableBallot.poll_id == poll.id, VerifiableBallot.tracker == wanted
                )
            ).first()
            is not None
        )
    wanted = normalize_tracker(value)
    if len(wanted) != 32:
        return False
    return (
        db.session.execute(
            select(Ballot.poll_id).where(Ballot.poll_id == poll.id, Ballot.tracker == wanted)
        ).first()
        is not None
    )
