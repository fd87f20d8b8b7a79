"""Permission checks in one place: `requires(role)` and `fresh_login_required`."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

AUTH_AT = "auth_at"


def requires(*roles: str) -> Callable:
    """Allow the view to users holding any of `roles`; 401 flow for anonymous users."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if roles and not any(current_user.has_role(r) for r in roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = roles
        return wrapped

    return decorator


def mark_fresh() -> None:
    session[AUTH_AT] = int(time.time())


def is_fresh() -> bool:
    limit = current_app.config["FRESH_LOGIN_SECONDS"]
    return time.time() - session.get(AUTH_AT, 0) <= limit


def _local(referrer: str | None) -> str | None:
    """The referring page as a local path (the form's page), if it is on this host."""
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if parts.netloc and parts.netloc != request.host:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def fresh_login_required(view: Callable) -> Callable:
    """Actions that change an election's state need a login within the last minutes,
    as a bank asks again before a payment. Put it on the page that shows the
    action too, so the form is posted while the login is still fresh."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        if not is_fresh():
            flash(_("Please confirm your password to continue."), "info")
            target = request.full_path if request.method == "GET" else _local(request.referrer)
            return redirect(url_for("auth.reauthenticate", next=target or url_for("web.home")))
        return view(*args, **kwargs)

    return wrapped
