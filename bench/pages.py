"""Page weight: bytes and requests of the pages a delegate loads on a weak connection, and
whether any of them asks another host for anything.

    .venv/bin/python bench/pages.py [--no-browser]

Builds two fresh SQLite databases in a temporary folder and serves each with gunicorn
(production settings; SQLite allowed, cookies not marked Secure so that a headless
browser on http://127.0.0.1 keeps them):

- world 1: the demo conference with one accredited, present delegate who also sits on
  the Central Council; 50 approved Central Council candidates with statements (the
  published candidate list is measured then), 10 more, an open Central Council block
  vote with 60 candidates, and an open Coordination Office ranked (STV) poll with 60
  candidates (its ballot page loads rank.js);
- world 2: a certified Coordination Office STV (Meek) count whose ballots make the
  exclusions go one by one, about 20 rounds (26 candidates, 9 seats, 637 ballots cast
  through `congress.voting.casting.cast`, closed, counted and signed by the committee).

Each page is fetched as the delegate (a real login through /login) in Arabic and English;
its HTML is parsed for every subresource (<link href> of stylesheets/icons/preloads,
<script src>, <img src/srcset>, <source>, <iframe>, <video>/<audio>, <object>, <embed>,
url(...) in style attributes and <style>, and url()/@import inside the CSS), each is fetched
once, and every URL is checked to be on our own host. Inline data: images are counted in
the HTML bytes. With Playwright and Chromium present, each page is also loaded in headless
Chromium to count the requests the browser actually makes (favicon included).

Goals (reported, never asserted): a ballot page under 40 KB in all, the other pages under
60 KB, no request to another host. Writes bench/results/pages.json.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import os
import random
import re
import shutil
import sys
import tempfile
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from common import REPO_DIR, package_versions, print_table, write_results

sys.path.insert(0, str(REPO_DIR))
sys.path.insert(0, str(REPO_DIR / "tests"))

from cast import Gunicorn, make_app, migrate

KB = 1024
BALLOT_BUDGET = 40 * KB
PAGE_BUDGET = 60 * KB
PASSWORD = "bench-pages-password-2026"
STV_CANDIDATES, STV_SEATS, STV_BASE = 26, 9, 12  # candidate k gets 12 + k first preferences
CHROMIUM = os.environ.get("CONGRESS_CHROMIUM", "/usr/bin/chromium")

STATEMENT_AR = (
    "أترشّح لأن التجمّع قوي بأعضائه في الداخل والمهجر معًا. عملت في لجان التنسيق سنوات في "
    "الإغاثة والتعليم والدفاع عن حقوق المعتقلين، وتعلّمت أن القرار الجيد يُبنى على الاستماع "
    "والشفافية والمحاسبة.\n\nأولوياتي: نشر محاضر المجلس خلال أسبوع من كل اجتماع، وميزانية "
    "سنوية منشورة مع تدقيق مستقل، وجلسة شهرية مفتوحة لأسئلة الأعضاء، وتمثيل عادل للشباب "
    "والنساء في لجان العمل."
)
STATEMENT_EN = (
    "I stand because the Gathering is strong when its members inside Syria and abroad act "
    "together. I have worked in the coordination committees for years in relief, education "
    "and the defence of detainees' rights.\n\nMy priorities: minutes published within a week; "
    "a yearly budget with an independent audit; a monthly open hour for members' questions."
)


# -- building the worlds ---------------------------------------------------------------------


def _base(app, extra_members: int):
    """Demo organization, a delegate user (accredited, present) and `extra_members` more
    members in good standing. Returns (conference, voter user, [members not the voter])."""
    from sqlalchemy import select

    from congress.auth.operations import create_user
    from congress.conference import attendance, delegates
    from congress.conference.models import Conference
    from congress.database import write_intent
    from congress.demo import load_demo
    from congress.extensions import db
    from congress.members.models import Branch, Member
    from congress.system import operations as system

    with write_intent():
        system.initialize()
        load_demo()
        db.session.commit()
        conference = db.session.execute(select(Conference)).scalar_one()
        branches = db.session.execute(select(Branch).order_by(Branch.code)).scalars().all()
        for n in range(extra_members):
            db.session.add(
                Member(
                    number=f"P{n:05d}",
                    name_ar=f"عضو تجريبي {n}",
                    name_latin=f"Bench Member {n}",
                    branch=branches[n % len(branches)],
                    status="active",
                    dues_paid=True,
                )
            )
        db.session.flush()
        rules = delegates.bylaws_of(conference)
        voter_member = next(
            m
            for m in db.session.execute(select(Member).order_by(Member.id)).scalars()
            if rules.good_standing(delegates.member_facts(m)).ok
        )
        d = delegates.designate(
            conference, voter_member, voter_member.branch, "delegate", actor=None
        )
        delegates.accredit(d, actor=None)
        attendance.start_sitting(conference, actor=None)
        attendance.set_presence(d, "present", actor=None)
        voter = create_user("delegate@bench.test", "Delegate", PASSWORD)
        voter.member_id = voter_member.id
        others = [  # the bench's own members: active, dues paid, whatever the demo holds
            m
            for m in db.session.execute(
                select(Member).where(Member.number.like("P%")).order_by(Member.id)
            ).scalars()
            if m.id != voter_member.id
        ]
        db.session.commit()
    return conference, voter, others


def _approve(conference, body: str, members, *, statements: bool) -> None:
    from congress.candidacy.models import Candidacy
    from congress.database import write_intent
    from congress.extensions import db
    from congress.models_common import utcnow

    with write_intent():
        for m in members:
            db.session.add(
                Candidacy(
                    conference_id=conference.id,
                    body=body,
                    member_id=m.id,
                    status="approved",
                    statement_ar=STATEMENT_AR if statements else "",
                    statement_en=STATEMENT_EN if statements else "",
                    submitted_at=utcnow(),
                    decided_at=utcnow(),
                )
            )
        db.session.commit()


def _approved(conference, body: str) -> int:
    from sqlalchemy import func, select

    from congress.candidacy.models import Candidacy
    from congress.extensions import db

    return db.session.execute(
        select(func.count(Candidacy.id)).where(
            Candidacy.conference_id == conference.id,
            Candidacy.body == body,
            Candidacy.status == "approved",
        )
    ).scalar_one()


def _seat(conference, body: str, members) -> None:
    from congress.candidacy.models import BodyMember
    from congress.database import write_intent
    from congress.extensions import db
    from congress.models_common import utcnow

    with write_intent():
        for position, m in enumerate(members, start=1):
            db.session.add(
                BodyMember(
                    conference_id=conference.id,
                    body=body,
                    member_id=m.id,
                    position=position,
                    since=utcnow(),
                )
            )
        db.session.commit()


def _open_election(conference, body: str) -> int:
    from congress.database import write_intent
    from congress.extensions import db
    from congress.voting import polls

    with write_intent():
        poll = polls.create_election(conference, body, actor=None)
        polls.open_poll(poll, actor=None)
        db.session.commit()
        return poll.id


def build_world_one(app) -> dict[str, Any]:
    """Ballots and lists. Returns the conference id, poll ids and counts."""
    from sqlalchemy import select

    from congress.extensions import db
    from congress.members.models import Member

    with app.app_context():
        conference, voter, others = _base(app, 200)
        voter_member = db.session.get(Member, voter.member_id)
        council_candidates, office_candidates = others[:60], others[60:120]
        have = _approved(conference, "central_council")  # the demo's own candidates count
        _approve(conference, "central_council", council_candidates[: 50 - have], statements=True)
        _seat(conference, "central_council", [voter_member, *office_candidates])
        have = _approved(conference, "coordination_office")
        _approve(conference, "coordination_office", office_candidates[: 60 - have], statements=True)
        out = {
            "conference_id": conference.id,
            "voter": voter.email,
            "members": len(db.session.execute(select(Member.id)).all()),
        }
        db.session.remove()
    return out


def open_world_one_polls(app, conference_id: int) -> dict[str, int]:
    """After the list page is measured: 10 more council candidates, then both ballots."""
    from sqlalchemy import select

    from congress.candidacy.models import Candidacy
    from congress.conference.models import Conference
    from congress.extensions import db
    from congress.members.models import Member

    with app.app_context():
        conference = db.session.get(Conference, conference_id)
        taken = set(db.session.execute(select(Candidacy.member_id)).scalars())
        more = [
            m
            for m in db.session.execute(
                select(Member).where(Member.number.like("P%")).order_by(Member.id)
            ).scalars()
            if m.id not in taken
        ][: 60 - _approved(conference, "central_council")]
        _approve(conference, "central_council", more, statements=True)
        council = _open_election(conference, "central_council")
        office = _open_election(conference, "coordination_office")
        db.session.remove()
    return {"block": council, "ranked": office}


def stv_ballots(candidate_ids: list[int], seed: int = 1) -> list[dict[str, str]]:
    """Candidate k first on STV_BASE + k ballots, three random others after: the first
    preferences all differ, so the lowest goes out alone, round after round."""
    rng = random.Random(seed)
    out = []
    for k, first in enumerate(candidate_ids):
        for _ in range(STV_BASE + k):
            others = [c for c in candidate_ids if c != first]
            rng.shuffle(others)
            out.append({str(c): str(rank) for rank, c in enumerate([first, *others[:3]], 1)})
    return out


def build_world_two(app) -> dict[str, Any]:
    """A certified Coordination Office STV count of about 20 rounds."""
    import json

    from sqlalchemy import select

    from congress.auth.models import User
    from congress.database import write_intent
    from congress.extensions import db
    from congress.members.models import Member
    from congress.results import certify, counting
    from congress.results.models import Tally
    from congress.voting import casting, polls
    from congress.voting.models import Poll, PollCandidate

    voters_needed = sum(STV_BASE + k for k in range(STV_CANDIDATES))
    with app.app_context():
        conference, voter, others = _base(app, voters_needed + 10)
        voter_member = db.session.get(Member, voter.member_id)
        council = others[:voters_needed]
        _seat(conference, "central_council", [voter_member, *council])
        _approve(conference, "coordination_office", council[:STV_CANDIDATES], statements=False)
        poll_id = _open_election(conference, "coordination_office")
        ids = list(
            db.session.execute(
                select(PollCandidate.id)
                .where(PollCandidate.poll_id == poll_id)
                .order_by(PollCandidate.position)
            ).scalars()
        )
        with write_intent():
            for member, ranks in zip(council, stv_ballots(ids), strict=True):
                casting.cast(poll_id, member.id, ranks=ranks)
            db.session.commit()
        with write_intent():
            poll = db.session.get(Poll, poll_id)
            polls.close_poll(poll, actor=None)
            db.session.commit()
            counting.run_tally(poll, actor=None)
            db.session.commit()
            committee = db.session.execute(
                select(User).where(User.email.like("committee%@congress.test")).order_by(User.id)
            ).scalars()
            for user in committee:
                if certify.sign(poll, user):
                    break
            db.session.commit()
        report = json.loads(db.session.get(Tally, poll_id).report)
        out = {
            "conference_id": conference.id,
            "voter": voter.email,
            "poll": poll_id,
            "state": db.session.get(Poll, poll_id).state,
            "candidates": len(ids),
            "seats": STV_SEATS,
            "ballots": voters_needed,
            "rounds": len(report["rounds"]),
            "method": report.get("method"),
        }
        db.session.remove()
    return out


# -- fetching --------------------------------------------------------------------------------


class Client:
    """HTTP/1.1 to one host, keeping cookies; what a browser without cache would fetch."""

    def __init__(self, port: int, lang: str):
        self.port, self.host = port, f"127.0.0.1:{port}"
        self.cookies: dict[str, str] = {"lang": lang}

    def request(self, method: str, path: str, form: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}{path}"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        conn.close()
        return response, data

    def login(self, email: str, password: str) -> None:
        _, page = self.request("GET", "/login")
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page).group(1).decode()
        response, _ = self.request(
            "POST", "/login", {"email": email, "password": password, "csrf_token": token}
        )
        if response.status != 302:
            raise RuntimeError(f"login failed: {response.status}")


class Subresources(HTMLParser):
    """Every URL the page makes a browser fetch, and the inline data: URIs."""

    FETCHED_RELS = {"stylesheet", "icon", "shortcut", "preload", "modulepreload", "manifest"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, str]] = []  # (kind, url)
        self.data_uris: list[int] = []
        self._in_style = False
        self.links_out: list[str] = []

    def _add(self, kind: str, url: str | None) -> None:
        if not url:
            return
        url = url.strip()
        if url.startswith("data:"):
            self.data_uris.append(len(url))
        else:
            self.urls.append((kind, url))

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and set((a.get("rel") or "").lower().split()) & self.FETCHED_RELS:
            self._add("link:" + (a.get("rel") or ""), a.get("href"))
        elif tag == "script":
            self._add("script", a.get("src"))
        elif tag in ("img", "source", "iframe", "video", "audio", "embed", "track", "input"):
            if tag != "input" or (a.get("type") or "").lower() == "image":
                self._add(tag, a.get("src"))
            for part in (a.get("srcset") or "").split(","):
                if part.strip():
                    self._add(tag + ":srcset", part.split()[0])
            if tag == "video":
                self._add("video:poster", a.get("poster"))
        elif tag == "object":
            self._add("object", a.get("data"))
        elif tag == "style":
            self._in_style = True
        elif tag in ("a", "form"):
            target = a.get("href") if tag == "a" else a.get("action")
            if target and urllib.parse.urlsplit(target).netloc:
                self.links_out.append(target)
        if a.get("style"):
            for url in css_urls(a["style"]):
                self._add("style-attr", url)

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            for url in css_urls(data):
                self._add("style", url)


CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


def css_urls(text: str) -> list[str]:
    return [m.group(1) or m.group(2) for m in CSS_URL.finditer(text)]


def weigh(client: Client, path: str) -> dict[str, Any]:
    """The page and everything it pulls in, each fetched once."""
    base = f"http://{client.host}{path}"
    response, html = client.request("GET", path)
    parser = Subresources()
    parser.feed(html.decode("utf-8", "replace"))
    queue = [(kind, urllib.parse.urljoin(base, url)) for kind, url in parser.urls]
    seen: dict[str, dict] = {}
    foreign: list[str] = []
    while queue:
        kind, url = queue.pop(0)
        if url in seen:
            continue
        parts = urllib.parse.urlsplit(url)
        if parts.netloc != client.host:
            foreign.append(url)
            seen[url] = {"kind": kind, "url": url, "foreign": True}
            continue
        r, body = client.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
        seen[url] = {
            "kind": kind,
            "url": parts.path,
            "status": r.status,
            "bytes": len(body),
            "gzip_bytes": len(gzip.compress(body, 9)),
            "content_type": r.getheader("Content-Type"),
            "cache_control": r.getheader("Cache-Control"),
        }
        if (r.getheader("Content-Type") or "").startswith("text/css"):
            css = body.decode("utf-8", "replace")
            queue += [("css-url", urllib.parse.urljoin(url, u)) for u in css_urls(css)]
    fetched = [s for s in seen.values() if not s.get("foreign")]
    text = html.decode("utf-8", "replace")
    sub_bytes = sum(s["bytes"] for s in fetched)
    return {
        "path": path,
        "status": response.status,
        "html_bytes": len(html),
        "html_gzip_bytes": len(gzip.compress(html, 9)),
        "items_shown": {
            "candidate_list_entries": text.count("<li><h2>"),
            "ballot_marks": text.count('name="mark"'),
            "ballot_rank_fields": text.count('name="rank-'),
            "result_round_rows": text.count('<tr><th scope="row">'),
            "result_round_columns": max(0, text.count('<th scope="col">') - 1),
        },
        "inline_data_uris": len(parser.data_uris),
        "inline_data_uri_bytes": sum(parser.data_uris),
        "subresources": fetched,
        "subresource_bytes": sub_bytes,
        "total_bytes": len(html) + sub_bytes,
        "total_gzip_bytes": len(gzip.compress(html, 9)) + sum(s["gzip_bytes"] for s in fetched),
        "requests": 1 + len(fetched) + len(foreign),
        "foreign_urls": foreign,
        "links_to_other_hosts": parser.links_out,
        "all_on_our_host": not foreign,
        "non_200": [s["url"] for s in fetched if s["status"] != 200]
        + ([path] if response.status != 200 else []),
    }


def chromium_requests(port: int, cookies: dict[str, str], paths: list[str]) -> dict[str, Any]:
    """Load each page in headless Chromium; every request it makes, with sizes and hosts."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"skipped": "playwright is not installed"}
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return {"skipped": f"no Chromium at {CHROMIUM}"}
    out: dict[str, Any] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        try:
            for path in paths:
                context = browser.new_context()
                context.add_cookies(
                    [
                        {"name": k, "value": v, "domain": "127.0.0.1", "path": "/"}
                        for k, v in cookies.items()
                    ]
                )
                page = context.new_page()
                seen: list[dict[str, Any]] = []

                def done(request, seen=seen):
                    response = request.response()
                    sizes = request.sizes()
                    seen.append(
                        {
                            "url": request.url,
                            "host": urllib.parse.urlsplit(request.url).netloc,
                            "type": request.resource_type,
                            "status": response.status if response else None,
                            "body_bytes": sizes.get("responseBodySize"),
                        }
                    )

                failed: list[str] = []
                page.on("requestfinished", done)
                page.on("requestfailed", lambda r, failed=failed: failed.append(r.url))
                page.goto(f"http://127.0.0.1:{port}{path}", wait_until="networkidle")
                page.wait_for_timeout(300)
                context.close()
                ours = f"127.0.0.1:{port}"
                out[path] = {
                    "requests": len(seen) + len(failed),
                    "body_bytes": sum(s["body_bytes"] or 0 for s in seen),
                    "hosts": sorted({s["host"] for s in seen}),
                    "foreign": [s["url"] for s in seen if s["host"] != ours]
                    + [u for u in failed if urllib.parse.urlsplit(u).netloc != ours],
                    "by_request": [
                        {k: v for k, v in s.items() if k != "host"}
                        | {"url": urllib.parse.urlsplit(s["url"]).path}
                        for s in seen
                    ],
                    "failed": failed,
                }
        finally:
            browser.close()
    return out


