"""Login, logout, password change, fresh-login confirmation, language choice, roles."""

from __future__ import annotations

import time

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from congress.audit import actions
from congress.audit.operations import actor_label, record
from congress.extensions import db, limiter
from congress.web.safety import safe_next

from . import operations, roles, totp
from .decorators import fresh_login_required, mark_fresh, requires
from .forms import ChangePasswordForm, CodeForm, LanguageForm, LoginForm, ReauthForm, RoleForm
from .models import User
from .passwords import verify_password

bp = Blueprint("auth", __name__)


def _account_key() -> str:
    return "account:" + operations.normalize_email(request.form.get("email", ""))[:254]


def _address_limit() -> str:
    return current_app.config["LOGIN_LIMIT_PER_ADDRESS"]


def _account_limit() -> str:
    return current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_address_limit, methods=["POST"])
@limiter.limit(_account_limit, methods=["POST"], key_func=_account_key)
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        result = operations.authenticate(form.email.data, form.password.data)
        if result.ok and result.user.totp_secret:
            session[PENDING] = {
                "id": result.user.id,
                "v": result.user.session_version,
                "at": int(time.time()),
            }
            return redirect(url_for("auth.login_code", next=safe_next(form.next.data)))
        if result.ok:
            login_user(result.user)
            mark_fresh()
            return redirect(safe_next(form.next.data))
        # same answer for an unknown email and a wrong password
        flash(_("Email or password is incorrect."), "error")
        return render_template("auth/login.html", form=form)
    status = 422 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


PENDING = "pending_second_factor"


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_address_limit, methods=["POST"])
def login_code():
    """The second step for accounts with a one-time code."""
    pending = session.get(PENDING) or {}
    user = db.session.get(User, pending.get("id", 0)) if pending else None
    if (
        user is None
        or user.session_version != pending.get("v")
        or time.time() - pending.get("at", 0) > 300
    ):
        session.pop(PENDING, None)
        flash(_("Please log in again."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        if totp.verify(user, form.code.data):
            session.pop(PENDING, None)
            login_user(user)
            mark_fresh()
            return redirect(safe_next(form.next.data))
        record(actions.LOGIN_FAILED, subject=f"user:{user.id}", data={"second_factor": True})
        flash(_("The code is not correct or was already used."), "error")
        return render_template("auth/code.html", form=form)
    status = 422 if request.method == "POST" else 200
    return render_template("auth/code.html", form=form), status


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
def two_factor():
    """Enrol an authenticator app: scan, then prove it works with one code."""
    if current_user.totp_secret:
        return render_template("auth/two_factor.html", enabled=True)
    secret = session.get("totp_setup") or totp.new_secret()
    session["totp_setup"] = secret
    form = CodeForm()
    if form.validate_on_submit():
        if totp.enable(current_user, secret, form.code.data):
            session.pop("totp_setup", None)
            mark_fresh()
            flash(_("Two-step login is on for your account."), "success")
            return redirect(url_for("web.home"))
        flash(_("The code is not correct or was already used."), "error")
        status = 422
    else:
        status = 422 if request.method == "POST" else 200
    uri = totp.provisioning_uri(current_user, secret)
    return render_template(
        "auth/two_factor.html", enabled=False, form=form, secret=secret, qr=totp.qr_data_uri(uri)
    ), status


@bp.before_app_request
def _second_factor_required():
    """Staff accounts without a second factor can do nothing else until they enrol."""
    if request.endpoint in ALWAYS_ALLOWED:  # first: static files need no account loaded
        return None
    if not current_user.is_authenticated or current_user.totp_secret:
        return None
    if not totp.required_for(current_user):
        return None
    return redirect(url_for("auth.two_factor"))


ALWAYS_ALLOWED = {"auth.two_factor", "auth.logout", "auth.set_language", "static", "web.healthz"}


@bp.route("/reauthenticate", methods=["GET", "POST"])
@login_required
@limiter.limit(_address_limit, methods=["POST"])
def reauthenticate():
    form = ReauthForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        password_ok = verify_password(current_user.password_hash, form.password.data)
        code_ok = not current_user.totp_secret or totp.verify(current_user, form.code.data or "")
        if password_ok and code_ok:
            mark_fresh()
            return redirect(safe_next(form.next.data))
        record(
            actions.LOGIN_FAILED,
            actor=actor_label(current_user),
            subject=f"user:{current_user.id}",
            data={"reauthentication": True},
        )
        flash(_("The password is not correct."), "error")
        return render_template("auth/reauthenticate.html", form=form)
    status = 422 if request.method == "POST" else 200
    return render_template("auth/reauthenticate.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    record(actions.LOGOUT, actor=actor_label(current_user), subject=f"user:{current_user.id}")
    # The session is a signed cookie: bumping the version ends it on the server side too,
    # so a copy of the cookie is useless (and the user's other sessions end as well).
    current_user.session_version += 1
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("web.home"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            operations.change_password(current_user, form.current.data, form.new.data)
        except operations.AccountError as refused:
            for problem in refused.problems:
                flash(problem, "error")
            return render_template("auth/password.html", form=form), 422
        login_user(current_user._get_current_object())  # re-issue under the new version
        mark_fresh()
        flash(_("Your password has been changed. Your other sessions have ended."), "success")
        return redirect(url_for("web.home"))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/password.html", form=form), status


@bp.route("/language", methods=["POST"])
def set_language():
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(400)
    response = redirect(safe_next(form.next.data))
    response.set_cookie(
        "lang",
        form.lang.data,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        httponly=True,
        secure=request.is_secure,
    )
    if current_user.is_authenticated:
        current_user.language = form.lang.data
    return response


@bp.route("/admin/users")
@requires(roles.ADMIN)
def users():
    rows = db.session.execute(select(User).order_by(User.email)).scalars().all()
    return render_template("auth/users.html", users=rows, form=RoleForm(), labels=roles.LABELS)


@bp.route("/admin/users/<int:user_id>/roles", methods=["POST"])
@requires(roles.ADMIN)
@fresh_login_required
def change_role(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    if form.action.data == "grant":
        operations.grant_role(user, form.role.data, actor=current_user)
        flash(_("Role granted."), "success")
    else:
        operations.revoke_role(user, form.role.data, actor=current_user)
        flash(_("Role revoked."), "success")
    return redirect(url_for("auth.users"))
