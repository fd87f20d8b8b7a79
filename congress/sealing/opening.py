"""Opening the box after the close: k holders enter their shares, one request each."""

from __future__ import annotations

import secrets

from flask_babel import gettext as _
from sqlalchemy import delete, insert, select

from congress.audit import actions
from congress.audit.operations import actor_label, record
from congress.auth.models import User
from congress.conference.models import Conference
from congress.conference.operations import on_committee
from congress.core import ballot as ballots
from congress.core import sealed
from congress.core.ballot import box_digest
from congress.extensions import db
from congress.models_common import utcnow
from congress.voting.casting import spec_of
from congress.voting.models import Ballot, Poll

from .ceremony import SealingError
from .models import OpenedBallot, PollKey, ShareEnvelope, ShareRelay


class ShareRefused(SealingError):
    """A share refused at the opening; the refusal itself is audited."""

    def __init__(self, message: str, reason: str):
        self.reason = reason
        super().__init__(message)


def contributors(poll: Poll) -> list[int]:
    return sorted(
        {
            uid
            for (uid,) in db.session.execute(
                select(ShareRelay.from_user_id).where(ShareRelay.poll_id == poll.id)
            ).all()
        }
    )


def _check(poll: Poll, user: User, words: str) -> tuple[PollKey, ShareEnvelope, str]:
    key = db.session.get(PollKey, poll.id)
    if key is None:
        raise SealingError(_("This poll's ballots are not sealed."))
    if key.opened_at is not None:
        raise SealingError(_("The box is already open."))
    if poll.state != "closed":
        raise ShareRefused(_("The box opens only after the poll is closed."), "not_closed")
    if not on_committee(db.session.get(Conference, poll.conference_id), user):
        raise ShareRefused(
            _("Only members of this conference's election committee hold shares."), "not_committee"
        )
    envelope = db.session.get(ShareEnvelope, (poll.id, user.id))
    if envelope is None or envelope.discarded_at is not None:
        raise ShareRefused(_("You hold no share of this poll's key."), "no_share")
    if user.id in contributors(poll):
        raise ShareRefused(_("You have already entered your share."), "twice")
    try:
        share = sealed.parse_share(words)
    except sealed.ShareError:
        raise ShareRefused(
            _("These words are not a valid share: check every word and their order."), "malformed"
        ) from None
    mnemonic = sealed.normalize(words)
    if share.identifier != key.identifier:
        raise ShareRefused(_("This share belongs to another poll's key."), "other_poll")
    if sealed.share_digest(mnemonic) != envelope.digest:
        raise ShareRefused(_("This is not your share of this poll's key."), "not_yours")
    return key, envelope, mnemonic


def refuse(poll: Poll, user: User, refused: ShareRefused) -> None:
    """Audit a refused share (who, why; never the words) in its own transaction."""
    db.session.rollback()
    record(
        actions.SHARE_REFUSED,
        actor=actor_label(user),
        subject=f"poll:{poll.id}",
        data={"reason": refused.reason},
    )
    db.session.commit()


def contribute(poll: Poll, user: User, words: str) -> bool:
    """Enter one share; True when it was the k-th and the box is now open."""
    key, _envelope, mnemonic = _check(poll, user, words)
    waiting = [
        sealed.relay_open(mnemonic, r.sealed)
        for r in db.session.execute(
            select(ShareRelay).where(
                ShareRelay.poll_id == poll.id, ShareRelay.to_user_id == user.id
            )
        ).scalars()
    ]
    shares = [*waiting, mnemonic]
    if len(shares) >= key.threshold:
        _open(poll, key, shares, [*contributors(poll), user.id])
        return True
    others = db.session.execute(
        select(ShareEnvelope).where(
            ShareEnvelope.poll_id == poll.id,
            ShareEnvelope.user_id != user.id,
            ShareEnvelope.discarded_at.is_(None),
        )
    ).scalars()
    for other in others:
        db.session.add(
            ShareRelay(
                poll_id=poll.id,
                from_user_id=user.id,
                to_user_id=other.user_id,
                sealed=sealed.seal_to(bytes.fromhex(other.relay_key), mnemonic),
            )
        )
    db.session.flush()
    record(
        actions.SHARE_CONTRIBUTED,
        actor=actor_label(user),
        subject=f"poll:{poll.id}",
        data={"holder": user.id, "entered": len(shares), "needed": key.threshold},
    )
    return False


def _open(poll: Poll, key: PollKey, shares: list[str], holders: list[int]) -> None:
    """Rebuild the key in memory, decrypt every ballot in a new random order, drop the key."""
    private = sealed.open_key(shares[: key.threshold], bytes.fromhex(key.public_key))
    longest = ballots.longest_content(spec_of(poll.frozen_rules))
    try:
        rows = (
            db.session.execute(select(Ballot.content).where(Ballot.poll_id == poll.id))
            .scalars()
            .all()
        )
        opened = [
            {
                "poll_id": poll.id,
                "id": secrets.token_hex(16),
                "content": sealed.unseal(private, ciphertext, longest),
            }
            for ciphertext in rows
        ]
    finally:
        del private, shares[:]
    # the box is read in its own order: the opened ballots are written in an order drawn
    # from a CSPRNG, so no position (table page, heap, dump) pairs a ciphertext with its text
    secrets.SystemRandom().shuffle(opened)
    if opened:
        db.session.execute(insert(OpenedBallot), opened)
    db.session.execute(delete(ShareRelay).where(ShareRelay.poll_id == poll.id))
    key.opened_at = utcnow()
    record(
        actions.BOX_OPENED,
        actor="system",
        subject=f"poll:{poll.id}",
        data={
            "holders": sorted(holders),
            "ballots": len(opened),
            "threshold": key.threshold,
            "opened_sha256": box_digest(o["content"] for o in opened),
        },
    )
