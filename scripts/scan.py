"""`make scan`: wapiti against the demo server, logged in as a delegate and as a committee member.

    .venv/bin/python scripts/scan.py [--wapiti PATH] [--roles delegate,committee] [--keep]

Everything happens in a new temporary folder, nothing in instance/:

1. a fresh SQLite database with the demo organization (`congress init`, `congress demo`,
   through `flask --app` on an app whose instance folder is in the temporary folder);
2. what a logged-in scan needs to reach the interesting pages, built with the app's own
   operations: twelve accredited delegates checked in to an open sitting, one of them with
   an account (delegate@scan.test) who sits on the Central Council and has a submitted
   candidacy; three open polls the delegate can vote in (a motion, the Central Council
   block vote, the Coordination Office ranked vote); a certified motion with its board and
   result; a counted motion awaiting the committee's signatures; a draft motion; a sealed
   draft whose shares wait to be collected (every committee member has a key-holder
   passphrase, so the committee's new-poll form also succeeds when it asks for a seal);
3. gunicorn serving that database on a free port of 127.0.0.1;
4. wapiti twice, each with a session cookie minted with the server's secret key the moment
   before its run (fresh for `FRESH_LOGIN_SECONDS`, so the election actions are reached,
   not only the password prompt): first as the delegate, then as committee1@congress.test
   (the committee has no one-time code in development). Each run crawls, drops the forms
   an earlier one stands for, then attacks from the stored crawl (`--skip-crawl`), and
   writes wapiti's JSON report to bench/results/scan-ROLE.json (cookies redacted).

What the scan submits: wapiti's crawler submits every form it finds, with default values,
and its attack modules replay them with payloads and the page's own CSRF token. That is
wanted: it is how the handlers' input checks get attacked. Excluded, so that the session
and the scan's world survive: /logout and /language (end or change the session);
withdrawing a candidacy (the delegate's statement form, a stored-XSS target, would go);
removing an approved candidate, annulling a poll and discarding a sealed box's envelopes
(irreversible, and they empty the lists and results the rest of the scan reads). Also
excluded: the minutes PDF (its one input, `lang`, is checked against ("ar", "en"), and
each payload would cost a second of PDF rendering). Everything else is a throwaway world:
the delegate votes (the first valid submission in each poll wins), the committee opens,
closes, counts, signs and creates polls with payloads in their titles, which the
permanent-XSS module then looks for on every page. The scan's own secrets (the delegate's
password, the key-holder passphrases) are hashed with the test profile: wapiti sends
thousands of wrong ones, each of which would otherwise cost a production Argon2.

The modules: the passive checks (cookieflags, csp, http_headers), csrf, methods,
htaccess, and the injections (crlf, exec, file, sql, xss, permanentxss, redirect, upload).
Left out: ssrf and log4shell (they need wapiti's endpoint on the internet), ssl and
https_redirect (the server speaks plain HTTP behind a TLS proxy), timesql (minutes of
sleeps per parameter; every query is bound by SQLAlchemy), and the brute-force or
fingerprinting ones (backup, buster, nikto, brute_login_form, wapp, cms...).

It prints, for each role, the findings per module, how many resources each module
attacked before its time ran out, and how the server answered; then every traceback the
server logged, and exits 1 if there was any (the reports are written all the same).
"""

from __future__ import annotations

import argparse
import http.client
import json
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
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
DEFAULT_WAPITI = ROOT / ".venv" / "scan" / "bin" / "wapiti"

DELEGATE_EMAIL = "delegate@scan.test"
DELEGATE_PASSWORD = "scan-delegate-2026"  # noqa: S105 (a throwaway demo account)
COMMITTEE_EMAIL = "committee1@congress.test"
KEYHOLDER_PASSPHRASE = "scan-key-holder-2026"  # noqa: S105

