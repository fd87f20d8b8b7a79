"""Rows of the sealed box. None of them ever holds a private key or a share in clear."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from congress.extensions import db
from congress.models_common import UTCDateTime, utcnow


class KeyHolder(db.Model):
    """A committee member's envelope key: derived from a passphrase only they know."""

    __tablename__ = "key_holders"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    salt: Mapped[str] = mapped_column(String(64), nullable=False)
    public_key: Mapped[str] = mapped_column(String(64), nullable=False)
    kdf_ops: Mapped[int] = mapped_column(Integer, nullable=False)  # Argon2id cost, kept so
    kdf_mem: Mapped[int] = mapped_column(Integer, nullable=False)  # the key re-derives
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class PollKey(db.Model):
    """The public half of a poll's key and the record of its ceremony."""

    __tablename__ = "poll_keys"

    poll_id: Mapped[int] = mapped_column(
        ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True
    )
    public_key: Mapped[str] = mapped_column(String(64), nullable=False)
    fingerprint: Mapped[str] = mapped_column(String(40), nullable=False)
    threshold: Mapped[int] = mapped_column(Integer, nullable=False)
    holders: Mapped[int] = mapped_column(Integer, nullable=False)
    identifier: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ShareEnvelope(db.Model):
    """One holder's share, sealed to their envelope key until they collect it.

    After collection only the digest (to recognise the share at opening) and the
    relay key (public, derived from the share) remain.
    """

    __tablename__ = "share_envelopes"

    poll_id: Mapped[int] = mapped_column(
        ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    sealed_share: Mapped[bytes | None] = mapped_column(LargeBinary)
    digest: Mapped[str] = mapped_column(String(64), nullable=False)
    relay_key: Mapped[str] = mapped_column(String(64), nullable=False)
    confirm_digest: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    collected_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    discarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ShareRelay(db.Model):
    """A share entered for the opening, sealed to another holder's relay key."""

    __tablename__ = "share_relays"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[int] = mapped_column(
        ForeignKey("polls.id", ondelete="CASCADE"), nullable=False, index=True
    )
    from_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    to_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    sealed: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class OpenedBallot(db.Model):
    """A decrypted ballot, keyed by a fresh random id: its order says nothing of the box's."""

    __tablename__ = "opened_ballots"
    __table_args__ = {"sqlite_with_rowid": False}

    poll_id: Mapped[int] = mapped_column(
        ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    content: Mapped[str] = mapped_column(Text, nullable=False)
