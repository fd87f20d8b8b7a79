"""A single office without an absolute majority: the runoff poll in one step."""

from __future__ import annotations

import json

from flask_babel import gettext as _
from sqlalchemy import select

from congress.audit import actions
from congress.audit.operations import actor_label, record
from congress.auth.models import User
from congress.conference.models import Conference
from congress.extensions import db
from congress.voting import polls
from congress.voting.models import Poll, PollCandidate

from .models import Tally


def create_runoff(poll: Poll, *, actor: User | None) -> Poll:
    tally = db.session.get(Tally, poll.id)
    report = json.loads(tally.report) if tally else {}
    if poll.state not in ("tallied", "certified") or not report.get("runoff_needed"):
        raise polls.PollError(_("This count does not call for a runoff."))
    existing = db.session.execute(select(Poll.id).where(Poll.runoff_of_id == poll.id)).first()
    if existing is not None:
        raise polls.PollError(_("The runoff poll already exists."))
    ids = {int(c) for c in report["runoff_candidates"]}
    candidacies = sorted(
        c.candidacy_id
        for c in db.session.execute(
            select(PollCandidate).where(PollCandidate.poll_id == poll.id)
        ).scalars()
        if c.id in ids
    )
    conference = db.session.get(Conference, poll.conference_id)
    runoff = polls.create_election(conference, poll.body, actor=actor)
    runoff.runoff_of_id = poll.id
    runoff.title_ar = f"{poll.title_ar} — جولة الإعادة"
    runoff.title_en = f"{poll.title_en} — runoff" if poll.title_en else ""
    runoff.rules = json.dumps({**runoff.frozen_rules, "restricted_to": candidacies}, sort_keys=True)
    record(
        actions.RUNOFF_CREATED,
        actor=actor_label(actor),
        subject=f"poll:{runoff.id}",
        data={"runoff_of": poll.id, "candidacies": candidacies},
    )
    return runoff
