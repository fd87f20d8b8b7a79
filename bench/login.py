"""Logins per second with the production argon2id parameters, and what they mean for 500
delegates logging in at the start of a sitting.

    .venv/bin/python bench/login.py [--configs 2x4,3x4,4x4] [--burst 500] [--quick]
    CONGRESS_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres ...

1. The raw hash: `congress.auth.passwords.PROFILES["production"]` (argon2id, 3 passes,
   64 MiB, 4 lanes) through argon2-cffi, as the app builds it: the time of one hash and of
   one verify (what a login costs), the CPU time it takes (lanes run on threads), and
   verifications per second with 1, 2, 4 and 8 threads at once.
2. Full HTTP logins against gunicorn (gthread, W workers x T threads) on a scratch
   PostgreSQL database `congress_bench_login` (dropped afterwards) holding the demo
   organization and N delegates with accounts, created directly, all with one production
   hash of the same password (a verify costs the same whoever it is). Each login is
   GET /login (session cookie + CSRF token) then POST /login, which must answer 302.
   The server runs with CONGRESS_LOGIN_LIMIT_PER_ADDRESS and _PER_ACCOUNT raised to
   "1000000 per minute": every client here comes from 127.0.0.1, and the production limits
   (20 per minute per address, 10 per 10 minutes per account) would refuse the benchmark.
   - sustained, for each configuration: K clients in a closed loop for D seconds:
     logins/s, latency, and the cores gunicorn and everything else used meanwhile;
   - burst, on the configuration with the best sustained rate: B delegates (default 500)
     all open the login page at the same moment, as when the chair says "log in now":
     when does the last one get in, and the spread.

Writes bench/results/login.json. Reports, never asserts.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import re
import resource
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

from common import REPO_DIR, package_versions, print_table, write_results

sys.path.insert(0, str(REPO_DIR))

from cast import (
    CpuMeter,
    Gunicorn,
    ScratchDatabase,
    build_electorate,
    latency_summary,
    make_app,
    migrate,
    parse_configs,
    wait_quiet,
)

SCRATCH_DB = "congress_bench_login"
PASSWORD = "bench-login-password-2026"
LIMIT = "1000000 per minute"
TOKEN = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')


# -- raw argon2 ------------------------------------------------------------------------------


def raw_hash(repeat: int) -> dict[str, Any]:
    from argon2 import PasswordHasher, Type

    from congress.auth.passwords import PROFILES

    params = PROFILES["production"]
    ph = PasswordHasher(type=Type.ID, **params)
    stored = ph.hash(PASSWORD)
    hashes, verifies, cpu = [], [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        ph.hash(PASSWORD)
        hashes.append(time.perf_counter() - t0)
        c0, t0 = time.process_time(), time.perf_counter()
        ph.verify(stored, PASSWORD)
        verifies.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)

    def parallel(threads: int, per_thread: int) -> dict[str, Any]:
        barrier = threading.Barrier(threads + 1)

        def go():
            barrier.wait()
            for _ in range(per_thread):
                ph.verify(stored, PASSWORD)

        workers = [threading.Thread(target=go) for _ in range(threads)]
        for w in workers:
            w.start()
        barrier.wait()
        t0 = time.perf_counter()
        for w in workers:
            w.join()
        wall = time.perf_counter() - t0
        return {
            "threads": threads,
            "verifies": threads * per_thread,
            "wall_s": round(wall, 3),
            "verifies_per_s": round(threads * per_thread / wall, 2),
        }

    scaling = [parallel(t, max(2, 8 // t)) for t in (1, 2, 4, 8)]
    return {
        "profile": "production",
        "parameters": {**params, "type": "argon2id", "hash_len": ph.hash_len},
        "one_hash_ms": {
            "median": round(statistics.median(hashes) * 1000, 1),
            "min": round(min(hashes) * 1000, 1),
        },
        "one_verify_ms": {
            "median": round(statistics.median(verifies) * 1000, 1),
            "min": round(min(verifies) * 1000, 1),
        },
        "one_verify_cpu_ms_median": round(statistics.median(cpu) * 1000, 1),
        "lanes_in_parallel": round(statistics.median(cpu) / statistics.median(verifies), 2),
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "verify_scaling": scaling,
        "best_verifies_per_s": max(s["verifies_per_s"] for s in scaling),
        "repeat": repeat,
    }


# -- HTTP logins -----------------------------------------------------------------------------


def login(port: int, email: str) -> tuple[bool, float, float, int]:
    """GET /login then POST /login; (ok, GET seconds, POST seconds, POST status)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        t0 = time.perf_counter()
        conn.request("GET", "/login")
        r = conn.getresponse()
        page = r.read()
        cookie = (r.getheader("Set-Cookie") or "").split(";", 1)[0]
        t1 = time.perf_counter()
        match = TOKEN.search(page)
        if r.status != 200 or not match or not cookie:
            return False, t1 - t0, 0.0, r.status
        body = urllib.parse.urlencode(
            {"email": email, "password": PASSWORD, "csrf_token": match.group(1).decode()}
        )
        conn.request(
            "POST",
            "/login",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": cookie,
                "Referer": f"http://127.0.0.1:{port}/login",
            },
        )
        r = conn.getresponse()
        r.read()
        t2 = time.perf_counter()
        return r.status == 302, t1 - t0, t2 - t1, r.status
    except OSError:
        return False, 0.0, 0.0, 0
    finally:
        conn.close()


