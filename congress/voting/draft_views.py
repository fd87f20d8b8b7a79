"""The committee's fixes to a draft poll: edit, delete, preview the ballot."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from congress.auth import roles
from congress.auth.decorators import fresh_login_required, requires
from congress.web.local_time import to_local, to_utc

from . import drafts
from .forms import PollEditForm
from .polls import PollError
from .views import bp, committee_only, get_poll


@bp.route("/polls/<int:poll_id>/edit", methods=["GET", "POST"])
@requires(roles.COMMITTEE)
@fresh_login_required
def edit(poll_id: int):
    poll = get_poll(poll_id)
    conference = committee_only(poll)
    if poll.state != "draft":
        abort(404)
    form = PollEditForm(obj=poll if request.method == "GET" else None)
    if request.method == "GET":
        form.category.data = poll.motion_category or "ordinary"
        form.closes_at.data = to_local(poll.closes_at)
    if form.validate_on_submit():
        try:
            drafts.edit(
                poll,
                actor=current_user,
                closes_at=to_utc(form.closes_at.data),
                title_ar=form.title_ar.data.strip(),
                title_en=(form.title_en.data or "").strip(),
                text_ar=(form.text_ar.data or "").strip(),
                text_en=(form.text_en.data or "").strip(),
                category=form.category.data,
            )
        except PollError as refused:
            flash(str(refused), "error")
            return render_template(
                "voting/edit.html", poll=poll, conference=conference, form=form
            ), 409
        flash(_("The draft is saved."), "success")
        return redirect(url_for("voting.page", poll_id=poll.id))
    status = 422 if request.method == "POST" else 200
    return render_template("voting/edit.html", poll=poll, conference=conference, form=form), status


@bp.route("/polls/<int:poll_id>/delete", methods=["POST"])
@requires(roles.COMMITTEE)
@fresh_login_required
def delete(poll_id: int):
    poll = get_poll(poll_id)
    conference = committee_only(poll)
    if request.form.get("confirm") != "yes":
        flash(_("Tick the box to confirm; nothing was changed."), "error")
        return redirect(url_for("voting.page", poll_id=poll.id), 303)
    try:
        drafts.delete(poll, actor=current_user)
    except PollError as refused:
        flash(str(refused), "error")
        return redirect(url_for("voting.page", poll_id=poll.id), 303)
    flash(_("The draft is deleted."), "success")
    return redirect(url_for("voting.index", conference_id=conference.id))


@bp.route("/polls/<int:poll_id>/preview")
@requires(roles.COMMITTEE)
def preview(poll_id: int):
    """The ballot as a voter will see it, for the committee to check before opening."""
    poll = get_poll(poll_id)
    committee_only(poll)
    return render_template(
        "voting/ballot.html",
        poll=poll,
        candidates=drafts.preview_candidates(poll),
        problems=(),
        chosen=set(),
        ranks={},
        answer=None,
        preview=True,
    )