MODULES = (
    "cookieflags,csp,http_headers,csrf,methods,htaccess,"
    "crlf,exec,file,sql,xss,permanentxss,redirect,upload"
)
# Paths (after the host) never crawled nor attacked; wapiti matches them with wildcards.
EXCLUDED = (
    "/logout*",
    "/language*",
    "/conferences/*/candidacies/*/withdraw*",
    "/conferences/*/candidacies/*/remove*",
    "/conferences/*/minutes.pdf*",
    "/polls/*/annul*",
    "/polls/*/box/discard*",
)
# Pages every account sees the same: attacked in the delegate's run, not again.
EXCLUDED_FOR_COMMITTEE = (
    "/account/password*",
    "/account/two-factor*",
)

APP_MODULE = '''"""The app on the scan's temporary instance folder (written by scripts/scan.py)."""
import os

from congress import create_app

app = create_app({"INSTANCE_PATH": os.environ["SCAN_INSTANCE_PATH"]})
'''


# -- the world ---------------------------------------------------------------------------


@dataclass
class World:
    conference: int
    open_polls: list[int]
    certified: int
    tallied: int
    draft: int
    sealed: int
    candidacy: int


def _run(argv: list[str], env: dict[str, str], cwd: Path) -> None:
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True)  # noqa: S603
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed:\n{done.stdout}\n{done.stderr}")
    print("   ", done.stdout.strip().splitlines()[0])


def init_and_demo(env: dict[str, str], tmp: Path) -> None:
    """`congress init` and `congress demo` on the scan's database and instance folder."""
    flask = [sys.executable, "-m", "flask", "--app", "scan_app", "congress"]
    _run([*flask, "init"], env, tmp)
    _run([*flask, "demo"], env, tmp)


def build_world(app) -> World:
    """Delegates in an open sitting, the scan's delegate account, and polls in every state."""
    from sqlalchemy import select

    from congress.auth import roles
    from congress.auth.models import User, UserRole
    from congress.auth.operations import create_user
    from congress.candidacy.models import BodyMember, Candidacy
    from congress.conference import attendance, delegates
    from congress.conference.models import Conference
    from congress.database import write_intent
    from congress.demo_delegates import designate_delegates
    from congress.extensions import db
    from congress.members.models import Member
    from congress.models_common import utcnow
    from congress.results import certify, counting
    from congress.sealing.ceremony import ceremony, set_keyholder_passphrase
    from congress.voting import casting, polls

    with app.app_context(), write_intent():
        conference = db.session.execute(select(Conference)).scalar_one()
        rules = delegates.bylaws_of(conference)
        committee = (
            db.session.execute(
                select(User)
                .join(UserRole, UserRole.user_id == User.id)
                .where(UserRole.role == roles.COMMITTEE)
                .order_by(User.email)
            )
            .scalars()
            .all()
        )
        demo_candidates = set(db.session.execute(select(Candidacy.member_id)).scalars())
        members = db.session.execute(select(Member).order_by(Member.id)).scalars().all()
        standing = [
            m
            for m in members
            if rules.good_standing(delegates.member_facts(m)).ok and m.id not in demo_candidates
        ]

        # twelve accredited delegates (the first designatable members), all present
        chosen = designate_delegates(conference, 12, skip=demo_candidates)
        attendance.start_sitting(conference, actor=None)
        for d in chosen:
            attendance.set_presence(d, "present", actor=None)
        voter = chosen[0].member
        create_user(DELEGATE_EMAIL, voter.name_ar, DELEGATE_PASSWORD, member_id=voter.id)

        # the delegate sits on the Central Council (so votes for the Coordination Office)
        # beside twelve Coordination Office candidates; twenty more stand for the Council
        others = [m for m in standing if m.id != voter.id]
        office, council = others[:12], others[12:32]
        for position, m in enumerate([voter, *office], start=1):
            db.session.add(
                BodyMember(
                    conference_id=conference.id,
                    body="central_council",
                    member_id=m.id,
                    position=position,
                    since=utcnow(),
                )
            )
        now = utcnow()
        for body, group in (("coordination_office", office), ("central_council", council)):
            for m in group:
                db.session.add(
                    Candidacy(
                        conference_id=conference.id,
                        body=body,
                        member_id=m.id,
                        status="approved",
                        statement_ar="بيان ترشّح قصير.",
                        statement_en="A short statement.",
                        submitted_at=now,
                        decided_at=now,
                    )
                )
        mine = Candidacy(
            conference_id=conference.id,
            body="central_council",
            member_id=voter.id,
            status="submitted",
            statement_ar="بياني.",
            statement_en="My statement.",
            submitted_at=now,
        )
        db.session.add(mine)
        db.session.flush()

        def motion(title: str):
            return polls.create_motion(
                conference,
                title_ar=f"مقترح: {title}",
                title_en=f"Motion: {title}",
                text_ar="نص المقترح.",
                text_en="The text of the motion.",
                category="ordinary",
                actor=None,
            )

        # counted motions: one certified by three signatures, one awaiting them
        counted = []
        for title, signers in (("certified", committee[:3]), ("counted", committee[1:2])):
            poll = motion(title)
            polls.open_poll(poll, actor=None)
            for d, answer in zip(chosen[:5], ("yes", "yes", "no", "abstain", "yes"), strict=True):
                casting.cast(poll.id, d.member_id, answer=answer)
            polls.close_poll(poll, actor=None)
            counting.run_tally(poll, actor=committee[0])
            for signer in signers:
                certify.sign(poll, signer)
            counted.append(poll.id)

        open_polls = []
        for poll in (
            motion("open"),
            polls.create_election(conference, "central_council", actor=None),
            polls.create_election(conference, "coordination_office", actor=None),
        ):
            polls.open_poll(poll, actor=None)
            open_polls.append(poll.id)
        draft = motion("draft")

        # every committee member holds a key-holder passphrase, so that the committee's
        # new-poll form succeeds (it seals the box when asked) and its titles land on pages;
        # a sealed draft waits for its shares to be collected (/polls/N/my-share)
        for member in committee:
            set_keyholder_passphrase(member, KEYHOLDER_PASSPHRASE)
        sealed = motion("sealed")
        ceremony(sealed, actor=None)
        db.session.commit()
        world = World(
            conference=conference.id,
            open_polls=open_polls,
            certified=counted[0],
            tallied=counted[1],
            draft=draft.id,
            sealed=sealed.id,
            candidacy=mine.id,
        )
        db.session.remove()
    return world


