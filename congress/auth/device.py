"""Device cookies (OWASP): guessing is throttled without locking the owner out.

Ten wrong passwords from anywhere used to block an account for ten minutes, which lets
anyone lock a committee member out during a sitting. Now failed logins count:

- per account and address (`LOGIN_LIMIT_PER_ACCOUNT`): one address guessing one account;
- per account from *untrusted* clients, every address together (`LOGIN_LIMIT_UNTRUSTED`):
  a botnet guessing one account locks out only clients that never logged in to it;
- per device cookie (`LOGIN_LIMIT_PER_DEVICE`): a client that has logged in to the account
  before carries a signed cookie naming it, is exempt from the untrusted lockout and has
  its own small budget, so a stolen cookie does not give unlimited guesses either.
"""

from __future__ import annotations

import hashlib
import secrets

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

COOKIE = "congress_device"
KEEP = 8  # accounts remembered by one device (a shared family phone)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="congress device cookie")


def tag(email: str) -> str:
    """The account as the cookie names it: a hash, so the cookie does not carry the email."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:24]


def _read() -> dict:
    raw = request.cookies.get(COOKIE, "")
    if not raw or len(raw) > 2000:
        return {}
    try:
        value = _serializer().loads(raw)
    except BadSignature:
        return {}
    ok = isinstance(value, dict) and isinstance(value.get("a"), list)
    return value if ok and isinstance(value.get("n"), str) else {}


def trusted_for(email: str) -> bool:
    return tag(email) in _read().get("a", [])


def nonce() -> str:
    return _read().get("n", "")


def remember(response: Response, email: str) -> Response:
    """After a successful login: this device is trusted for this account from now on."""
    current = _read()
    accounts = [a for a in current.get("a", []) if a != tag(email)][-(KEEP - 1) :]
    value = {"a": [*accounts, tag(email)], "n": current.get("n") or secrets.token_hex(16)}
    response.set_cookie(
        COOKIE,
        _serializer().dumps(value),
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response
