"""SQLite backups: the online backup API, in one step inside one read transaction, so the
copy is a consistent state even while other connections write (WAL does not block
writers). The copy is switched to a self-contained rollback journal and must pass
`PRAGMA integrity_check`; a restore copies it into an empty database file."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from .backup_common import BackupError, ChainState, configured_url, refuse_not_empty, rows_text


def _sqlite_path() -> Path:
    database = configured_url().database
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


def backup_sqlite(tmp: Path) -> ChainState:
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


def restore_sqlite(source: Path) -> None:
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
                    refuse_not_empty(str(target), rows_text(filled))
                src.backup(dst, pages=-1)
                dst.execute("PRAGMA journal_mode=WAL")
                _sqlite_integrity(dst, "the restored database")
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite restore failed: {exc}") from None
