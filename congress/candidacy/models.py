"""Candidacies, their endorsements and objections, the frozen ballot order, body compositions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from congress.auth.models import User
from congress.extensions import db
from congress.members.models import Member
from congress.models_common import UTCDateTime, utcnow

# proposed (by a delegate) -> submitted (accepted by the member) -> approved | rejected;
# proposed, submitted, approved -> withdrawn; rejected -> approved (objection upheld);
# withdrawn by the candidate -> the status it had (undone while nominations are open)
STATES = ("proposed", "submitted", "approved", "rejected", "withdrawn")
ACTIVE = ("proposed", "submitted", "approved")  # a row that blocks a second nomination
STANDING = ("submitted", "approved")  # a candidacy that counts (several-bodies rule)


class Candidacy(db.Model):
    """A member standing for one body at one conference."""

    __tablename__ = "candidacies"
    __table_args__ = (UniqueConstraint("conference_id", "body", "member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conference_id: Mapped[int] = mapped_column(
        ForeignKey("conferences.id", ondelete="CASCADE"), nullable=False, index=True
    )
    body: Mapped[str] = mapped_column(String(60), nullable=False)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), nullable=False, index=True)
    nominated_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="submitted")
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    reason_article: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    statement_ar: Mapped[str] = mapped_column(Text, nullable=False, default="")
    statement_en: Mapped[str] = mapped_column(Text, nullable=False, default="")
    photo: Mapped[bytes | None] = mapped_column(LargeBinary)  # re-encoded JPEG, no metadata
    photo_sha256: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # the status the candidate's own withdrawal may be undone to; "" when it may not be
    # (recorded by the committee, a declined nomination, or already undone)
    withdrawn_from: Mapped[str] = mapped_column(String(12), nullable=False, default="")

    member: Mapped[Member] = relationship(lazy="joined")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    nominated_by: Mapped[User | None] = relationship(foreign_keys=[nominated_by_user_id])
    objection: Mapped[Objection | None] = relationship(
        back_populates="candidacy", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def self_nominated(self) -> bool:
        return self.nominated_by_user_id is None or (
            self.nominated_by is not None and self.nominated_by.member_id == self.member_id
        )


class Endorsement(db.Model):
    """One endorser's support for one candidacy; withdrawing it deletes the row (audited)."""

    __tablename__ = "candidacy_endorsements"
    __table_args__ = (UniqueConstraint("candidacy_id", "endorser_member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    candidacy_id: Mapped[int] = mapped_column(
        ForeignKey("candidacies.id", ondelete="CASCADE"), nullable=False, index=True
    )
    conference_id: Mapped[int] = mapped_column(
        ForeignKey("conferences.id", ondelete="CASCADE"), nullable=False
    )
    body: Mapped[str] = mapped_column(String(60), nullable=False)
    endorser_member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id"), nullable=False, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    endorser: Mapped[Member] = relationship(lazy="joined")


class Objection(db.Model):
    """A candidate's objection to the committee's rejection; its decision is final."""

    __tablename__ = "candidacy_objections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    candidacy_id: Mapped[int] = mapped_column(
        ForeignKey("candidacies.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    text: Mapped[str] = mapped_column(Text, nullable=False)
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    outcome: Mapped[str] = mapped_column(String(12), nullable=False, default="")  # upheld|dismissed
    answer: Mapped[str] = mapped_column(Text, nullable=False, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    candidacy: Mapped[Candidacy] = relationship(back_populates="objection")


class CandidateList(db.Model):
    """The handshake with the voting domain: the ballot order, frozen when the ballot opens."""

    __tablename__ = "candidate_lists"

    conference_id: Mapped[int] = mapped_column(
        ForeignKey("conferences.id", ondelete="CASCADE"), primary_key=True
    )
    body: Mapped[str] = mapped_column(String(60), primary_key=True)
    order_method: Mapped[str] = mapped_column(String(20), nullable=False)
    seed: Mapped[str] = mapped_column(String(128), nullable=False, default="")
    ordered_ids: Mapped[str] = mapped_column(Text, nullable=False, default="[]")  # JSON ids
    ballot_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    frozen_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class BodyMember(db.Model):
    """The certified composition of a body: written by the results domain, read here."""

    __tablename__ = "body_members"
    __table_args__ = (UniqueConstraint("conference_id", "body", "member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conference_id: Mapped[int] = mapped_column(
        ForeignKey("conferences.id", ondelete="CASCADE"), nullable=False, index=True
    )
    body: Mapped[str] = mapped_column(String(60), nullable=False)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    source_poll_id: Mapped[int | None] = mapped_column(Integer)  # no FK until polls exist
    since: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    member: Mapped[Member] = relationship(lazy="joined")