def mint_cookie(app, email: str) -> str:
    """The session cookie the server would set after a login now (as tests/live_server.py)."""
    from sqlalchemy import select

    from congress.auth.models import User
    from congress.extensions import db

    with app.app_context():
        user = db.session.execute(select(User).where(User.email == email)).scalar_one()
        # the raw CSRF token goes in now: otherwise each page wapiti fetches at once would
        # start a session token of its own, and all but the last page's forms would fail
        data = {
            "_user_id": user.get_id(),
            "_fresh": True,
            "auth_at": int(time.time()),
            "csrf_token": secrets.token_hex(20),
        }
        cookie = app.session_interface.get_signing_serializer(app).dumps(data)
        db.session.remove()
    return cookie


# -- the server --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn in a process group of its own, with an access log."""

    def __init__(self, env: dict[str, str], tmp: Path):
        self.env, self.tmp = env, tmp
        self.port = free_port()
        self.access = tmp / "access.log"
        self.errors = tmp / "gunicorn.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> Server:
        self.log = open(self.errors, "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                "2",
                "--threads",
                "8",
                "--worker-class",
                "gthread",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--access-logfile",
                str(self.access),
                "--access-logformat",
                "%(m)s %(U)s %(s)s %(L)s",
                "--graceful-timeout",
                "2",
                "scan_app:app",
            ],
            cwd=self.tmp,
            env=self.env,
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,
        )
        deadline = time.time() + 30
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
        self.stop()
        sys.exit("gunicorn did not start:\n" + self.errors.read_text()[-2000:])

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        if getattr(self, "log", None):
            self.log.close()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


# -- wapiti ------------------------------------------------------------------------------


