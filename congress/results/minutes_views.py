"""The bodies page, the minutes PDF, and the committee's two steps of an appointment."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from congress.auth import roles
from congress.auth.decorators import fresh_login_required, requires
from congress.conference.facts import bylaws_of
from congress.conference.models import Conference
from congress.conference.operations import on_committee
from congress.extensions import db
from congress.i18n import language
from congress.models_common import utcnow
from congress.voting.views import committee_only, get_poll
from congress.web.dashboard import certified

from . import bodies, minutes

bp = Blueprint("minutes", __name__)


class AppointmentForm(FlaskForm):
    title_ar = StringField(_l("Title (Arabic)"), validators=[Optional(), Length(max=300)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=300)])
    numbers = TextAreaField(
        _l("Member numbers of the appointees, one per line"),
        validators=[DataRequired(), Length(max=2000)],
    )


def _conference(conference_id: int) -> Conference:
    return db.session.get(Conference, conference_id) or abort(404)


@bp.route("/conferences/<int:conference_id>/bodies")
@login_required
def bodies_page(conference_id: int):
    conference = _conference(conference_id)
    committee = on_committee(conference, current_user)
    compositions = bodies.compositions(conference)
    forms = {c.key: AppointmentForm(prefix=c.key) for c in compositions if c.appointed}
    return render_template(
        "results/bodies.html",
        conference=conference,
        compositions=compositions,
        bodies_rules=bylaws_of(conference).bodies,
        committee=committee,
        forms=forms if committee else {},
        recordable=bodies.recordable,
        now=utcnow(),
        certified=certified(conference),
    )


@bp.route("/conferences/<int:conference_id>/minutes.pdf")
@login_required
def minutes_pdf(conference_id: int):
    conference = _conference(conference_id)
    lang = request.args.get("lang")
    lang = lang if lang in ("ar", "en") else language()
    return Response(
        minutes.build(conference, lang),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="minutes-{conference.id}-{lang}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/conferences/<int:conference_id>/bodies/<body>/appointment", methods=["POST"])
@requires(roles.COMMITTEE)
@fresh_login_required
def propose(conference_id: int, body: str):
    conference = committee_only(_conference(conference_id))
    form = AppointmentForm(prefix=body)
    back = redirect(url_for("minutes.bodies_page", conference_id=conference.id), 303)
    if not form.validate_on_submit():
        flash(_("List the member numbers of the appointees."), "error")
        return back
    try:
        poll = bodies.propose_appointment(
            conference,
            body,
            bodies.parse_numbers(form.numbers.data),
            title_ar=(form.title_ar.data or "").strip(),
            title_en=(form.title_en.data or "").strip(),
            actor=current_user,
        )
    except bodies.AppointmentError as refused:
        flash(str(refused), "error")
        return back
    flash(_("The appointment motion is ready: open it for the appointing body to vote."), "success")
    return redirect(url_for("voting.page", poll_id=poll.id))


@bp.route("/polls/<int:poll_id>/appointment", methods=["POST"])
@requires(roles.COMMITTEE)
@fresh_login_required
def record(poll_id: int):
    poll = get_poll(poll_id)
    conference = committee_only(poll)
    try:
        bodies.record_appointment(poll, actor=current_user)
    except bodies.AppointmentError as refused:
        flash(str(refused), "error")
        return redirect(url_for("minutes.bodies_page", conference_id=conference.id), 303)
    flash(_("The appointment is recorded."), "success")
    return redirect(url_for("minutes.bodies_page", conference_id=conference.id))
