"""Configuration: defaults, then instance/config.py, then CONGRESS_* environment variables."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask

DEFAULTS: dict[str, object] = {
    "DATABASE_URL": None,  # None: SQLite file in instance/
    "SECRET_KEY": None,  # None: generated once into instance/secret_key
    "REDIS_URL": None,  # None: rate limits kept in memory
    "DEFAULT_LANGUAGE": "ar",
    "LANGUAGES": ("ar", "en"),
    "TIMEZONE": "Asia/Damascus",
    "ORG_NAME_AR": "التجمّع المدني السوري الفلسطيني",
    "ORG_NAME_EN": "Syrian-Palestinian Civic Gathering",
    "MAIL_SERVER": None,
    "MAIL_PORT": 587,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_USE_TLS": True,
    "MAIL_SENDER": "congress@localhost",
    "ALLOW_SQLITE_IN_PRODUCTION": False,
    "LOGIN_LIMIT_PER_ADDRESS": "20 per minute",
    "LOGIN_LIMIT_PER_ACCOUNT": "10 per 10 minutes",  # failures, per account and address
    "LOGIN_LIMIT_UNTRUSTED": "30 per 10 minutes",  # failures per account, from new devices
    "LOGIN_LIMIT_PER_DEVICE": "10 per 10 minutes",  # failures per trusted device cookie
    "TOTP_LIMIT_PER_ACCOUNT": "10 per 10 minutes",  # wrong one-time codes per account
    "TOTP_TRIES_PER_LOGIN": 5,  # wrong codes before the password is asked again
    "TRUSTED_PROXIES": 0,  # reverse proxies in front whose X-Forwarded-* headers count
    "SCRUB_WAIT_SECONDS": 10,  # at a close, how long to wait for older snapshots to end
    "FRESH_LOGIN_SECONDS": 600,
    "PASSWORD_MIN_LENGTH": 10,
    "SESSION_LIFETIME_HOURS": 12,
    "MAX_CONTENT_LENGTH": 60 * 1024 * 1024,
    "REQUIRE_TOTP_FOR_STAFF": None,  # None: required in production, optional in development
    "INVITATION_HOURS": 72,
    "RESET_MINUTES": 60,  # a password reset link's life
    "COOKIE_SECURE": None,  # None: Secure in production (served over HTTPS), not in development
}

# environment variables that are not plain strings
_INT_KEYS = {
    "RESET_MINUTES",
    "SCRUB_WAIT_SECONDS",
    "TOTP_TRIES_PER_LOGIN",
    "TRUSTED_PROXIES",
    "INVITATION_HOURS",
    "MAIL_PORT",
    "FRESH_LOGIN_SECONDS",
    "PASSWORD_MIN_LENGTH",
    "SESSION_LIFETIME_HOURS",
    "MAX_CONTENT_LENGTH",
}
_BOOL_KEYS = {
    "MAIL_USE_TLS",
    "ALLOW_SQLITE_IN_PRODUCTION",
    "COOKIE_SECURE",
    "REQUIRE_TOTP_FOR_STAFF",
}


class ConfigurationError(RuntimeError):
    """The application refuses to start with an unsafe or broken configuration."""


def _from_env(key: str, raw: str) -> object:
    if key in _INT_KEYS:
        return int(raw)
    if key in _BOOL_KEYS:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    return raw


def load(app: Flask, overrides: dict | None) -> None:
    """Fill app.config in the documented order and derive what follows from it."""
    for key, value in DEFAULTS.items():  # ours win over Flask's (e.g. MAX_CONTENT_LENGTH)
        app.config[key] = value
    app.config.from_pyfile("config.py", silent=True)
    for key in DEFAULTS:
        raw = os.environ.get(f"CONGRESS_{key}")
        if raw is not None:
            app.config[key] = _from_env(key, raw)
    app.config["ENV_NAME"] = os.environ.get("CONGRESS_ENV", "development")
    if overrides:
        app.config.update(overrides)

    production = app.config["ENV_NAME"] == "production"
    instance = Path(app.instance_path)
    url = app.config["DATABASE_URL"]
    if not url:
        if production and not app.config["ALLOW_SQLITE_IN_PRODUCTION"]:
            raise ConfigurationError(
                "CONGRESS_ENV=production needs CONGRESS_DATABASE_URL (PostgreSQL); "
                "set CONGRESS_ALLOW_SQLITE_IN_PRODUCTION=1 to run on SQLite anyway."
            )
        instance.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{instance / 'congress.sqlite3'}"
    elif url.startswith("sqlite") and production and not app.config["ALLOW_SQLITE_IN_PRODUCTION"]:
        raise ConfigurationError(
            "CONGRESS_ENV=production refuses SQLite unless CONGRESS_ALLOW_SQLITE_IN_PRODUCTION=1."
        )
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    app.config["SQLALCHEMY_DATABASE_URI"] = url

    if not app.config["SECRET_KEY"]:
        if production:
            raise ConfigurationError(
                "CONGRESS_ENV=production needs a secret key: set CONGRESS_SECRET_KEY "
                "or SECRET_KEY in instance/config.py."
            )
        app.config["SECRET_KEY"] = _instance_secret(instance)

    if app.config["REQUIRE_TOTP_FOR_STAFF"] is None:
        app.config["REQUIRE_TOTP_FOR_STAFF"] = production
    secure = production if app.config["COOKIE_SECURE"] is None else app.config["COOKIE_SECURE"]
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=secure,
    )
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # the session bounds the token's life
    app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config["DEFAULT_LANGUAGE"])
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "UTC")
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"] or "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    # stated for every app: the process-wide Limiter would keep a previous app's choice
    app.config.setdefault("RATELIMIT_ENABLED", True)
    # Never log statement parameters (a debugging operator would see who voted what);
    # check pooled connections before use (a database restart does not break requests).
    app.config.setdefault(
        "SQLALCHEMY_ENGINE_OPTIONS", {"hide_parameters": True, "pool_pre_ping": True}
    )
    if "PERMANENT_SESSION_LIFETIME" not in (overrides or {}):  # Flask presets 31 days
        app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(
            hours=int(app.config["SESSION_LIFETIME_HOURS"])
        )


def _instance_secret(instance: Path) -> str:
    """Write a random key once with 0600 permissions so restarts keep sessions valid.

    The key is written to a private temporary file and hard-linked into place,
    so workers starting together all end up reading the same complete key.
    """
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        tmp = instance / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()
