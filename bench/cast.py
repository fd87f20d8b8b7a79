"""Casting throughput: the real voting flow through gunicorn on PostgreSQL, against the
machine's ceiling (one INSERT + COMMIT per request under the same gunicorn).

    .venv/bin/python bench/cast.py [--configs 2x4,3x4,4x4] [--connections 16,64,256]
                                   [--duration 20] [--delegates 3000] [--quick]
    CONGRESS_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres ...

On the PostgreSQL server named by CONGRESS_BENCH_DATABASE_URL (default: the local one,
postgresql://postgres@127.0.0.1:5432/postgres) it creates a scratch database
`congress_bench`, migrates it, loads the demo organization and adds N delegates
(accredited, present, with accounts) directly, as tests/integration/test_cast_concurrency.py
does; the database is dropped at the end. Session cookies and CSRF tokens are minted
with the server's secret key, bound (Flask-Login's "_id") to the address and User-Agent
the load generator uses, so the server sees them as ordinary logged-in sessions.

For each gunicorn configuration (workers x threads, gthread) and each number C of
keep-alive connections, wrk (one thread per connection, bench/cast.lua) walks delegates
through GET /polls/<id>/ballot -> POST /vote/review -> POST /vote/cast; each connection has
its own slice of delegates and, after a cast, takes the next one. Every run votes in fresh
motion polls whose roll holds every delegate. Then, alternating, wrk drives the ceiling
(bench/ceiling_app.py) under the same configuration and C. Afterwards the database is
asked whether marks == ballots == successful casts. The configuration with the best flow
at C = 64 is then profiled under load with py-spy, and one delegate's flow is replayed
in-process to count what each request reads, renders and writes.

Writes bench/results/cast.json. It reports the goals (flow >= half the ceiling at C = 64,
p99 of every request < 250 ms); it never asserts them.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from common import (
    BENCH_DIR,
    REPO_DIR,
    package_versions,
    print_table,
    write_results,
)

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
SCRATCH_DB = "congress_bench"
SECRET = "bench-cast-secret-" + "k" * 32
UA = "congress-bench/1 (wrk)"
KINDS = {0: "ceiling", 1: "ballot", 2: "review", 3: "cast"}
ANSWERS = ("yes", "no", "abstain")
GOAL_RATIO = 0.5
GOAL_P99_MS = 250.0
VERSIONS = (
    "flask",
    "sqlalchemy",
    "psycopg",
    "gunicorn",
    "jinja2",
    "flask-login",
    "flask-wtf",
    "flask-babel",
    "flask-limiter",
    "argon2-cffi",
    "py-spy",
)


# -- databases -------------------------------------------------------------------------


def server_url() -> str:
    return os.environ.get("CONGRESS_BENCH_DATABASE_URL", "").strip() or DEFAULT_SERVER


def _plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


class ScratchDatabase:
    """A database created on the benchmark's PostgreSQL server and dropped afterwards."""

    def __init__(self, name: str, server: str | None = None):
        self.server = _plain(server or server_url())
        self.name = name
        parts = urllib.parse.urlsplit(self.server)
        self.url = urllib.parse.urlunsplit(parts._replace(path="/" + name))

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.server, autocommit=True) as conn:
            conn.execute(sql)

    def __enter__(self) -> ScratchDatabase:
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self._admin(f'CREATE DATABASE "{self.name}"')
        return self

    def __exit__(self, *exc) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            cur = conn.execute(sql, params)
            return cur.fetchall() if cur.description else []


def pg_facts(db: ScratchDatabase) -> dict[str, str]:
    names = (
        "server_version",
        "max_connections",
        "shared_buffers",
        "synchronous_commit",
        "fsync",
        "wal_sync_method",
        "commit_delay",
    )
    rows = db.query(
        "SELECT name, setting, unit FROM pg_settings WHERE name = ANY(%s)", (list(names),)
    )
    return {name: setting + (f" x {unit}" if unit else "") for name, setting, unit in rows}


def make_app(url: str, instance: Path, **extra):
    """The app in this process, on the scratch database, keyed like the server."""
    from congress import create_app

    return create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": SECRET,
            "INSTANCE_PATH": str(instance),
            "PASSWORD_HASH_PROFILE": "test",
            **extra,
        }
    )


def migrate(app) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()


def build_electorate(app, n: int, *, password_hash: str | None = None) -> tuple[int, list]:
    """The demo organization plus n members, accredited and present, with accounts.

    Inserted directly, as tests/integration/test_cast_concurrency.py does: apportionment
    and accreditation are benchmarked elsewhere. Returns (conference id, [(user id,
    Flask-Login id)]). All accounts share `password_hash` (a hash of the test profile
    unless given)."""
    from sqlalchemy import select

    from congress.auth.models import User
    from congress.conference.models import Conference
    from congress.database import write_intent
    from congress.demo import load_demo
    from congress.demo_delegates import add_present_voters
    from congress.extensions import db

    with app.app_context(), write_intent():
        load_demo()
        db.session.commit()
        conference = db.session.execute(select(Conference)).scalar_one()
        voters = add_present_voters(
            conference, n, password_hash=password_hash, email_domain="bench.example.org"
        )
        db.session.commit()
        users = [
            (u.id, u.get_id(), u.email)
            for u in db.session.execute(
                select(User).where(User.member_id.in_(voters)).order_by(User.id)
            ).scalars()
        ]
        conference_id = conference.id
        db.session.remove()
    return conference_id, users


