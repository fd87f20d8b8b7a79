"""Fixing a draft before it opens: edit it, delete it, preview its ballot.

Only a draft can change: once a poll opens its roll, its candidates and its rules are
frozen (the audit chain records them), so every fix happens before, each audited.
"""

from __future__ import annotations

import json
from datetime import datetime
from types import SimpleNamespace

from flask_babel import gettext as _

from congress.audit import actions
from congress.audit.operations import actor_label, record
from congress.conference.facts import bylaws_of
from congress.conference.models import Conference
from congress.extensions import db

from .models import Poll
from .polls import PollError, _refuse_past


def _require_draft(poll: Poll) -> None:
    if poll.state != "draft":
        raise PollError(_("Only a draft can be changed: this poll has opened."))


def edit(poll: Poll, *, actor, closes_at: datetime | None, **texts: str) -> None:
    """A motion's titles, texts and category, and any poll's closing time."""
    _require_draft(poll)
    _refuse_past(closes_at)
    changed = {}
    if poll.kind == "motion":
        conference = db.session.get(Conference, poll.conference_id)
        kind = bylaws_of(conference).motion_kind(texts["category"])  # refused if unknown
        for key in ("title_ar", "title_en", "text_ar", "text_en"):
            if getattr(poll, key) != texts[key]:
                setattr(poll, key, texts[key])
                changed[key] = True
        if poll.motion_category != texts["category"]:
            poll.motion_category = texts["category"]
            frozen = poll.frozen_rules
            frozen.update(majority=kind.value, majority_article=kind.article)
            poll.rules = json.dumps(frozen, sort_keys=True)
            changed["category"] = texts["category"]
    if poll.closes_at != closes_at:
        poll.closes_at = closes_at
        changed["closes_at"] = closes_at.isoformat() if closes_at else None
    if changed:
        record(
            actions.POLL_EDITED, actor=actor_label(actor), subject=f"poll:{poll.id}", data=changed
        )


def delete(poll: Poll, *, actor) -> None:
    """A draft removed, with its sealed box's key rows; the chain keeps its history."""
    _require_draft(poll)
    record(
        actions.POLL_DELETED,
        actor=actor_label(actor),
        subject=f"poll:{poll.id}",
        data={"kind": poll.kind, "title": poll.title_ar[:200]},
    )
    db.session.delete(poll)
    db.session.flush()


def preview_candidates(poll: Poll) -> dict:
    """The candidates the ballot would list if it opened now, in the published order."""
    if poll.kind != "election":
        return {}
    from congress.candidacy.listing import ballot_list

    conference = db.session.get(Conference, poll.conference_id)
    return {
        c.id: SimpleNamespace(
            id=c.id,
            name=lambda lang, m=c.member: m.display_name(lang),
            branch=c.member.branch.code,
            withdrawn=False,
        )
        for c in ballot_list(conference, poll.body)
    }
