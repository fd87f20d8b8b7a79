"""What the close does to the bytes on disk, and the fingerprint of the box it records.

While a poll is open, one transaction marks the roll and drops the ballot, so a database
reader can join the two (PostgreSQL's `xmin`, the order of new row versions, SQLite's
write-ahead log). That is inherent to a plain or sealed poll while it runs (SECURITY.md).
At the close it must end:

- in the close transaction the poll's roll (in member order) and box (in an order drawn
  from a CSPRNG) are deleted and written again, so every row carries the close's
  transaction id and no row sits where its cast put it;
- after the commit the old row versions are destroyed, not just dead: PostgreSQL rewrites
  the tables and their indexes into new files (`VACUUM (FULL)`); SQLite zeroes freed cells
  (`secure_delete`, set on every connection) and its write-ahead log is checkpointed and
  truncated;
- the digests of the box (its sorted contents, and apart its sorted trackers) go into the
  close entry of the audit chain; counting, the export and `congress verify` check the
  box against them, so a ballot changed, added or dropped after the close is caught.
"""

from __future__ import annotations

import json
import logging
import secrets
import time

from flask import current_app
from sqlalchemy import delete, insert, select, update

from congress.audit import actions
from congress.audit.models import AuditEntry
from congress.core.ballot import box_digest
from congress.database import after_commit
from congress.extensions import db
from congress.models_common import utcnow

from .models import Ballot, Poll, RollEntry

log = logging.getLogger(__name__)
SCRUBBED_TABLES = (
    "ballots",
    "poll_roll",
    "opened_ballots",
    "verifiable_ballots",
    "credential_uses",
)


class BoxAltered(Exception):
    """The box differs from the digest the chain recorded at its close (or opening);
    `what` is "ballots", "trackers", "opened", "archive" (a verifiable poll's record does not
    verify), or "entries" (the chain holds a second close or opening entry for the poll, or
    the poll names another close than its first)."""

    def __init__(self, what: str):
        self.what = what
        super().__init__(f"the {what} differ from those recorded in the audit chain")


def box_table(poll: Poll):
    """The poll's box: ballots, or for a verifiable poll the last Belenios ballot of each
    credential."""
    if poll.level == "verifiable":
        from congress.verifiable.models import VerifiableBallot

        return VerifiableBallot
    return Ballot


def _box_rows(poll: Poll):
    table = box_table(poll)
    content = table.ballot if table is not Ballot else Ballot.content
    return db.session.execute(
        select(content.label("content"), table.tracker).where(table.poll_id == poll.id)
    ).all()


def digests(poll: Poll) -> dict[str, str]:
    """The box as the close entry records it: contents and trackers, each sorted."""
    rows = _box_rows(poll)
    return {
        "box_sha256": box_digest(r.content for r in rows),
        "trackers_sha256": box_digest(r.tracker for r in rows),
    }


def rewrite(poll: Poll) -> None:
    """In the close transaction: the poll's rows written afresh, in orders unrelated to
    the casts (the box shuffled by a CSPRNG, the roll by member)."""
    table = box_table(poll)
    box = [
        dict(r._mapping)
        for r in db.session.execute(
            select(*table.__table__.columns).where(table.poll_id == poll.id)
        )
    ]
    secrets.SystemRandom().shuffle(box)
    roll = [
        dict(r._mapping)
        for r in db.session.execute(
            select(RollEntry.poll_id, RollEntry.member_id, RollEntry.voted)
            .where(RollEntry.poll_id == poll.id)
            .order_by(RollEntry.member_id)
        )
    ]
    db.session.execute(delete(table).where(table.poll_id == poll.id))
    db.session.execute(delete(RollEntry).where(RollEntry.poll_id == poll.id))
    if poll.level == "verifiable":  # which account used which credential: not kept
        from congress.verifiable.models import CredentialUse

        db.session.execute(delete(CredentialUse).where(CredentialUse.poll_id == poll.id))
    for rows, into in ((box, table), (roll, RollEntry)):
        if rows:
            db.session.execute(insert(into), rows)
    after_commit(lambda: scrub(poll.id))


