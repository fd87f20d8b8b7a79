"""Pages of the verifiable level: the trustees' key, the credential authority's uploads,
the booth, the trustees' decryption, and the public archive."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from functools import cache
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from congress.auth import roles
from congress.auth.decorators import fresh_login_required, requires
from congress.conference.models import Conference, Delegate
from congress.conference.operations import on_committee
from congress.core.ballot import InvalidBallot
from congress.extensions import db
from congress.i18n import language
from congress.voting import casting
from congress.voting.board import is_public
from congress.voting.models import Poll

from . import polls, trustees
from .booth_messages import booth_messages

bp = Blueprint("verifiable", __name__)
UPLOAD_LIMIT = 2_000_000  # characters of one pasted or uploaded message
BOOTH_SCRIPTS = ("booth/belenios.js", "booth/booth-page.js")


@cache
def _booth_hash(static_folder: str) -> str:
    digest = hashlib.sha256()
    for name in BOOTH_SCRIPTS:
        digest.update(Path(static_folder, name).read_bytes())
    return digest.hexdigest()


def booth_hash() -> str:
    """SHA-256 of the booth's scripts as served (belenios.js, then booth-page.js): published
    on the poll and booth pages so anyone can compare it with the scripts they received."""
    return _booth_hash(current_app.static_folder)


@bp.app_context_processor
def _helpers() -> dict:
    return {
        "verifiable_of": polls.of,
        "booth_hash": booth_hash,
        "election_sha256": polls.election_sha256,
    }


def _conference(conference_id: int) -> Conference:
    return db.session.get(Conference, conference_id) or abort(404)


def _poll(poll_id: int) -> Poll:
    poll = db.session.get(Poll, poll_id) or abort(404)
    if polls.of(poll) is None:
        abort(404)
    return poll


def _posted_text(field: str) -> str:
    """A message pasted in the form, or uploaded as a file."""
    upload = request.files.get(f"{field}_file")
    if upload is not None and upload.filename:
        data = upload.read(UPLOAD_LIMIT + 1)
        if len(data) > UPLOAD_LIMIT:
            abort(413)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return ""
    return (request.form.get(field) or "")[:UPLOAD_LIMIT]


# --- the trustees' key -------------------------------------------------------------------


@bp.route("/conferences/<int:conference_id>/trustees", methods=["GET", "POST"])
@requires(roles.COMMITTEE)
def trustees_page(conference_id: int):
    conference = _conference(conference_id)
    if not on_committee(conference, current_user):
        abort(403)
    if request.method == "POST":
        try:
            if request.form.get("action") == "begin":
                trustees.begin(conference, actor=current_user)
            elif request.form.get("action") == "restart":
                if request.form.get("confirm") != "yes":
                    raise trustees.TrusteeRefused(
                        _("Tick the box to confirm; nothing was changed.")
                    )
                trustees.restart(conference, actor=current_user)
            else:
                text = _posted_text("message")
                trustees.submit(conference, current_user, text, actor=current_user)
            flash(_("Received and checked."), "success")
        except trustees.TrusteeRefused as refused:
            flash(refused.message, "error")
            return redirect(url_for("verifiable.trustees_page", conference_id=conference.id), 303)
        return redirect(url_for("verifiable.trustees_page", conference_id=conference.id))
    setup = trustees.setup_of(conference)
    sent = {}
    if setup is not None:
        for step in trustees.STEPS[:3]:
            sent[step] = {m.user_id for m in trustees.messages(conference, step)}
    from congress.conference.facts import bylaws_of

    return render_template(
        "verifiable/trustees.html",
        conference=conference,
        setup=setup,
        rule=bylaws_of(conference).certification.signatures,
        sent=sent,
        committee=trustees.trustee_ids(conference),
        mine_sent=setup is not None and current_user.id in sent.get(setup.step, set()),
    )


@bp.route("/conferences/<int:conference_id>/trustees/certificates.json")
@requires(roles.COMMITTEE)
def certificates_download(conference_id: int):
    conference = _conference(conference_id)
    if not on_committee(conference, current_user):
        abort(403)
    return Response(
        json.dumps(trustees.public_bundle(conference)),
        mimetype="application/json",
        headers={"Content-Disposition": "attachment; filename=certificates.json"},
    )


@bp.route("/conferences/<int:conference_id>/trustees/vinput.json")
@requires(roles.COMMITTEE)
def vinput_download(conference_id: int):
    conference = _conference(conference_id)
    vinput = trustees.vinput_for(conference, current_user)
    if vinput is None:
        abort(404)
    return Response(
        vinput,
        mimetype="application/json",
        headers={"Content-Disposition": "attachment; filename=vinput.json"},
    )


# --- the credential authority ------------------------------------------------------------


@bp.route("/conferences/<int:conference_id>/credential-authority")
@requires(roles.AUTHORITY)
def authority_page(conference_id: int):
    """The credential authority's work for the conference: issue the credentials once,
    then publish each verifiable poll's public credentials when it opens."""
    conference = _conference(conference_id)
    rows = db.session.execute(
        db.select(Poll, polls.VerifiablePoll)
        .join(polls.VerifiablePoll, polls.VerifiablePoll.poll_id == Poll.id)
        .where(Poll.conference_id == conference.id)
        .order_by(Poll.id)
    ).all()
    return render_template("verifiable/authority.html", conference=conference, rows=rows)


