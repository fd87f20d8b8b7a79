"""Requests at the same moment, for the race tests: n threads released together."""

from __future__ import annotations

import threading

from congress.database import write_intent
from congress.extensions import db


def run_at_once(app, n, work):
    """Run `work(i)` in n threads released together (each its own session and
    transaction, as n requests would); return results or exceptions."""
    db.session.commit()  # the test body's snapshot must not hide the threads' writes
    barrier = threading.Barrier(n)
    results = [None] * n

    def runner(i):
        with app.app_context():
            barrier.wait()
            try:
                with write_intent():
                    results[i] = work(i)
                    db.session.commit()
            except Exception as exc:
                db.session.rollback()
                results[i] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    db.session.rollback()
    return results
