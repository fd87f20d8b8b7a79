"""Forgotten passwords and the administrator's account controls.

A reset link is a random 256-bit token stored as SHA-256, single use, valid an hour, and
invalidated by a newer one. Asking for one gets the same answer whether or not the email
has an account (and costs the same); the link goes to the account's address (or, without
a mail server, to the outbox, which the account page then says). An administrator can
disable an account (every session ends) and force a reset (the password stops working and
a link is sent); both audited, neither on their own account.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select, update

from congress.audit import actions
from congress.audit.operations import actor_label, record
from congress.extensions import db
from congress.mail import send
from congress.models_common import utcnow

from .models import PasswordReset, User
from .operations import AccountError, find_user_by_email, set_password


class InvalidReset(Exception):
    """One answer for unknown, used, replaced or expired links."""


class AccountControlRefused(Exception):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _issue(user: User, forced_by: User | None = None) -> PasswordReset:
    now = utcnow()
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )
    token = secrets.token_urlsafe(32)
    minutes = int(current_app.config["RESET_MINUTES"])
    reset = PasswordReset(
        user_id=user.id,
        token_hash=_digest(token),
        expires_at=now + timedelta(minutes=minutes),
        forced_by_id=forced_by.id if forced_by else None,
    )
    db.session.add(reset)
    db.session.flush()
    link = url_for("auth.reset_password", token=token, _external=True)
    body = "\n".join(
        [
            _("Dear %(name)s,", name=user.name or user.email),
            "",
            _("Open this link to choose a new password for your Congress account:"),
            "",
            link,
            "",
            ngettext(
                "The link works once and expires in %(num)d minute. If you did not ask "
                "for it, ignore this message: your password stays as it is.",
                "The link works once and expires in %(num)d minutes. If you did not ask "
                "for it, ignore this message: your password stays as it is.",
                minutes,
            ),
        ]
    )
    reset.channel = send(user.email, _("Choose a new password"), body + "\n").channel
    return reset


def request_reset(email: str) -> None:
    """The same answer and the same work whether or not the address has an account."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        secrets.token_urlsafe(32)  # the same randomness drawn; no row, no mail
        return
    reset = _issue(user)
    record(
        actions.PASSWORD_RESET_REQUESTED,
        subject=f"user:{user.id}",
        data={"reset": reset.id, "channel": reset.channel},
    )


def find_valid(token: str) -> PasswordReset:
    if not token or len(token) > 200:
        raise InvalidReset()
    digest = _digest(token)
    reset = db.session.execute(
        select(PasswordReset).where(PasswordReset.token_hash == digest)
    ).scalar_one_or_none()
    if reset is None or not hmac.compare_digest(reset.token_hash, digest):
        raise InvalidReset()
    user = db.session.get(User, reset.user_id)
    if reset.used_at is not None or reset.expires_at <= utcnow() or not user.active:
        raise InvalidReset()
    return reset


def reset_password(token: str, new: str) -> User:
    """The new password, the link spent, every session of the account ended."""
    reset = find_valid(token)
    spent = db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if spent != 1:
        raise InvalidReset()
    user = db.session.get(User, reset.user_id)
    set_password(user, new)  # raises AccountError for a weak password: nothing is spent
    record(
        actions.PASSWORD_RESET,
        actor=actor_label(user),
        subject=f"user:{user.id}",
        data={"reset": reset.id, "channel": reset.channel, "forced_by": reset.forced_by_id},
    )
    return user


def _refuse_self(user: User, actor: User) -> None:
    if user.id == actor.id:
        raise AccountControlRefused(_("This cannot be done to your own account."))


def set_active(user: User, active: bool, *, actor: User) -> None:
    _refuse_self(user, actor)
    if user.active == active:
        return
    user.active = active
    user.session_version += 1  # a disabled account's sessions end at once
    record(
        actions.ACCOUNT_ENABLED if active else actions.ACCOUNT_DISABLED,
        actor=actor_label(actor),
        subject=f"user:{user.id}",
    )


def force_reset(user: User, *, actor: User) -> None:
    """The password stops working and every session ends; the owner gets a link."""
    _refuse_self(user, actor)
    if not user.active:
        raise AccountControlRefused(_("Enable the account first."))
    user.password_hash = None
    user.session_version += 1
    reset = _issue(user, forced_by=actor)
    record(
        actions.PASSWORD_RESET_FORCED,
        actor=actor_label(actor),
        subject=f"user:{user.id}",
        data={"reset": reset.id, "channel": reset.channel},
    )


__all__ = ["AccountError", "InvalidReset", "PasswordReset", "request_reset", "reset_password"]
