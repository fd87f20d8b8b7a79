"""The export of a poll: everything needed to recount it and check its hashes.

The private parts never appear: no voter is named next to anything, the roll is
exported only as counts, and trackers and ballots are in unrelated orders.
"""

from __future__ import annotations

import base64
import hashlib
import json

from sqlalchemy import select

from congress.audit.models import AuditEntry
from congress.bylaws.models import BylawsVersion
from congress.conference.models import Conference
from congress.core.recount import to_blt
from congress.extensions import db
from congress.voting import board, polls
from congress.voting.models import Poll, PollCandidate

from .models import Signature, Tally
from .objections import objections_of

FORMAT = "congress-poll-export/1"


def poll_section(poll: Poll) -> dict:
    return {
        "id": poll.id,
        "conference_id": poll.conference_id,
        "kind": poll.kind,
        "body": poll.body,
        "title": {"ar": poll.title_ar, "en": poll.title_en},
        "text": {"ar": poll.text_ar, "en": poll.text_en},
        "category": poll.motion_category,
        "method": poll.method,
        "seats": poll.seats,
        "max_marks": poll.max_marks,
        "blank_allowed": poll.blank_allowed,
        "electorate": poll.electorate,
        "rules": poll.frozen_rules,
        "opened_at": poll.opened_at.isoformat() if poll.opened_at else None,
        "closed_at": poll.closed_at.isoformat() if poll.closed_at else None,
        "chain_head_at_close": poll.chain_head_at_close,
    }


def candidates_section(poll: Poll) -> list[dict]:
    rows = db.session.execute(
        select(PollCandidate)
        .where(PollCandidate.poll_id == poll.id)
        .order_by(PollCandidate.position)
    ).scalars()
    return [
        {
            "id": c.id,
            "position": c.position,
            "name_ar": c.name_ar,
            "name_latin": c.name_latin,
            "branch": c.branch,
            "groups": c.groups,
            "withdrawn": c.withdrawn,
        }
        for c in rows
    ]


def audit_section(poll: Poll) -> dict:
    """The poll's own entries in full, and the links between them as (seq, prev, hash),
    so the chain can be followed to the head recorded at close without publishing
    unrelated entries."""
    subject = f"poll:{poll.id}"
    own = (
        db.session.execute(
            select(AuditEntry).where(AuditEntry.subject == subject).order_by(AuditEntry.seq)
        )
        .scalars()
        .all()
    )
    if not own:
        return {"entries": [], "links": []}
    links = db.session.execute(
        select(AuditEntry.seq, AuditEntry.prev_hash, AuditEntry.hash)
        .where(AuditEntry.seq >= own[0].seq, AuditEntry.seq <= own[-1].seq)
        .order_by(AuditEntry.seq)
    ).all()
    return {
        "entries": [
            {
                "seq": e.seq,
                "at": e.at.isoformat(),
                "actor": e.actor,
                "action": e.action,
                "subject": e.subject,
                "data": e.data,
                "prev_hash": e.prev_hash,
                "hash": e.hash,
            }
            for e in own
        ],
        "links": [[seq, prev, digest] for seq, prev, digest in links],
    }


def build(poll: Poll) -> dict:
    conference = db.session.get(Conference, poll.conference_id)
    version = db.session.get(BylawsVersion, conference.bylaws_version_id)
    voted, ballots = polls.counts(poll)
    tally = db.session.get(Tally, poll.id)
    signatures = (
        db.session.execute(
            select(Signature).where(Signature.poll_id == poll.id).order_by(Signature.at)
        )
        .scalars()
        .all()
    )
    export = {
        "format": FORMAT,
        "poll": poll_section(poll),
        "state": poll.state,
        "bylaws": {"number": version.number, "sha256": version.sha256, "text": version.text},
        "candidates": candidates_section(poll),
        "electorate": {"size": poll.electorate_size, "voted": voted, "ballots": ballots},
        "quorum": poll.quorum_snapshot,
        "trackers": board.trackers(poll),
        "ballots": board.contents(poll),
        "tally": ({"report": json.loads(tally.report), "sha256": tally.sha256} if tally else None),
        "certification": {
            "certified_at": poll.certified_at.isoformat() if poll.certified_at else None,
            "signatures": [
                {
                    "user": s.user_id,
                    "decision": s.decision,
                    "reason": s.reason,
                    "report_sha256": s.report_sha256,
                    "at": s.at.isoformat(),
                }
                for s in signatures
            ],
            "objections_until": (
                poll.objections_until.isoformat() if poll.objections_until else None
            ),
            "objections": objections_section(poll),
        },
        "audit": audit_section(poll),
    }
    if board.is_sealed(poll):
        export["sealed"] = sealed_section(poll)
    if board.is_verifiable(poll):
        export["verifiable"] = verifiable_section(poll)
    return export


def verifiable_section(poll: Poll) -> dict:
    """The Belenios archive, whole: `congress verify` checks it and recounts from the result
    it proves, and `belenios-tool` can check the same file (written as UUID.bel)."""
    from congress.verifiable import polls as verifiable

    vp = verifiable.of(poll)
    archive = vp.archive or b""
    return {
        "uuid": vp.uuid,
        "server_built": vp.server_built,
        "archive_sha256": hashlib.sha256(archive).hexdigest() if archive else "",
        "archive_base64": base64.b64encode(archive).decode("ascii"),
    }


def objections_section(poll: Poll) -> list[dict]:
    """Delegates' objections to the result and the committee's decisions, in full: the
    audit entries of the poll carry a SHA-256 of each text, which `congress verify`
    checks."""
    return [
        {
            "id": o.id,
            "member": o.delegate.member.number,
            "reason": o.reason,
            "filed_at": o.filed_at.isoformat(),
            "outcome": o.outcome,
            "answer": o.answer,
            "decided_at": o.decided_at.isoformat() if o.decided_at else None,
            "decided_by": o.decided_by_id,
        }
        for o in objections_of(poll)
    ]


def sealed_section(poll: Poll) -> dict:
    """The box as stored (ciphertexts, in their own random order) and the key's public
    half: the private key is never exported (it would turn every tracker into a receipt)."""
    from congress.sealing.models import PollKey

    key = db.session.get(PollKey, poll.id)
    return {
        "public_key": key.public_key,
        "fingerprint": key.fingerprint,
        "threshold": key.threshold,
        "holders": key.holders,
        "opened_at": key.opened_at.isoformat() if key.opened_at else None,
        "ciphertexts": board.ciphertexts(poll),
    }


def to_bytes(export: dict) -> bytes:
    return json.dumps(export, sort_keys=True, ensure_ascii=False, indent=1).encode("utf-8")


def blt(poll: Poll) -> str:
    """Ranked polls also export BLT, for any STV counter."""
    return to_blt(poll_section(poll), candidates_section(poll), board.contents(poll))
