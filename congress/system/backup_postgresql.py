"""PostgreSQL backups: `pg_dump --format=custom` on a snapshot exported by a REPEATABLE
READ transaction of ours, so the chain head we report is read from exactly the state that
was dumped; `pg_restore --single-transaction` loads an archive all or nothing. The
password reaches the tools through PGPASSWORD, never their command line, and is masked
in every message."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import text

from congress.extensions import db

from .backup_common import (
    REPORTED_TABLES,
    SECRET_KEYWORDS,
    BackupError,
    ChainState,
    configured_url,
    refuse_not_empty,
    rows_text,
    safe_target,
)


def _pg_conninfo() -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password, and the environment carrying it."""
    url = configured_url()
    params: dict[str, str] = {}
    if url.host:
        params["host"] = url.host
    if url.port:
        params["port"] = str(url.port)
    if url.username:
        params["user"] = url.username
    if url.database:
        params["dbname"] = url.database
    env = dict(os.environ)
    password = url.password
    for key, value in url.query.items():
        value = value[-1] if isinstance(value, tuple) else value
        if key in SECRET_KEYWORDS:
            password = password or value
            continue
        params[key] = str(value)
    if password:
        env["PGPASSWORD"] = str(password)

    def quote(value: str) -> str:
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"

    return " ".join(f"{k}={quote(v)}" for k, v in params.items()), env


def _run(argv: list[str], env: dict[str, str], what: str) -> str:
    tool = shutil.which(argv[0])
    if tool is None:
        raise BackupError(f"{argv[0]} is not installed (it comes with the PostgreSQL client)")
    done = subprocess.run(  # noqa: S603  (fixed tool, arguments built here, no shell)
        [tool, *argv[1:]], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        message = done.stderr.strip() or f"exit status {done.returncode}"
        password = env.get("PGPASSWORD")
        if password:
            message = message.replace(password, "***")
        raise BackupError(f"{what} failed: {message}")
    return done.stdout


def describe(exc: Exception, env: dict[str, str]) -> str:
    """The driver's own first line (e.g. 'connection refused'), any password masked."""
    message = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    first = message[0] if message else type(exc).__name__
    password = env.get("PGPASSWORD")
    return first.replace(password, "***") if password else first


def _pg_archive_format(path: Path) -> str | None:
    """The archive's format as pg_restore reads it ('CUSTOM', ...), None if unreadable."""
    try:
        listing = _run(["pg_restore", "--list", str(path)], dict(os.environ), "pg_restore")
    except BackupError:
        return None
    for line in listing.splitlines():
        if line.startswith(";") and "Format:" in line:
            return line.split("Format:", 1)[1].strip()
    return None


def backup_postgresql(tmp: Path) -> ChainState:
    conninfo, env = _pg_conninfo()
    with db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with conn.begin():
            # the transaction's snapshot, shared with pg_dump: the dump and the chain
            # state below are the same instant
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            tables = set(
                conn.execute(
                    text(
                        "SELECT table_name FROM information_schema.tables "
                        "WHERE table_schema = current_schema()"
                    )
                ).scalars()
            )
            if not {"audit_entries", "audit_head"} <= tables:
                raise BackupError("the database has no audit tables: is it a Congress database?")
            count = conn.execute(text("SELECT count(*) FROM audit_entries")).scalar_one()
            head = conn.execute(text("SELECT seq, hash FROM audit_head WHERE id = 1")).first()
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-password",
                    f"--snapshot={snapshot}",
                    f"--file={tmp}",
                    f"--dbname={conninfo}",
                ],
                env,
                "pg_dump",
            )
    if _pg_archive_format(tmp) != "CUSTOM":
        raise BackupError("pg_dump wrote a file pg_restore cannot read")
    return ChainState(count, *(tuple(head) if head else (None, None)))


def restore_postgresql(source: Path) -> None:
    if _pg_archive_format(source) != "CUSTOM":
        raise BackupError(f"{source} is not a pg_dump custom-format archive pg_restore can read")
    with db.engine.connect() as conn:
        tables = conn.execute(
            text(
                "SELECT n.nspname, c.relname FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind IN ('r', 'p') "
                "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                "AND n.nspname NOT LIKE 'pg_toast%'"
            )
        ).all()
        if tables:
            filled = {}
            for schema, name in tables:
                if name in REPORTED_TABLES:
                    quoted = '"' + schema.replace('"', '""') + '"."' + name.replace('"', '""') + '"'
                    filled[name] = conn.execute(
                        text(f"SELECT count(*) FROM {quoted}")  # noqa: S608
                    ).scalar_one()
            found = f"{len(tables)} tables already exist"
            refuse_not_empty(safe_target(), f"{found}; {rows_text(filled)}" if filled else found)
    db.engine.dispose()
    conninfo, env = _pg_conninfo()
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "--no-password",
            f"--dbname={conninfo}",
            str(source),
        ],
        env,
        "pg_restore",
    )
