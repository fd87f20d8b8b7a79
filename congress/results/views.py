"""Results: the committee counts and certifies; members read certified results."""

from __future__ import annotations

import hashlib
import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from congress.auth import roles
from congress.auth.decorators import fresh_login_required, requires
from congress.conference.models import Conference, InvalidTransition
from congress.conference.operations import committee_of, on_committee
from congress.core.rules import RuleRefused
from congress.extensions import db
from congress.i18n import language
from congress.models_common import utcnow
from congress.voting import polls, storage
from congress.voting.models import Poll
from congress.voting.views import committee_only, get_poll
from congress.web.safety import db_int

from . import certify, counting, export, objections, runoff
from .forms import OUTCOME_LABELS, ResultObjectionForm
from .models import Tally
from .presenter import present

bp = Blueprint("results", __name__)


def can_see(poll: Poll) -> bool:
    """Before certification only the committee and observers see a count."""
    if poll.state == "certified":
        return True
    if poll.state != "tallied":
        return False
    return sees_uncertified(poll)


def sees_uncertified(poll: Poll) -> bool:
    """The election committee and observers see a count before it is certified (the
    totals k trustees decrypted, too); everyone else once it is certified."""
    if poll.state == "certified":
        return True
    conference = db.session.get(Conference, poll.conference_id)
    return current_user.has_role(roles.OBSERVER) or on_committee(conference, current_user)


@bp.route("/polls/<int:poll_id>/result")
@login_required
def result(poll_id: int):
    poll = get_poll(poll_id)
    if not can_see(poll):
        abort(404)
    return _render_result(poll)


def _render_result(poll: Poll, *, status: int = 200, refusal=None, error=None, form=None):
    """The result page (or its printable version), with its objections and, for whoever
    may act on them, the forms to file or decide one; a refusal re-renders it."""
    conference = db.session.get(Conference, poll.conference_id)
    tally = db.session.get(Tally, poll.id)
    voted, ballots = polls.counts(poll)
    filed = objections.objections_of(poll)
    objector = objections.objector(conference, current_user)
    template = "results/print.html" if request.args.get("print") else "results/result.html"
    return render_template(
        template,
        poll=poll,
        conference=conference,
        view=present(poll, tally, language()),
        voted=voted,
        ballots=ballots,
        signatures=certify.signatures(poll),
        committee=committee_of(conference),
        is_committee=on_committee(conference, current_user),
        export_sha256=export_digest(poll),
        runoff_exists=db.session.execute(
            select(Poll.id).where(Poll.runoff_of_id == poll.id)
        ).first()
        is not None,
        objections=filed,
        objection_window=objections.window(poll),
        objection_status=objections.status_of(poll, utcnow()) if poll.certified_at else "",
        objector=objector,
        mine=next((o for o in filed if objector and o.delegate_id == objector.id), None),
        objection_form=form or ResultObjectionForm(),
        outcome_labels=OUTCOME_LABELS,
        refusal=refusal,
        error=error,
    ), status


@bp.route("/polls/<int:poll_id>/objection", methods=["POST"])
@login_required
def object_to(poll_id: int):
    """A delegate objects to a certified result (the bylaws' objection article)."""
    poll = get_poll(poll_id)
    if not can_see(poll):
        abort(404)
    form = ResultObjectionForm()
    try:
        objections.file_objection(poll, current_user, form.reason.data or "")
    except objections.NotEntitled as refused:
        return _render_result(poll, refusal=refused, status=403)
    except RuleRefused as refused:
        return _render_result(poll, refusal=refused, status=409)
    except objections.ObjectionError as problem:
        return _render_result(poll, error=str(problem), form=form, status=422)
    flash(_("Your objection is filed; the election committee will decide on it."), "success")
    return redirect(url_for("results.result", poll_id=poll.id, _anchor="objections"))


@bp.route("/polls/<int:poll_id>/objection/decide", methods=["POST"])
@requires(roles.COMMITTEE)
@fresh_login_required
def decide_objection(poll_id: int):
    """The committee upholds or rejects one objection, with its reason."""
    poll = get_poll(poll_id)
    committee_only(poll)
    back = url_for("results.result", poll_id=poll.id, _anchor="objections")
    try:
        objections.decide_objection(
            poll,
            request.form.get("objection", type=db_int),
            request.form.get("outcome", ""),
            request.form.get("answer", ""),
            actor=current_user,
        )
    except objections.ObjectionError as problem:
        flash(str(problem), "error")
        return redirect(back, 303)
    flash(_("The decision on the objection is recorded and the delegate is told."), "success")
    return redirect(back)


