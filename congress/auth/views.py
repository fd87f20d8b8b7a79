"""Login, logout, password change, fresh-login confirmation, language choice, roles."""

from __future__ import annotations

import secrets
import time

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from limits import parse
from sqlalchemy import select

from congress.audit import actions
from congress.audit.operations import actor_label, record
from congress.extensions import db, limiter
from congress.web.safety import safe_next

from . import device, operations, recovery, roles, totp
from .decorators import fresh_login_required, mark_fresh, requires
from .forms import (
    ChangePasswordForm,
    CodeForm,
    ForgotForm,
    LanguageForm,
    LoginForm,
    ReauthForm,
    ReportForm,
    ResetForm,
    RoleForm,
)
from .models import User
from .passwords import verify_password

bp = Blueprint("auth", __name__)


def _email() -> str:
    return operations.normalize_email(request.form.get("email", ""))[:254]


def _account_key() -> str:
    return "account:" + _email()


def _account_address_key() -> str:
    return f"account:{_email()}|{get_remote_address()}"


def _device_key() -> str:
    return "device:" + device.nonce()


def _trusted() -> bool:
    return device.trusted_for(_email())


def _failed(response) -> bool:
    """Only failures count against an account: a login that succeeds redirects."""
    return response.status_code != 302


def _address_limit() -> str:
    return current_app.config["LOGIN_LIMIT_PER_ADDRESS"]


def _account_limit() -> str:
    return current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]


def _untrusted_limit() -> str:
    return current_app.config["LOGIN_LIMIT_UNTRUSTED"]


def _device_limit() -> str:
    return current_app.config["LOGIN_LIMIT_PER_DEVICE"]


def _fresh_session() -> None:
    """A login starts a new session: nothing from before it (a planted session, its CSRF
    token) survives; the next form gets a new token."""
    session.clear()
    g.pop("csrf_token", None)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_address_limit, methods=["POST"])
@limiter.limit(_account_limit, methods=["POST"], key_func=_account_address_key, deduct_when=_failed)
@limiter.limit(
    _untrusted_limit,
    methods=["POST"],
    key_func=_account_key,
    deduct_when=_failed,
    exempt_when=_trusted,
)
@limiter.limit(
    _device_limit,
    methods=["POST"],
    key_func=_device_key,
    deduct_when=_failed,
    exempt_when=lambda: not _trusted(),
)
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        result = operations.authenticate(form.email.data, form.password.data)
        if result.ok and result.user.totp_secret:
            _fresh_session()
            session[PENDING] = {
                "id": result.user.id,
                "v": result.user.session_version,
                "at": int(time.time()),
                "n": secrets.token_hex(16),  # its tries are counted on the server, by this
            }
            return redirect(url_for("auth.login_code", next=safe_next(form.next.data)))
        if result.ok:
            _fresh_session()
            login_user(result.user)
            mark_fresh()
            return device.remember(redirect(safe_next(form.next.data)), result.user.email)
        # same answer for an unknown email and a wrong password
        flash(_("Email or password is incorrect."), "error")
        return render_template("auth/login.html", form=form)
    status = 422 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


PENDING = "pending_second_factor"


def _code_budget(user: User) -> bool:
    """Wrong codes per account, whatever the address or the pending login: False once spent."""
    item = parse(current_app.config["TOTP_LIMIT_PER_ACCOUNT"])
    return limiter.limiter.test(item, "totp", f"user:{user.id}")


def _spend_code(user: User) -> None:
    limiter.limiter.hit(
        parse(current_app.config["TOTP_LIMIT_PER_ACCOUNT"]), "totp", f"user:{user.id}"
    )


def _pending_tries() -> object:
    return parse(f"{current_app.config['TOTP_TRIES_PER_LOGIN']} per 10 minutes")


