"""The credentials officer's actions on several delegates at once: a preview, then a report.

Both steps post to one route; `step=confirm` does it. The preview's form carries only the
rows that would pass; the report says what became of each.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from congress.auth.decorators import requires
from congress.web.safety import db_int

from . import bulk
from .delegate_views import OFFICERS, bp
from .views import get_conference


def _ids(values: list[str]) -> list[int]:
    ids = []
    for value in values:
        try:
            ids.append(db_int(value))
        except ValueError:
            abort(400)
    return ids


@bp.route("/<int:conference_id>/delegates/bulk/<action>", methods=["POST"])
@requires(*OFFICERS)
def bulk_action(conference_id: int, action: str):
    """`action` is designate, accredit or invite (a plain segment, as the single actions'
    route has: any other is a 404)."""
    if action not in bulk.ACTIONS:
        abort(404)
    conference = get_conference(conference_id)
    apply = request.form.get("step") == "confirm"
    from_roll = action == "designate" and request.form.get("origin") == "roll"
    back = (
        url_for("members.index")
        if from_roll
        else url_for("delegates.index", conference_id=conference.id)
    )
    kind = ""
    if action == "designate":
        kind = request.form.get("kind", "delegate")
        if kind not in ("delegate", "alternate"):
            abort(400)
        if conference.state != "convened":
            flash(
                _(
                    "Delegates can be designated only while the conference is "
                    "convened and registration is open."
                ),
                "error",
            )
            return redirect(back, 303)
        items = bulk.numbers_from(request.form.get("numbers", ""), request.form.getlist("member"))
        every = False
    else:
        items = _ids(request.form.getlist("delegate"))
        every = request.form.get("all") == "yes" and not apply
    if not items and not every:
        flash(
            _("Tick at least one row, or paste member numbers; nothing was changed.")
            if action == "designate"
            else _("Tick at least one row; nothing was changed."),
            "error",
        )
        return redirect(back, 303)
    if len(items) > bulk.MAX_ROWS:
        flash(
            ngettext(
                "At most %(num)d row at a time; nothing was changed.",
                "At most %(num)d rows at a time; nothing was changed.",
                bulk.MAX_ROWS,
            ),
            "error",
        )
        return redirect(back, 303)
    if action == "designate":
        rows = bulk.designate(conference, items, kind, actor=current_user, apply=apply)
    else:
        try:
            chosen = bulk.chosen(conference, items, action, every)
        except LookupError:
            abort(404)
        if not chosen:
            flash(_("No row needs this action; nothing was changed."), "error")
            return redirect(back, 303)
        operation = bulk.accredit if action == "accredit" else bulk.invite
        rows = operation(chosen, actor=current_user, apply=apply)
    return render_template(
        "conference/bulk.html",
        conference=conference,
        action=action,
        kind=kind,
        rows=rows,
        applied=apply,
        passing=[r for r in rows if r.ok],
        from_roll=from_roll,
        back=back,
        left_out=_count(request.form.get("left_out")) if apply else 0,
    )


def _count(value: str | None) -> int:
    """The preview's refused rows, carried by the confirmation (only ever shown back)."""
    return int(value) if value and value.isdigit() and len(value) < 5 else 0