# -- main ------------------------------------------------------------------------------------


def serve(db_path: Path, work: Path, name: str) -> Gunicorn:
    env = {
        "CONGRESS_DATABASE_URL": f"sqlite:///{db_path}",
        "CONGRESS_SECRET_KEY": "bench-pages-secret-" + "p" * 32,
        "CONGRESS_ENV": "production",
        "CONGRESS_ALLOW_SQLITE_IN_PRODUCTION": "1",
        "CONGRESS_COOKIE_SECURE": "0",
        "PYTHONPATH": str(REPO_DIR),
    }
    return Gunicorn("wsgi:app", workers=1, threads=4, env=env, log=work / f"{name}.log").start()


def world_app(work: Path, name: str):
    path = work / f"{name}.sqlite3"
    app = make_app(f"sqlite:///{path}", work / f"instance-{name}")
    migrate(app)
    return app, path


def budget_of(page: str) -> int:
    return BALLOT_BUDGET if page.startswith("ballot") else PAGE_BUDGET


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-browser", action="store_true", help="skip headless Chromium")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="congress-bench-pages-"))
    pages: dict[str, dict] = {}
    browser: dict[str, Any] = {}
    try:
        app1, db1 = world_app(work, "world1")
        w1 = build_world_one(app1)
        app2, db2 = world_app(work, "world2")
        w2 = build_world_two(app2)
        print(f"world 1: {w1}\nworld 2: {w2}")

        server = serve(db1, work, "world1")
        try:
            conf = w1["conference_id"]
            first = {
                "home": "/",
                "candidate_list_50": f"/conferences/{conf}/candidates/central_council",
            }
            clients = {lang: Client(server.port, lang) for lang in ("ar", "en")}
            for client in clients.values():
                client.login(w1["voter"], PASSWORD)
            anonymous = {lang: Client(server.port, lang) for lang in ("ar", "en")}
            for lang, client in clients.items():
                for name, path in first.items():
                    pages[f"{name}/{lang}"] = weigh(client, path)
                pages[f"home_anonymous/{lang}"] = weigh(anonymous[lang], "/")
            if not args.no_browser:
                browser.update(
                    chromium_requests(server.port, clients["ar"].cookies, [*first.values()])
                )
            polls_ = open_world_one_polls(app1, conf)
            second = {
                "ballot_block_60": f"/polls/{polls_['block']}/ballot",
                "ballot_ranked_60": f"/polls/{polls_['ranked']}/ballot",
            }
            for lang, client in clients.items():
                for name, path in second.items():
                    pages[f"{name}/{lang}"] = weigh(client, path)
            if not args.no_browser:
                paths = [*second.values()]
                browser.update(chromium_requests(server.port, clients["ar"].cookies, paths))
        finally:
            server.stop()

        server = serve(db2, work, "world2")
        try:
            path = f"/polls/{w2['poll']}/result"
            for lang in ("ar", "en"):
                client = Client(server.port, lang)
                client.login(w2["voter"], PASSWORD)
                pages[f"result_stv_{w2['rounds']}_rounds/{lang}"] = weigh(client, path)
                if lang == "ar" and not args.no_browser:
                    browser.update(chromium_requests(server.port, client.cookies, [path]))
        finally:
            server.stop()
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    for name, page in pages.items():
        budget = budget_of(name)
        page["budget_bytes"] = budget
        page["under_budget"] = page["total_bytes"] < budget
        page["margin_bytes"] = budget - page["total_bytes"]
    in_browser = browser and "skipped" not in browser
    goals = {
        "ballot_under_40kb": all(p["under_budget"] for n, p in pages.items() if "ballot" in n),
        "others_under_60kb": all(p["under_budget"] for n, p in pages.items() if "ballot" not in n),
        "no_other_host": all(p["all_on_our_host"] for p in pages.values())
        and not (in_browser and any(b["foreign"] for b in browser.values())),
        "checked_in_chromium": bool(in_browser),
    }
    rows = [
        [
            name,
            p["status"],
            p["html_bytes"],
            p["subresource_bytes"],
            p["total_bytes"],
            p["total_gzip_bytes"],
            p["requests"],
            p["budget_bytes"] // KB,
            "ok" if p["under_budget"] else "OVER",
            "yes" if p["all_on_our_host"] else "NO",
        ]
        for name, p in pages.items()
    ]
    print_table(
        ["page/lang", "status", "HTML B", "sub B", "total B", "gzip B", "reqs", "KB", "", "own"],
        rows,
        title="Page weight (HTML + CSS + JS + images, uncompressed as served)",
    )
    if in_browser:
        print_table(
            ["path (Chromium, ar)", "requests", "body bytes", "hosts", "failed"],
            [
                [p, b["requests"], b["body_bytes"], ",".join(b["hosts"]), len(b["failed"])]
                for p, b in browser.items()
            ],
            title="Headless Chromium",
        )
    print(f"goals: {goals}")
    out = write_results(
        "pages",
        {
            "parameters": {
                "budgets_bytes": {"ballot": BALLOT_BUDGET, "other": PAGE_BUDGET},
                "world_one": w1,
                "world_two": w2,
                "stv_design": {
                    "candidates": STV_CANDIDATES,
                    "seats": STV_SEATS,
                    "first_preferences": f"candidate k first on {STV_BASE} + k ballots, "
                    "then 3 random others (seed 1)",
                },
                "server": "gunicorn 1 worker x 4 threads, CONGRESS_ENV=production on SQLite",
                "bytes": "bodies as served (no compression by gunicorn); gzip -9 sizes beside",
            },
            "pages": pages,
            "chromium": browser or {"skipped": "--no-browser"},
            "goals": goals,
            "versions": package_versions(("flask", "jinja2", "gunicorn", "playwright")),
        },
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
