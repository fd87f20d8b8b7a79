"""The key ceremony and the collection of shares by their holders."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from congress.audit import actions
from congress.audit.operations import actor_label, record
from congress.auth.models import User
from congress.bylaws.operations import rules_of
from congress.conference.models import Conference
from congress.conference.operations import committee_of
from congress.core import sealed
from congress.extensions import db
from congress.i18n import isolate
from congress.models_common import utcnow
from congress.voting.models import Poll

from .models import KeyHolder, PollKey, ShareEnvelope

MIN_PASSPHRASE = 12


class SealingError(Exception):
    """A refusal of the sealing steps, already translated."""


def set_keyholder_passphrase(user: User, passphrase: str) -> KeyHolder:
    """Future shares reach this user sealed to a key only this passphrase re-derives."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise SealingError(
            ngettext(
                "The passphrase must have at least %(num)d character.",
                "The passphrase must have at least %(num)d characters.",
                MIN_PASSPHRASE,
            )
        )
    salt = secrets.token_bytes(sealed.PASSPHRASE_SALT_BYTES)
    cost = _kdf_cost()
    key = sealed.holder_keypair(passphrase, salt, cost)
    holder = db.session.get(KeyHolder, user.id) or KeyHolder(user_id=user.id)
    holder.salt, holder.public_key = salt.hex(), bytes(key.public_key).hex()
    holder.kdf_ops, holder.kdf_mem = cost
    db.session.add(holder)
    record(
        actions.KEYHOLDER_SET,
        actor=actor_label(user),
        subject=f"user:{user.id}",
        data={"public_key": holder.public_key},
    )
    return holder


def _kdf_cost() -> tuple[int, int]:
    """The test profile (like passwords') makes the suite fast; production is Argon2id
    'moderate' (about a quarter of a second here)."""
    if current_app.config.get("PASSWORD_HASH_PROFILE") == "test":
        return sealed.KDF_COST_TEST
    return sealed.KDF_COST


def ceremony(poll: Poll, *, actor: User | None) -> PollKey:
    """Generate the poll key, seal each share to its holder, forget the private key.

    Holders are the conference's committee; the threshold is the number of
    signatures that certify a result (the bylaws' certification article).
    """
    conference = db.session.get(Conference, poll.conference_id)
    members = committee_of(conference)
    holders = {
        h.user_id: h
        for h in db.session.execute(
            select(KeyHolder).where(KeyHolder.user_id.in_([m.id for m in members]))
        ).scalars()
    }
    missing = [m.name or m.email for m in members if m.id not in holders]
    if missing:
        raise SealingError(
            _(
                "Every committee member must first set a key-holder passphrase. Missing: %(names)s",
                names=", ".join(isolate(m) for m in missing),
            )
        )
    rules = rules_of(conference.bylaws_version).certification_rules()
    threshold = rules.signatures_required
    if len(members) < threshold:
        raise SealingError(
            ngettext(
                "The committee has %(num)d member; %(k)d are needed to open a box.",
                "The committee has %(num)d members; %(k)d are needed to open a box.",
                len(members),
                k=threshold,
            )
        )
    made = sealed.key_ceremony(threshold, len(members))
    key = PollKey(
        poll_id=poll.id,
        public_key=made.public_key.hex(),
        fingerprint=sealed.fingerprint(made.public_key),
        threshold=threshold,
        holders=len(members),
        identifier=made.identifier,
    )
    db.session.add(key)
    for position, (member, share) in enumerate(zip(members, made.shares, strict=True)):
        envelope_key = bytes.fromhex(holders[member.id].public_key)
        db.session.add(
            ShareEnvelope(
                poll_id=poll.id,
                user_id=member.id,
                position=position + 1,
                sealed_share=sealed.seal_to(envelope_key, share),
                digest=made.digests[position],
                relay_key=made.relay_keys[position].hex(),
            )
        )
    poll.rules = json.dumps({**poll.frozen_rules, "public_key": key.public_key}, sort_keys=True)
    poll.level = "sealed"
    db.session.flush()
    record(
        actions.POLL_KEY_CREATED,
        actor=actor_label(actor),
        subject=f"poll:{poll.id}",
        data={
            "public_key": key.public_key,
            "fingerprint": key.fingerprint,
            "threshold": threshold,
            "holders": [m.id for m in members],
            "article": rules.signatures_article,
        },
    )
    return key