def open_polls(app, conference_id: int, count: int, label: str) -> list[tuple[int, int]]:
    """`count` open motion polls; [(poll id, electorate size)]."""
    from congress.conference.models import Conference
    from congress.database import write_intent
    from congress.extensions import db
    from congress.voting import polls

    out = []
    with app.app_context(), write_intent():
        conference = db.session.get(Conference, conference_id)
        for i in range(count):
            poll = polls.create_motion(
                conference,
                title_ar=f"مقترح {label} {i + 1}",
                title_en=f"Motion {label} {i + 1}",
                text_ar="نص المقترح.",
                text_en="The text of the motion.",
                category="ordinary",
                actor=None,
            )
            polls.open_poll(poll, actor=None)
            db.session.commit()
            out.append((poll.id, poll.electorate_size))
        db.session.remove()
    return out


def mint(app, users: list, ua: str = UA, address: str = "127.0.0.1") -> list[tuple[str, str]]:
    """(session cookie, CSRF token) per user, as a login from `address` with `ua` issues.

    The session holds what a real login leaves there (Flask-Login's user id, freshness
    and "_id" digest of address + User-Agent, the time of the login, the CSRF secret),
    so the server neither refreshes nor rewrites it."""
    from flask_login.utils import _create_identifier
    from itsdangerous import URLSafeTimedSerializer

    out = []
    with app.test_request_context(
        "/", headers={"User-Agent": ua}, environ_base={"REMOTE_ADDR": address}
    ):
        ident = _create_identifier()
        signer = app.session_interface.get_signing_serializer(app)
        tokens = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token")
        now = int(time.time())
        for _id, login_id, _email in users:
            raw = secrets.token_hex(20)
            data = {
                "_user_id": login_id,
                "_fresh": True,
                "_id": ident,
                "auth_at": now,
                "csrf_token": raw,
            }
            out.append((signer.dumps(data), tokens.dumps(raw)))
    return out