def start_urls(role: str, world: World) -> list[str]:
    c = world.conference
    common = ["/", f"/conferences/{c}", f"/conferences/{c}/polls", "/candidates", "/bylaws"]
    done = [world.certified, world.tallied]
    if role == "delegate":
        return [
            *common,
            f"/conferences/{c}/me",
            f"/conferences/{c}/candidacy",
            f"/conferences/{c}/candidacies/{world.candidacy}/statement",
            f"/conferences/{c}/endorsements",
            *(f"/polls/{p}/ballot" for p in world.open_polls),
            *(f"/polls/{p}" for p in world.open_polls),
            f"/polls/{world.certified}/result",
            f"/polls/{world.certified}/board?tracker=",
            "/account/password",
        ]
    return [
        *common,
        f"/conferences/{c}/polls/new",
        f"/conferences/{c}/review",
        f"/conferences/{c}/delegates",
        f"/conferences/{c}/bodies",
        *(f"/polls/{p}" for p in [*world.open_polls, world.draft, world.sealed, *done]),
        f"/polls/{world.sealed}/box",
        f"/polls/{world.sealed}/my-share",
        *(f"/polls/{p}/result" for p in done),
        "/audit/",
        "/account/key-holder",
    ]


def dedupe_forms(session_db: Path) -> int:
    """Drop crawled forms that an earlier one already stands for, before the attacks.

    Two kinds: the same form seen twice (a Flask-WTF token carries the second it was
    signed, so the same form on two pages a second apart is two requests to wapiti), and
    the same form of another object (/polls/3/close and /polls/4/close, the share form
    of each sealed poll): the same handler, attacked once. Pages (GET) are all kept: the
    permanent-XSS module reads them. Returns how many forms were dropped (0, with a
    warning, if wapiti's session schema is not the one this was written for)."""
    import sqlite3

    con = sqlite3.connect(session_db)
    try:
        rows = con.execute(
            "SELECT p.path_id, p.method, p.path, p.enctype, q.type, q.name, q.value1 "
            "FROM paths p LEFT JOIN params q ON q.path_id = p.path_id "
            "WHERE p.evil = 0 ORDER BY p.path_id, q.type, q.position"
        ).fetchall()
    except sqlite3.Error as error:
        print(f"   (forms not deduplicated: {error})")
        con.close()
        return 0
    keys: dict[int, list] = {}
    for path_id, method, path, enctype, kind, name, value in rows:
        if path_id not in keys:
            if method == "POST":
                path = re.sub(r"/\d+(?=/|$)", "/N", path)
            keys[path_id] = [method, path, enctype]
        if name is not None and not name.endswith("csrf_token"):
            keys[path_id].append((kind, name, value))
    seen, dropped = set(), []
    for path_id, key in sorted(keys.items()):
        frozen = repr(key)
        if frozen in seen and key[0] == "POST":
            dropped.append((path_id,))
        seen.add(frozen)
    with con:
        con.executemany("DELETE FROM params WHERE path_id = ?", dropped)
        con.executemany("DELETE FROM paths WHERE path_id = ?", dropped)
    con.close()
    return len(dropped)


def coverage(session_db: Path) -> dict[str, str]:
    """For each module, how many of the crawled resources it attacked before its time ran
    out (passive modules look at a few pages only)."""
    import sqlite3

    con = sqlite3.connect(session_db)
    try:
        total = con.execute("SELECT count(*) FROM paths WHERE evil = 0").fetchone()[0]
        rows = con.execute(
            "SELECT module, count(DISTINCT path_id) FROM attack_logs GROUP BY module"
        ).fetchall()
    except sqlite3.Error:
        return {}
    finally:
        con.close()
    return {module: f"{n}/{total}" for module, n in sorted(rows)}


