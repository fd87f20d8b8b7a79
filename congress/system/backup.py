"""Backups: a consistent snapshot of the configured database, and its restore into an empty one.

SQLite: the online backup API copies the database in one step, inside one read
transaction, so the copy is a consistent state even while other connections
write (in WAL mode writers are not blocked). The copy is switched to a
self-contained rollback journal and must pass `PRAGMA integrity_check`.

PostgreSQL: `pg_dump --format=custom` runs on a snapshot exported by a
REPEATABLE READ transaction of ours, so the chain head we report is read from
exactly the state that was dumped. `pg_restore --single-transaction` loads an
archive all or nothing; the append-only triggers are created after the data
(COPY does not fire UPDATE/DELETE triggers anyway).

Restores go only into an empty database, and end with a walk of the audit
chain. The database password is passed to the PostgreSQL tools through
PGPASSWORD, never on their command line, and never appears in a message.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

from congress.core.chain import Verdict
from congress.extensions import db

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
# tables whose rows make a database "not empty" in a refusal message
REPORTED_TABLES = ("users", "members", "audit_entries")
# libpq keywords that must not reach a command line
_SECRET_KEYWORDS = {"password"}


class BackupError(RuntimeError):
    """A backup or restore refused or failed; the message is safe to print."""


@dataclass(frozen=True)
class ChainState:
    count: int  # rows in audit_entries
    head_seq: int | None  # None: no head row (database never initialized)
    head_hash: str | None

    def describe(self) -> str:
        if self.head_hash is None:
            return f"{self.count} entries, no head (database not initialized)"
        return f"{self.count} entries, head {self.head_hash} (seq {self.head_seq})"


@dataclass(frozen=True)
class BackupResult:
    path: Path
    backend: str
    size: int
    sha256: str
    chain: ChainState

    def lines(self) -> list[str]:
        kind = "SQLite database" if self.backend == "sqlite" else "pg_dump custom archive"
        return [
            f"Backup written: {self.path} ({kind}, {self.size} bytes)",
            f"SHA-256: {self.sha256}",
            f"Audit chain at backup time: {self.chain.describe()}",
        ]


@dataclass(frozen=True)
class RestoreResult:
    source: Path
    target: str  # the database, without password
    sha256: str
    revision: str | None
    verdict: Verdict | None  # None: the restored database has no chain head

    def lines(self) -> list[str]:
        return [
            f"Restored {self.source} (SHA-256 {self.sha256}) into {self.target}",
            f"Schema revision: {self.revision or 'unknown'} "
            "(`congress init` upgrades it when this version of Congress is newer)",
        ]


# --- shared helpers ---------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _url() -> URL:
    return db.engine.url


def _backend() -> str:
    name = db.engine.dialect.name
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"backups support SQLite and PostgreSQL, not {name}")
    return name


def _safe_target() -> str:
    return _url().render_as_string(hide_password=True)


def file_kind(path: Path) -> str:
    """'sqlite', 'pgdump' or 'unknown', from the file's first bytes."""
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise BackupError(f"cannot read {path}: {exc.strerror}") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "pgdump"
    return "unknown"


@contextmanager
def _partial_file(out: Path) -> Iterator[Path]:
    """A private (0600) temporary file beside OUT, moved onto OUT only on success."""
    fd, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".partial")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        if out.exists():
            raise BackupError(f"{out} appeared while the backup ran; not overwriting it")
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


def _check_out(out: Path) -> Path:
    out = Path(out)
    if out.exists():
        raise BackupError(f"{out} already exists; choose a new file name")
    if not out.parent.is_dir():
        raise BackupError(f"directory {out.parent} does not exist")
    return out


def _check_in(path: Path) -> Path:
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    return path


# --- backup -----------------------------------------------------------------------------------


def backup(out: Path) -> BackupResult:
    """Write a consistent snapshot of the configured database to OUT (a new file)."""
    out = _check_out(out)
    backend = _backend()
    with _database_errors(), _partial_file(out) as tmp:
        chain = _backup_sqlite(tmp) if backend == "sqlite" else _backup_postgresql(tmp)
        size, digest = tmp.stat().st_size, _sha256(tmp)
    return BackupResult(out, backend, size, digest, chain)


@contextmanager
def _database_errors() -> Iterator[None]:
    """A database error becomes a one-line message (driver text, password masked)."""
    try:
        yield
    except SQLAlchemyError as exc:
        password = _url().password
        raise BackupError(
            f"database error: {_describe(exc, {'PGPASSWORD': password} if password else {})}"
        ) from None


def _sqlite_path() -> Path:
    database = _url().database
    if database in (None, "", ":memory:") or database.startswith("file:"):
        raise BackupError("the configured SQLite database is not a plain file")
    return Path(database)


def _sqlite_connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    target = f"{path.resolve().as_uri()}?mode=ro" if read_only else str(path)
    con = sqlite3.connect(target, uri=read_only, isolation_level=None)
    con.execute("PRAGMA busy_timeout=30000")
    return con