# -- servers -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """gunicorn (gthread) serving `app_spec` from `chdir`, in a process group of its own."""

    def __init__(
        self,
        app_spec: str,
        *,
        workers: int,
        threads: int,
        env: dict[str, str],
        log: Path,
        chdir: Path = REPO_DIR,
    ):
        self.app_spec, self.workers, self.threads = app_spec, workers, threads
        self.env, self.log_path, self.chdir = env, log, chdir
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def argv(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "--worker-class",
            "gthread",
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--keep-alive",
            "5",
            "--backlog",
            "2048",
            "--timeout",
            "120",
            "--graceful-timeout",
            "5",
            "--chdir",
            str(self.chdir),
            self.app_spec,
        ]

    def start(self) -> Gunicorn:
        import http.client

        self.log = open(self.log_path, "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            self.argv,
            cwd=self.chdir,
            env={**os.environ, **self.env},
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            try:
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200 and len(self.worker_pids()) == self.workers:
                    return self
            except OSError:
                pass
            finally:
                conn.close()
            time.sleep(0.3)
        self.stop()
        raise RuntimeError("gunicorn did not start: " + self.log_path.read_text()[-3000:])

    def worker_pids(self) -> list[int]:
        if not self.proc:
            return []
        return children(self.proc.pid)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        if getattr(self, "log", None):
            self.log.close()


def children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            out.append(int(entry.name))
    return sorted(out)


# -- CPU accounting ----------------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def _proc_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def _postgres_pids() -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    out.append(int(entry.name))
            except OSError:
                pass
    return out


def _machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    total = sum(fields[:8])
    return (total - idle) / TICK, total / TICK


def wait_quiet(max_wait: float, threshold: float = 0.3) -> dict[str, float]:
    """Wait up to `max_wait` s until the machine's busy cores over 2 s fall below
    `threshold`: the machine is shared, and another job's load would be measured too."""
    start = time.perf_counter()
    while True:
        b0, _ = _machine_cpu()
        time.sleep(2)
        b1, _ = _machine_cpu()
        busy = (b1 - b0) / 2
        waited = time.perf_counter() - start
        if busy < threshold or waited >= max_wait:
            return {"waited_s": round(waited, 1), "busy_cores_before": round(busy, 2)}


class CpuMeter:
    """CPU seconds used during a run by the server's processes, by PostgreSQL (every
    backend on the server: another database's load would count too) and by the machine."""

    def __init__(self, server_pids: list[int]):
        self.server_pids = server_pids
        self.server0 = {p: _proc_cpu(p) for p in server_pids}
        self.pg0 = {p: _proc_cpu(p) for p in _postgres_pids()}
        self.machine0 = _machine_cpu()
        self.t0 = time.perf_counter()

    def stop(self, load_generator_cpu: float) -> dict[str, Any]:
        wall = time.perf_counter() - self.t0
        server = sum(_proc_cpu(p) - self.server0.get(p, 0.0) for p in self.server_pids)
        pg = sum(_proc_cpu(p) - self.pg0.get(p, 0.0) for p in _postgres_pids())
        busy1, total1 = _machine_cpu()
        busy = busy1 - self.machine0[0]
        cores = (total1 - self.machine0[1]) / wall if wall else 0
        return {
            "wall_s": round(wall, 2),
            "cores_used": {
                "gunicorn": round(server / wall, 2),
                "postgres": round(pg / wall, 2),
                "wrk": round(load_generator_cpu / wall, 2),
                "machine_busy": round(busy / wall, 2),
                "other": round((busy - server - pg - load_generator_cpu) / wall, 2),
                "machine_total": round(cores, 2),
            },
        }


# -- load --------------------------------------------------------------------------------


def write_slices(folder: Path, connections: int, phones: list, polls: list[int]) -> int:
    """conn_<n>.lua for each connection: its delegates (every C-th), poll after poll."""
    folder.mkdir(parents=True, exist_ok=True)
    per = 0
    for n in range(connections):
        rows = []
        for poll in polls:
            for d in range(n, len(phones), connections):
                cookie, csrf = phones[d]
                rows.append(f'{{"{cookie}","{csrf}",{poll},"{ANSWERS[d % 3]}"}}')
        (folder / f"conn_{n}.lua").write_text("return {\n" + ",\n".join(rows) + "\n}\n")
        per = max(per, len(rows))
    return per


def run_wrk(
    port: int,
    connections: int,
    duration: float,
    mode: str,
    work: Path,
    *,
    slices: Path | None = None,
    meter_pids: list[int] | None = None,
) -> dict[str, Any]:
    out = work / f"wrk-{mode}-{connections}-{time.time_ns()}.txt"
    env = {
        **os.environ,
        "CAST_MODE": mode,
        "CAST_OUT": str(out),
        "CAST_UA": UA,
        "CAST_DIR": str(slices or work),
    }
    argv = [
        "wrk",
        "-t",
        str(connections),
        "-c",
        str(connections),
        "-d",
        f"{duration:g}s",
        "--timeout",
        "30s",
        "-s",
        str(BENCH_DIR / "cast.lua"),
        f"http://127.0.0.1:{port}/",
    ]
    meter = CpuMeter(meter_pids or [])
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    stdout, stderr = proc.stdout.read().decode(), proc.stderr.read().decode()
    cpu = meter.stop(usage.ru_utime + usage.ru_stime)
    if os.waitstatus_to_exitcode(status) != 0 or not out.exists():
        raise RuntimeError(f"wrk failed: {stdout}\n{stderr}")
    parsed = parse_wrk(out.read_text())
    out.unlink()
    parsed["cpu"] = cpu
    used = cpu["cores_used"]["gunicorn"] + cpu["cores_used"]["postgres"]
    parsed["requests_per_server_core_s"] = (
        round(parsed["requests_per_s"] / used, 1) if used else None
    )
    parsed["wrk_stdout"] = stdout
    return parsed


def percentile(sorted_values: list[float], q: float) -> float | None:
    if not sorted_values:
        return None
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def latency_summary(values_us: list[float]) -> dict[str, Any]:
    v = sorted(values_us)
    ms = lambda x: None if x is None else round(x / 1000, 2)  # noqa: E731
    return {
        "count": len(v),
        "mean_ms": ms(sum(v) / len(v)) if v else None,
        "p50_ms": ms(percentile(v, 50)),
        "p95_ms": ms(percentile(v, 95)),
        "p99_ms": ms(percentile(v, 99)),
        "max_ms": ms(v[-1]) if v else None,
    }


def parse_wrk(text: str) -> dict[str, Any]:
    by_kind: dict[str, list[float]] = defaultdict(list)
    statuses: dict[str, Counter] = defaultdict(Counter)
    summary: dict[str, int] = {}
    for line in text.splitlines():
        if line.startswith("summary "):
            summary = {k: int(v) for k, v in (f.split("=") for f in line.split()[1:])}
            continue
        kind, status, lat = line.split()
        name = KINDS[int(kind)]
        by_kind[name].append(float(lat))
        statuses[name][int(status)] += 1
    seconds = summary["duration_us"] / 1e6
    total = sum(len(v) for v in by_kind.values())
    errors = {
        name: {str(s): n for s, n in counts.items() if s != 200}
        for name, counts in statuses.items()
    }
    return {
        "duration_s": round(seconds, 2),
        "responses": total,
        "requests_per_s": round(total / seconds, 1),
        "successful_casts": summary["casts"],
        "casts_per_s": round(summary["casts"] / seconds, 1),
        "latency": {name: latency_summary(v) for name, v in sorted(by_kind.items())},
        "all_latency": latency_summary([x for v in by_kind.values() for x in v]),
        "status_counts": {n: {str(s): c for s, c in cs.items()} for n, cs in statuses.items()},
        "non_2xx": {n: e for n, e in errors.items() if e},
        "socket_errors": {
            k: summary[k] for k in ("connect", "read", "write", "timeout") if summary[k]
        },
        "exhausted_connections": summary["exhausted"],
        "bytes_read": summary["bytes"],
    }


def check_box(db: ScratchDatabase, polls: list[int], casts: int, connections: int) -> dict:
    """Marks must equal ballots (counted in one statement, so in one snapshot); both may
    exceed the receipts wrk saw by the casts still in flight when it stopped (at most one
    per connection), never fall short of them. Waits for the counts to settle first."""
    sql = (
        "SELECT (SELECT count(*) FROM poll_roll WHERE poll_id = ANY(%s) AND voted),"
        " (SELECT count(*) FROM ballots WHERE poll_id = ANY(%s))"
    )
    last, deadline = None, time.time() + 30
    while True:
        marks, ballots = db.query(sql, (polls, polls))[0]
        if (marks, ballots) == last or time.time() > deadline:
            break
        last = (marks, ballots)
        time.sleep(1.0)
    return {
        "polls": polls,
        "marks": marks,
        "ballots": ballots,
        "successful_casts": casts,
        "in_flight_at_stop": marks - casts,
        "consistent": marks == ballots and casts <= marks <= casts + connections,
    }


def probe_flow(port: int, phone: tuple[str, str], poll: int) -> dict[str, Any]:
    """One delegate's flow with http.client: statuses, sizes, and whether the server
    rewrote the session cookie (it should not: the minted session is a real one)."""
    import http.client

    cookie, csrf = phone
    steps = []
    body = urllib.parse.urlencode({"poll": poll, "answer": "yes", "csrf_token": csrf})
    for method, path in (
        ("GET", f"/polls/{poll}/ballot"),
        ("POST", "/vote/review"),
        ("POST", "/vote/cast"),
    ):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": f"session={cookie}", "User-Agent": UA}
        if method == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{port}/polls/{poll}/ballot"
        conn.request(method, path, body=body if method == "POST" else None, headers=headers)
        response = conn.getresponse()
        data = response.read()
        steps.append(
            {
                "request": f"{method} {path}",
                "status": response.status,
                "bytes": len(data),
                "sets_cookie": response.getheader("Set-Cookie") is not None,
                "receipt": b'class="tracker"' in data,
            }
        )
        conn.close()
    return {"steps": steps}


# -- what each request does ------------------------------------------------------------------


def anatomy(app, phones: list, poll: int, repeat: int) -> dict[str, Any]:
    """Replay `repeat` delegates' flows in this process (test client, no gunicorn, no
    concurrency): SQL statements, templates rendered, bytes and time of each request."""
    from flask import template_rendered
    from sqlalchemy import event

    from congress.extensions import db

    with app.app_context():
        engine = db.engine
    statements: list[str] = []
    templates: list[str] = []

    def on_sql(conn, cursor, statement, params, context, executemany):
        statements.append(" ".join(statement.split())[:110])

    def on_template(sender, template, context, **extra):
        templates.append(template.name)

    event.listen(engine, "before_cursor_execute", on_sql)
    template_rendered.connect(on_template, app)
    times: dict[str, list[float]] = defaultdict(list)
    cpu: dict[str, list[float]] = defaultdict(list)
    detail: dict[str, dict] = {}
    try:
        for i, (cookie, csrf) in enumerate(phones[:repeat]):
            client = app.test_client()
            client.set_cookie("session", cookie)
            env = {"REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": UA}
            data = {"poll": poll, "answer": ANSWERS[i % 3], "csrf_token": csrf}
            steps = (
                ("ballot", "GET", f"/polls/{poll}/ballot", None),
                ("review", "POST", "/vote/review", data),
                ("cast", "POST", "/vote/cast", data),
            )
            for name, method, path, form in steps:
                statements.clear()
                templates.clear()
                start, start_cpu = time.perf_counter(), time.thread_time()
                response = client.open(path, method=method, data=form, environ_base=env)
                times[name].append(time.perf_counter() - start)
                cpu[name].append(time.thread_time() - start_cpu)
                if response.status_code != 200:
                    raise RuntimeError(f"{name}: {response.status_code}")
                detail[name] = {
                    "status": response.status_code,
                    "html_bytes": len(response.data),
                    "sql_statements": len(statements),
                    "sql": list(statements),
                    "templates": sorted(set(templates)),
                }
    finally:
        event.remove(engine, "before_cursor_execute", on_sql)
        template_rendered.disconnect(on_template, app)
    for name in times:
        wall, used = sorted(times[name]), sorted(cpu[name])
        detail[name]["in_process_ms_median"] = round(wall[len(wall) // 2] * 1000, 2)
        detail[name]["in_process_ms_min"] = round(wall[0] * 1000, 2)
        detail[name]["python_cpu_ms_median"] = round(used[len(used) // 2] * 1000, 2)
    kinds = ("ballot", "review", "cast")
    return {
        "delegates_replayed": repeat,
        "requests": detail,
        "flow_ms_median": round(sum(detail[n]["in_process_ms_median"] for n in kinds), 2),
        "flow_python_cpu_ms_median": round(
            sum(detail[n]["python_cpu_ms_median"] for n in kinds), 2
        ),
        "note": "single thread, test client, same PostgreSQL database; wall time includes "
        "PostgreSQL round trips and the test client, not gunicorn; python_cpu is this "
        "thread's CPU time (time.thread_time), which another job's load does not inflate "
        "much, and which bounds the flow at about cores / python_cpu requests per second",
    }


# -- profiling -------------------------------------------------------------------------------

CATEGORIES = (  # a sample goes to the first of these found walking from the leaf up
    ("psycopg (driver: send, wait, parse)", ("psycopg/", "psycopg_binary")),
    ("SQLAlchemy (ORM, core, pool)", ("sqlalchemy/",)),
    ("Jinja2 templates", ("jinja2/", "templates/", ".html")),
    ("Babel / flask-babel (locale, translations)", ("flask_babel/", "babel/")),
    ("itsdangerous / Flask session cookie", ("itsdangerous/", "flask/sessions.py")),
    ("Flask-WTF CSRF", ("flask_wtf/", "wtforms/")),
    ("Flask-Login", ("flask_login/",)),
    ("Flask-Limiter", ("flask_limiter/", "limits/")),
    ("Werkzeug (request, response, routing)", ("werkzeug/",)),
    ("Flask (dispatch, context)", ("flask/",)),
    ("gunicorn (HTTP parsing, sockets)", ("gunicorn/",)),
    ("congress (application code)", ("congress/",)),
)
FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")


def _frames(stack: str) -> list[tuple[str, str]]:
    out = []
    for part in stack.split(";"):
        m = FRAME.match(part.strip())
        if m:
            out.append((m["func"], m["file"]))
        else:
            out.append((part.strip(), ""))
    return out


def summarise_profile(raw_files: list[Path]) -> dict[str, Any]:
    """Collapsed py-spy stacks (--format raw) -> shares per library, per view, hot frames."""
    total = 0
    by_category: Counter = Counter()
    by_view: Counter = Counter()
    view_category: dict[str, Counter] = defaultdict(Counter)
    leaf: Counter = Counter()
    inclusive: Counter = Counter()
    views = {"ballot", "review", "cast"}
    for path in raw_files:
        for line in path.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            if not count.isdigit():
                continue
            n = int(count)
            frames = _frames(stack)
            total += n
            category = "other (stdlib, interpreter)"
            for _func, file in reversed(frames):
                hit = next((c for c, pats in CATEGORIES if any(p in file for p in pats)), None)
                if hit:
                    category = hit
                    break
            by_category[category] += n
            view = next(
                (
                    func
                    for func, file in frames
                    if file.endswith("voting/views.py") and func in views
                ),
                None,
            )
            if view is None:
                if any("flask/app.py" in file for _, file in frames):
                    view = "request outside a view (hooks, session, login, CSRF, routing)"
                else:
                    view = "outside a request (gunicorn loop, socket, idle threads)"
            by_view[view] += n
            view_category[view][category] += n
            func, file = frames[-1] if frames else ("?", "")
            leaf[f"{func} ({file})"] += n
            for key in {f"{f} ({fl})" for f, fl in frames if "congress/" in fl or ".html" in fl}:
                inclusive[key] += n

    def share(c: Counter, k: int = 40) -> list[dict[str, Any]]:
        return [
            {"what": key, "samples": n, "share": round(n / total, 3) if total else None}
            for key, n in c.most_common(k)
        ]

    return {
        "samples": total,
        "by_library_own_time": share(by_category),
        "by_view": share(by_view),
        "by_view_and_library": {
            v: [
                {"what": k, "share_of_view": round(n / sum(c.values()), 3)}
                for k, n in c.most_common(8)
            ]
            for v, c in view_category.items()
        },
        "hottest_leaf_frames": share(leaf, 20),
        "congress_frames_inclusive": share(inclusive, 25),
    }


def profile_under_load(
    server: Gunicorn, connections: int, duration: float, work: Path, slices: Path
) -> dict[str, Any]:
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(py_spy).exists():
        return {"skipped": "py-spy is not installed (pip install py-spy)"}
    files, procs = [], []
    for pid in server.worker_pids():
        out = work / f"pyspy-{pid}.txt"
        files.append(out)
        procs.append(
            subprocess.Popen(
                [
                    py_spy,
                    "record",
                    "--pid",
                    str(pid),
                    "--duration",
                    str(int(duration)),
                    "--rate",
                    "100",
                    "--gil",
                    "--format",
                    "raw",
                    "--output",
                    str(out),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        )
    time.sleep(0.5)
    load = run_wrk(server.port, connections, duration, "flow", work, slices=slices)
    problems = []
    for p in procs:
        _, err = p.communicate(timeout=duration + 60)
        if p.returncode != 0:
            problems.append(err.decode()[-500:])
    present = [f for f in files if f.exists()]
    if not present:
        return {"skipped": "py-spy produced nothing: " + " | ".join(problems)}
    summary = summarise_profile(present)
    return {
        "tool": "py-spy record --rate 100 --gil --format raw, on every worker: only the "
        "thread holding a worker's GIL is sampled, so a share is a share of the Python work "
        "(waits for PostgreSQL, for the CPU or for a request are not in it)",
        "gil_held_cores": round(summary["samples"] / (100 * duration), 2),
        "connections": connections,
        "duration_s": duration,
        "flow_while_profiled": {
            "requests_per_s": load["requests_per_s"],
            "casts_per_s": load["casts_per_s"],
        },
        **summary,
        "errors": problems or None,
    }


# -- main ------------------------------------------------------------------------------------


def parse_configs(text: str) -> list[tuple[int, int]]:
    out = []
    for item in text.split(","):
        w, _, t = item.strip().partition("x")
        out.append((int(w), int(t or 1)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", default="2x4,3x4,4x4", help="workers x threads, gthread")
    parser.add_argument("--connections", default="16,64,256")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per wrk run")
    parser.add_argument("--delegates", type=int, default=3000)
    parser.add_argument("--profile-seconds", type=float, default=15.0)
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=90.0,
        help="before each run, wait up to this many seconds for the machine to be idle",
    )
    parser.add_argument("--quick", action="store_true", help="one config, 6 s runs")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    if args.quick:
        args.configs, args.duration, args.profile_seconds = "3x4", 6.0, 6.0
    configs = parse_configs(args.configs)
    conns = [int(c) for c in args.connections.split(",")]
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install -y wrk")

    work = Path(tempfile.mkdtemp(prefix="congress-bench-cast-"))
    sys.path.insert(0, str(REPO_DIR))
    results: dict[str, Any] = {}
    try:
        with ScratchDatabase(SCRATCH_DB) as db:
            results = run(args, configs, conns, db, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    path = write_results("cast", results)
    print(f"\nwrote {path}")


def run(args, configs, conns, db: ScratchDatabase, work: Path) -> dict[str, Any]:
    t_setup = time.perf_counter()
    app = make_app(db.url, work / "instance")
    migrate(app)
    conference_id, users = build_electorate(app, args.delegates)
    db.query("CREATE TABLE bench_ceiling (id bigserial PRIMARY KEY, payload text NOT NULL)")
    db.query("VACUUM ANALYZE")
    phones = mint(app, users)
    print(f"setup: {len(users)} delegates in {time.perf_counter() - t_setup:.1f} s ({db.url})")

    env = {
        "CONGRESS_DATABASE_URL": db.url,
        "CONGRESS_SECRET_KEY": SECRET,
        "CONGRESS_ENV": "production",
        "PYTHONPATH": str(REPO_DIR),
    }
    ceiling_env = {"CEILING_DATABASE_URL": db.url}
    flows: list[dict] = []
    ceilings: list[dict] = []
    checks: list[dict] = []
    probe = None
    rate_guess = 150.0  # casts/s, to size the polls of the first run
    for workers, threads in configs:
        label = f"{workers}x{threads}"
        flow_server = Gunicorn(
            "wsgi:app", workers=workers, threads=threads, env=env, log=work / f"flow-{label}.log"
        ).start()
        ceiling_server = Gunicorn(
            "ceiling_app:app",
            workers=workers,
            threads=threads,
            env=ceiling_env,
            log=work / f"ceiling-{label}.log",
            chdir=BENCH_DIR,
        ).start()
        try:
            if probe is None:
                ((poll, _size),) = open_polls(app, conference_id, 1, "probe")
                probe = probe_flow(flow_server.port, phones[0], poll)
            # warm-up: every worker imports, compiles templates and fills its pool
            warm = [p for p, _ in open_polls(app, conference_id, 1, f"warm-{label}")]
            write_slices(work / "slices", 16, phones, warm)
            run_wrk(flow_server.port, 16, 4, "flow", work, slices=work / "slices")
            run_wrk(ceiling_server.port, 16, 3, "ceiling", work)
            for c in conns:
                need = max(1, math.ceil(rate_guess * 1.6 * args.duration / len(phones)))
                opened = open_polls(app, conference_id, need, f"{label}-c{c}")
                poll_ids = [p for p, _ in opened]
                slices = work / f"slices-{label}-{c}"
                per_conn = write_slices(slices, c, phones, poll_ids)
                quiet_flow = wait_quiet(args.quiet_wait)
                flow = run_wrk(
                    flow_server.port,
                    c,
                    args.duration,
                    "flow",
                    work,
                    slices=slices,
                    meter_pids=[flow_server.proc.pid, *flow_server.worker_pids()],
                )
                shutil.rmtree(slices, ignore_errors=True)
                check = check_box(db, poll_ids, flow["successful_casts"], c)
                rate_guess = max(rate_guess, flow["casts_per_s"])
                quiet_ceiling = wait_quiet(args.quiet_wait)
                ceiling = run_wrk(
                    ceiling_server.port,
                    c,
                    args.duration,
                    "ceiling",
                    work,
                    meter_pids=[ceiling_server.proc.pid, *ceiling_server.worker_pids()],
                )
                common = {"config": label, "workers": workers, "threads": threads, "connections": c}
                flow.pop("wrk_stdout")
                ceiling.pop("wrk_stdout")
                flows.append(
                    {
                        **common,
                        "polls": len(poll_ids),
                        "electorate_per_poll": opened[0][1],
                        "delegates_per_connection": per_conn,
                        **flow,
                        "before_run": quiet_flow,
                        "ratio_to_ceiling": round(
                            flow["requests_per_s"] / ceiling["requests_per_s"], 3
                        ),
                        "ratio_to_ceiling_per_server_core": round(
                            flow["requests_per_server_core_s"]
                            / ceiling["requests_per_server_core_s"],
                            3,
                        )
                        if flow["requests_per_server_core_s"]
                        and ceiling["requests_per_server_core_s"]
                        else None,
                    }
                )
                ceilings.append({**common, **ceiling, "before_run": quiet_ceiling})
                checks.append({**common, **check})
                lat = flow["latency"]
                print(
                    f"{label} C={c:3d}: flow {flow['requests_per_s']:7.1f} req/s"
                    f" {flow['casts_per_s']:6.1f} casts/s (p99 ballot"
                    f" {lat['ballot']['p99_ms']} review {lat['review']['p99_ms']} cast"
                    f" {lat['cast']['p99_ms']} ms) | ceiling {ceiling['requests_per_s']:7.1f}"
                    f" req/s p99 {ceiling['all_latency']['p99_ms']} ms"
                    f" | box {'ok' if check['consistent'] else 'MISMATCH'}"
                )
        finally:
            flow_server.stop()
            ceiling_server.stop()

    # the best configuration at C = 64 (or the middle C): profile it, and dissect one flow
    target_c = 64 if 64 in conns else conns[len(conns) // 2]
    at_target = [f for f in flows if f["connections"] == target_c]
    best = max(at_target, key=lambda f: f["requests_per_s"])
    workers, threads = best["workers"], best["threads"]
    server = Gunicorn(
        "wsgi:app", workers=workers, threads=threads, env=env, log=work / "profile.log"
    ).start()
    try:
        need = max(1, math.ceil(rate_guess * 1.6 * args.profile_seconds / len(phones)))
        poll_ids = [p for p, _ in open_polls(app, conference_id, need, "profile")]
        slices = work / "slices-profile"
        write_slices(slices, target_c, phones, poll_ids)
        run_wrk(server.port, 16, 3, "flow", work, slices=slices)  # warm-up (same polls)
        wait_quiet(args.quiet_wait)
        profile = profile_under_load(server, target_c, args.profile_seconds, work, slices)
    finally:
        server.stop()
    ((anatomy_poll, _),) = open_polls(app, conference_id, 1, "anatomy")
    dissected = anatomy(app, phones, anatomy_poll, 30)

    goals = goals_of(flows, ceilings, target_c)
    notes = notes_of(flows, ceilings, goals, profile, dissected, target_c)
    print_tables(flows, ceilings, checks)
    for n in notes:
        print("-", n)
    return {
        "parameters": {
            "delegates": args.delegates,
            "electorate_per_poll": flows[0]["electorate_per_poll"] if flows else None,
            "connections": conns,
            "configs": [f"{w}x{t}" for w, t in configs],
            "duration_s": args.duration,
            "flow": "GET /polls/<id>/ballot -> POST /vote/review -> POST /vote/cast "
            "(motion poll, answers yes/no/abstain in turn)",
            "load_generator": "wrk 4.1 (Debian), one thread per keep-alive connection "
            "(-t C -c C), bench/cast.lua; latency per request kind timed in Lua "
            "(CLOCK_MONOTONIC from request() to response())",
            "sessions": "minted with the server's secret key for the wrk address and "
            "User-Agent (no argon2 login in the loop; bench/login.py measures that)",
            "server_env": {k: v for k, v in env.items() if k != "CONGRESS_SECRET_KEY"},
            "database": {"server": db.server, "scratch": db.name, **pg_facts(db)},
            "gunicorn": "python -m gunicorn --worker-class gthread --workers W --threads T "
            "--keep-alive 5 --backlog 2048 --timeout 120 wsgi:app (and ceiling_app:app from "
            "bench/), W x T per run",
        },
        "probe": probe,
        "flow": flows,
        "ceiling": ceilings,
        "box_checks": checks,
        "goals": goals,
        "profile": {"config": best["config"], **profile},
        "anatomy": dissected,
        "notes": notes,
        "versions": package_versions(VERSIONS),
        "tools": {"wrk": _wrk_version()},
    }


def _wrk_version() -> str:
    out = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    return (out.stdout or out.stderr).splitlines()[0].strip()


def goals_of(flows: list[dict], ceilings: list[dict], target_c: int) -> dict[str, Any]:
    at = [f for f in flows if f["connections"] == target_c]
    best = max(at, key=lambda f: f["requests_per_s"])
    ceiling = next(
        c for c in ceilings if c["config"] == best["config"] and c["connections"] == target_c
    )
    ratio = best["requests_per_s"] / ceiling["requests_per_s"]
    worst = []
    for f in flows:
        for kind, lat in f["latency"].items():
            worst.append((lat["p99_ms"], f["config"], f["connections"], kind))
    worst.sort(reverse=True)
    p99_ok = {
        f"{f['config']} C={f['connections']}": all(
            lat["p99_ms"] < GOAL_P99_MS for lat in f["latency"].values()
        )
        for f in flows
    }
    return {
        "flow_vs_ceiling_at_c64": {
            "goal": f"flow requests/s >= {GOAL_RATIO} x ceiling requests/s at C = {target_c}",
            "config": best["config"],
            "flow_requests_per_s": best["requests_per_s"],
            "ceiling_requests_per_s": ceiling["requests_per_s"],
            "ratio": round(ratio, 3),
            "met": ratio >= GOAL_RATIO,
            "shortfall_requests_per_s": round(
                max(0.0, GOAL_RATIO * ceiling["requests_per_s"] - best["requests_per_s"]), 1
            ),
        },
        "p99_under_250ms": {
            "goal": f"p99 of every request kind < {GOAL_P99_MS:.0f} ms",
            "met_per_run": p99_ok,
            "worst": [
                {"p99_ms": p, "config": cfg, "connections": c, "kind": k}
                for p, cfg, c, k in worst[:6]
            ],
        },
    }


def notes_of(flows, ceilings, goals, profile, dissected, target_c) -> list[str]:
    notes = []
    g = goals["flow_vs_ceiling_at_c64"]
    notes.append(
        f"C={target_c}, best config {g['config']}: flow {g['flow_requests_per_s']} req/s vs "
        f"ceiling {g['ceiling_requests_per_s']} req/s = {g['ratio']:.2f} "
        f"({'met' if g['met'] else 'missed'}; goal {GOAL_RATIO})."
    )
    p = goals["p99_under_250ms"]
    bad = [k for k, ok in p["met_per_run"].items() if not ok]
    notes.append(
        "p99 < 250 ms for every request kind in every run."
        if not bad
        else f"p99 >= 250 ms in {len(bad)} of {len(p['met_per_run'])} runs ({', '.join(bad)}); "
        f"worst {p['worst'][0]['p99_ms']} ms ({p['worst'][0]['kind']}, "
        f"{p['worst'][0]['config']} C={p['worst'][0]['connections']})."
    )
    other = [f["cpu"]["cores_used"]["other"] for f in flows]
    per_core = [
        f["ratio_to_ceiling_per_server_core"]
        for f in flows
        if f.get("ratio_to_ceiling_per_server_core")
    ]
    notes.append(
        f"Other processes on the machine used {min(other)}-{max(other)} of the 2 cores during "
        "the flow runs (cpu.cores_used.other): the absolute rates are those of a shared "
        "machine. Per core used by gunicorn + PostgreSQL the flow reaches "
        f"{min(per_core):.2f}-{max(per_core):.2f} of the ceiling, a ratio the load does not "
        "change much."
        if per_core
        else "No CPU accounting."
    )
    best = g["flow_requests_per_s"]
    notes.append(
        f"Closed loop: with C connections each waiting for its answer, the mean latency is "
        f"C / throughput (Little's law): at C={target_c} and {best} req/s that is "
        f"{1000 * target_c / best:.0f} ms per request; a p99 under {GOAL_P99_MS:.0f} ms at "
        f"C={target_c} needs more than {target_c / (GOAL_P99_MS / 1000):.0f} req/s even with no "
        "spread, and at C=256 more than 1024 req/s."
    )
    req = dissected["requests"]
    notes.append(
        "In process (test client, one thread), one flow takes "
        f"{dissected['flow_ms_median']} ms of which {dissected['flow_python_cpu_ms_median']} ms "
        "is Python CPU: "
        + "; ".join(
            f"{k} {req[k]['python_cpu_ms_median']} ms CPU, {req[k]['sql_statements']} SQL, "
            f"{req[k]['html_bytes']} B"
            for k in ("ballot", "review", "cast")
        )
        + "."
    )
    if "by_library_own_time" in profile:
        top = ", ".join(
            f"{x['what']} {x['share'] * 100:.0f}%" for x in profile["by_library_own_time"][:6]
        )
        notes.append(f"py-spy under load, own time by library: {top}.")
        frames = ", ".join(
            f"{x['what']} {x['share'] * 100:.0f}%"
            for x in profile["congress_frames_inclusive"][:10]
        )
        notes.append(f"py-spy, application frames inclusive (share of Python work): {frames}.")
    return notes


def print_tables(flows, ceilings, checks) -> None:
    rows = []
    for f, c, k in zip(flows, ceilings, checks, strict=True):
        lat = f["latency"]
        rows.append(
            [
                f["config"],
                f["connections"],
                f["casts_per_s"],
                f["requests_per_s"],
                c["requests_per_s"],
                f"{f['ratio_to_ceiling']:.2f}",
                "/".join(str(lat[k]["p50_ms"]) for k in ("ballot", "review", "cast")),
                "/".join(str(lat[k]["p99_ms"]) for k in ("ballot", "review", "cast")),
                c["all_latency"]["p99_ms"],
                sum(sum(v.values()) for v in f["non_2xx"].values())
                + sum(f["socket_errors"].values()),
                "ok" if k["consistent"] else f"{k['marks']}/{k['ballots']}/{k['successful_casts']}",
            ]
        )
    print_table(
        [
            "config",
            "C",
            "casts/s",
            "flow req/s",
            "ceiling req/s",
            "ratio",
            "p50 ms b/r/c",
            "p99 ms b/r/c",
            "ceil p99",
            "errors",
            "box",
        ],
        rows,
        title="Voting flow vs ceiling (b/r/c = ballot/review/cast)",
    )


if __name__ == "__main__":
    main()
