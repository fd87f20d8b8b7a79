"""Backups: a consistent snapshot of the configured database, and its restore into an empty one.

How each backend takes and loads its snapshot is in backup_sqlite.py (the online backup
API) and backup_postgresql.py (pg_dump on an exported snapshot, pg_restore in one
transaction). Here: the checks around them, the new file written privately and moved into
place only when complete, and the walk of the audit chain after a restore. Restores go
only into an empty database. No password ever reaches a command line or a message.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from congress.core.chain import Verdict
from congress.extensions import db

from .backup_common import (
    PGDUMP_MAGIC,
    SQLITE_MAGIC,
    BackupError,
    ChainState,
    configured_url,
    safe_target,
)
from .backup_postgresql import backup_postgresql, describe, restore_postgresql
from .backup_sqlite import backup_sqlite, restore_sqlite

__all__ = ["BackupError", "BackupResult", "RestoreResult", "backup", "file_kind", "restore"]


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


def _backend() -> str:
    name = db.engine.dialect.name
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"backups support SQLite and PostgreSQL, not {name}")
    return name


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


# --- backup and restore ---------------------------------------------------------------------


def backup(out: Path) -> BackupResult:
    """Write a consistent snapshot of the configured database to OUT (a new file)."""
    out = _check_out(out)
    backend = _backend()
    with _database_errors(), _partial_file(out) as tmp:
        chain = backup_sqlite(tmp) if backend == "sqlite" else backup_postgresql(tmp)
        size, digest = tmp.stat().st_size, _sha256(tmp)
    return BackupResult(out, backend, size, digest, chain)


@contextmanager
def _database_errors() -> Iterator[None]:
    """A database error becomes a one-line message (driver text, password masked)."""
    try:
        yield
    except SQLAlchemyError as exc:
        password = configured_url().password
        raise BackupError(
            f"database error: {describe(exc, {'PGPASSWORD': password} if password else {})}"
        ) from None


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
            restore_sqlite(source)
        else:
            restore_postgresql(source)
        db.engine.dispose()  # nothing pooled from before the restore
        return RestoreResult(source, safe_target(), digest, _revision(), _verify())


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