def sustained(server: Gunicorn, emails: list[str], clients: int, duration: float) -> dict:
    """`clients` threads log users in one after another for `duration` seconds."""
    results: list[tuple[bool, float, float, int, float]] = []
    lock = threading.Lock()
    next_user = iter(range(10**9))
    stop = time.perf_counter() + duration

    def go():
        while time.perf_counter() < stop:
            with lock:
                email = emails[next(next_user) % len(emails)]
            outcome = login(server.port, email)
            with lock:
                results.append((*outcome, time.perf_counter()))

    meter = CpuMeter([server.proc.pid, *server.worker_pids()])
    t0 = time.perf_counter()
    threads = [threading.Thread(target=go) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    cpu = meter.stop(0.0)
    done = [r for r in results if r[4] <= stop]
    ok = [r for r in done if r[0]]
    cores = cpu["cores_used"]["gunicorn"]
    return {
        "clients": clients,
        "duration_s": round(duration, 1),
        "logins_ok": len(ok),
        "failed": len(done) - len(ok),
        "failed_statuses": sorted({r[3] for r in done if not r[0]}),
        "logins_per_s": round(len(ok) / duration, 2),
        "logins_per_gunicorn_core_s": round(len(ok) / duration / cores, 2) if cores else None,
        "post_login": latency_summary([r[2] * 1e6 for r in ok]),
        "get_login": latency_summary([r[1] * 1e6 for r in ok]),
        "wall_s": round(wall, 1),
        "cpu": cpu["cores_used"],
    }


def burst(server: Gunicorn, emails: list[str]) -> dict[str, Any]:
    """Every delegate opens /login at the same moment; when is each one in?"""
    n = len(emails)
    results: list[Any] = [None] * n
    barrier = threading.Barrier(n + 1)

    def go(i: int):
        barrier.wait()
        outcome = login(server.port, emails[i])
        results[i] = (*outcome, time.perf_counter())

    threading.stack_size(256 * 1024)
    threads = [threading.Thread(target=go, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    meter = CpuMeter([server.proc.pid, *server.worker_pids()])
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    cpu = meter.stop(0.0)
    ok = [r for r in results if r and r[0]]
    finish = sorted(r[4] - t0 for r in ok)
    return {
        "delegates": n,
        "logged_in": len(ok),
        "failed": n - len(ok),
        "failed_statuses": sorted({r[3] for r in results if r and not r[0]}),
        "all_in_after_s": round(finish[-1], 1) if finish else None,
        "half_in_after_s": round(finish[len(finish) // 2], 1) if finish else None,
        "p95_in_after_s": round(finish[int(len(finish) * 0.95) - 1], 1) if finish else None,
        "logins_per_s": round(len(ok) / finish[-1], 2) if finish else None,
        "post_login": latency_summary([r[2] * 1e6 for r in ok]),
        "cpu": cpu["cores_used"],
    }


@contextlib.contextmanager
def serving(env: dict, workers: int, threads: int, log: Path, emails: list[str]):
    server = Gunicorn("wsgi:app", workers=workers, threads=threads, env=env, log=log).start()
    try:
        for email in emails[: 2 * workers]:  # warm-up: imports, templates, pools
            login(server.port, email)
        yield server
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", default="2x4,3x4,4x4", help="gunicorn workers x threads")
    parser.add_argument("--users", type=int, default=600)
    parser.add_argument("--burst", type=int, default=500)
    parser.add_argument("--clients", type=int, default=16, help="sustained: concurrent clients")
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--repeat", type=int, default=10, help="raw hashes timed")
    parser.add_argument("--quiet-wait", type=float, default=90.0)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.configs, args.duration, args.burst, args.repeat = "2x4", 8.0, 100, 4

    wait_quiet(args.quiet_wait)
    raw = raw_hash(args.repeat)
    print(
        f"argon2id production: hash {raw['one_hash_ms']['median']} ms, verify "
        f"{raw['one_verify_ms']['median']} ms ({raw['one_verify_cpu_ms_median']} ms CPU), "
        f"best {raw['best_verifies_per_s']} verifies/s"
    )
    work = Path(tempfile.mkdtemp(prefix="congress-bench-login-"))
    runs: list[dict[str, Any]] = []
    try:
        with ScratchDatabase(SCRATCH_DB) as db:
            from argon2 import PasswordHasher, Type

            from congress.auth.passwords import PROFILES

            stored = PasswordHasher(type=Type.ID, **PROFILES["production"]).hash(PASSWORD)
            app = make_app(db.url, work / "instance")
            migrate(app)
            _conference, users = build_electorate(
                app, max(args.users, args.burst), password_hash=stored
            )
            emails = [email for _id, _login, email in users]
            env = {
                "CONGRESS_DATABASE_URL": db.url,
                "CONGRESS_SECRET_KEY": "bench-login-secret-" + "l" * 32,
                "CONGRESS_ENV": "production",
                "CONGRESS_LOGIN_LIMIT_PER_ADDRESS": LIMIT,
                "CONGRESS_LOGIN_LIMIT_PER_ACCOUNT": LIMIT,
                "PYTHONPATH": str(REPO_DIR),
            }
            for workers, threads in parse_configs(args.configs):
                label = f"{workers}x{threads}"
                with serving(env, workers, threads, work / f"{label}.log", emails) as server:
                    wait_quiet(args.quiet_wait)
                    steady = sustained(server, emails, args.clients, args.duration)
                runs.append(
                    {"config": label, "workers": workers, "threads": threads, "sustained": steady}
                )
                print(
                    f"{label}: sustained {steady['logins_per_s']} logins/s (p50 "
                    f"{steady['post_login']['p50_ms']} ms, p99 {steady['post_login']['p99_ms']}"
                    f" ms), {steady['failed']} failed"
                )
            best = max(runs, key=lambda r: r["sustained"]["logins_per_s"])
            with serving(
                env, best["workers"], best["threads"], work / "burst.log", emails
            ) as server:
                wait_quiet(args.quiet_wait)
                rush = burst(server, emails[: args.burst])
            best["burst"] = rush
            print(
                f"{best['config']}: burst of {rush['delegates']}: all in after "
                f"{rush['all_in_after_s']} s, half after {rush['half_in_after_s']} s, "
                f"{rush['failed']} failed"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)

    rate = best["sustained"]["logins_per_s"]
    per_core = 1000 / raw["one_verify_cpu_ms_median"] if raw["one_verify_cpu_ms_median"] else None
    notes = [
        f"One production argon2id verify takes {raw['one_verify_ms']['median']} ms wall and "
        f"{raw['one_verify_cpu_ms_median']} ms of CPU (its 4 lanes run on "
        f"{raw['lanes_in_parallel']} cores at once); at best this machine verifies "
        f"{raw['best_verifies_per_s']} passwords/s (2 cores), about "
        f"{per_core:.1f} per core-second.",
        f"Through gunicorn the best is {best['config']} at {rate} logins/s: 500 delegates "
        f"need about {500 / rate:.0f} s of server time if they come at once "
        f"(measured burst of {best['burst']['delegates']}: all in after "
        f"{best['burst']['all_in_after_s']} s, half after {best['burst']['half_in_after_s']} s).",
        "Sustained logins/s per configuration: "
        + ", ".join(f"{r['config']} {r['sustained']['logins_per_s']}" for r in runs)
        + f"; the argon2 bound on 2 free cores is about {2 * per_core:.1f} logins/s "
        "(2 / CPU time of one verify). While logins run they take the CPU that casting needs.",
    ]
    rows = [
        [
            r["config"],
            r["sustained"]["logins_per_s"],
            r["sustained"]["post_login"]["p50_ms"],
            r["sustained"]["post_login"]["p99_ms"],
            r["sustained"]["cpu"]["gunicorn"],
            r["sustained"]["cpu"]["other"],
            r.get("burst", {}).get("delegates", "-"),
            r.get("burst", {}).get("half_in_after_s", "-"),
            r.get("burst", {}).get("all_in_after_s", "-"),
            r.get("burst", {}).get("failed", 0) + r["sustained"]["failed"],
        ]
        for r in runs
    ]
    print_table(
        [
            "config",
            "logins/s",
            "POST p50 ms",
            "POST p99 ms",
            "gunicorn cores",
            "other cores",
            "burst",
            "half in s",
            "all in s",
            "failed",
        ],
        rows,
        title="HTTP logins (GET /login + POST /login, production argon2id)",
    )
    for n in notes:
        print("-", n)
    out = write_results(
        "login",
        {
            "parameters": {
                "users": max(args.users, args.burst),
                "burst": args.burst,
                "sustained_clients": args.clients,
                "duration_s": args.duration,
                "configs": args.configs,
                "server_env": {k: v for k, v in env.items() if k != "CONGRESS_SECRET_KEY"},
                "limits_note": "login rate limits raised for the benchmark: every client "
                "is 127.0.0.1; production allows 20 POST /login per minute per address "
                "and 10 per 10 minutes per account",
                "database": {"server": db.server, "scratch": SCRATCH_DB},
            },
            "raw_argon2": raw,
            "http": runs,
            "best": {"config": best["config"], "logins_per_s": rate},
            "five_hundred_delegates": {
                "seconds_at_best_rate": round(500 / rate, 1),
                "seconds_if_gunicorn_had_2_cores": round(
                    500 / (2 * best["sustained"]["logins_per_gunicorn_core_s"]), 1
                )
                if best["sustained"].get("logins_per_gunicorn_core_s")
                else None,
                "measured_burst": best["burst"],
            },
            "notes": notes,
            "versions": package_versions(
                ("argon2-cffi", "argon2-cffi-bindings", "flask", "flask-limiter", "gunicorn")
            ),
        },
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
