from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from congress.bylaws.models import BylawsVersion
from congress.extensions import db
from congress.members.models import Branch, Member
from congress.models_common import UTCDateTime, never_reuse_ids, utcnow

# draft -> convened -> registration_closed -> in_session -> closed
STATES = ("draft", "convened", "registration_closed", "in_session", "closed")
AGENDA_KINDS = ("report", "policy_paper", "election", "other")


class InvalidTransition(Exception):
    """A state change asked from a state that does not allow it."""

    def __init__(self, thing: str, current: str, wanted: str):
        self.current, self.wanted = current, wanted
        super().__init__(f"{thing} cannot go from {current} to {wanted}")


class Conference(db.Model):
    __tablename__ = "conferences"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title_ar: Mapped[str] = mapped_column(String(300), nullable=False)
    title_en: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    place: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    online_link: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    bylaws_version_id: Mapped[int] = mapped_column(ForeignKey("bylaws_versions.id"), nullable=False)
    state: Mapped[str] = mapped_column(String(30), nullable=False, default="draft")
    convened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # members in good standing per branch when it was convened, JSON: the apportionment of
    # delegates is fixed by the notice, not moved by a later import of the roll
    standing_at_convening: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    bylaws_version: Mapped[BylawsVersion] = relationship(lazy="joined")
    agenda: Mapped[list[AgendaItem]] = relationship(
        order_by="AgendaItem.position", cascade="all, delete-orphan", back_populates="conference"
    )

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title_ar

    _NEXT = {
        "draft": ("convened",),
        "convened": ("registration_closed",),
        "registration_closed": ("in_session",),
        "in_session": ("closed",),
        "closed": (),
    }

    def move_to(self, state: str) -> None:
        """Guarded transition: a named exception for a move the lifecycle does not allow."""
        if state not in self._NEXT[self.state]:
            raise InvalidTransition("conference", self.state, state)
        self.state = state


class AgendaItem(db.Model):
    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conference_id: Mapped[int] = mapped_column(
        ForeignKey("conferences.id", ondelete="CASCADE"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    title_ar: Mapped[str] = mapped_column(String(300), nullable=False)
    title_en: Mapped[str] = mapped_column(String(300), nullable=False, default="")

    conference: Mapped[Conference] = relationship(back_populates="agenda")

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title_ar


class CommitteeSeat(db.Model):
    """A user on the election committee of one conference (the role alone is not enough)."""

    __tablename__ = "committee_seats"

    conference_id: Mapped[int] = mapped_column(
        ForeignKey("conferences.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )


# designated -> accredited | rejected; designated, accredited -> withdrawn -> the status it
# was withdrawn from (an undo, while the seat is free)
DELEGATE_STATES = ("designated", "accredited", "rejected", "withdrawn")


class Delegate(db.Model):
    """A member designated for a conference, as delegate or alternate of a branch."""

    __tablename__ = "delegates"
    __table_args__ = (
        UniqueConstraint("conference_id", "member_id"),
        # a withdrawn delegate's seat goes to one alternate at most, whatever races
        Index("uq_delegates_replaces", "replaces_id", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conference_id: Mapped[int] = mapped_column(
        ForeignKey("conferences.id", ondelete="CASCADE"), nullable=False, index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), nullable=False, index=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(12), nullable=False, default="delegate")
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="designated")
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # the status a withdrawal may be undone to (designated | accredited); "" otherwise
    withdrawn_from: Mapped[str] = mapped_column(String(12), nullable=False, default="")
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("delegates.id"))
    designated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    member: Mapped[Member] = relationship(lazy="joined")
    branch: Mapped[Branch] = relationship(lazy="joined")


class Invitation(db.Model):
    """A one-time activation link for a member's account (a delegate's, or any member's so
    they can stand as a candidate): only the token's hash is stored."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), nullable=False, index=True
    )
    delegate_id: Mapped[int | None] = mapped_column(
        ForeignKey("delegates.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    channel: Mapped[str] = mapped_column(String(10), nullable=False, default="outbox")
    outbox_file: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # without a mail server the link is shown to the officer who issued it (and lies in the
    # outbox): the member is told, on their account page, who handed it over
    shown_to_staff: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    member: Mapped[Member] = relationship(lazy="joined")
    delegate: Mapped[Delegate | None] = relationship(lazy="joined")


class Sitting(db.Model):
    """One session of the conference, opened and closed by the chair or the officer."""

    __tablename__ = "sittings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conference_id: Mapped[int] = mapped_column(
        ForeignKey("conferences.id", ondelete="CASCADE"), nullable=False, index=True
    )
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("conference_id", "number"),)


ATTENDANCE_STATES = ("present", "excused", "absent", "checked_out")


class Attendance(db.Model):
    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("sitting_id", "delegate_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sitting_id: Mapped[int] = mapped_column(
        ForeignKey("sittings.id", ondelete="CASCADE"), nullable=False, index=True
    )
    delegate_id: Mapped[int] = mapped_column(
        ForeignKey("delegates.id", ondelete="CASCADE"), nullable=False
    )
    state: Mapped[str] = mapped_column(String(12), nullable=False)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


never_reuse_ids(Conference, "conference")
