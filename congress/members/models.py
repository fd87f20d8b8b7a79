from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from congress.core.arabic import normalize
from congress.extensions import db

STATUSES = ("active", "suspended", "resigned")


class Branch(db.Model):
    """A coordination committee: inside Syria, Turkey, Europe, the US..."""

    __tablename__ = "branches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(10), unique=True, nullable=False)
    name_ar: Mapped[str] = mapped_column(String(200), nullable=False)
    name_en: Mapped[str] = mapped_column(String(200), nullable=False)
    region: Mapped[str] = mapped_column(String(200), nullable=False, default="")

    members: Mapped[list[Member]] = relationship(back_populates="branch")

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_ar


class Member(db.Model):
    __tablename__ = "members"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    name_ar: Mapped[str] = mapped_column(String(200), nullable=False)
    name_latin: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    search_name: Mapped[str] = mapped_column(String(420), nullable=False, default="", index=True)
    email: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    phone: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), nullable=False, index=True)
    birth_date: Mapped[date | None] = mapped_column(Date)
    joined_on: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[str] = mapped_column(String(10), nullable=False, default="")
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="active")
    dues_paid: Mapped[bool | None] = mapped_column(Boolean)

    branch: Mapped[Branch] = relationship(back_populates="members", lazy="joined")

    def display_name(self, lang: str) -> str:
        return self.name_latin if lang == "en" and self.name_latin else self.name_ar


@event.listens_for(Member, "before_insert")
@event.listens_for(Member, "before_update")
def _fill_search_name(_mapper, _connection, member: Member) -> None:
    """Both names, folded, so a search needs one LIKE on every backend."""
    member.search_name = normalize(f"{member.name_ar} {member.name_latin}")


STATUS_LABELS = {
    "active": _l("active"),
    "suspended": _l("suspended"),
    "resigned": _l("resigned"),
}
