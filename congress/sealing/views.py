"""Key holders: their passphrase, their share of each poll's key, and the opening."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from congress.auth import roles
from congress.auth.decorators import fresh_login_required, requires
from congress.extensions import db
from congress.voting.views import committee_only, get_poll

from . import ceremony, opening
from .forms import ConfirmForm, PassphraseForm, RevealForm, ShareForm
from .models import KeyHolder, PollKey, ShareEnvelope

bp = Blueprint("sealing", __name__)


@bp.route("/account/key-holder", methods=["GET", "POST"])
@requires(roles.COMMITTEE)
@fresh_login_required
def passphrase():
    form = PassphraseForm()
    if form.validate_on_submit():
        try:
            ceremony.set_keyholder_passphrase(current_user, form.passphrase.data)
        except ceremony.SealingError as refused:
            flash(str(refused), "error")
            return render_template("sealing/passphrase.html", form=form, holder=None), 422
        flash(
            _("Your key-holder passphrase is set. Keep it: you need it to collect each share."),
            "success",
        )
        return redirect(url_for("web.home"))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "sealing/passphrase.html", form=form, holder=db.session.get(KeyHolder, current_user.id)
    ), status


@bp.route("/polls/<int:poll_id>/box")
@login_required
def box(poll_id: int):
    """The sealed box: its key, who holds shares, whether they are collected or entered."""
    poll = get_poll(poll_id)
    key = db.session.get(PollKey, poll.id) or abort(404)
    envelopes = (
        db.session.execute(
            select(ShareEnvelope)
            .where(ShareEnvelope.poll_id == poll.id)
            .order_by(ShareEnvelope.position)
        )
        .scalars()
        .all()
    )
    return render_template(
        "sealing/box.html",
        poll=poll,
        key=key,
        envelopes=envelopes,
        entered=opening.contributors(poll),
        form=ShareForm(),
        mine=ceremony.envelope_of(poll, current_user),
    )


@bp.route("/polls/<int:poll_id>/my-share", methods=["GET", "POST"])
@requires(roles.COMMITTEE)
@fresh_login_required
def my_share(poll_id: int):
    """Shown once: the holder opens the envelope with the passphrase, writes the words down
    and types two of them back; then the envelope is destroyed."""
    poll = get_poll(poll_id)
    envelope = ceremony.envelope_of(poll, current_user) or abort(404)
    if envelope.sealed_share is None:
        return render_template("sealing/share_done.html", poll=poll, envelope=envelope)
    if request.method == "POST" and request.form.get("step") == "confirm":
        form = ConfirmForm()
        try:
            if not form.validate_on_submit():
                raise ceremony.SealingError(_("Type the two words asked for."))
            ceremony.confirm(
                envelope,
                (form.first_position.data, form.second_position.data),
                (form.first_word.data, form.second_word.data),
            )
        except ceremony.SealingError as refused:
            flash(str(refused), "error")
            return render_template("sealing/reveal.html", poll=poll, form=RevealForm()), 422
        flash(_("Your share is collected; the server no longer holds it."), "success")
        return redirect(url_for("sealing.box", poll_id=poll.id))
    form = RevealForm()
    if form.validate_on_submit():
        try:
            words, positions = ceremony.reveal(envelope, form.passphrase.data)
        except ceremony.SealingError as refused:
            flash(str(refused), "error")
            return render_template("sealing/reveal.html", poll=poll, form=form), 422
        return render_template(
            "sealing/share.html", poll=poll, words=words, positions=positions, form=ConfirmForm()
        )
    status = 422 if request.method == "POST" else 200
    return render_template("sealing/reveal.html", poll=poll, form=form), status


@bp.route("/polls/<int:poll_id>/box/open", methods=["POST"])
@requires(roles.COMMITTEE)
@fresh_login_required
def open_box(poll_id: int):
    poll = get_poll(poll_id)
    form = ShareForm()
    if not form.validate_on_submit():
        flash(_("Type the words of your share."), "error")
        return redirect(url_for("sealing.box", poll_id=poll.id), 303)
    try:
        opened = opening.contribute(poll, current_user, form.words.data)
    except opening.ShareRefused as refused:
        opening.refuse(poll, current_user, refused)
        flash(str(refused), "error")
        return redirect(url_for("sealing.box", poll_id=poll.id), 303)
    except ceremony.SealingError as refused:
        flash(str(refused), "error")
        return redirect(url_for("sealing.box", poll_id=poll.id), 303)
    if opened:
        flash(_("The box is open: the ballots are decrypted and the key is gone."), "success")
    else:
        flash(
            _("Your share is entered. The box opens when enough holders have entered theirs."),
            "success",
        )
    return redirect(url_for("sealing.box", poll_id=poll.id))


@bp.route("/polls/<int:poll_id>/box/discard", methods=["POST"])
@requires(roles.COMMITTEE)
@fresh_login_required
def discard(poll_id: int):
    poll = get_poll(poll_id)
    committee_only(poll)
    try:
        ceremony.discard_uncollected(poll, actor=current_user)
    except ceremony.SealingError as refused:
        flash(str(refused), "error")
        return redirect(url_for("sealing.box", poll_id=poll.id), 303)
    return redirect(url_for("sealing.box", poll_id=poll.id))