def run_wapiti(
    wapiti: Path, role: str, server: Server, cookie: str, world: World, tmp: Path, args
) -> Path:
    """Crawl, drop duplicate forms, then attack from the stored crawl (--skip-crawl)."""
    cookies = tmp / f"cookies-{role}.json"
    cookies.write_text(
        json.dumps(
            {
                "127.0.0.1": {
                    "/": {
                        "session": {
                            "value": cookie,
                            "expires": None,
                            "secure": False,
                            "port": None,
                            "version": 0,
                        }
                    }
                }
            }
        )
    )
    session = tmp / f"wapiti-{role}"
    report = args.out_dir / f"scan-{role}.json"
    common = [
        str(wapiti),
        "--url",
        server.base + "/",
        "--cookie",
        str(cookies),
        "--max-links-per-page",
        "60",
        "--tasks",
        "8",
        "--timeout",
        "20",
        "--store-session",
        str(session),
        "--store-config",
        str(tmp / "wapiti-config"),
        "--no-bugreport",
        "--verbose",
        "1",
        "--format",
        "json",
    ]
    for url in start_urls(role, world):
        common += ["--start", server.base + url]
    for path in EXCLUDED + (EXCLUDED_FOR_COMMITTEE if role == "committee" else ()):
        common += ["--exclude", server.base + path]
    crawl = [
        *common,
        "--flush-session",
        "--module",
        "",
        "--max-scan-time",
        str(args.max_crawl_time),
        "--log",
        str(tmp / f"wapiti-{role}-crawl.log"),
        "--output",
        str(tmp / f"crawl-{role}.json"),
    ]
    attack = [
        *common,
        "--skip-crawl",
        "--module",
        MODULES,
        "--max-attack-time",
        str(args.max_attack_time),
        "--skip",
        "csrf_token",
        "--log",
        str(tmp / f"wapiti-{role}.log"),
        "--output",
        str(report),
    ]
    print(f"== wapiti as {role}", flush=True)
    started = time.monotonic()
    for phase, argv in (("crawl", crawl), ("attack", attack)):
        done = subprocess.run(  # noqa: S603
            argv, stdin=subprocess.DEVNULL, capture_output=True, text=True
        )
        (tmp / f"wapiti-{role}-{phase}.out").write_text(done.stdout + done.stderr)
        if done.returncode != 0:
            print(done.stdout[-3000:], done.stderr[-3000:], sep="\n")
            raise SystemExit(f"wapiti ({phase}) as {role} failed (exit {done.returncode})")
        session_db = next(session.glob("*.db"))
        if phase == "crawl":
            if "Max scan time was reached" in done.stdout + done.stderr:
                print(f"   (the crawl stopped at --max-crawl-time {args.max_crawl_time} s)")
            dropped = dedupe_forms(session_db)
            print(
                f"   crawl: {time.monotonic() - started:.0f} s, {dropped} duplicate forms dropped"
            )
    if not report.exists():
        raise SystemExit(f"wapiti as {role} wrote no report")
    redact_cookies(report)
    print(f"   {time.monotonic() - started:.0f} s in all, report {report}")
    print(
        "   resources attacked per module:",
        ", ".join(f"{m} {n}" for m, n in coverage(session_db).items()),
    )
    return report


def redact_cookies(report: Path) -> None:
    """The requests in the report carry the minted session cookie: keyed with this run's
    random secret on a database that is deleted, it opens nothing, but a session cookie
    has no business in the repository."""
    data = json.loads(report.read_text())
    pattern = re.compile(r"(?im)^(cookie: ).*$")
    for section in ("vulnerabilities", "anomalies", "additionals"):
        for items in data.get(section, {}).values():
            for item in items:
                if isinstance(item.get("http_request"), str):
                    item["http_request"] = pattern.sub(
                        r"\1session=(redacted)", item["http_request"]
                    )
    report.write_text(json.dumps(data, indent=2) + "\n")


# -- what came out -----------------------------------------------------------------------


def summarize(report: Path) -> Counter:
    data = json.loads(report.read_text())
    found: Counter = Counter()
    for section in ("vulnerabilities", "anomalies", "additionals"):
        for category, items in data.get(section, {}).items():
            for item in items:
                found[(section, category, item.get("module", ""))] += 1
    print(f"   crawled pages: {data.get('infos', {}).get('crawled_pages_nbr')}")
    if not found:
        print("   no findings")
    for (section, category, module), n in sorted(found.items()):
        print(f"   {n:4d}  {section:<15} {category} [{module}]")
    return found


