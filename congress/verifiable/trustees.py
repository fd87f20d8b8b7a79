"""The conference's threshold key, made by its trustees (the election committee).

Belenios' threshold protocol (specification §3.1.1, §4.6) in three rounds, each trustee
working on their own computer with `congress trustee ...` (their seed never leaves it):

1. each trustee makes a seed and a certificate, and uploads the certificate;
2. with every certificate in, each trustee makes a polynomial (its shares encrypted to
   the other trustees) and uploads it; the server checks each and computes the vinputs;
3. each trustee turns their vinput into a voutput (their verification key, their share
   of the decryption key encrypted to themself) and uploads it; with every voutput in, the
   server computes the threshold parameters: the `trustees` structure and the joint key.

The server only relays and checks signed, encrypted messages; k of the n trustees (k the
bylaws' certification threshold) will decrypt each poll's tally, and n-k can be lost.
"""

from __future__ import annotations

import hashlib
import json

from flask_babel import gettext as _
from sqlalchemy import delete, select

from congress.audit import actions
from congress.audit.operations import actor_label, record
from congress.conference.facts import bylaws_of
from congress.conference.models import Conference
from congress.conference.operations import committee_of
from congress.core import belenios as bl
from congress.extensions import db
from congress.models_common import utcnow
from congress.voting.models import Poll

from .models import TrusteeMessage, TrusteeSetup

GROUP = "BELENIOS-2048"  # homomorphic polls; ranked ones will need RFC-3526-2048
STEPS = ("certificates", "polynomials", "voutputs", "done")


class TrusteeRefused(Exception):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def setup_of(conference: Conference) -> TrusteeSetup | None:
    return db.session.get(TrusteeSetup, conference.id)


def is_ready(conference: Conference) -> bool:
    setup = setup_of(conference)
    return setup is not None and setup.step == "done"


def begin(conference: Conference, *, actor) -> TrusteeSetup:
    """The committee seated now are the trustees; the bylaws' signature count the threshold."""
    if setup_of(conference) is not None:
        raise TrusteeRefused(_("The trustees' key is already under way for this conference."))
    trustees = len(committee_of(conference))
    threshold = bylaws_of(conference).certification.signatures.required
    if not 1 <= threshold <= trustees:
        raise TrusteeRefused(
            _("The committee must have at least as many members as the threshold.")
        )
    setup = TrusteeSetup(
        conference_id=conference.id, group_name=GROUP, threshold=threshold, trustees=trustees
    )
    db.session.add(setup)
    db.session.flush()
    record(
        actions.TRUSTEES_BEGUN,
        actor=actor_label(actor),
        subject=f"conference:{conference.id}",
        data={"threshold": threshold, "trustees": trustees, "group": GROUP},
    )
    return setup


def trustee_ids(conference: Conference) -> list[int]:
    return [u.id for u in committee_of(conference)]


def messages(conference: Conference, step: str) -> list[TrusteeMessage]:
    return list(
        db.session.execute(
            select(TrusteeMessage)
            .where(TrusteeMessage.conference_id == conference.id, TrusteeMessage.step == step)
            .order_by(TrusteeMessage.position)
        ).scalars()
    )


def certificates(conference: Conference) -> list[str]:
    return [m.payload for m in messages(conference, "certificates")]


def position_of(conference: Conference, user) -> int | None:
    """The trustee's index among the certificates (0-based), once they sent theirs."""
    for m in messages(conference, "certificates"):
        if m.user_id == user.id:
            return m.position
    return None


def submit(conference: Conference, user, payload: str, *, actor) -> None:
    """One trustee's message for the current step, checked before it is kept."""
    setup = setup_of(conference)
    if setup is None or setup.step == "done":
        raise TrusteeRefused(_("No step of the trustees' key is waiting for messages."))
    if user.id not in trustee_ids(conference):
        raise TrusteeRefused(
            _("Only members of this conference's election committee are trustees.")
        )
    # one upload at a time per conference: positions are counted, not raced (PostgreSQL)
    db.session.execute(
        select(TrusteeSetup.conference_id)
        .where(TrusteeSetup.conference_id == conference.id)
        .with_for_update()
    )
    db.session.refresh(setup)
    step = setup.step
    if db.session.get(TrusteeMessage, (conference.id, user.id, step)) is not None:
        raise TrusteeRefused(_("You have already sent your message for this step."))
    group = bl.get_group(setup.group_name)
    payload = payload.strip()
    try:
        if step == "certificates":
            ok = bl.check_certificate(group, payload)
            position = len(messages(conference, step))
        else:
            position = position_of(conference, user)
            certs = certificates(conference)
            if step == "polynomials":
                threshold = begun_threshold(conference)
                ok = bl.check_polynomial(group, certs, position, payload, threshold)
            else:
                polynomials = [m.payload for m in messages(conference, "polynomials")]
                ok = bl.check_voutput(group, certs, polynomials, position, payload)
    except (bl.TrusteeError, bl.FormatError, ValueError, KeyError, TypeError):
        ok = False
    if not ok:
        raise TrusteeRefused(_("This message does not check out for this step: nothing was kept."))
    # a key refused at its last check (_advance) keeps nothing of this message either
    with db.session.begin_nested():
        db.session.add(
            TrusteeMessage(
                conference_id=conference.id,
                user_id=user.id,
                step=step,
                position=position,
                payload=payload,
            )
        )
        db.session.flush()
        record(
            actions.TRUSTEE_MESSAGE,
            actor=actor_label(actor),
            subject=f"conference:{conference.id}",
            data={"step": step, "position": position, "sha256": _sha(payload)},
        )
        if len(messages(conference, step)) == setup.trustees:
            _advance(conference, setup, group)