@bp.route("/conferences/<int:conference_id>/delegates-for-credentials.csv")
@requires(roles.AUTHORITY)
def delegates_csv(conference_id: int):
    """What the credential authority issues credentials for: the conference's delegates."""
    conference = _conference(conference_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["number", "name", "email", "branch"])
    rows = db.session.execute(
        db.select(Delegate).where(
            Delegate.conference_id == conference.id,
            Delegate.status.in_(("designated", "accredited")),
        )
    ).scalars()
    for d in rows:
        writer.writerow([d.member.number, d.member.name_ar, d.member.email, d.branch.code])
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=delegates.csv"},
    )


@bp.route("/polls/<int:poll_id>/credentials", methods=["GET", "POST"])
@requires(roles.AUTHORITY)
@fresh_login_required
def credentials_page(poll_id: int):
    poll = _poll(poll_id)
    vp = polls.of(poll)
    if request.method == "POST":
        try:
            polls.upload_credentials(poll, _posted_text("credentials"), actor=current_user)
        except polls.VerifiableRefused as refused:
            flash(refused.message, "error")
            return redirect(url_for("verifiable.credentials_page", poll_id=poll.id), 303)
        flash(_("The public credentials are published: voting can start."), "success")
        return redirect(url_for("verifiable.credentials_page", poll_id=poll.id))
    return render_template("verifiable/credentials.html", poll=poll, vp=vp)


@bp.route("/polls/<int:poll_id>/roll.txt")
@requires(roles.AUTHORITY)
def roll_download(poll_id: int):
    poll = _poll(poll_id)
    if poll.state == "draft":
        abort(404)
    return Response(
        "\n".join(polls.roll_numbers(poll)) + "\n",
        mimetype="text/plain",
        headers={"Content-Disposition": f"attachment; filename=roll-{poll.id}.txt"},
    )


# --- the booth ---------------------------------------------------------------------------


@bp.route("/polls/<int:poll_id>/booth")
@login_required
def booth(poll_id: int):
    poll = _poll(poll_id)
    _voted = casting.has_voted(poll.id, current_user.member_id)
    if _voted is None:
        abort(403)
    if poll.state != "open" or poll.casting_ended():
        return render_template("voting/not_open.html", poll=poll), 409
    from congress.voting.board import candidates

    return render_template(
        "verifiable/booth.html",
        poll=poll,
        vp=polls.of(poll),
        candidates=candidates(poll),
        voted=_voted,
        booth_messages=booth_messages,
    )  # booth_hash comes from the context processor


@bp.route("/polls/<int:poll_id>/election.json")
@login_required
def election_json(poll_id: int):
    """The election, only as the opening recorded it: a key swapped in the database is
    never handed to a booth."""
    poll = _poll(poll_id)
    vp = polls.of(poll)
    if not vp.election:
        abort(404)
    try:
        polls.checked_election(poll)
    except polls.RecordChanged:
        return Response(
            _("This poll's election differs from the one recorded at its opening."),
            status=409,
            mimetype="text/plain",
        )
    return Response(vp.election, mimetype="application/json")


@bp.route("/polls/<int:poll_id>/public-credentials.json")
@login_required
def public_credentials_json(poll_id: int):
    vp = polls.of(_poll(poll_id))
    if not vp.credentials:
        abort(404)
    return Response(vp.credentials, mimetype="application/json")


