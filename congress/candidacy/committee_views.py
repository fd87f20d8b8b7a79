"""The election committee's side: review every candidacy, decide, answer objections."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from congress.auth.decorators import fresh_login_required
from congress.conference.facts import bylaws_of
from congress.conference.operations import on_committee
from congress.core.rules import RuleRefused
from congress.extensions import db

from . import endorsements, listing, review, withdrawal
from .blueprint import bp, get_candidacy, get_conference
from .common import CandidacyError, NotAllowed, elected_bodies
from .forms import ObjectionDecisionForm, ReasonForm, RejectForm
from .models import STATES, Candidacy
from .pages import refused


def _committee_only(conference) -> None:
    """Committee rights are per conference: the role without a seat is not enough."""
    if not on_committee(conference, current_user):
        abort(403)


@bp.route("/conferences/<int:conference_id>/review")
@login_required
def review_page(conference_id: int):
    conference = get_conference(conference_id)
    _committee_only(conference)
    rules = bylaws_of(conference)
    bodies = elected_bodies(rules)
    body = request.args.get("body") or bodies[0]
    if body not in bodies:
        abort(404)
    rows = (
        db.session.execute(
            select(Candidacy)
            .where(Candidacy.conference_id == conference.id, Candidacy.body == body)
            .order_by(Candidacy.id)
        )
        .scalars()
        .all()
    )
    order = {
        s: i for i, s in enumerate(("submitted", "proposed", "rejected", "approved", "withdrawn"))
    }
    rows = sorted(rows, key=lambda c: (order.get(c.status, len(STATES)), c.id))
    return render_template(
        "candidacy/review.html",
        conference=conference,
        rules=rules,
        bodies=bodies,
        body=body,
        rows=[(c, review.facts_of(c)) for c in rows],
        warnings=listing.feasibility(conference, body),
        ballot=rules.ballot_rules(body),
        endorsement_rules=endorsements.rules_for(conference, body),
        frozen=listing.ballot_opened(conference, body),
    )


@bp.route(
    "/conferences/<int:conference_id>/candidacies/<int:candidacy_id>/<any(approve, reject, "
    "decide, remove):action>",
    methods=["POST"],
)
@fresh_login_required
def decide(conference_id: int, candidacy_id: int, action: str):
    conference = get_conference(conference_id)
    _committee_only(conference)
    candidacy = get_candidacy(conference, candidacy_id)
    try:
        if action == "approve":
            review.approve(candidacy, actor=current_user)
            done = _("The candidacy is approved and the candidate notified.")
        elif action == "reject":
            form = RejectForm()
            form.article.choices = [(a.number, a.number) for a in bylaws_of(conference).articles()]
            if not form.validate_on_submit():
                raise CandidacyError(_("Choose the article of the bylaws the rejection rests on."))
            review.reject(candidacy, form.reason.data or "", form.article.data, actor=current_user)
            done = _("The candidacy is rejected and the candidate notified.")
        elif action == "decide":
            form = ObjectionDecisionForm()
            if not form.validate_on_submit():
                raise CandidacyError(_("Choose a decision on the objection."))
            review.decide_objection(
                candidacy, form.outcome.data, form.answer.data or "", actor=current_user
            )
            done = _("The objection is decided and the candidate notified.")
        else:
            withdrawal.mark_withdrawn_by_committee(
                candidacy, ReasonForm().reason.data or "", current_user
            )
            done = _("The withdrawal is recorded and the candidate notified.")
    except NotAllowed:
        abort(403)
    except (RuleRefused, CandidacyError) as problem:
        return refused(conference, candidacy, problem)
    flash(done, "success")
    return redirect(
        url_for("candidacy.candidate", conference_id=conference.id, candidacy_id=candidacy.id)
    )
