"""Configuration order, the instance secret key, and refusals to start unsafely."""

import os
import stat

import pytest

from congress import create_app
from congress.config import ConfigurationError


def test_a_random_secret_key_is_written_once_with_private_permissions(tmp_path, monkeypatch):
    monkeypatch.delenv("CONGRESS_SECRET_KEY", raising=False)
    cfg = {"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    first = create_app(cfg).config["SECRET_KEY"]
    second = create_app(cfg).config["SECRET_KEY"]
    assert first == second and len(first) >= 40
    mode = stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode)
    assert mode == 0o600


def test_environment_variables_override_instance_config(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text('TIMEZONE = "Europe/Berlin"\nDEFAULT_LANGUAGE = "en"\n')
    monkeypatch.setenv("CONGRESS_TIMEZONE", "Europe/Istanbul")
    app = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert app.config["TIMEZONE"] == "Europe/Istanbul"
    assert app.config["DEFAULT_LANGUAGE"] == "en"


def test_production_refuses_to_start_without_a_secret_key(tmp_path, monkeypatch):
    monkeypatch.setenv("CONGRESS_ENV", "production")
    monkeypatch.delenv("CONGRESS_SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="secret key"):
        create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": "postgresql://u@127.0.0.1/x"})


def test_production_refuses_sqlite_unless_explicitly_allowed(tmp_path, monkeypatch):
    monkeypatch.setenv("CONGRESS_ENV", "production")
    monkeypatch.setenv("CONGRESS_SECRET_KEY", "k" * 40)
    with pytest.raises(ConfigurationError, match="SQLite"):
        create_app({"INSTANCE_PATH": str(tmp_path)})
    app = create_app({"INSTANCE_PATH": str(tmp_path), "ALLOW_SQLITE_IN_PRODUCTION": True})
    assert app.config["SESSION_COOKIE_SECURE"] is True
