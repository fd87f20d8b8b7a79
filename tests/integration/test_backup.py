"""`congress backup` / `congress restore`: a consistent snapshot taken while the chain grows,
restored only into an empty database, verified after the restore."""

from __future__ import annotations

import hashlib
import re
import sqlite3
import subprocess
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

import scenario
from congress import create_app
from congress.audit.operations import record
from congress.database import write_intent
from support import test_settings as _config

CHAIN_LINE = re.compile(r"Audit chain at backup time: (\d+) entries, head ([0-9a-f]{64})")


def _engine(url: str) -> sa.Engine:
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return sa.create_engine(parsed, poolclass=sa.pool.NullPool)


def _counts(url: str) -> dict[str, int]:
    """Rows per table, every table the database holds."""
    engine = _engine(url)
    try:
        with engine.connect() as c:
            names = sa.inspect(c).get_table_names()
            return {
                n: c.execute(sa.text(f'SELECT count(*) FROM "{n}"')).scalar_one() for n in names
            }
    finally:
        engine.dispose()


@pytest.fixture
def empty_url(backend, db_url, tmp_path):
    """A new, empty database on the same backend (SQLite: a path not yet created)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored' / 'congress.sqlite3'}"
        return
    base = make_url(db_url)
    name = f"{base.database}_restore"
    admin = sa.create_engine(
        base.set(drivername="postgresql+psycopg"),
        isolation_level="AUTOCOMMIT",
        poolclass=sa.pool.NullPool,
    )
    with admin.connect() as c:
        c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        c.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as c:
        c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@contextmanager
def app_on(url: str, instance):
    """Another app, on another database, whose context is current inside the block."""
    other = create_app(_config(url, instance))
    with other.app_context():
        from congress.extensions import db

        try:
            yield other
        finally:
            db.session.remove()
            db.engine.dispose()


def cli(app, *args: str):
    return app.test_cli_runner().invoke(args=["congress", *args])


def _entries(db, n: int, tag: str) -> None:
    with write_intent():
        for i in range(n):
            record("test.backup", subject=tag, data={"i": i})
        db.session.commit()


def test_a_backup_taken_while_the_chain_grows_restores_to_a_verified_copy(
    app, db, runner, db_url, empty_url, tmp_path
):
    scenario.demo_conference()
    _entries(db, 5, "before")

    written = 0
    errors: list[str] = []
    stop = threading.Event()
    progress = threading.Condition()

    def writer() -> None:
        nonlocal written
        with app.app_context():
            try:
                while not stop.is_set():
                    with write_intent():
                        record("test.during-backup", data={"n": written})
                        db.session.commit()
                    with progress:
                        written += 1
                        progress.notify_all()
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(repr(exc))
            finally:
                db.session.remove()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        with progress:
            assert progress.wait_for(lambda: written >= 5, timeout=30)
        out = tmp_path / "snapshot.backup"
        result = runner.invoke(args=["congress", "backup", str(out)])
        with progress:
            after = written
            assert progress.wait_for(lambda: written >= after + 5, timeout=30)
    finally:
        stop.set()
        thread.join()
    assert errors == []
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert f"SHA-256: {hashlib.sha256(data).hexdigest()}" in result.output
    assert f"{len(data)} bytes" in result.output
    count, head = CHAIN_LINE.search(result.output).groups()
    count = int(count)

    source = _counts(db_url)
    assert source["audit_entries"] > count  # the chain kept growing after the snapshot

    with app_on(empty_url, tmp_path / "restored-instance") as restored:
        done = cli(restored, "restore", str(out))
        assert done.exit_code == 0, done.output
        assert f"Audit chain OK: {count} entries, head {head}" in done.output
        verified = cli(restored, "audit", "verify")
        assert verified.exit_code == 0, verified.output
        assert f"{count} entries, head {head}" in verified.output

        copy = _counts(empty_url)
        assert copy["audit_entries"] == count
        unchanged = {t: n for t, n in source.items() if t != "audit_entries"}
        assert {t: n for t, n in copy.items() if t != "audit_entries"} == unchanged
        assert copy["users"] > 0 and copy["members"] > 0 and copy["conferences"] == 1

        again = cli(restored, "restore", str(out))
        assert again.exit_code == 1
        assert "not empty" in again.output and "point the configuration" in again.output
        assert _counts(empty_url) == copy

    # the live, non-empty database refuses too, and is left as it was
    refused = runner.invoke(args=["congress", "restore", str(out)])
    assert refused.exit_code == 1
    assert "refusing to restore" in refused.output
    assert _counts(db_url) == source


def test_backup_does_not_overwrite_an_existing_file(app, runner, tmp_path):
    out = tmp_path / "taken.backup"
    out.write_bytes(b"precious")
    result = runner.invoke(args=["congress", "backup", str(out)])
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert out.read_bytes() == b"precious"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


def test_files_that_are_not_backups_for_this_database_are_refused(
    backend, db_url, empty_url, tmp_path
):
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a backup\n")
    fake_dump = tmp_path / "fake.dump"
    fake_dump.write_bytes(b"PGDMP" + b"\x00garbage" * 20)
    other_sqlite = tmp_path / "other.sqlite3"
    with sqlite3.connect(other_sqlite) as con:
        con.execute("CREATE TABLE t (x)")
        con.execute("INSERT INTO t VALUES (1)")
    con.close()

    cases = [(text_file, "is not a Congress backup")]
    if backend == "sqlite":
        cases += [
            (fake_dump, "is a PostgreSQL (pg_dump) backup, but the configured database is SQLite"),
            (other_sqlite, "is a SQLite file but not a Congress database"),
        ]
    else:
        cases += [
            (fake_dump, "is not a pg_dump custom-format archive"),
            (other_sqlite, "is a SQLite backup, but the configured database is PostgreSQL"),
        ]
    with app_on(empty_url, tmp_path / "instance-empty") as target:
        for path, message in cases:
            result = cli(target, "restore", str(path))
            assert result.exit_code == 1, (path, result.output)
            assert message in result.output, (path, result.output)
        missing = cli(target, "restore", str(tmp_path / "nowhere.backup"))
        assert missing.exit_code == 1
        assert "is not a file" in missing.output
    target_file = make_url(empty_url).database if backend == "sqlite" else None
    if target_file is None or Path(target_file).exists():
        assert all(n == 0 for t, n in _counts(empty_url).items() if t != "alembic_version")


def test_a_broken_chain_is_reported_after_restore(app, db, runner, backend, empty_url, tmp_path):
    scenario.demo_conference()
    _entries(db, 3, "x")
    with db.engine.begin() as c:  # tamper with the source, as an attacker with the database
        if backend == "sqlite":
            c.exec_driver_sql("DROP TRIGGER audit_entries_no_update")
        else:
            c.exec_driver_sql("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only")
        c.exec_driver_sql("UPDATE audit_entries SET subject = 'forged' WHERE seq = 2")
        if backend == "postgresql":
            c.exec_driver_sql("ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only")
    out = tmp_path / "tampered.backup"
    taken = runner.invoke(args=["congress", "backup", str(out)])
    assert taken.exit_code == 0, taken.output
    with app_on(empty_url, tmp_path / "instance-broken") as target:
        result = cli(target, "restore", str(out))
    assert result.exit_code == 1
    assert "Audit chain BROKEN at entry 2" in result.output


def test_no_secret_is_printed_or_put_on_a_command_line(
    app, db, backend, db_url, empty_url, tmp_path, monkeypatch
):
    scenario.demo_conference()
    password = "s3cret-Pa55word"
    calls: list[tuple[list[str], dict]] = []
    real_run = subprocess.run

    def spy(argv, **kw):
        calls.append((list(argv), dict(kw.get("env") or {})))
        return real_run(argv, **kw)

    monkeypatch.setattr(subprocess, "run", spy)  # the PostgreSQL tools run through it

    def with_password(url: str) -> str:
        if backend == "sqlite":
            return url
        # trust authentication ignores the password, so the tools still connect
        return make_url(url).set(password=password).render_as_string(hide_password=False)

    out = tmp_path / "secret.backup"
    with app_on(with_password(db_url), tmp_path / "instance-src") as source:
        taken = cli(source, "backup", str(out))
        secret_key = source.config["SECRET_KEY"]
    with app_on(with_password(empty_url), tmp_path / "instance-dst") as target:
        restored = cli(target, "restore", str(out))
    assert taken.exit_code == 0, taken.output
    assert restored.exit_code == 0, restored.output
    for output in (taken.output, restored.output):
        assert password not in output
        assert secret_key not in output
    if backend == "postgresql":
        tools = [argv for argv, _ in calls if "pg_dump" in argv[0] or "--dbname" in " ".join(argv)]
        assert len(tools) == 2  # pg_dump and pg_restore
        for argv, _env in calls:
            assert not any(password in arg for arg in argv)
        assert all(env.get("PGPASSWORD") == password for argv, env in calls if "--list" not in argv)
