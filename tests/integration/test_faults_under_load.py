"""Faults under load (issue 9): gunicorn on PostgreSQL, 1,000 delegates voting through the
whole flow over 50 concurrent connections, a worker killed with SIGKILL every second and
the workers' connection pools restarted once (SIGHUP: new workers, new pools). Afterwards
marks equal ballots, every receipt is on the board, nobody has two ballots, the audit chain
verifies, and no request got a 500 (only the ones cut by a kill failed)."""

from __future__ import annotations

import http.client
import os
import queue
import re
import signal
import threading
import time

import pytest
from sqlalchemy import func, select

from congress.audit.operations import verify_chain
from congress.voting.models import Ballot, RollEntry
from electorate import electorate
from live_server import Server, get, post, worker_pids

pytestmark = pytest.mark.slow
TRACKER = re.compile(r'class="tracker" dir="ltr" lang="en">([0-9a-f ]+)<')
VOTERS, CONNECTIONS = 1000, 50


def test_a_burst_survives_killed_workers_and_a_pool_restart(app, db, backend, tmp_path, report):
    if backend != "postgresql":
        pytest.skip("the fault test runs on PostgreSQL (CI sets CONGRESS_TEST_DATABASE_URL)")
    poll_id, phones = electorate(db, VOTERS)
    db.session.commit()
    db.session.close()
    db.engine.dispose()
    server = Server(
        str(db.engine.url.render_as_string(hide_password=False)),
        tmp_path / "instance",
        workers=4,
        threads=4,
        preload=True,
    ).start()
    work: queue.Queue = queue.Queue()
    for phone in phones:
        work.put(phone)
    outcome = {"cast": 0, "refused": 0, "cut": 0, "errors": 0, "retried": 0}
    receipts: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def flow(phone) -> str:
        """ballot page -> review -> cast; returns what happened to this voter's attempt."""
        try:
            status, _ = get(server.port, f"/polls/{poll_id}/ballot", phone)
            if status == 409:
                return "refused"  # already voted: an earlier, cut attempt went through
            if status != 200:
                return "error" if status >= 500 and status != 502 else "cut"
            fields = {"poll": poll_id, "answer": "yes"}
            status, _ = post(server.port, "/vote/review", phone, fields)
            if status != 200:
                return "error" if status >= 500 and status != 502 else "cut"
            status, body = post(server.port, "/vote/cast", phone, fields)
        except (OSError, http.client.HTTPException):  # the worker died mid-answer
            return "cut"
        if status == 200:
            with lock:
                receipts.append(TRACKER.search(body).group(1).replace(" ", ""))
            return "cast"
        if status == 409:
            return "refused"
        return "error" if status >= 500 and status != 502 else "cut"

    remaining = [len(phones)]  # voters not yet settled (cast or refused)

    def connection():
        while True:
            try:
                phone = work.get(timeout=0.5)
            except queue.Empty:
                with lock:
                    if remaining[0] == 0:
                        return
                continue
            result = flow(phone)
            with lock:
                key = {"cast": "cast", "refused": "refused", "cut": "cut"}.get(result, "errors")
                outcome[key] += 1
                if result != "cut":
                    remaining[0] -= 1
            if result == "cut":  # the voter tries again, as a person would
                with lock:
                    outcome["retried"] += 1
                work.put(phone)

    def chaos():
        hup_done = False
        while not stop.wait(1.0):
            pids = worker_pids(server.proc.pid)
            if pids:
                os.kill(pids[0], signal.SIGKILL)
                with lock:
                    outcome.setdefault("kills", 0)
                    outcome["kills"] += 1
            if not hup_done and outcome["cast"] > VOTERS // 3:
                os.kill(server.proc.pid, signal.SIGHUP)  # graceful reload: new pools
                hup_done = True
                outcome["pool_restarts"] = 1

    started = time.time()
    killer = threading.Thread(target=chaos)
    killer.start()
    threads = [threading.Thread(target=connection) for _ in range(CONNECTIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    killer.join()
    elapsed = time.time() - started
    server.stop()

    marks = db.session.execute(
        select(func.count())
        .select_from(RollEntry)
        .where(RollEntry.poll_id == poll_id, RollEntry.voted.is_(True))
    ).scalar()
    trackers = set(
        db.session.execute(select(Ballot.tracker).where(Ballot.poll_id == poll_id)).scalars()
    )
    report(
        f"faults under load: {outcome['cast']} casts answered with a receipt, "
        f"{outcome['refused']} refused as already voted (a cut attempt had gone through), "
        f"{outcome['cut']} requests cut ({outcome['retried']} retried), "
        f"{outcome.get('kills', 0)} workers killed, {outcome.get('pool_restarts', 0)} pool "
        f"restart, {outcome['errors']} errors, {elapsed:.1f} s, {marks} marks, "
        f"{len(trackers)} ballots"
    )
    assert outcome["errors"] == 0
    assert marks == len(trackers) == VOTERS
    assert set(receipts) <= trackers
    assert outcome.get("kills", 0) >= 1
    assert verify_chain().ok
