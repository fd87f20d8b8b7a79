"""Appending under concurrency never forks the chain or reuses a sequence number."""

import threading

from congress.audit.operations import record, verify_chain
from congress.database import write_intent

THREADS, EACH = 20, 50


def test_twenty_threads_appending_fifty_entries_each_leave_one_valid_chain(app, db):
    errors = []
    start = threading.Barrier(THREADS)

    def worker(n: int) -> None:
        with app.app_context():
            try:
                start.wait()
                for i in range(EACH):
                    with write_intent():
                        record("test.concurrent", subject=f"t{n}", data={"i": i})
                        db.session.commit()
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    verdict = verify_chain()
    assert verdict.ok, verdict
    assert verdict.count == THREADS * EACH
