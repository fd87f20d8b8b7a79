"""The member roll for credentials officers and administrators."""

from __future__ import annotations

import hashlib

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from congress.auth import roles
from congress.auth.decorators import requires
from congress.core.roll.header import field_title
from congress.extensions import db

from . import operations
from .forms import ApplyImportForm, ImportForm
from .models import STATUS_LABELS, STATUSES, Branch

bp = Blueprint("members", __name__, url_prefix="/members")
STAFF = (roles.CREDENTIALS, roles.ADMIN)


@bp.app_context_processor
def _labels() -> dict:
    return {"status_labels": STATUS_LABELS, "roll_fields": _roll_fields}


def _roll_fields(fields, lang: str) -> str:
    """Changed fields of an imported row, named as the reader calls them."""
    return ("، " if lang != "en" else ", ").join(field_title(f, lang) for f in fields)


@bp.route("/")
@requires(*STAFF)
def index():
    q = request.args.get("q", "")[:100]
    branch = request.args.get("branch", "")[:10]
    status = request.args.get("status", "")
    status = status if status in STATUSES else ""
    members = operations.search(q, branch=branch, status=status)
    branches = db.session.execute(db.select(Branch).order_by(Branch.code)).scalars().all()
    return render_template(
        "members/index.html",
        members=members,
        q=q,
        branch=branch,
        status=status,
        branches=branches,
        statuses=STATUSES,
        designating=(designating := _designating()),
        already=_already_designated(designating),
    )


def _already_designated(conference) -> set[int]:
    """The members already designated (and not withdrawn or rejected) for that conference:
    marked on the roll, so an officer does not tick them for nothing."""
    if conference is None:
        return set()
    from congress.conference.delegates import ACTIVE
    from congress.conference.models import Delegate

    return set(
        db.session.execute(
            db.select(Delegate.member_id).where(
                Delegate.conference_id == conference.id, Delegate.status.in_(ACTIVE)
            )
        ).scalars()
    )


def _designating():
    """The conference whose delegates can be designated from the roll: one convened, its
    registration open (the soonest, should there be two)."""
    from congress.conference.models import Conference

    return db.session.execute(
        db.select(Conference)
        .where(Conference.state == "convened")
        .order_by(Conference.starts_at)
        .limit(1)
    ).scalar_one_or_none()


@bp.route("/export.csv")
@requires(*STAFF)
def export():
    return Response(
        operations.export_csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=members.csv"},
    )


@bp.route("/<int:member_id>/invite", methods=["POST"])
@requires(*STAFF)
def invite(member_id: int):
    """An account link for a member who is not (yet) a delegate, e.g. to stand as a candidate."""
    from congress.conference import invitations

    from .models import Member

    member = db.session.get(Member, member_id) or abort(404)
    try:
        invitation, link = invitations.issue_for_member(member, actor=current_user)
    except invitations.InvalidInvitation:
        flash(_("A member who has resigned cannot get an account."), "error")
        return redirect(url_for("members.index"), 303)
    except invitations.AlreadyActive:
        flash(
            _(
                "This member already has an active account: they log in with it, or choose "
                "a new password with “Forgot your password?”."
            ),
            "error",
        )
        return redirect(url_for("members.index"), 303)
    if not invitation.shown_to_staff:  # mailed: the link reaches the member only
        flash(_("The link was mailed to the member; it is shown to no one else."), "success")
        return redirect(url_for("members.index"))
    return render_template("members/invited.html", member=member, link=link)


@bp.route("/import", methods=["GET", "POST"])
@requires(*STAFF)
def import_roll():
    form = ImportForm()
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("members/import.html", form=form), status
    upload = form.file.data
    if not upload or not upload.filename:
        flash(_("Choose a CSV file."), "error")
        return render_template("members/import.html", form=form), 422
    data = upload.read()
    preview = operations.preview(data)
    apply_form = ApplyImportForm(
        key=operations.stash(data) if preview.ok else "", sha256=preview.sha256
    )
    return render_template("members/import.html", form=form, preview=preview, apply_form=apply_form)


@bp.route("/import/apply", methods=["POST"])
@requires(*STAFF)
def apply_import():
    form = ApplyImportForm()
    data = operations.unstash(form.key.data) if form.validate_on_submit() else None
    if data is None or hashlib.sha256(data).hexdigest() != form.sha256.data:
        flash(_("The previewed file is no longer available; upload it again."), "error")
        return redirect(url_for("members.import_roll"))
    try:
        result = operations.apply(data, actor=current_user)
    except operations.ImportRefused as refused:
        flash(
            ngettext(
                "The file has %(num)d error; nothing was imported.",
                "The file has %(num)d errors; nothing was imported.",
                len(refused.preview.errors),
            ),
            "error",
        )
        return redirect(url_for("members.import_roll"))
    operations.discard(form.key.data)
    flash(
        _(
            "Imported: %(new)d new, %(updated)d updated, %(unchanged)d unchanged.",
            new=result.count("new"),
            updated=result.count("updated"),
            unchanged=result.count("unchanged"),
        ),
        "success",
    )
    return redirect(url_for("members.index"))
