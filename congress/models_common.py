"""Column helpers shared by the domain models."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every backend (SQLite hands back naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def never_reuse_ids(model, subject: str) -> None:
    """On SQLite a deleted row's number goes to the next row (INTEGER PRIMARY KEY without
    AUTOINCREMENT), and the audit chain would then tell a deleted draft's history as the new
    row's. A new row of `model` is numbered past both the table's highest id and the highest
    the chain ever named as `subject:N`; PostgreSQL's sequences never reuse a number."""
    from sqlalchemy import Integer, cast, column, event, func, select, table

    entries = table("audit_entries", column("subject"))
    prefix = f"{subject}:"

    @event.listens_for(model, "before_insert")
    def _number(_mapper, connection, target) -> None:
        if target.id is not None or connection.dialect.name != "sqlite":
            return
        in_table = connection.execute(select(func.max(model.id))).scalar() or 0
        in_chain = (
            connection.execute(
                select(
                    func.max(cast(func.substr(entries.c.subject, len(prefix) + 1), Integer))
                ).where(entries.c.subject.like(f"{prefix}%"))
            ).scalar()
            or 0
        )
        target.id = max(in_table, in_chain) + 1
