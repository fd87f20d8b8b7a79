"""The bylaws page every member can read, and the administrator's upload."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from congress.auth import roles
from congress.auth.decorators import fresh_login_required, requires
from congress.core.bylaws import BylawsInvalid
from congress.extensions import db
from congress.i18n import language
from congress.web.safety import db_int

from . import operations
from .forms import MAX_BYLAWS_BYTES, UploadForm
from .models import BylawsVersion

bp = Blueprint("bylaws", __name__)


@bp.route("/bylaws")
def page():
    """Readable by anyone: the bylaws are the organization's public rules."""
    number = request.args.get("version", type=db_int)
    version = operations.by_number(number) if number else operations.latest()
    if version is None:
        if number:
            abort(404)
        return render_template("bylaws/page.html", version=None, rules=None)
    return render_template(
        "bylaws/page.html", version=version, rules=operations.rules_of(version), lang=language()
    )


@bp.route("/bylaws.toml")
def download():
    """The file itself, byte for byte as stored: its SHA-256 is the one the page shows."""
    number = request.args.get("version", type=db_int)
    if "version" in request.args and number is None:
        abort(404)
    version = operations.by_number(number) if number else operations.latest()
    if version is None:
        abort(404)
    return Response(
        version.text.encode("utf-8"),
        content_type="application/toml; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="bylaws-v{version.number}.toml"'},
    )


@bp.route("/admin/bylaws", methods=["GET", "POST"])
@requires(roles.ADMIN)
@fresh_login_required
def upload():
    form = UploadForm()
    versions = (
        db.session.execute(select(BylawsVersion).order_by(BylawsVersion.number.desc()))
        .scalars()
        .all()
    )
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("bylaws/upload.html", form=form, versions=versions), status
    text, filename = _submitted_text(form)
    if text is None:
        return render_template("bylaws/upload.html", form=form, versions=versions), 422
    try:
        version = operations.upload(text, filename=filename, actor=current_user)
    except BylawsInvalid as invalid:
        return render_template(
            "bylaws/upload.html",
            form=form,
            versions=versions,
            problems=invalid.errors,
            lines=text.splitlines(),
        ), 422
    except operations.DuplicateVersion as duplicate:
        flash(
            _(
                "This file is identical to version %(n)d; nothing was stored.",
                n=duplicate.existing.number,
            ),
            "error",
        )
        return render_template("bylaws/upload.html", form=form, versions=versions), 422
    flash(_("Bylaws version %(n)d stored.", n=version.number), "success")
    return redirect(url_for("bylaws.page", version=version.number))


def _submitted_text(form: UploadForm) -> tuple[str | None, str]:
    upload = form.file.data
    if upload and upload.filename:
        raw = upload.read(MAX_BYLAWS_BYTES + 1)
        filename = upload.filename
    else:
        raw = (form.text.data or "").encode("utf-8")
        filename = ""
    if not raw.strip():
        flash(_("Choose a file or paste the bylaws text."), "error")
        return None, filename
    if len(raw) > MAX_BYLAWS_BYTES:
        flash(_("The file is larger than %(n)d KB.", n=MAX_BYLAWS_BYTES // 1024), "error")
        return None, filename
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        flash(_("The file is not UTF-8 text."), "error")
        return None, filename
    return text.replace("\r\n", "\n"), filename
