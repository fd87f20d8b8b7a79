"""The delegates' endorsements: the page of candidacies to endorse, and the two actions."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from congress.conference.facts import bylaws_of
from congress.core.rules import RuleRefused
from congress.extensions import db
from congress.models_common import utcnow

from . import endorsements
from .blueprint import bp, get_conference, the_member, visible
from .common import CandidacyError, elected_bodies, nomination_window
from .member_views import back_to
from .models import Candidacy
from .pages import refused


@bp.route("/conferences/<int:conference_id>/endorsements")
@login_required
def endorsement_page(conference_id: int):
    conference = get_conference(conference_id)
    member = the_member()
    rules = bylaws_of(conference)
    now = utcnow()
    sections = []
    for key in elected_bodies(rules):
        if endorsements.endorser_refusal(conference, key, member) is not None:
            continue
        open_ones = (
            db.session.execute(
                select(Candidacy)
                .where(
                    Candidacy.conference_id == conference.id,
                    Candidacy.body == key,
                    Candidacy.status.in_(endorsements.OPEN_TO_ENDORSEMENT),
                    Candidacy.member_id != member.id,
                )
                .order_by(Candidacy.id)
            )
            .scalars()
            .all()
        )
        given = {e.candidacy_id for e in endorsements.given_by(conference, key, member)}
        sections.append(
            (
                key,
                rules.body(key),
                endorsements.rules_for(conference, key),
                nomination_window(conference, key, now),
                open_ones,
                given,
                endorsements.counts_for(conference, key),
                [  # what this endorser gave, whatever has happened to it since
                    db.session.get(Candidacy, cid)
                    for cid in sorted(given)
                    if cid not in {c.id for c in open_ones}
                ],
            )
        )
    return render_template("candidacy/endorse.html", conference=conference, sections=sections)


@bp.route(
    "/conferences/<int:conference_id>/candidacies/<int:candidacy_id>/<any(endorse, unendorse)"
    ":action>",
    methods=["POST"],
)
@login_required
def endorse(conference_id: int, candidacy_id: int, action: str):
    conference = get_conference(conference_id)
    candidacy = visible(conference, candidacy_id)  # 404 whether missing or not shown
    try:
        if action == "endorse":
            endorsements.endorse(candidacy, the_member(), actor=current_user)
            flash(_("Your endorsement is recorded."), "success")
        else:
            endorsements.withdraw_endorsement(candidacy, the_member(), actor=current_user)
            flash(_("Your endorsement is withdrawn."), "success")
    except (RuleRefused, CandidacyError) as problem:
        return refused(conference, candidacy, problem)
    if request.form.get("from") == "list":
        return redirect(url_for("candidacy.endorsement_page", conference_id=conference.id))
    return back_to(conference, candidacy)