@bp.route("/polls/<int:poll_id>/verifiable/cast", methods=["POST"])
@login_required
def cast(poll_id: int):
    """A Belenios ballot, made by our booth or by any other client (belenios-tool)."""
    poll = _poll(poll_id)
    try:
        tracker = polls.cast(poll.id, current_user.member_id, _posted_text("ballot"))
    except casting.CastRefused as refused:
        return render_template("voting/refused.html", poll=poll, refused=refused), 409
    return render_template("verifiable/receipt.html", poll=poll, tracker=tracker)


@bp.route("/polls/<int:poll_id>/verifiable/without-javascript", methods=["POST"])
@login_required
def cast_without_javascript(poll_id: int):
    """The voter without JavaScript: the server builds the ballot, then forgets the
    credential and the randomness; the board says how many ballots were built so."""
    poll = _poll(poll_id)
    from congress.voting.views import _choices

    if casting.has_voted(poll.id, current_user.member_id) is None:
        abort(403)  # not on this poll's roll: as the booth
    if request.form.get("without_javascript") != "yes":  # only a <noscript> field says so
        flash(
            _(
                "Your browser had not finished loading the booth: nothing was sent. Wait until "
                "the page has loaded, then encrypt your ballot again."
            ),
            "error",
        )
        return redirect(url_for("verifiable.booth", poll_id=poll.id), 303)
    try:
        content = casting.review(poll, **_choices())
        raw = polls.build_for_voter(poll, request.form.get("credential", "")[:60], content)
        tracker = polls.cast(poll.id, current_user.member_id, raw, server_built=True)
    except InvalidBallot as invalid:
        flash(" ".join(p.get(language()) for p in invalid.problems), "error")
        return redirect(url_for("verifiable.booth", poll_id=poll.id), 303)
    except polls.VerifiableRefused as refused:
        flash(refused.message, "error")
        return redirect(url_for("verifiable.booth", poll_id=poll.id), 303)
    except casting.CastRefused as refused:
        return render_template("voting/refused.html", poll=poll, refused=refused), 409
    return render_template("verifiable/receipt.html", poll=poll, tracker=tracker, built=True)


# --- after the close ---------------------------------------------------------------------


@bp.route("/polls/<int:poll_id>/decrypt", methods=["GET", "POST"])
@requires(roles.COMMITTEE)
@fresh_login_required
def decrypt(poll_id: int):
    poll = _poll(poll_id)
    conference = db.session.get(Conference, poll.conference_id)
    if not on_committee(conference, current_user):
        abort(403)
    if request.method == "POST":
        try:
            done = polls.submit_partial(
                poll, current_user, _posted_text("partial"), actor=current_user
            )
        except polls.VerifiableRefused as refused:
            flash(refused.message, "error")
            return redirect(url_for("verifiable.decrypt", poll_id=poll.id), 303)
        if done:
            flash(_("The result is decrypted: the committee can count it."), "success")
            return redirect(url_for("voting.page", poll_id=poll.id))
        flash(_("Your partial decryption is checked and kept."), "success")
        return redirect(url_for("verifiable.decrypt", poll_id=poll.id))
    received = polls.partial_owners(poll)
    return render_template(
        "verifiable/decrypt.html",
        poll=poll,
        vp=polls.of(poll),
        setup=trustees.setup_of(conference),
        received=received,
        mine=trustees.trustee_index(conference, current_user) in received,
    )


@bp.route("/polls/<int:poll_id>/encrypted-tally.json")
@login_required
def tally_json(poll_id: int):
    poll = _poll(poll_id)
    vp = polls.of(poll)
    if not vp.encrypted_tally or not is_public(poll):  # never an annulled poll's
        abort(404)
    return Response(vp.encrypted_tally, mimetype="application/json")


@bp.route("/polls/<int:poll_id>/archive.bel")
@login_required
def archive(poll_id: int):
    """The election record, for anyone to check with belenios-tool or congress verify.
    While the poll is open it holds only its setup (the election, the trustees, the public
    credentials): what an independent client needs to make a ballot
    (`belenios-tool election generate-ballot`), and no ballot. Once a trustee's partial
    decryption is in, it gives the count: until the count is certified only the committee
    and observers get it (as the result page)."""
    poll = _poll(poll_id)
    vp = polls.of(poll)
    if vp.archive is None or not (is_public(poll) or poll.state == "open"):
        abort(404)
    from congress.results.views import sees_uncertified

    if polls.partial_owners(poll) and not sees_uncertified(poll):
        abort(404)  # partial decryptions give the count: public once it is certified
    return Response(
        vp.archive,
        mimetype="application/x-tar",
        headers={"Content-Disposition": f"attachment; filename={vp.uuid}.bel"},
    )