def _spend_pending(nonce: str) -> bool:
    """One wrong code of this pending login, counted server side (a replayed cookie does
    not reset it); False once the login's tries are spent."""
    limiter.limiter.hit(_pending_tries(), "totp-pending", nonce)
    return limiter.limiter.test(_pending_tries(), "totp-pending", nonce)


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_address_limit, methods=["POST"])
def login_code():
    """The second step for accounts with a one-time code: a few tries per pending login,
    and a budget per account across logins and addresses, each refusal audited."""
    pending = session.get(PENDING) or {}
    user = db.session.get(User, pending.get("id", 0)) if pending else None
    if (
        user is None
        or user.session_version != pending.get("v")
        or time.time() - pending.get("at", 0) > 300
        or not limiter.limiter.test(_pending_tries(), "totp-pending", pending.get("n") or "none")
    ):
        session.pop(PENDING, None)
        flash(_("Please log in again."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        if not _code_budget(user):
            session.pop(PENDING, None)
            record(
                actions.LOGIN_FAILED,
                subject=f"user:{user.id}",
                data={"second_factor": True, "refused": "too_many_codes_for_account"},
            )
            db.session.commit()
            return render_template(
                "errors/error.html",
                code=429,
                title=_("Too many attempts"),
                text=_(
                    "Too many wrong codes for this account. Wait a few minutes, then log in again."
                ),
            ), 429
        if totp.verify(user, form.code.data):
            _fresh_session()
            login_user(user)
            mark_fresh()
            return device.remember(redirect(safe_next(form.next.data)), user.email)
        _spend_code(user)
        spent = not _spend_pending(pending.get("n") or "none")
        record(
            actions.LOGIN_FAILED,
            subject=f"user:{user.id}",
            data={"second_factor": True, **({"refused": "too_many_codes"} if spent else {})},
        )
        if spent:  # this pending login is over: the password again, then new tries
            session.pop(PENDING, None)
            flash(_("Too many wrong codes. Log in again with your password."), "error")
            return redirect(url_for("auth.login"))
        flash(_("The code is not correct or was already used."), "error")
        return render_template("auth/code.html", form=form)
    status = 422 if request.method == "POST" else 200
    return render_template("auth/code.html", form=form), status


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
def two_factor():
    """Enrol an authenticator app: scan, then prove it works with one code."""
    required = totp.required_for(current_user)
    if current_user.totp_secret:
        return render_template("auth/two_factor.html", enabled=True, required=required)
    secret = totp.open_setup(session.get("totp_setup", "")) or totp.new_secret()
    session["totp_setup"] = totp.seal_setup(secret)  # the cookie is signed, not secret
    form = CodeForm()
    if form.validate_on_submit():
        if totp.enable(current_user, secret, form.code.data):
            session.pop("totp_setup", None)
            mark_fresh()
            codes = totp.new_recovery_codes(current_user)
            return render_template("auth/recovery_codes.html", codes=codes, first=True)
        flash(_("The code is not correct or was already used."), "error")
        status = 422
    else:
        status = 422 if request.method == "POST" else 200
    uri = totp.provisioning_uri(current_user, secret)
    return render_template(
        "auth/two_factor.html",
        enabled=False,
        required=required,
        form=form,
        secret=secret,
        qr=totp.qr_data_uri(uri),
    ), status


@bp.route("/account/two-factor/recovery-codes", methods=["POST"])
@login_required
@fresh_login_required
def new_recovery_codes():
    """New one-time codes replace the old ones (a printed sheet lost or used up)."""
    if not current_user.totp_secret:
        return redirect(url_for("auth.two_factor"))
    codes = totp.new_recovery_codes(current_user)
    record(
        actions.RECOVERY_CODES_RENEWED,
        actor=actor_label(current_user),
        subject=f"user:{current_user.id}",
    )
    return render_template("auth/recovery_codes.html", codes=codes, first=False)


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


@bp.route("/account")
@login_required
def account():
    """Who you are here, and how your account was activated (and by whose hands)."""
    return render_template(
        "auth/account.html",
        activation=operations.activation_of(current_user),
        form=ReportForm(),
    )


@bp.route("/account/report-activation", methods=["POST"])
@login_required
def report_activation():
    form = ReportForm()
    if not form.validate_on_submit():
        abort(400)
    operations.report_activation(current_user, form.note.data or "")
    login_user(current_user._get_current_object())  # other sessions end; this one stays
    mark_fresh()
    flash(
        _(
            "Your report is recorded in the audit log and sent to the election committee "
            "and the administrators. Your other sessions have ended; change your password."
        ),
        "success",
    )
    return redirect(url_for("auth.change_password"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(_address_limit, methods=["POST"])
@limiter.limit(_account_limit, methods=["POST"], key_func=_account_address_key)
def forgot_password():
    """The same answer whether or not the address has an account."""
    form = ForgotForm()
    if form.validate_on_submit():
        recovery.request_reset(form.email.data)
        flash(
            _(
                "If an account has this address, a link to choose a new password is on its "
                "way to it. It works once, within the hour."
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/forgot.html", form=form), status


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def reset_password(token: str):
    try:
        recovery.find_valid(token)
    except recovery.InvalidReset:
        return render_template("auth/reset_invalid.html"), 404
    form = ResetForm()
    if form.validate_on_submit():
        try:
            recovery.reset_password(token, form.new.data)
        except recovery.InvalidReset:
            return render_template("auth/reset_invalid.html"), 404
        except operations.AccountError as refused:
            db.session.rollback()
            for problem in refused.problems:
                flash(problem, "error")
            return render_template("auth/reset.html", form=form), 422
        _fresh_session()
        flash(_("Your new password is set. Every other session has ended: log in."), "success")
        return redirect(url_for("auth.login"))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/reset.html", form=form), status


@bp.route(
    "/admin/users/<int:user_id>/<any(disable, enable, 'force-reset'):action>", methods=["POST"]
)
@requires(roles.ADMIN)
@fresh_login_required
def control_account(user_id: int, action: str):
    """Disable or enable an account, or force its owner to choose a new password."""
    user = db.session.get(User, user_id) or abort(404)
    try:
        if action == "force-reset":
            recovery.force_reset(user, actor=current_user)
            flash(
                _("The password no longer works; a link to choose a new one was sent."), "success"
            )
        else:
            recovery.set_active(user, action == "enable", actor=current_user)
            flash(
                _("The account is enabled.")
                if action == "enable"
                else _("The account is disabled and its sessions ended."),
                "success",
            )
    except recovery.AccountControlRefused as refused:
        flash(refused.message, "error")
        return redirect(url_for("auth.users"), 303)
    return redirect(url_for("auth.users"))


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
        flash(_("Choose a role first."), "error")
        return redirect(url_for("auth.users"), 303)
    if form.action.data == "grant":
        try:
            operations.grant_role(user, form.role.data, actor=current_user)
        except operations.AccountError as refused:
            flash(refused.problems[0], "error")
            return redirect(url_for("auth.users"), 303)
        flash(_("Role granted."), "success")
    else:
        operations.revoke_role(user, form.role.data, actor=current_user)
        flash(_("Role revoked."), "success")
    return redirect(url_for("auth.users"))
