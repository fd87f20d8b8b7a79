"""What the backup modules share: the error, the chain state, the configured target."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import URL

from congress.extensions import db

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
# tables whose rows make a database "not empty" in a refusal message
REPORTED_TABLES = ("users", "members", "audit_entries")
# libpq keywords that must not reach a command line
SECRET_KEYWORDS = {"password"}


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


def configured_url() -> URL:
    return db.engine.url


def safe_target() -> str:
    return configured_url().render_as_string(hide_password=True)


def refuse_not_empty(where: str, found: str) -> None:
    raise BackupError(
        f"refusing to restore: the target database {where} is not empty ({found}); "
        "point the configuration at a new, empty database"
    )


def rows_text(filled: dict[str, int]) -> str:
    return ", ".join(f"{name}: {rows} rows" for name, rows in sorted(filled.items()))
