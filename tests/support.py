"""Test helpers shared by every folder (a unique module name: `conftest` is taken)."""

from __future__ import annotations

import re

PASSWORD = "correct-horse-battery"


def test_settings(url: str, instance, **extra) -> dict:
    """The app configuration of every test: a given database, cheap hashes."""
    return {
        "TESTING": True,
        "DATABASE_URL": url,
        "SECRET_KEY": "test-secret-key-" + "x" * 32,
        "INSTANCE_PATH": str(instance),
        "PASSWORD_HASH_PROFILE": "test",
        "SERVER_NAME": None,
        **extra,
    }


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


class Browser:
    """A test client that reads CSRF tokens from pages, as a browser submits forms."""

    def __init__(self, client):
        self.client = client

    def get(self, url, **kw):
        return self.client.get(url, **kw)

    def token(self, page: str = "/") -> str:
        return csrf_from(self.client.get(page).get_data(as_text=True))

    def post(self, url, data=None, *, page: str | None = None, **kw):
        data = dict(data or {})
        data.setdefault("csrf_token", self.token(page or url))
        return self.client.post(url, data=data, **kw)

    def login(self, email: str, password: str):
        return self.post("/login", {"email": email, "password": password}, page="/login")

    def logout(self):
        return self.post("/logout", page="/")