def envelope_of(poll: Poll, user) -> ShareEnvelope | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.get(ShareEnvelope, (poll.id, user.id))


def reveal(envelope: ShareEnvelope, passphrase: str) -> tuple[list[str], tuple[int, int]]:
    """Open the envelope with the holder's passphrase: the words, and two positions
    the holder must type back to prove they wrote the share down."""
    if envelope.sealed_share is None:
        raise SealingError(_("This share has already been collected."))
    holder = db.session.get(KeyHolder, envelope.user_id)
    key = sealed.holder_keypair(
        passphrase, bytes.fromhex(holder.salt), (holder.kdf_ops, holder.kdf_mem)
    )
    try:
        words = sealed.open_envelope(key, envelope.sealed_share).split()
    except sealed.ShareError:
        raise SealingError(_("The passphrase does not open your envelope.")) from None
    first, second = sorted(secrets.SystemRandom().sample(range(len(words)), 2))
    envelope.confirm_digest = _confirmation(envelope, first, words[first], second, words[second])
    return words, (first + 1, second + 1)


def _confirmation(envelope: ShareEnvelope, p1: int, w1: str, p2: int, w2: str) -> str:
    text = f"{envelope.poll_id}:{envelope.user_id}:{p1}:{w1.lower()}:{p2}:{w2.lower()}"
    return hashlib.sha256(text.encode()).hexdigest()


def confirm(envelope: ShareEnvelope, positions: tuple[int, int], typed: tuple[str, str]) -> None:
    """The holder typed back two words: the envelope is destroyed, only paper remains."""
    if envelope.sealed_share is None:
        raise SealingError(_("This share has already been collected."))
    (p1, p2), (w1, w2) = positions, (typed[0].strip(), typed[1].strip())
    expected = _confirmation(envelope, p1 - 1, w1, p2 - 1, w2)
    if not envelope.confirm_digest or not hmac.compare_digest(expected, envelope.confirm_digest):
        raise SealingError(
            _("Those are not the words of your share. Open it again and copy it carefully.")
        )
    envelope.sealed_share, envelope.confirm_digest = None, ""
    envelope.collected_at = utcnow()
    record(
        actions.SHARE_COLLECTED,
        actor=f"user:{envelope.user_id}",
        subject=f"poll:{envelope.poll_id}",
        data={"holder": envelope.user_id},
    )


def pending(poll: Poll) -> list[ShareEnvelope]:
    return list(
        db.session.execute(
            select(ShareEnvelope).where(
                ShareEnvelope.poll_id == poll.id,
                ShareEnvelope.collected_at.is_(None),
                ShareEnvelope.discarded_at.is_(None),
            )
        ).scalars()
    )


def discard_uncollected(poll: Poll, *, actor: User | None) -> int:
    """Destroy envelopes nobody collected, if enough collected shares remain to open."""
    key = db.session.get(PollKey, poll.id)
    left = pending(poll)
    collected = key.holders - len(left) - _discarded(poll)
    if collected < key.threshold:
        raise SealingError(
            ngettext(
                "Only %(num)d share is collected; %(k)d are needed to open the box.",
                "Only %(num)d shares are collected; %(k)d are needed to open the box.",
                collected,
                k=key.threshold,
            )
        )
    for envelope in left:
        envelope.sealed_share, envelope.discarded_at = None, utcnow()
    record(
        actions.SHARE_DISCARDED,
        actor=actor_label(actor),
        subject=f"poll:{poll.id}",
        data={"holders": [e.user_id for e in left]},
    )
    return len(left)


def _discarded(poll: Poll) -> int:
    return len(
        db.session.execute(
            select(ShareEnvelope.user_id).where(
                ShareEnvelope.poll_id == poll.id, ShareEnvelope.discarded_at.is_not(None)
            )
        ).all()
    )