def begun_threshold(conference: Conference) -> int:
    """The threshold as the chain recorded it when the key was begun (the bylaws' number of
    certifying signatures then): a threshold edited in the table later is not believed."""
    from congress.audit.models import AuditEntry

    data = db.session.execute(
        select(AuditEntry.data)
        .where(
            AuditEntry.subject == f"conference:{conference.id}",
            AuditEntry.action == actions.TRUSTEES_BEGUN,
        )
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    ).scalar_one()
    return int(json.loads(data)["threshold"])


def restart(conference: Conference, *, actor) -> None:
    """The committee starts the key again (a trustee lost their file, or one sent a message
    that blocks the next round): refused once a verifiable poll uses the key."""
    from .models import VerifiablePoll

    setup = setup_of(conference)
    if setup is None:
        raise TrusteeRefused(_("The trustees' key has not been begun."))
    used = db.session.execute(
        select(VerifiablePoll.poll_id)
        .join(Poll, Poll.id == VerifiablePoll.poll_id)
        .where(Poll.conference_id == conference.id)
        .limit(1)
    ).first()
    if used is not None:
        raise TrusteeRefused(_("A verifiable poll already uses this key: it cannot be made again."))
    db.session.execute(delete(TrusteeMessage).where(TrusteeMessage.conference_id == conference.id))
    db.session.delete(setup)
    db.session.flush()
    record(
        actions.TRUSTEES_RESTARTED,
        actor=actor_label(actor),
        subject=f"conference:{conference.id}",
        data={"step": setup.step},
    )


def vinput_for(conference: Conference, user) -> str | None:
    """What a trustee needs for the third round (computed from every polynomial)."""
    setup = setup_of(conference)
    position = position_of(conference, user)
    if setup is None or setup.step not in ("voutputs", "done") or position is None:
        return None
    group = bl.get_group(setup.group_name)
    polynomials = [m.payload for m in messages(conference, "polynomials")]
    return bl.pedersen_step4(group, certificates(conference), polynomials)[position]


def _advance(conference: Conference, setup: TrusteeSetup, group) -> None:
    setup.step = STEPS[STEPS.index(setup.step) + 1]
    if setup.step != "done":
        return
    certs = certificates(conference)
    polynomials = [m.payload for m in messages(conference, "polynomials")]
    voutputs = [m.payload for m in messages(conference, "voutputs")]
    params = bl.pedersen_step6(group, certs, polynomials, voutputs)
    setup.structure = bl.make_trustees([("Pedersen", params)])
    parsed = bl.parse_trustees(setup.structure)
    reason = bl.check_trustees(group, parsed)
    if reason:
        raise TrusteeRefused(reason)
    built = parsed[0].threshold
    if built != begun_threshold(conference) or built != setup.threshold:
        raise TrusteeRefused(
            _("The key was built for another number of trustees than the bylaws require.")
        )
    setup.public_key = str(bl.combine_keys(group, parsed))
    setup.fingerprint = _sha(setup.structure)
    setup.done_at = utcnow()
    record(
        actions.TRUSTEES_DONE,
        subject=f"conference:{conference.id}",
        data={"trustees_sha256": setup.fingerprint, "public_key_sha256": _sha(setup.public_key)},
    )


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def trustee_index(conference: Conference, user) -> int | None:
    """The trustee's number in the Belenios structure (owner, from 1)."""
    position = position_of(conference, user)
    return None if position is None else position + 1


def public_bundle(conference: Conference) -> dict:
    """What a trustee downloads for the next round: the certificates (and polynomials)."""
    setup = setup_of(conference)
    return {
        "group": setup.group_name if setup else GROUP,
        "threshold": setup.threshold if setup else None,
        "certificates": certificates(conference),
    }


def done_fingerprint(conference_id: int) -> str | None:
    """The trustees structure's SHA-256 as the chain recorded it when the key was made."""
    from congress.audit.models import AuditEntry

    data = db.session.execute(
        select(AuditEntry.data)
        .where(
            AuditEntry.subject == f"conference:{conference_id}",
            AuditEntry.action == actions.TRUSTEES_DONE,
        )
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    ).scalar_one_or_none()
    return json.loads(data)["trustees_sha256"] if data else None