def _sqlite_integrity(con: sqlite3.Connection, what: str) -> None:
    rows = [r[0] for r in con.execute("PRAGMA integrity_check").fetchall()]
    if rows != ["ok"]:
        raise BackupError(f"{what} fails PRAGMA integrity_check: {'; '.join(rows[:5])}")


def _sqlite_tables(con: sqlite3.Connection) -> set[str]:
    rows = con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    return {r[0] for r in rows}


def _sqlite_chain(con: sqlite3.Connection) -> ChainState:
    tables = _sqlite_tables(con)
    if not {"audit_entries", "audit_head"} <= tables:
        raise BackupError("the database has no audit tables: is it a Congress database?")
    (count,) = con.execute("SELECT count(*) FROM audit_entries").fetchone()
    head = con.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
    return ChainState(count, *(head or (None, None)))


def _backup_sqlite(tmp: Path) -> ChainState:
    source = _sqlite_path()
    if not source.is_file():
        raise BackupError(f"the configured SQLite database {source} does not exist")
    try:
        with closing(_sqlite_connect(source)) as src, closing(_sqlite_connect(tmp)) as dst:
            # pages=-1: the whole database in one step, inside one read transaction on
            # the source, so concurrent commits are either wholly in the copy or not at all
            src.backup(dst, pages=-1)
            # a self-contained single file: no -wal beside it is ever needed
            dst.execute("PRAGMA journal_mode=DELETE")
        with closing(_sqlite_connect(tmp, read_only=True)) as copy:
            _sqlite_integrity(copy, "the backup copy")
            return _sqlite_chain(copy)
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite backup failed: {exc}") from None


def _pg_conninfo() -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password, and the environment carrying it."""
    url = _url()
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
        if key in _SECRET_KEYWORDS:
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


def _describe(exc: Exception, env: dict[str, str]) -> str:
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


def _backup_postgresql(tmp: Path) -> ChainState:
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


# --- restore ----------------------------------------------------------------------------------


def restore(source: Path) -> RestoreResult:
    """Load a backup into the configured database, which must be empty; then walk the chain."""
    source = _check_in(source)
    backend = _backend()
    kind = file_kind(source)
    if kind == "unknown":
        raise BackupError(f"{source} is not a Congress backup (neither SQLite nor pg_dump custom)")
    if backend == "sqlite" and kind == "pgdump":
        raise BackupError(
            f"{source} is a PostgreSQL (pg_dump) backup, but the configured database is SQLite"
        )
    if backend == "postgresql" and kind == "sqlite":
        raise BackupError(f"{source} is a SQLite backup, but the configured database is PostgreSQL")
    digest = _sha256(source)
    db.session.remove()
    db.engine.dispose()
    with _database_errors():
        if backend == "sqlite":
            _restore_sqlite(source)
        else:
            _restore_postgresql(source)
        db.engine.dispose()  # nothing pooled from before the restore
        return RestoreResult(source, _safe_target(), digest, _revision(), _verify())


def _refuse_not_empty(where: str, found: str) -> None:
    raise BackupError(
        f"refusing to restore: the target database {where} is not empty ({found}); "
        "point the configuration at a new, empty database"
    )


def _rows(filled: dict[str, int]) -> str:
    return ", ".join(f"{name}: {rows} rows" for name, rows in sorted(filled.items()))


def _restore_sqlite(source: Path) -> None:
    target = _sqlite_path()
    if target.exists() and target.resolve() == source.resolve():
        raise BackupError("the backup file is the configured database itself")
    try:
        with closing(_sqlite_connect(source, read_only=True)) as src:
            _sqlite_integrity(src, str(source))
            tables = _sqlite_tables(src)
            if not {"alembic_version", "audit_entries", "audit_head"} <= tables:
                raise BackupError(f"{source} is a SQLite file but not a Congress database")
            target.parent.mkdir(parents=True, exist_ok=True)
            with closing(_sqlite_connect(target)) as dst:
                filled = {}
                for name in sorted(_sqlite_tables(dst) - {"alembic_version"}):
                    quoted = '"' + name.replace('"', '""') + '"'
                    (rows,) = dst.execute(f"SELECT count(*) FROM {quoted}").fetchone()  # noqa: S608
                    if rows:
                        filled[name] = rows
                if filled:
                    _refuse_not_empty(str(target), _rows(filled))
                src.backup(dst, pages=-1)
                dst.execute("PRAGMA journal_mode=WAL")
                _sqlite_integrity(dst, "the restored database")
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite restore failed: {exc}") from None


def _restore_postgresql(source: Path) -> None:
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
            _refuse_not_empty(_safe_target(), f"{found}; {_rows(filled)}" if filled else found)
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


def _revision() -> str | None:
    try:
        return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:
        db.session.rollback()
        return None


def _verify() -> Verdict | None:
    from sqlalchemy.exc import NoResultFound

    from congress.audit.operations import verify_chain

    try:
        return verify_chain()
    except NoResultFound:
        return None
    finally:
        db.session.rollback()
