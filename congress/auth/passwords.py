"""Password hashing with argon2id (argon2-cffi) and the password policy."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

# RFC 9106 second recommendation (64 MiB, 3 passes); tests use a cheaper profile.
PROFILES = {
    "production": dict(time_cost=3, memory_cost=65536, parallelism=4),
    "test": dict(time_cost=1, memory_cost=1024, parallelism=1),
}


@cache
def _hasher(profile: str) -> PasswordHasher:
    return PasswordHasher(type=Type.ID, **PROFILES[profile])


def hasher() -> PasswordHasher:
    return _hasher(current_app.config.get("PASSWORD_HASH_PROFILE", "production"))


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Constant work whether or not the account exists: an absent hash checks a dummy."""
    h = hasher()
    try:
        return h.verify(stored or _dummy_hash(h), password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    try:
        return hasher().check_needs_rehash(stored)
    except InvalidHashError:
        return True


_DUMMIES: dict[int, str] = {}


def _dummy_hash(h: PasswordHasher) -> str:
    key = id(h)
    if key not in _DUMMIES:
        _DUMMIES[key] = h.hash("congress-dummy-password-for-timing")
    return _DUMMIES[key]


@cache
def common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords.txt")
    return frozenset(line.strip().lower() for line in path.read_text().splitlines() if line.strip())


def password_problems(password: str, *, email: str = "") -> list[str]:
    """Every reason a new password is refused, in the user's language."""
    problems = []
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        problems.append(
            ngettext(
                "The password must have at least %(num)d character.",
                "The password must have at least %(num)d characters.",
                minimum,
            )
        )
    lowered = password.lower()
    if lowered in common_passwords() or (email and lowered == email.lower()):
        problems.append(_("This password is too common; choose another one."))
    if len(password) > 1024:
        problems.append(_("The password is too long."))
    return problems
