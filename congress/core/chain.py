"""The audit log's hash chain: each entry's hash covers a canonical encoding of
all its other fields and the previous entry's hash, so changing, deleting or
reordering any entry breaks the chain at that entry."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

GENESIS = "0" * 64


@dataclass(frozen=True)
class Link:
    """One audit entry as the chain sees it."""

    seq: int
    at: datetime
    actor: str
    action: str
    subject: str
    data: str  # canonical JSON text, as stored
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class Verdict:
    ok: bool
    count: int
    head: str
    first_bad_seq: int | None = None
    reason: str = ""


def canonical_time(at: datetime) -> str:
    """UTC, microseconds, 'Z': the same text whatever the database returns."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(data: object) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(
    seq: int, at: datetime, actor: str, action: str, subject: str, data: str, prev_hash: str
) -> str:
    """`data` is the entry's canonical JSON text (see `canonical_json`)."""
    body = canonical_json(
        {
            "seq": seq,
            "at": canonical_time(at),
            "actor": actor,
            "action": action,
            "subject": subject,
            "data": data,
            "prev": prev_hash,
        }
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def verify(
    links: Iterable[Link],
    *,
    expected_head: str | None = None,
    expected_count: int | None = None,
    start_prev: str = GENESIS,
    start_seq: int = 1,
) -> Verdict:
    """Walk the chain in sequence order; name the first entry that does not fit.

    `expected_head`/`expected_count` come from the separately stored head, so a
    chain cut short at its end is also caught.
    """
    prev = start_prev
    seq = start_seq - 1
    count = 0
    for link in links:
        seq += 1
        count += 1
        if link.seq != seq:
            return Verdict(False, count, prev, link.seq, f"expected entry {seq}, found {link.seq}")
        if link.prev_hash != prev:
            return Verdict(False, count, prev, link.seq, "previous hash does not match")
        recomputed = entry_hash(
            link.seq, link.at, link.actor, link.action, link.subject, link.data, link.prev_hash
        )
        if recomputed != link.hash:
            return Verdict(False, count, prev, link.seq, "entry content does not match its hash")
        prev = link.hash
    if expected_count is not None and count != expected_count:
        return Verdict(
            False,
            count,
            prev,
            seq + 1,
            f"chain has {count} entries, the head records {expected_count}",
        )
    if expected_head is not None and prev != expected_head:
        return Verdict(False, count, prev, seq, "last entry does not match the recorded head")
    return Verdict(True, count, prev)
