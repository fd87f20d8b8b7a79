"""Delegates: designation and accreditation by the officer; activation, status and
check-in by the delegate."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from sqlalchemy import select

from congress.auth import roles
from congress.auth.decorators import mark_fresh, requires
from congress.auth.models import User
from congress.auth.operations import AccountError
from congress.core.rules import RuleRefused
from congress.extensions import db, limiter
from congress.i18n import isolate, language, zone_choices
from congress.members.models import Branch, Member
from congress.web.safety import db_int

from . import attendance, delegates, invitations, records
from .facts import bylaws_of, standing_for_apportionment
from .forms import (
    PRESENCE_LABELS,
    ActivationForm,
    DesignateForm,
    PresenceForm,
    ReasonForm,
    ReplaceForm,
)
from .models import Delegate, Invitation
from .views import get_conference

bp = Blueprint("delegates", __name__, url_prefix="/conferences")
OFFICERS = (roles.CREDENTIALS, roles.ADMIN)
RECORD_READERS = (*OFFICERS, roles.OBSERVER, roles.COMMITTEE)  # the delegates page's readers


def _delegate(conference_id: int, delegate_id: int) -> Delegate:
    delegate = db.session.get(Delegate, delegate_id)
    if delegate is None or delegate.conference_id != conference_id:
        abort(404)
    return delegate


def _back(conference_id: int, status: int = 302):
    return redirect(url_for("delegates.index", conference_id=conference_id), status)


@bp.route("/<int:conference_id>/delegates")
@requires(*RECORD_READERS)
def index(conference_id: int, refusal=None, issued_link=None, status: int = 200):
    conference = get_conference(conference_id)
    rules = bylaws_of(conference)
    standing = standing_for_apportionment(conference, rules)
    apportionment = rules.apportionment(standing)
    branches = db.session.execute(select(Branch).order_by(Branch.code)).scalars().all()
    rows = (
        db.session.execute(
            select(Delegate)
            .where(Delegate.conference_id == conference.id)
            .order_by(Delegate.branch_id, Delegate.kind, Delegate.id)
        )
        .scalars()
        .all()
    )
    pending = {
        i.delegate_id: i
        for i in db.session.execute(
            select(Invitation)
            .where(Invitation.used_at.is_(None), Invitation.revoked_at.is_(None))
            .join(Delegate)
            .where(Delegate.conference_id == conference.id)
        ).scalars()
    }
    with_account = set(
        db.session.execute(
            select(User.member_id).where(
                User.member_id.in_([d.member_id for d in rows]), User.password_hash.is_not(None)
            )
        ).scalars()
    )
    return render_template(
        "conference/delegates.html",
        conference=conference,
        apportionment=apportionment,
        standing=standing,
        branches=branches,
        delegates=rows,
        by_id={d.id: d for d in rows},
        # withdrawn delegates whose seat an alternate holds: neither replaced nor reinstated
        replaced={d.replaces_id for d in rows if d.replaces_id and d.status in delegates.ACTIVE},
        with_account=with_account,
        pending=pending,
        method_text=rules.article(apportionment.article).summary.get(language()),
        designate_form=DesignateForm(),
        reason_form=ReasonForm(),
        refusal=refusal,
        issued_link=issued_link,
        can_act=any(current_user.has_role(r) for r in OFFICERS),
        sittings=records.sittings(conference),
    ), status


@bp.route("/<int:conference_id>/delegates/designate", methods=["POST"])
@requires(*OFFICERS)
def designate(conference_id: int):
    conference = get_conference(conference_id)
    form = DesignateForm()
    if not form.validate_on_submit():
        flash(_("Enter a member number."), "error")
        return _back(conference.id, 303)
    member = db.session.execute(
        select(Member).where(Member.number == form.member_number.data.strip())
    ).scalar_one_or_none()
    if member is None:
        flash(_("No member has the number %(n)s.", n=form.member_number.data.strip()), "error")
        return _back(conference.id, 303)
    branch_code = request.form.get("branch") or member.branch.code
    branch = db.session.execute(
        select(Branch).where(Branch.code == branch_code)
    ).scalar_one_or_none() or abort(400)
    try:
        delegates.designate(conference, member, branch, form.kind.data, actor=current_user)
    except RuleRefused as refused:
        return index(conference.id, refusal=refused, status=409)
    except delegates.DelegateError as refused:
        flash(str(refused), "error")
        return _back(conference.id, 303)
    flash(_("%(name)s is designated.", name=isolate(member.name_ar)), "success")
    return _back(conference.id)


@bp.route("/<int:conference_id>/delegates/<int:delegate_id>/<action>", methods=["POST"])
@requires(*OFFICERS)
def decide(conference_id: int, delegate_id: int, action: str):
    delegate = _delegate(conference_id, delegate_id)
    reason = (ReasonForm().reason.data or "").strip()
    try:
        if action == "accredit":
            delegates.accredit(delegate, actor=current_user)
        elif action == "reject":
            delegates.reject(delegate, reason, actor=current_user)
        elif action == "withdraw":
            if request.form.get("confirm") != "yes":
                raise delegates.DelegateError(_("Tick the box to confirm; nothing was changed."))
            delegates.withdraw(delegate, reason, actor=current_user)
        elif action == "reinstate":
            open_polls = delegates.reinstate(delegate, actor=current_user)
            flash(_("The withdrawal is undone."), "success")
            if open_polls:
                flash(
                    _(
                        "Polls already open keep the roll they had when they opened; the "
                        "delegate votes in the polls opened from now on."
                    ),
                    "info",
                )
            return _back(conference_id)
        elif action == "replace":
            form = ReplaceForm()
            alternate = (
                db.session.get(Delegate, form.alternate.data or 0)
                if form.validate_on_submit()
                else None
            )
            if alternate is None:
                abort(400)
            delegates.replace(delegate, alternate, actor=current_user)
        elif action == "invite":
            invitation, link = invitations.issue(delegate, actor=current_user)
            if not invitation.shown_to_staff:  # mailed: the link reaches the member only
                flash(
                    _("The link was mailed to the member; it is shown to no one else."),
                    "success",
                )
                return _back(conference_id)
            return index(conference_id, issued_link=(delegate, link))
        elif action == "revoke":
            for invitation in db.session.execute(
                select(Invitation).where(Invitation.delegate_id == delegate.id)
            ).scalars():
                invitations.revoke(invitation, actor=current_user)
        else:
            abort(404)
    except delegates.DelegateError as refused:
        flash(str(refused), "error")
        return _back(conference_id, 303)
    except RuleRefused as refused:
        return index(conference_id, refusal=refused, status=409)
    except invitations.InvalidInvitation:
        flash(_("Only a designated or accredited delegate can be invited."), "error")
        return _back(conference_id, 303)
    except invitations.AlreadyActive:
        flash(
            _(
                "This member already has an active account: they log in with it, or choose "
                "a new password with “Forgot your password?”."
            ),
            "error",
        )
        return _back(conference_id, 303)
    flash(_("Done."), "success")
    return _back(conference_id)


# --- the delegate's own pages ------------------------------------------------------------


@bp.route("/activate/<token>", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def activate(token: str):
    try:
        invitation = invitations.find_valid(token)
    except invitations.InvalidInvitation:
        return render_template("conference/activate_invalid.html"), 404
    member = invitation.member
    form = ActivationForm()
    form.timezone.choices = zone_choices()
    if request.method == "GET":
        form.timezone.data = "Asia/Damascus" if member.branch.code == "SY" else None
    if form.validate_on_submit():
        try:
            user = invitations.activate(
                token,
                password=form.password.data,
                email=form.email.data,
                language=form.language.data,
                timezone=form.timezone.data,
            )
        except invitations.InvalidInvitation:
            return render_template("conference/activate_invalid.html"), 404
        except invitations.AccountLinked:
            flash(
                _(
                    "You already have an account with this email: it is now linked to your "
                    "membership. Log in with its password."
                ),
                "success",
            )
            return redirect(url_for("auth.login"))
        except AccountError as refused:
            for problem in refused.problems:
                flash(problem, "error")
            return render_template("conference/activate.html", form=form, member=member), 422
        login_user(user)
        mark_fresh()
        flash(_("Your account is active."), "success")
        if invitation.delegate is None:
            return redirect(url_for("web.home"))
        return redirect(url_for("delegates.me", conference_id=invitation.delegate.conference_id))
    status = 422 if request.method == "POST" else 200
    return render_template("conference/activate.html", form=form, member=member), status


@bp.route("/<int:conference_id>/me", methods=["GET", "POST"])
@login_required
def me(conference_id: int):
    conference = get_conference(conference_id)
    delegate = delegates.delegate_of(conference, current_user)
    if delegate is None:
        abort(403)
    if request.method == "POST":  # CSRFProtect has checked the token already
        wanted = {"check_in": "present", "check_out": "checked_out"}.get(
            request.form.get("action", "")
        )
        if wanted is None:
            abort(400)
        try:
            attendance.set_presence(delegate, wanted, actor=current_user)
        except delegates.DelegateError as refused:
            flash(str(refused), "error")
            return redirect(url_for("delegates.me", conference_id=conference.id), 303)
        return redirect(url_for("delegates.me", conference_id=conference.id))
    sitting = attendance.open_sitting(conference)
    presence = attendance.presence_of(delegate, sitting) if sitting else None
    return render_template(
        "conference/me.html",
        conference=conference,
        delegate=delegate,
        sitting=sitting,
        presence=presence,
        presence_labels=PRESENCE_LABELS,
    )


@bp.route("/<int:conference_id>/attendance", methods=["GET", "POST"])
@requires(*OFFICERS)
def attendance_page(conference_id: int):
    conference = get_conference(conference_id)
    if request.method == "POST":
        form = PresenceForm()
        delegate = _delegate(conference.id, request.form.get("delegate", type=db_int) or 0)
        if not form.validate_on_submit():
            abort(400)
        try:
            attendance.set_presence(delegate, form.state.data, actor=current_user)
        except delegates.DelegateError as refused:
            flash(str(refused), "error")
            return redirect(url_for("delegates.attendance_page", conference_id=conference.id), 303)
        return redirect(url_for("delegates.attendance_page", conference_id=conference.id))
    sitting = attendance.open_sitting(conference)
    accredited = (
        db.session.execute(
            select(Delegate)
            .where(Delegate.conference_id == conference.id, Delegate.status == "accredited")
            .order_by(Delegate.branch_id, Delegate.id)
        )
        .scalars()
        .all()
    )
    states = attendance.states_in(sitting) if sitting else {}
    return render_template(
        "conference/attendance.html",
        conference=conference,
        sitting=sitting,
        delegates=accredited,
        states=states,
        presence_labels=PRESENCE_LABELS,
        form=PresenceForm(),
        quorum=attendance.quorum(conference),
        sittings=records.sittings(conference),
    )


# --- records: CSV files for a spreadsheet ------------------------------------------------


def _csv_file(text: str, filename: str) -> Response:
    return Response(
        text.encode("utf-8"),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/<int:conference_id>/delegates.csv")
@requires(*RECORD_READERS)
def delegates_csv(conference_id: int):
    conference = get_conference(conference_id)
    return _csv_file(records.delegates_csv(conference), f"delegates-{conference.id}.csv")


@bp.route("/<int:conference_id>/attendance.csv")
@requires(*RECORD_READERS)
def attendance_csv(conference_id: int):
    """One sitting's attendance (`?sitting=<number>`; the latest sitting without it)."""
    conference = get_conference(conference_id)
    number = request.args.get("sitting", type=db_int)
    if "sitting" in request.args and number is None:
        abort(404)
    sitting = records.sitting_by_number(conference, number) or abort(404)
    return _csv_file(
        records.attendance_csv(sitting),
        f"attendance-{conference.id}-sitting-{sitting.number}.csv",
    )


from . import bulk_views  # noqa: E402, F401  (its routes are on this blueprint)
