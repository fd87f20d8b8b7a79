from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from congress.conference.models import Delegate
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


OBJECTION_OUTCOMES = ("upheld", "rejected")


class ResultObjection(db.Model):
    """A delegate's objection to a certified result, filed within the bylaws' objection
    window, and the election committee's decision on it with its reason. One per delegate
    per poll. (`candidacy.models.Objection` is the other kind: a candidate's objection to
    the rejection of a candidacy.)"""

    __tablename__ = "result_objections"
    __table_args__ = (UniqueConstraint("poll_id", "delegate_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), nullable=False)
    delegate_id: Mapped[int] = mapped_column(
        ForeignKey("delegates.id", ondelete="CASCADE"), nullable=False
    )
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    outcome: Mapped[str] = mapped_column(String(10), nullable=False, default="")  # upheld|rejected
    answer: Mapped[str] = mapped_column(Text, nullable=False, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    delegate: Mapped[Delegate] = relationship(lazy="joined")
