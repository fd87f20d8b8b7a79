"""The committee's page for a new poll: an election for a body, or a motion."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from congress.conference.facts import bylaws_of
from congress.conference.models import Conference
from congress.extensions import db
from congress.i18n import language
from congress.sealing.ceremony import SealingError, ceremony
from congress.verifiable import trustees
from congress.web.local_time import to_utc

from . import polls
from .forms import ElectionForm, MotionForm


def _after_creation(poll, level: str):
    """With a sealed box the key ceremony runs now, in the same transaction."""
    if level == "sealed":
        ceremony(poll, actor=current_user)  # SealingError: the form is shown again, kept
        return redirect(url_for("sealing.box", poll_id=poll.id))
    return redirect(url_for("voting.page", poll_id=poll.id))


def create_from_form(conference: Conference):
    rules = bylaws_of(conference)
    lang = language()
    election = ElectionForm(prefix="e")
    election.body.choices = [
        (key, body.title.get(lang)) for key, body in rules.bodies.items() if body.method is not None
    ]
    motion = MotionForm(prefix="m")
    if request.method == "GET" and trustees.is_ready(conference):
        election.level.data = "verifiable"  # elections of the bodies, once there is a key
    warnings = []
    kind = request.form.get("kind")
    try:
        if request.method == "POST" and kind == "election" and election.validate_on_submit():
            from congress.candidacy.listing import feasibility

            warnings = feasibility(conference, election.body.data)
            if not warnings or election.confirm.data:
                poll = polls.create_election(
                    conference,
                    election.body.data,
                    actor=current_user,
                    closes_at=to_utc(election.closes_at.data),
                    level=election.level.data,
                )
                return _after_creation(poll, election.level.data)
        elif request.method == "POST" and kind == "motion" and motion.validate_on_submit():
            poll = polls.create_motion(
                conference,
                title_ar=motion.title_ar.data.strip(),
                title_en=(motion.title_en.data or "").strip(),
                text_ar=motion.text_ar.data.strip(),
                text_en=(motion.text_en.data or "").strip(),
                category=motion.category.data,
                actor=current_user,
                closes_at=to_utc(motion.closes_at.data),
                level=motion.level.data,
            )
            return _after_creation(poll, motion.level.data)
    except (polls.PollError, SealingError) as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return render_template(
            "voting/new.html",
            conference=conference,
            election=election,
            motion=motion,
            warnings=warnings,
            hint="",
        ), 409
    status = 422 if request.method == "POST" else 200
    return render_template(
        "voting/new.html",
        conference=conference,
        election=election,
        motion=motion,
        warnings=warnings,
        hint=_("Warnings must be confirmed before the ballot is created.") if warnings else "",
    ), status