def scrub(poll_id: int) -> bool:
    """After the commit: old row versions destroyed on disk; the poll records when."""
    engine = db.engine
    try:
        if engine.dialect.name == "postgresql":
            _wait_for_older_snapshots(engine, poll_id)
        _destroy_old_versions(engine)
    except Exception as failed:
        log.warning("poll %s: storage not scrubbed after the close: %s", poll_id, failed)
        return False
    with engine.begin() as conn:
        conn.execute(update(Poll).where(Poll.id == poll_id).values(scrubbed_at=utcnow()))
    if engine.dialect.name == "sqlite":  # leave not even that update in the log
        _destroy_old_versions(engine)
    return True


# Any snapshot taken before the close (a long report, a dump in progress, a standby with
# hot_standby_feedback, a replication slot) can still see the old row versions, and
# VACUUM (FULL) then copies them, "recently dead", into the new file. Wait for them.
OLDER_SNAPSHOTS = """
SELECT count(*) FROM (
  SELECT backend_xmin AS horizon FROM pg_stat_activity
   WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xmin IS NOT NULL
  UNION ALL SELECT backend_xmin FROM pg_stat_replication WHERE backend_xmin IS NOT NULL
  UNION ALL SELECT xmin FROM pg_replication_slots WHERE xmin IS NOT NULL
) AS snapshots
WHERE age(horizon) >= age(%(close)s::xid)
"""


def _wait_for_older_snapshots(engine, poll_id: int) -> None:
    raw = engine.raw_connection()
    try:
        driver = raw.driver_connection
        driver.autocommit = True
        close_xid = driver.execute(
            "SELECT xmin::text FROM poll_roll WHERE poll_id = %(p)s LIMIT 1", {"p": poll_id}
        ).fetchone()
        if close_xid is None:
            return
        deadline = time.monotonic() + float(current_app.config["SCRUB_WAIT_SECONDS"])
        while driver.execute(OLDER_SNAPSHOTS, {"close": close_xid[0]}).fetchone()[0]:
            if time.monotonic() > deadline:
                raise RuntimeError("a snapshot older than the close is still held")
            time.sleep(0.2)
        driver.autocommit = False
    finally:
        raw.close()


def _destroy_old_versions(engine) -> None:
    raw = engine.raw_connection()  # outside SQLAlchemy's transaction handling: no BEGIN
    try:
        driver = raw.driver_connection
        if engine.dialect.name == "postgresql":
            driver.autocommit = True
            driver.execute("SET lock_timeout = '5s'")
            for table in SCRUBBED_TABLES:
                driver.execute(f"VACUUM (FULL) {table}")
            driver.execute("RESET lock_timeout")
            driver.autocommit = False
            return
        for _attempt in range(5):
            if not driver.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]:
                return
        raise RuntimeError("the write-ahead log stayed in use by another connection")
    except Exception:
        raw.invalidate()
        raise
    finally:
        raw.close()


def recorded(poll: Poll, action: str) -> dict:
    """The data of the poll's close (or opening) entry in the chain: the first such entry.
    A second one is a forgery (the triggers stop UPDATE and DELETE of the log, not an
    INSERT): the box is then never counted, and the close must be the one the poll names."""
    entries = db.session.execute(
        select(AuditEntry.hash, AuditEntry.data)
        .where(AuditEntry.subject == f"poll:{poll.id}", AuditEntry.action == action)
        .order_by(AuditEntry.seq)
    ).all()
    if len(entries) > 1:
        raise BoxAltered("entries")
    if not entries:
        return {}
    if action == actions.POLL_CLOSED and entries[0].hash != poll.chain_head_at_close:
        raise BoxAltered("entries")
    return json.loads(entries[0].data)


def check_box(poll: Poll, opened: list[str] | None = None) -> None:
    """Before a count: the box must be the one the close recorded, and a sealed box's
    opened ballots the ones its opening recorded. Refuses loudly, names what differs."""
    at_close = recorded(poll, actions.POLL_CLOSED)
    now = digests(poll)
    for key, what in (("box_sha256", "ballots"), ("trackers_sha256", "trackers")):
        if at_close.get(key) != now[key]:
            raise BoxAltered(what)
    if opened is not None:
        at_opening = recorded(poll, actions.BOX_OPENED)
        if at_opening.get("opened_sha256") != box_digest(opened):
            raise BoxAltered("opened")
