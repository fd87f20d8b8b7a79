from __future__ import annotations

import hashlib
import json

from flask import current_app
from sqlalchemy import select

from congress.audit import actions
from congress.audit.models import AuditEntry
from congress.audit.operations import ensure_head, record
from congress.core.chain import canonical_json
from congress.extensions import db

# Settings worth an audit entry when they change; secrets are never recorded.
AUDITED_SETTINGS = (
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "TIMEZONE",
    "ORG_NAME_AR",
    "ORG_NAME_EN",
    "MAIL_SERVER",
    "MAIL_SENDER",
    "LOGIN_LIMIT_PER_ADDRESS",
    "LOGIN_LIMIT_PER_ACCOUNT",
    "FRESH_LOGIN_SECONDS",
    "PASSWORD_MIN_LENGTH",
    "SESSION_LIFETIME_HOURS",
    "ENV_NAME",
)


def initialize() -> bool:
    """Create the chain's head and its first entry; False when already done."""
    ensure_head()
    first = db.session.execute(select(AuditEntry.seq).limit(1)).first()
    if first is not None:
        return False
    record(actions.DATABASE_INITIALIZED)
    return True


def effective_settings() -> dict:
    out = {}
    for key in AUDITED_SETTINGS:
        value = current_app.config.get(key)
        out[key] = list(value) if isinstance(value, tuple) else value
    out["DATABASE_BACKEND"] = db.engine.dialect.name
    return out


def record_configuration() -> bool:
    """Audit the settings when they differ from the last recorded ones."""
    settings = effective_settings()
    fingerprint = hashlib.sha256(canonical_json(settings).encode()).hexdigest()
    last = db.session.execute(
        select(AuditEntry.data)
        .where(AuditEntry.action == actions.CONFIG_CHANGED)
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    ).scalar_one_or_none()
    if last is not None and json.loads(last).get("fingerprint") == fingerprint:
        return False
    record(actions.CONFIG_CHANGED, data={"fingerprint": fingerprint, "settings": settings})
    return True
