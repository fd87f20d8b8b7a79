from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from congress.extensions import db
from congress.models_common import UTCDateTime, utcnow


class Tally(db.Model):
    """The count of a closed poll: the report exactly as the core returned it."""

    __tablename__ = "tallies"

    poll_id: Mapped[int] = mapped_column(
        ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True
    )
    report: Mapped[str] = mapped_column(Text, nullable=False)  # canonical JSON
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    counted_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    counted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Signature(db.Model):
    """A committee member's sign-off on a count, or their refusal with a reason."""

    __tablename__ = "signatures"

    poll_id: Mapped[int] = mapped_column(
        ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    decision: Mapped[str] = mapped_column(String(10), nullable=False)  # signed | refused
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    report_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
