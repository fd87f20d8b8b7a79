"""Login, logout, password change, fresh-login confirmation, language choice, roles."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from congress.audit import actions
from congress.audit.operations import actor_label, record
from congress.extensions import db, limiter
from congress.web.safety import safe_next

from . import operations, roles
from .decorators import fresh_login_required, mark_fresh, requires
from .forms import ChangePasswordForm, LanguageForm, LoginForm, ReauthForm, RoleForm
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
        if result.ok:
            login_user(result.user)
            mark_fresh()
            return redirect(safe_next(form.next.data))
        # same answer for an unknown email and a wrong password
        flash(_("Email or password is incorrect."), "error")
        return render_template("auth/login.html", form=form)
    status = 422 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/reauthenticate", methods=["GET", "POST"])
@login_required
@limiter.limit(_address_limit, methods=["POST"])
def reauthenticate():
    form = ReauthForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        if verify_password(current_user.password_hash, form.password.data):
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
