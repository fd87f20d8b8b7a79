"""Storing bylaws versions and reading the rules a conference runs under."""

from __future__ import annotations

import hashlib
from functools import lru_cache

from sqlalchemy import func, select

from congress.audit import actions
from congress.audit.operations import actor_label, record
from congress.core.bylaws import Bylaws, example_path, load_bylaws
from congress.extensions import db
from congress.members.models import Branch

from .models import BylawsVersion


class DuplicateVersion(Exception):
    def __init__(self, existing: BylawsVersion):
        self.existing = existing
        super().__init__(f"identical to version {existing.number}")


@lru_cache(maxsize=32)
def _parse(sha256: str, text: str) -> Bylaws:
    """Bylaws are immutable values: parse each stored version once per process."""
    return load_bylaws(text)


def rules_of(version: BylawsVersion) -> Bylaws:
    return _parse(version.sha256, version.text)


def upload(text: str, *, filename: str = "", actor=None) -> BylawsVersion:
    """Validate and store a new version; nothing is stored when anything is wrong.

    Raises BylawsInvalid (every problem, located) or DuplicateVersion.
    """
    rules = load_bylaws(text)  # raises BylawsInvalid before anything is written
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    existing = db.session.execute(
        select(BylawsVersion).where(BylawsVersion.sha256 == sha)
    ).scalar_one_or_none()
    if existing is not None:
        raise DuplicateVersion(existing)
    number = (db.session.execute(select(func.max(BylawsVersion.number))).scalar() or 0) + 1
    version = BylawsVersion(
        number=number,
        sha256=sha,
        text=text,
        filename=filename[:255],
        uploaded_by_id=actor.id if actor is not None else None,
    )
    db.session.add(version)
    db.session.flush()
    record(
        actions.BYLAWS_UPLOADED,
        actor=actor_label(actor),
        subject=f"bylaws:{number}",
        data={"sha256": sha, "filename": filename[:200]},
    )
    sync_branches(rules, actor=actor)
    return version


def sync_branches(rules: Bylaws, *, actor=None) -> None:
    """The branches the bylaws name exist as rows (added or renamed, never deleted)."""
    if rules.branches is None:
        return
    existing = {b.code: b for b in db.session.execute(select(Branch)).scalars()}
    changed = []
    for code, name in rules.branches.names.items():
        branch = existing.get(code)
        if branch is None:
            branch = Branch(code=code, name_ar=name.ar, name_en=name.en, region="")
            db.session.add(branch)
            changed.append(code)
        elif (branch.name_ar, branch.name_en) != (name.ar, name.en):
            branch.name_ar, branch.name_en = name.ar, name.en
            changed.append(code)
    if changed:
        db.session.flush()
        record(actions.BRANCHES_SYNCED, actor=actor_label(actor), data={"branches": changed})


def latest() -> BylawsVersion | None:
    return db.session.execute(
        select(BylawsVersion).order_by(BylawsVersion.number.desc()).limit(1)
    ).scalar_one_or_none()


def by_number(number: int) -> BylawsVersion | None:
    return db.session.execute(
        select(BylawsVersion).where(BylawsVersion.number == number)
    ).scalar_one_or_none()


def example_text() -> str:
    return example_path().read_text(encoding="utf-8")


def ensure_example(actor=None) -> BylawsVersion:
    """The shipped example bylaws as a version (the demo loads it)."""
    text = example_text()
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    found = db.session.execute(
        select(BylawsVersion).where(BylawsVersion.sha256 == sha)
    ).scalar_one_or_none()
    return found or upload(text, filename="example.toml", actor=actor)