def access_summary(log: Path, offset: int) -> int:
    """Requests per status since `offset` in the access log; returns the new offset."""
    text = log.read_text(errors="replace") if log.exists() else ""
    statuses: Counter = Counter()
    for line in text[offset:].splitlines():
        parts = line.split()
        if len(parts) == 4:
            statuses[parts[2]] += 1
    print("   server answers:", ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items())))
    return len(text)


def tracebacks(log: Path) -> list[str]:
    """The last line of every traceback gunicorn logged (unique, with counts)."""
    text = log.read_text(errors="replace") if log.exists() else ""
    last_lines: Counter = Counter()
    for block in re.split(r"(?m)^Traceback \(most recent call last\):$", text)[1:]:
        lines = [line for line in block.splitlines() if line and not line.startswith(" ")]
        if lines:
            last_lines[lines[0]] += 1
    return [f"{n} x {line}" for line, n in last_lines.most_common()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wapiti", type=Path, default=DEFAULT_WAPITI)
    parser.add_argument("--roles", default="delegate,committee")
    parser.add_argument("--max-crawl-time", type=int, default=60, help="seconds per role")
    parser.add_argument("--max-attack-time", type=int, default=120, help="seconds per module")
    parser.add_argument("--out-dir", type=Path, default=RESULTS)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    if not args.wapiti.exists():
        sys.exit(f"no wapiti at {args.wapiti}: run `make scan`, which installs it")
    roles = [r for r in args.roles.split(",") if r]
    if set(roles) - {"delegate", "committee"}:
        sys.exit("--roles: delegate and/or committee")
    args.out_dir.mkdir(parents=True, exist_ok=True)

    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="congress-scan-"))
    finished = False
    try:
        errors = scan(tmp, roles, args)
        finished = True
    finally:
        if args.keep or not finished:
            print(f"== kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"== done in {time.monotonic() - started:.0f} s")
    if errors:
        sys.exit(f"the server failed {len(errors)} way(s) during the scan: see above")


def scan(tmp: Path, roles: list[str], args) -> list[str]:
    """Build the world, serve it, run wapiti per role; returns the server's tracebacks."""
    instance = tmp / "instance"
    instance.mkdir()
    (tmp / "scan_app.py").write_text(APP_MODULE)
    secret = secrets.token_urlsafe(48)
    url = f"sqlite:///{tmp / 'scan.sqlite3'}"
    env = {
        **os.environ,
        "CONGRESS_ENV": "development",
        "CONGRESS_DATABASE_URL": url,
        "CONGRESS_SECRET_KEY": secret,
        "SCAN_INSTANCE_PATH": str(instance),
        "PYTHONPATH": os.pathsep.join([str(tmp), str(ROOT)]),
    }
    print(f"== world in {tmp}")
    init_and_demo(env, tmp)
    os.environ.update({k: env[k] for k in ("CONGRESS_ENV", "SCAN_INSTANCE_PATH")})
    from congress import create_app

    app = create_app(
        {
            "INSTANCE_PATH": str(instance),
            "DATABASE_URL": url,
            "SECRET_KEY": secret,
            "PASSWORD_HASH_PROFILE": "test",  # the scan's own secrets only (see the top)
        }
    )
    world = build_world(app)
    print(f"   {world}")

    server = Server(env, tmp).start()
    print(f"== gunicorn on {server.base}")
    offset = 0
    try:
        for role in roles:
            email = DELEGATE_EMAIL if role == "delegate" else COMMITTEE_EMAIL
            minted = time.monotonic()
            report = run_wapiti(
                args.wapiti, role, server, mint_cookie(app, email), world, tmp, args
            )
            if time.monotonic() - minted > app.config["FRESH_LOGIN_SECONDS"]:
                print("   (the login was no longer fresh by the end: the last attacks on")
                print("    election actions met the password prompt)")
            summarize(report)
            offset = access_summary(server.access, offset)
    finally:
        server.stop()
    errors = tracebacks(server.errors)
    print("== server tracebacks:", "none" if not errors else "")
    for line in errors:
        print("  ", line)
    return errors


if __name__ == "__main__":
    main()
