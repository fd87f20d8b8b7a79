"""The audit trail for observers and administrators: every state change, never a choice."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user
from sqlalchemy import select

from congress.auth import roles
from congress.auth.decorators import requires
from congress.extensions import db
from congress.i18n import language
from congress.web.safety import db_int

from . import actions
from .labels import KIND_LABELS, action_label, names_of
from .models import AuditEntry
from .operations import verify_chain

bp = Blueprint("audit", __name__, url_prefix="/audit")
PAGE = 100


@bp.route("/")
@requires(roles.OBSERVER, roles.ADMIN, roles.COMMITTEE)
def entries():
    query = select(AuditEntry).order_by(AuditEntry.seq.desc())
    action = request.args.get("action", "").strip()[:80]
    subject = request.args.get("subject", "").strip()[:120]
    actor = request.args.get("actor", "").strip()[:80]
    if action:
        query = query.where(AuditEntry.action.startswith(action, autoescape=True))
    if subject:
        query = query.where(AuditEntry.subject == subject)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    before = request.args.get("before", type=db_int)
    if before:
        query = query.where(AuditEntry.seq < before)
    account_activity = current_user.has_role(roles.ADMIN)
    if not account_activity:  # who logged in when: the voting order of those who came to vote
        query = query.where(AuditEntry.action.not_in(actions.ACCOUNT_ACTIVITY))
    rows = db.session.execute(query.limit(PAGE)).scalars().all()
    return render_template(
        "audit/entries.html",
        entries=rows,
        action_label=action_label,
        kind_labels=KIND_LABELS,
        names=names_of({e.subject for e in rows} | {e.actor for e in rows}, language()),
        account_activity=account_activity,
        action=action,
        subject=subject,
        actor=actor,
        more=len(rows) == PAGE,
    )


@bp.route("/verify")
@requires(roles.OBSERVER, roles.ADMIN, roles.COMMITTEE)
def verify():
    verdict = verify_chain()
    return render_template("audit/verify.html", verdict=verdict)
