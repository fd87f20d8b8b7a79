"""The member roll: import (preview, then apply all or nothing), search, export."""

from __future__ import annotations

import hashlib
import io
import secrets
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from congress.audit import actions
from congress.audit.operations import actor_label, record
from congress.core.arabic import normalize
from congress.core.roll import RollError, RollParse, RollRow, parse_roll, write_roll_csv
from congress.extensions import db

from .models import Branch, Member

FIELDS = (
    "name_ar",
    "name_latin",
    "email",
    "phone",
    "birth_date",
    "joined_on",
    "gender",
    "status",
    "dues_paid",
)
PREVIEW_ERRORS = 200  # the page shows at most this many; the file may hold more


@dataclass
class Outcome:
    row: RollRow
    kind: str  # new | updated | unchanged
    changes: tuple[str, ...] = ()


@dataclass
class ImportPreview:
    sha256: str
    outcomes: list[Outcome] = field(default_factory=list)
    errors: list[RollError] = field(default_factory=list)
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, kind: str) -> int:
        return sum(1 for o in self.outcomes if o.kind == kind)


class ImportRefused(Exception):
    def __init__(self, preview: ImportPreview):
        self.preview = preview
        super().__init__(f"{len(preview.errors)} errors")


def _parse(data: bytes, max_errors: int | None) -> RollParse:
    codes = db.session.execute(select(Branch.code)).scalars().all()
    return parse_roll(
        data,
        branches=codes,
        today=date.today(),
        max_bytes=current_app.config.get("ROLL_MAX_BYTES", 10 * 1024 * 1024),
        max_errors=max_errors,
    )


def preview(data: bytes, *, max_errors: int | None = PREVIEW_ERRORS) -> ImportPreview:
    """Every row's outcome and every error with its line and column; nothing changes."""
    parsed = _parse(data, max_errors)
    result = ImportPreview(
        hashlib.sha256(data).hexdigest(),
        errors=list(parsed.errors),
        truncated=getattr(parsed, "truncated", False),
    )
    existing = {m.number: m for m in db.session.execute(select(Member)).scalars()}
    for row in parsed.rows:
        member = existing.get(row.member_number)
        if member is None:
            result.outcomes.append(Outcome(row, "new"))
            continue
        changes = tuple(
            f for f in FIELDS if _given(row, f) and _value(member, f) != getattr(row, f)
        )
        if member.branch.code != row.branch:
            changes += ("branch",)
        result.outcomes.append(Outcome(row, "updated" if changes else "unchanged", changes))
    return result


def _given(row: RollRow, name: str) -> bool:
    """An absent or empty dues cell leaves the recorded dues as they are."""
    return not (name == "dues_paid" and row.dues_paid is None)


def _value(member: Member, name: str):
    value = getattr(member, name)
    return "" if value is None and name in ("name_latin", "email", "phone", "gender") else value


def apply(data: bytes, *, actor=None) -> ImportPreview:
    """All or nothing: any error anywhere in the file and no row is written."""
    result = preview(data, max_errors=None)
    if not result.ok:
        raise ImportRefused(result)
    branches = {b.code: b for b in db.session.execute(select(Branch)).scalars()}
    existing = {m.number: m for m in db.session.execute(select(Member)).scalars()}
    for outcome in result.outcomes:
        if outcome.kind == "unchanged":
            continue
        row = outcome.row
        member = existing.get(row.member_number)
        if member is None:
            member = Member(number=row.member_number)
            db.session.add(member)
        for name in FIELDS:
            if _given(row, name):
                setattr(member, name, getattr(row, name))
        member.branch = branches[row.branch]
    db.session.flush()
    record(
        actions.MEMBERS_IMPORTED,
        actor=actor_label(actor),
        data={
            "sha256": result.sha256,
            "new": result.count("new"),
            "updated": result.count("updated"),
            "unchanged": result.count("unchanged"),
        },
    )
    return result


def search(query: str = "", *, branch: str = "", status: str = "", limit: int = 200):
    stmt = select(Member).join(Branch).order_by(Member.number)
    folded = normalize(query)[:100]
    if folded:
        escaped = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(
            Member.search_name.like(f"%{escaped}%", escape="\\")
            | Member.number.like(f"%{escaped}%", escape="\\")
        )
    if branch:
        stmt = stmt.where(Branch.code == branch)
    if status:
        stmt = stmt.where(Member.status == status)
    return db.session.execute(stmt.limit(limit)).scalars().all()


def export_csv() -> str:
    out = io.StringIO(newline="")
    rows = []
    for m in db.session.execute(select(Member).order_by(Member.number)).scalars():
        rows.append(
            {
                "member_number": m.number,
                "name_ar": m.name_ar,
                "name_latin": m.name_latin,
                "email": m.email,
                "phone": m.phone,
                "branch": m.branch.code,
                "birth_date": m.birth_date.isoformat() if m.birth_date else "",
                "joined_on": m.joined_on.isoformat() if m.joined_on else "",
                "gender": m.gender,
                "status": m.status,
                "dues_paid": m.dues_paid,
            }
        )
    write_roll_csv(rows, out)
    return out.getvalue()


# --- the uploaded file between preview and apply --------------------------------------


def stash(data: bytes) -> str:
    """Keep the previewed file server-side; the apply form names it by a random key."""
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_urlsafe(16)
    (folder / key).write_bytes(data)
    return key


def unstash(key: str) -> bytes | None:
    if not key or not key.replace("-", "").replace("_", "").isalnum() or len(key) > 40:
        return None
    path = Path(current_app.instance_path) / "imports" / key
    return path.read_bytes() if path.is_file() else None


def discard(key: str) -> None:
    if unstash(key) is not None:
        (Path(current_app.instance_path) / "imports" / key).unlink(missing_ok=True)
