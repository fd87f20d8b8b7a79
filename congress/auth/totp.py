"""Time-based one-time codes (RFC 6238) as a second factor.

Required for administrators and the election committee when REQUIRE_TOTP_FOR_STAFF
is on (the default in production); optional for everyone else. A code is accepted
once: the step it belongs to is remembered, so a code seen over a shoulder or
replayed from a log cannot be used again.
"""

from __future__ import annotations

import base64
import hashlib
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
    """An SVG QR code drawn here, inlined as data: (no request to another host)."""
    svg = segno.make(uri, error="m").svg_inline(scale=4)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


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


def verify(user: User, code: str, *, secret: str | None = None, now: float | None = None) -> bool:
    """True once per code; records the step so the same code is refused afterwards."""
    secret = secret or user.totp_secret
    if not secret:
        return False
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
    return user.has_role(roles.ADMIN) or user.has_role(roles.COMMITTEE)