_ALTERED = {
    "ballots": _l(
        "The count is refused: the ballots in the box are not those recorded in the audit "
        "chain when the poll closed. The refusal is recorded."
    ),
    "trackers": _l(
        "The count is refused: the trackers in the box are not those recorded in the audit "
        "chain when the poll closed. The refusal is recorded."
    ),
    "opened": _l(
        "The count is refused: the opened ballots are not those recorded in the audit chain "
        "when the box was opened. The refusal is recorded."
    ),
    "archive": _l(
        "The count is refused: the verifiable poll's record does not verify (a ballot, the "
        "encrypted tally, a partial decryption or the result is not what the proofs and the "
        "audit chain say). The refusal is recorded."
    ),
    "roll": _l(
        "The count is refused: the box holds more ballots than the roll marks voters. The "
        "refusal is recorded."
    ),
    "entries": _l(
        "The count is refused: the audit chain holds a second close or opening entry for this "
        "poll, which only someone writing to the database can have added. The refusal is "
        "recorded."
    ),
}


@bp.route("/polls/<int:poll_id>/tally", methods=["POST"])
@requires(roles.COMMITTEE)
@fresh_login_required
def tally(poll_id: int):
    poll = get_poll(poll_id)
    committee_only(poll)
    try:
        counting.run_tally(poll, actor=current_user)
    except counting.BoxSealed:
        flash(_("The ballot box is still sealed: the key holders must open it first."), "error")
        return redirect(url_for("sealing.box", poll_id=poll.id), 303)
    except counting.NotDecrypted:
        flash(_("The trustees must first decrypt the tally."), "error")
        return redirect(url_for("verifiable.decrypt", poll_id=poll.id), 303)
    except storage.BoxAltered as altered:
        counting.refuse_altered(poll, altered, actor=current_user)
        flash(_ALTERED[altered.what], "error")
        return redirect(url_for("voting.page", poll_id=poll.id), 303)
    except InvalidTransition:
        flash(_("Only a closed poll can be counted."), "error")
        return redirect(url_for("voting.page", poll_id=poll.id), 303)
    flash(_("The ballots are counted. Each committee member now reviews and signs."), "success")
    return redirect(url_for("results.result", poll_id=poll.id))


@bp.route("/polls/<int:poll_id>/sign", methods=["POST"])
@requires(roles.COMMITTEE)
@fresh_login_required
def sign(poll_id: int):
    poll = get_poll(poll_id)
    committee_only(poll)
    try:
        if request.form.get("decision") == "refuse":
            certify.refuse(poll, current_user, request.form.get("reason", "")[:2000])
            flash(_("Your refusal and its reason are recorded."), "success")
        elif certify.sign(poll, current_user):
            flash(_("The result is certified."), "success")
        else:
            flash(_("Your signature is recorded."), "success")
    except certify.CertificationError as refused:
        flash(str(refused), "error")
        return redirect(url_for("results.result", poll_id=poll.id), 303)
    except InvalidTransition:
        flash(_("This result cannot be signed in its present state."), "error")
        return redirect(url_for("results.result", poll_id=poll.id), 303)
    return redirect(url_for("results.result", poll_id=poll.id))


@bp.route("/polls/<int:poll_id>/runoff", methods=["POST"])
@requires(roles.COMMITTEE)
@fresh_login_required
def make_runoff(poll_id: int):
    poll = get_poll(poll_id)
    committee_only(poll)
    try:
        created = runoff.create_runoff(poll, actor=current_user)
    except polls.PollError as refused:
        flash(str(refused), "error")
        return redirect(url_for("results.result", poll_id=poll.id), 303)
    return redirect(url_for("voting.page", poll_id=created.id))


@bp.route("/polls/<int:poll_id>/export.json")
@login_required
def download(poll_id: int):
    poll = get_poll(poll_id)
    if not can_see(poll):
        abort(404)
    return Response(
        export.to_bytes(export.build(poll)),
        mimetype="application/json",
        headers={"Content-Disposition": f"attachment; filename=poll-{poll.id}.json"},
    )


@bp.route("/polls/<int:poll_id>/export.blt")
@login_required
def download_blt(poll_id: int):
    poll = get_poll(poll_id)
    if not can_see(poll) or not poll.method.startswith("stv"):
        abort(404)
    return Response(
        export.blt(poll),
        mimetype="text/plain",
        headers={"Content-Disposition": f"attachment; filename=poll-{poll.id}.blt"},
    )


def export_digest(poll: Poll) -> str:
    return hashlib.sha256(export.to_bytes(export.build(poll))).hexdigest()


@bp.app_template_filter("fromjson")
def _fromjson(value: str):
    return json.loads(value)


@bp.app_template_filter("user_name")
def _user_name(user_id: int) -> str:
    from congress.auth.models import User

    user = db.session.get(User, user_id)
    return user.name or user.email if user else str(user_id)
