"""Appending to the chain and verifying it against the database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select, update

from congress.core import chain
from congress.extensions import db
from congress.models_common import utcnow

from .models import AuditEntry, AuditHead

HEAD_ID = 1


def ensure_head() -> None:
    """Create the head row of an empty chain (idempotent; run by `congress init`)."""
    if db.session.get(AuditHead, HEAD_ID) is None:
        db.session.add(AuditHead(id=HEAD_ID, seq=0, hash=chain.GENESIS))
        db.session.flush()


def actor_label(user) -> str:
    return f"user:{user.id}" if user is not None else "system"


def record(
    action: str,
    *,
    actor: str = "system",
    subject: str = "",
    data: dict | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Append one entry inside the caller's transaction.

    The head row is claimed with an UPDATE first: on PostgreSQL that row lock,
    on SQLite the write lock, makes concurrent appenders wait their turn, so
    the chain never forks and no sequence number is reused.
    """
    claimed = db.session.execute(
        update(AuditHead)
        .where(AuditHead.id == HEAD_ID)
        .values(seq=AuditHead.seq + 1)
        .returning(AuditHead.seq, AuditHead.hash)
    ).one_or_none()
    if claimed is None:
        raise RuntimeError("audit chain has no head: run `congress init`")
    seq, prev_hash = claimed
    at = at or utcnow()
    data = data or {}
    text = chain.canonical_json(data)
    digest = chain.entry_hash(seq, at, actor, action, subject, text, prev_hash)
    entry = AuditEntry(
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        subject=subject,
        data=text,
        prev_hash=prev_hash,
        hash=digest,
    )
    db.session.add(entry)
    db.session.execute(update(AuditHead).where(AuditHead.id == HEAD_ID).values(hash=digest))
    db.session.flush()
    return entry


def head() -> AuditHead:
    return db.session.execute(select(AuditHead).where(AuditHead.id == HEAD_ID)).scalar_one()


def _links(batch: int = 2000) -> Iterator[chain.Link]:
    columns = (
        AuditEntry.seq,
        AuditEntry.at,
        AuditEntry.actor,
        AuditEntry.action,
        AuditEntry.subject,
        AuditEntry.data,
        AuditEntry.prev_hash,
        AuditEntry.hash,
    )
    last = 0
    while True:
        rows = db.session.execute(
            select(*columns).where(AuditEntry.seq > last).order_by(AuditEntry.seq).limit(batch)
        ).all()
        if not rows:
            return
        for seq, at, actor, action, subject, data, prev_hash, digest in rows:
            yield chain.Link(seq, at, actor, action, subject, data, prev_hash, digest)
        last = rows[-1].seq


def verify_chain() -> chain.Verdict:
    current = head()
    expected_head, expected_count = current.hash, current.seq
    return chain.verify(_links(), expected_head=expected_head, expected_count=expected_count)
