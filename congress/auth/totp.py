"""Time-based one-time codes (RFC 6238) as a second factor.

Required for administrators and the election committee when REQUIRE_TOTP_FOR_STAFF
is on (the default in production); optional for everyone else. A code is accepted
once: the step it belongs to is remembered, so a code seen over a shoulder or
replayed from a log cannot be used again.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time

import pyotp
import segno
from flask import current_app
from nacl.exceptions import CryptoError
from nacl.secret import SecretBox

from congress.audit import actions
from congress.audit.operations import actor_label, record

from . import roles
from .models import User

STEP = 30


def new_secret() -> str:
    return pyotp.random_base32()


def _setup_box() -> SecretBox:
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    return SecretBox(hashlib.sha256(b"congress totp enrolment\x00" + key).digest())


def seal_setup(secret: str) -> str:
    """The secret being enrolled, encrypted for the session cookie (which is only signed:
    anyone holding the cookie could read it and make codes)."""
    return base64.urlsafe_b64encode(bytes(_setup_box().encrypt(secret.encode()))).decode()


def open_setup(sealed: str) -> str | None:
    try:
        return _setup_box().decrypt(base64.urlsafe_b64decode(sealed.encode())).decode()
    except (CryptoError, ValueError, TypeError, UnicodeError):
        return None


def provisioning_uri(user: User, secret: str) -> str:
    issuer = current_app.config["ORG_NAME_EN"] or "Congress"
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_data_uri(uri: str) -> str:
    """An SVG QR code drawn here, inlined as data: (no request to another host); a
    standalone SVG needs its namespace, which segno's data URI carries."""
    return segno.make(uri, error="m").svg_data_uri(scale=4)


def _matching_step(secret: str, code: str, now: float) -> int | None:
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = int(now // STEP)
    for step in (current, current - 1, current + 1):  # one step of clock drift each way
        if totp.at(step * STEP) == code:
            return step
    return None


RECOVERY_CODES = 10


def _recovery_hash(user: User, code: str) -> str:
    normal = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(f"congress recovery\x00{user.id}\x00{normal}".encode()).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Ten one-time codes (replacing any earlier ones), shown once, kept as hashes."""
    from congress.extensions import db

    from .models import RecoveryCode

    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = base64.b32encode(secrets.token_bytes(5)).decode().lower()
        code = f"{raw[:4]}-{raw[4:]}"
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_recovery_hash(user, code)))
        codes.append(code)
    db.session.flush()
    return codes


def _use_recovery_code(user: User, code: str) -> bool:
    from sqlalchemy import update

    from congress.extensions import db
    from congress.models_common import utcnow

    from .models import RecoveryCode

    used = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _recovery_hash(user, code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if used:
        record(actions.RECOVERY_CODE_USED, actor=actor_label(user), subject=f"user:{user.id}")
    return used == 1


def verify(user: User, code: str, *, secret: str | None = None, now: float | None = None) -> bool:
    """True once per code; records the step so the same code is refused afterwards. An
    enrolled account's one-time recovery code (xxxx-xxxx) is accepted once instead."""
    secret = secret or user.totp_secret
    if not secret:
        return False
    if "-" in code and secret == user.totp_secret:
        return _use_recovery_code(user, code)
    step = _matching_step(secret, code, time.time() if now is None else now)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    user.totp_last_step = step
    return True


def enable(user: User, secret: str, code: str) -> bool:
    if not verify(user, code, secret=secret):
        return False
    user.totp_secret = secret
    record(actions.TOTP_ENABLED, actor=actor_label(user), subject=f"user:{user.id}")
    return True


def required_for(user: User) -> bool:
    if not current_app.config["REQUIRE_TOTP_FOR_STAFF"]:
        return False
    return any(user.has_role(r) for r in (roles.ADMIN, roles.COMMITTEE, roles.AUTHORITY))
