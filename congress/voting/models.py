"""Polls, their roll and their ballot box.

DESIGN.md invariant 1: the roll (who voted) and the ballot box (what was voted)
share no column, foreign key, sequence or timestamp. A ballot row is
(poll, random 128-bit id, tracker, content): no serial id, no time, no address,
no session, no user agent. `tests/integration/test_secrecy_schema.py` inspects the
schema and fails if the box ever gains such a column.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from congress.conference.models import InvalidTransition
from congress.extensions import db
from congress.models_common import UTCDateTime, never_reuse_ids, utcnow

POLL_STATES = ("draft", "open", "closed", "tallied", "certified", "annulled")
_NEXT = {
    "draft": ("open", "annulled"),
    "open": ("closed", "annulled"),
    "closed": ("tallied", "annulled"),
    "tallied": ("tallied", "certified", "annulled"),
    "certified": (),
    "annulled": (),
}


class Poll(db.Model):
    """An election for a body or a motion, with the rules frozen when it opens."""

    __tablename__ = "polls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conference_id: Mapped[int] = mapped_column(
        ForeignKey("conferences.id"), nullable=False, index=True
    )
    kind: Mapped[str] = mapped_column(String(10), nullable=False)  # election | motion
    body: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    title_ar: Mapped[str] = mapped_column(String(300), nullable=False)
    title_en: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    text_ar: Mapped[str] = mapped_column(Text, nullable=False, default="")
    text_en: Mapped[str] = mapped_column(Text, nullable=False, default="")
    motion_category: Mapped[str] = mapped_column(String(30), nullable=False, default="")
    method: Mapped[str] = mapped_column(String(20), nullable=False)
    seats: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    max_marks: Mapped[int | None] = mapped_column(Integer)
    blank_allowed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    electorate: Mapped[str] = mapped_column(String(30), nullable=False)
    # secrecy level: plain (the server reads ballots), sealed (k of n committee members
    # open the box after the close), verifiable (Belenios: encrypted in the browser)
    level: Mapped[str] = mapped_column(String(12), nullable=False, default="plain")
    rules: Mapped[str] = mapped_column(Text, nullable=False, default="{}")  # frozen, JSON
    state: Mapped[str] = mapped_column(String(12), nullable=False, default="draft")
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    quorum: Mapped[str] = mapped_column(Text, nullable=False, default="{}")  # snapshot, JSON
    electorate_size: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    ballots_at_close: Mapped[int | None] = mapped_column(Integer)
    chain_head_at_close: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    scrubbed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # old rows destroyed
    annulled_reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    certified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    objections_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    runoff_of_id: Mapped[int | None] = mapped_column(ForeignKey("polls.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title_ar

    def text(self, lang: str) -> str:
        return self.text_en if lang == "en" and self.text_en else self.text_ar

    @property
    def frozen_rules(self) -> dict:
        return json.loads(self.rules)

    @property
    def quorum_snapshot(self) -> dict:
        return json.loads(self.quorum)

    def casting_ended(self, now: datetime | None = None) -> bool:
        """Open, but past its closing time: casts are refused until the committee closes it."""
        return (
            self.state == "open"
            and self.closes_at is not None
            and self.closes_at <= (now or utcnow())
        )

    @property
    def shown_state(self) -> str:
        """The state as a voter experiences it: "ended" once casting stopped at the time."""
        return "ended" if self.casting_ended() else self.state

    def move_to(self, state: str) -> None:
        """Guarded transition: a named exception for a move the lifecycle does not allow."""
        if state not in _NEXT[self.state]:
            raise InvalidTransition("poll", self.state, state)
        self.state = state


class PollCandidate(db.Model):
    """A candidate as printed on the ballot: the list is frozen when the poll opens."""

    __tablename__ = "poll_candidates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[int] = mapped_column(
        ForeignKey("polls.id", ondelete="CASCADE"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    candidacy_id: Mapped[int | None] = mapped_column(Integer)
    name_ar: Mapped[str] = mapped_column(String(200), nullable=False)
    name_latin: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    branch: Mapped[str] = mapped_column(String(10), nullable=False, default="")
    groups: Mapped[str] = mapped_column(String(200), nullable=False, default="")  # comma list
    withdrawn: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    def name(self, lang: str) -> str:
        return self.name_latin if lang == "en" and self.name_latin else self.name_ar


class RollEntry(db.Model):
    """Who may vote in a poll and whether they have: nothing about what or when."""

    __tablename__ = "poll_roll"

    poll_id: Mapped[int] = mapped_column(
        ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    voted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class Ballot(db.Model):
    """One ballot in the box. Keyed by a random id (WITHOUT ROWID on SQLite); written
    afresh in a random order at the close, old versions destroyed (voting/storage.py)."""

    __tablename__ = "ballots"
    __table_args__ = {"sqlite_with_rowid": False}

    poll_id: Mapped[int] = mapped_column(
        ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # 128 random bits, hex
    tracker: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)
    content: Mapped[str] = mapped_column(Text, nullable=False)


never_reuse_ids(Poll, "poll")
