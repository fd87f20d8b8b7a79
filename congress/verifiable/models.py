"""Rows of the verifiable level. No trustee secret, private credential or ballot
randomness is ever stored: only what Belenios publishes, and the relayed (encrypted,
signed) messages of the trustees' key establishment."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from congress.extensions import db
from congress.models_common import UTCDateTime, utcnow


class TrusteeSetup(db.Model):
    """The conference's threshold key: the committee members are its trustees."""

    __tablename__ = "trustee_setups"

    conference_id: Mapped[int] = mapped_column(
        ForeignKey("conferences.id", ondelete="CASCADE"), primary_key=True
    )
    group_name: Mapped[str] = mapped_column(String(40), nullable=False)
    threshold: Mapped[int] = mapped_column(Integer, nullable=False)
    trustees: Mapped[int] = mapped_column(Integer, nullable=False)
    # certificates -> polynomials -> voutputs -> done
    step: Mapped[str] = mapped_column(String(20), nullable=False, default="certificates")
    structure: Mapped[str] = mapped_column(Text, nullable=False, default="")  # Belenios trustees
    public_key: Mapped[str] = mapped_column(Text, nullable=False, default="")
    fingerprint: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class TrusteeMessage(db.Model):
    """What one trustee sent at one step (certificate, polynomial, voutput), as Belenios
    writes it; `position` is the trustee's place among the certificates (from 0)."""

    __tablename__ = "trustee_messages"
    __table_args__ = (UniqueConstraint("conference_id", "step", "position"),)

    conference_id: Mapped[int] = mapped_column(
        ForeignKey("conferences.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    step: Mapped[str] = mapped_column(String(20), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    payload: Mapped[str] = mapped_column(Text, nullable=False)


class VerifiablePoll(db.Model):
    """A poll of the verifiable level: its Belenios election and record."""

    __tablename__ = "verifiable_polls"

    poll_id: Mapped[int] = mapped_column(
        ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True
    )
    uuid: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)
    election: Mapped[str] = mapped_column(Text, nullable=False, default="")  # at opening
    credentials: Mapped[str] = mapped_column(Text, nullable=False, default="")  # public list
    credentials_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    server_built: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    encrypted_tally: Mapped[str] = mapped_column(Text, nullable=False, default="")
    sized_tally: Mapped[str] = mapped_column(Text, nullable=False, default="")
    result: Mapped[str] = mapped_column(Text, nullable=False, default="")
    archive: Mapped[bytes | None] = mapped_column(LargeBinary)


class VerifiableBallot(db.Model):
    """The last ballot of one credential (a re-vote replaces it): poll, the credential's
    public key, the ballot as Belenios writes it, its tracker. No member, no time."""

    __tablename__ = "verifiable_ballots"
    __table_args__ = {"sqlite_with_rowid": False}

    poll_id: Mapped[int] = mapped_column(
        ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True
    )
    credential: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of it
    tracker: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    ballot: Mapped[str] = mapped_column(Text, nullable=False)


class CredentialUse(db.Model):
    """While a poll is open: which account used which credential, so that one account
    cannot vote with another delegate's credential too, nor a credential serve two
    accounts (Belenios' server keeps the same binding). Deleted at the close, with the
    old row versions (voting/storage.py); the roll already tells, while a poll is open,
    who voted in the transaction that stores the ballot."""

    __tablename__ = "credential_uses"
    __table_args__ = (
        UniqueConstraint("poll_id", "member_id"),
        {"sqlite_with_rowid": False},
    )

    poll_id: Mapped[int] = mapped_column(
        ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True
    )
    credential: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of it
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), nullable=False)


class PartialDecryptionRow(db.Model):
    """One trustee's partial decryption of a poll's encrypted tally, with its proofs."""

    __tablename__ = "partial_decryptions"

    poll_id: Mapped[int] = mapped_column(
        ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True
    )
    owner: Mapped[int] = mapped_column(Integer, primary_key=True)  # the trustee's index
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    payload: Mapped[str] = mapped_column(Text, nullable=False)
