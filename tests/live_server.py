"""A real gunicorn serving the app on a test database, and clients that act like phones.

Sessions are minted with the app's secret key (as a load harness would), so a test can
bring hundreds of logged-in voters without hundreds of argon2 logins.
"""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from itsdangerous import URLSafeTimedSerializer

ROOT = Path(__file__).resolve().parents[1]
SECRET = "live-server-test-secret-" + "y" * 24


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(
        self,
        database_url: str,
        instance: Path,
        *,
        workers: int = 3,
        threads: int = 8,
        preload: bool = False,
        app: str = "wsgi:app",
        env: dict[str, str] | None = None,
        pythonpath: tuple[Path, ...] = (),
        start_timeout: float = 30,
    ):
        """`preload` imports the app once in the master, so a killed worker is re-forked in
        milliseconds instead of importing everything again. `app` is the WSGI module:
        attribute gunicorn serves, found on ROOT plus `pythonpath`; `env` adds settings."""
        self.url, self.instance = database_url, instance
        self.workers, self.threads, self.preload = workers, threads, preload
        self.app, self.extra_env = app, env or {}
        self.pythonpath, self.start_timeout = pythonpath, start_timeout
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def start(self) -> Server:
        env = {
            **os.environ,
            "CONGRESS_DATABASE_URL": self.url,
            "CONGRESS_SECRET_KEY": SECRET,
            "CONGRESS_ENV": "development",
            "PYTHONPATH": os.pathsep.join(str(p) for p in (ROOT, *self.pythonpath)),
            **self.extra_env,
        }
        self.instance.mkdir(parents=True, exist_ok=True)
        self.log = open(self.instance / "gunicorn.log", "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                str(self.workers),
                "--threads",
                str(self.threads),
                "--worker-class",
                "gthread",
                "--bind",
                f"127.0.0.1:{self.port}",
                *(["--preload"] if self.preload else []),
                "--graceful-timeout",
                "2",
                self.app,
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,
        )
        deadline = time.time() + self.start_timeout
        while time.time() < deadline:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            try:
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return self
            except OSError:
                time.sleep(0.2)
            finally:
                conn.close()
        raise RuntimeError("gunicorn did not start: " + self.log_tail())

    def log_tail(self, n: int = 3000) -> str:
        path = self.instance / "gunicorn.log"
        return path.read_text(errors="replace")[-n:] if path.exists() else ""

    def kill(self) -> None:
        """SIGKILL the whole process group: master and workers die mid-request."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        if getattr(self, "log", None):
            self.log.close()


@dataclass
class Phone:
    """One voter's logged-in session: a cookie and the CSRF token of its forms."""

    cookie: str
    csrf: str


def mint_phone(user, secret: str = SECRET) -> Phone:
    """A session cookie and CSRF token as the server (keyed with `secret`) would issue."""
    app = Flask("mint")
    app.secret_key = secret
    raw = secrets.token_hex(20)
    data = {
        "_user_id": user.get_id(),
        "_fresh": True,
        "auth_at": int(time.time()),
        "csrf_token": raw,
    }
    cookie = app.session_interface.get_signing_serializer(app).dumps(data)
    csrf = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)
    return Phone(cookie, csrf)


def post(port: int, path: str, phone: Phone, fields: dict, timeout: float = 60) -> tuple[int, str]:
    body = urllib.parse.urlencode({**fields, "csrf_token": phone.csrf})
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(
            "POST",
            path,
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"session={phone.cookie}",
                "Referer": f"http://127.0.0.1:{port}/",
            },
        )
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def get(port: int, path: str, phone: Phone, timeout: float = 60) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Cookie": f"session={phone.cookie}"})
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def worker_pids(master: int) -> list[int]:
    """The gunicorn workers of a master, read from /proc."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            pids.append(int(entry.name))
    return pids
