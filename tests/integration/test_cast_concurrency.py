"""One member, one ballot, under any concurrency, through the real WSGI app (gunicorn with
several workers and threads) on SQLite and PostgreSQL; and a server killed mid-burst loses
nothing (DESIGN.md invariant 2)."""

from __future__ import annotations

import http.client
import re
import threading
import time

import pytest
from sqlalchemy import func, select

from congress.voting.models import Ballot, RollEntry
from electorate import electorate
from live_server import Server, post

pytestmark = pytest.mark.slow
TRACKER = re.compile(r'class="tracker" dir="ltr" lang="en">([0-9a-f ]+)<')


def burst(port, jobs, *, after=None):
    """Release every (phone, fields) at once; return (status, body) per job.
    `after=(n, action)` runs action once n responses have come back."""
    results = [None] * len(jobs)
    start = threading.Barrier(len(jobs))
    done = []
    lock = threading.Lock()

    def go(i, phone, fields):
        start.wait()
        try:
            results[i] = post(port, "/vote/cast", phone, fields)
        except (OSError, http.client.HTTPException) as cut:
            results[i] = (None, repr(cut))
        with lock:
            done.append(i)
            if after and len(done) == after[0]:
                after[1]()

    threads = [threading.Thread(target=go, args=(i, p, f)) for i, (p, f) in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def box(db, poll_id):
    db.session.rollback()
    marks = db.session.execute(
        select(func.count())
        .select_from(RollEntry)
        .where(RollEntry.poll_id == poll_id, RollEntry.voted.is_(True))
    ).scalar()
    ballots = db.session.execute(
        select(func.count()).select_from(Ballot).where(Ballot.poll_id == poll_id)
    ).scalar()
    return marks, ballots


@pytest.fixture
def server(db_url, tmp_path, db):
    servers = []

    def start():
        db.session.commit()
        db.session.close()  # no connection of ours stays checked out across the dispose
        db.engine.dispose()
        s = Server(db_url, tmp_path / "instance").start()
        servers.append(s)
        return s

    yield start
    for s in servers:
        s.stop()


def test_fifty_simultaneous_casts_by_one_voter_give_one_ballot(app, db, server):
    poll_id, phones = electorate(db, 3)
    live = server()
    results = burst(live.port, [(phones[0], {"poll": poll_id, "answer": "yes"})] * 50)
    statuses = [status for status, _ in results]
    assert statuses.count(200) == 1 and statuses.count(409) == 49, statuses
    refusals = [body for status, body in results if status == 409]
    assert all("سبق أن صوّتّ" in body for body in refusals)
    assert box(db, poll_id) == (1, 1)


def test_three_hundred_voters_at_once_give_three_hundred_ballots(app, db, server):
    poll_id, phones = electorate(db, 300)
    live = server()
    answers = ("yes", "no", "abstain")
    results = burst(
        live.port, [(p, {"poll": poll_id, "answer": answers[i % 3]}) for i, p in enumerate(phones)]
    )
    assert [s for s, _ in results].count(200) == 300, {s for s, _ in results}
    assert box(db, poll_id) == (300, 300)
    trackers = {TRACKER.search(body).group(1).replace(" ", "") for _, body in results}
    stored = set(db.session.execute(select(Ballot.tracker)).scalars())
    assert trackers == stored


def test_a_server_killed_mid_burst_leaves_marks_equal_to_ballots(app, db, server):
    poll_id, phones = electorate(db, 200)
    live = server()
    receipts: list[str] = []
    results = burst(
        live.port, [(p, {"poll": poll_id, "answer": "yes"}) for p in phones], after=(60, live.kill)
    )  # SIGKILL once 60 answers are back
    for status, body in results:
        if status == 200:
            receipts.append(TRACKER.search(body).group(1).replace(" ", ""))
    cut = sum(1 for status, _ in results if status is None)
    marks, ballots = box(db, poll_id)
    assert marks == ballots, (marks, ballots)
    stored = set(db.session.execute(select(Ballot.tracker)).scalars())
    assert set(receipts) <= stored  # every voter who got a receipt is in the box
    print(f"crash: {len(receipts)} receipts, {ballots} ballots, {cut} requests cut")

    again = server()  # restart: the voters whose cast was cut can still vote, once
    time.sleep(0.2)
    retry = burst(again.port, [(p, {"poll": poll_id, "answer": "no"}) for p in phones])
    assert all(status in (200, 409) for status, _ in retry), {s for s, _ in retry}
    assert box(db, poll_id) == (200, 200)
