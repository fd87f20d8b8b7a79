"""The booth of a verifiable poll (issue 16) in Chromium, in Arabic, on a 360x740 phone.

One gunicorn serves a conference in session with five delegates and two verifiable polls:
a motion (yes / no / abstain, exactly one) and the Central Council's block ballot (six
candidates, one to six marks, blank allowed: a blank flag in front of the answers). They
are set up as their people would: the five committee members make the trustees' 3-of-5
key with the `congress trustee` commands, the credential authority issues the delegates'
credentials and publishes each poll's public credentials with the `congress credentials`
commands (tests/verifiable_steps.py), the committee creates and opens the polls through
the pages. The browser then does what a delegate does:

- ticks candidates, types the credential, encrypts: the tracker is on the screen while
  nothing was sent (no POST, no ballot on the server), then casts: the receipt shows the
  same tracker, which is the one the server stored; votes again: the server keeps one
  ballot for that credential, the new one;
- audits a ballot instead ("Audit it instead"): the audited JSON is checked with
  `congress audit-ballot` (click's CliRunner) and `verify_audit` against the poll's
  election.json and holds exactly the choices made (the order of the election's answers);
  "Encrypt afresh" gives another tracker; the audited ballot is never stored;
- mistypes the credential: a clear Arabic message, nothing sent, nothing stored;
- votes with JavaScript disabled: the server builds the ballot (the board counts those).

Every page the phones reach is checked by e2e_support (axe, width, console errors, failed
requests, requests to other hosts) and photographed into
tests/e2e/artifacts/<test>/; the site's Content-Security-Policy (script-src 'self') is
the server's own, and any violation is a console error, hence a failure.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from live_server import ROOT

from .e2e_support import BAD_IMPACTS, PHONE, World, end_world, new_run, new_world

pytestmark = pytest.mark.e2e

TRACKER = re.compile(r"^[A-Za-z0-9+/]{43}$")  # Belenios: base64 SHA-256, no padding
CC = "central_council"
ENCRYPTING_TIMEOUT_MS = 60_000
CLOSES_AT = (datetime.now(ZoneInfo("Asia/Damascus")) + timedelta(days=3)).strftime(
    "%Y-%m-%dT%H:%M"
)  # the committee's local time (Damascus)


@dataclass
class Voter:
    email: str
    number: str
    credential: str


@dataclass
class Site:
    """One gunicorn and what the tests vote in."""

    world: World
    conference: int
    motion: int
    council: int
    password: str
    voters: list[Voter]
    candidates: list[int]  # the council's PollCandidate ids, in ballot (position) order
    names: dict[int, str]  # PollCandidate id -> the name as the election lists it
    elections: dict[int, str] = field(default_factory=dict)  # poll id -> election.json


def _create_poll(committee, conference_id: int, data: dict) -> int:
    response = committee.post(
        f"/conferences/{conference_id}/polls/new",
        data,
        page=f"/conferences/{conference_id}/polls/new",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    return int(response.headers["Location"].rsplit("/", 1)[1])


@pytest.fixture(scope="module")
def site(chromium, sqlite_template, tmp_path_factory):
    from verifiable_steps import (
        committee_browsers,
        issue_credentials,
        make_trustee_key,
        publish_credentials,
        uuid_of,
    )

    from support import PASSWORD, Browser
    from voting_steps import act

    root = tmp_path_factory.mktemp("verifiable-booth")
    world = new_world(sqlite_template, root)

    def people():
        from congress.demo import load_demo
        from scenario import approve_candidates, delegate_users, demo_conference, members

        load_demo()
        conference = demo_conference()
        users = delegate_users(conference, 5)
        voters = {u.member_id for u in users}
        approve_candidates(conference, CC, members(exclude=voters, limit=6))
        return conference.id, [u.email for u in users]

    conference_id, emails = world.write(people)

    # The people's own computers (folders under root) and their pages (a test client of
    # the same database: the server is not started yet).
    def make_browser():
        return Browser(world.app.test_client())

    committee = committee_browsers(make_browser)
    make_trustee_key(conference_id, committee, root / "trustees")
    officer = make_browser()
    assert officer.login("authority@congress.test", "authority-demo-2026").status_code == 302
    issued = issue_credentials(officer, conference_id, root / "authority")

    motion = _create_poll(
        committee[1],
        conference_id,
        {
            "kind": "motion",
            "m-title_ar": "عقد المؤتمر القادم حضوريًا",
            "m-text_ar": "تقرر الهيئة العامة أن يُعقد المؤتمر القادم حضوريًا.",
            "m-category": "ordinary",
            "m-level": "verifiable",
            "m-closes_at": CLOSES_AT,
        },
    )
    council = _create_poll(
        committee[1],
        conference_id,
        {"kind": "election", "e-body": CC, "e-confirm": "y", "e-level": "verifiable"},
    )
    for poll_id in (motion, council):
        opened = act(committee[1], poll_id, "open")
        assert opened.status_code == 302, opened.get_data(as_text=True)[-2000:]
        uuid = uuid_of(committee[1], poll_id)
        published = publish_credentials(officer, poll_id, uuid, root / "authority")
        assert published.status_code == 302, published.get_data(as_text=True)[-2000:]

    def facts():
        from sqlalchemy import select

        from congress.extensions import db
        from congress.members.models import Member
        from congress.verifiable.models import VerifiablePoll
        from congress.voting.models import PollCandidate

        numbers = {
            e: n
            for e, n in db.session.execute(
                select(Member.email, Member.number).where(Member.email.in_(emails))
            )
        }
        rows = (
            db.session.execute(
                select(PollCandidate)
                .where(PollCandidate.poll_id == council)
                .order_by(PollCandidate.position)
            )
            .scalars()
            .all()
        )
        elections = {p: db.session.get(VerifiablePoll, p).election for p in (motion, council)}
        return numbers, [c.id for c in rows], {c.id: c.name_ar for c in rows}, elections

    numbers, candidates, names, elections = world.read(facts)
    voters = [Voter(e, numbers[e], issued[numbers[e]]) for e in emails]
    built = Site(
        world, conference_id, motion, council, PASSWORD, voters, candidates, names, elections
    )
    world.start()
    yield built
    end_world(world)


@pytest.fixture
def run(request, chromium, site):
    run = new_run(request, chromium, site.world)
    yield run
    run.close()


# --- what the server holds -----------------------------------------------------------------


def public_key_of(site: Site, poll_id: int, credential: str) -> str:
    """The server's key of a voter's ballots: SHA-256 of the public credential."""
    from congress.core import belenios as bl

    election = bl.parse_election(site.elections[poll_id])
    public = bl.public_credential(election.group, election.uuid, credential)
    return hashlib.sha256(str(public).encode()).hexdigest()


def stored(site: Site, poll_id: int) -> dict[str, str]:
    """The ballot box of a poll: credential key -> tracker of its last ballot."""

    def read():
        from sqlalchemy import select

        from congress.extensions import db
        from congress.verifiable.models import VerifiableBallot

        rows = db.session.execute(
            select(VerifiableBallot.credential, VerifiableBallot.tracker).where(
                VerifiableBallot.poll_id == poll_id
            )
        ).all()
        return {c: t for c, t in rows}

    return site.world.read(read)


def server_built(site: Site, poll_id: int) -> int:
    def read():
        from congress.extensions import db
        from congress.verifiable.models import VerifiablePoll

        return db.session.get(VerifiablePoll, poll_id).server_built

    return site.world.read(read)


def audit_with_cli(audit: str, election: str, folder: Path) -> tuple[int, str]:
    """`congress audit-ballot audited-ballot.json --election election.json`, as the voter
    runs it on their own computer: exit code and output."""
    from click.testing import CliRunner

    from congress.verifiable.cli_tools import audit_ballot

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "audited-ballot.json").write_text(audit, encoding="utf-8")
    (folder / "election.json").write_text(election, encoding="utf-8")
    result = CliRunner().invoke(
        audit_ballot,
        [str(folder / "audited-ballot.json"), "--election", str(folder / "election.json")],
    )
    return result.exit_code, result.output


# --- the phone in the booth ---------------------------------------------------------------


class Posts:
    """Every POST the phone sends (URL and body), to show what left the phone and when."""

    def __init__(self, phone):
        self.seen: list[tuple[str, str]] = []
        phone.page.on("request", self._on)

    def _on(self, request) -> None:
        if request.method == "POST":
            self.seen.append((request.url, request.post_data or ""))

    def mark(self) -> int:
        return len(self.seen)

    def since(self, mark: int) -> list[tuple[str, str]]:
        return self.seen[mark:]


def enter(run, site: Site, who: str, voter: Voter, poll_id: int, *, javascript: bool = True):
    phone = run.phone(who, javascript=javascript)
    phone.login(voter.email, site.password)
    phone.goto(f"/polls/{poll_id}/booth", "booth")
    assert phone.page.locator("html").get_attribute("lang") == "ar"
    return phone


def encrypt(phone, shot: str) -> str:
    """Press "Encrypt my ballot" and wait for the tracker; the tracker shown."""
    page = phone.page
    page.locator("#booth button[type=submit]").click()
    page.locator("#booth-ready").wait_for(state="visible", timeout=ENCRYPTING_TIMEOUT_MS)
    tracker = page.locator("#booth-ready .tracker").inner_text().strip()
    phone.shot(shot)
    axe_now(phone.run, phone, shot)
    return tracker


def receipt_tracker(phone) -> str:
    return phone.page.locator("main .tracker").inner_text().strip()


def tick(phone, site: Site, chosen: list[int]) -> None:
    for cid in chosen:
        phone.page.locator(f"#booth input[name=mark][value='{cid}']").check()


def problems(run) -> str:
    return "\n".join(run.problems)


def axe_now(run, phone, where: str) -> None:
    """axe on the page as the script left it: e2e_support audits a page once per set of
    elements, hidden ones included, so the booth's later states (tracker, audit, problem)
    would otherwise never be audited."""
    from axe_playwright_python.sync_playwright import Axe

    for v in Axe().run(phone.page).response["violations"]:
        if v["impact"] in BAD_IMPACTS:
            nodes = [" ".join(map(str, n["target"])) for n in v["nodes"]][:5]
            run.problem(f"{phone.who}/{where}: axe {v['impact']} {v['id']}: {v['help']} at {nodes}")


# --- the tests ------------------------------------------------------------------------------


def test_a_delegate_encrypts_sees_the_tracker_casts_and_votes_again(run, site):
    voter = site.voters[0]
    poll = site.council
    key = public_key_of(site, poll, voter.credential)
    phone = run.phone("delegate1")
    posts = Posts(phone)
    phone.login(voter.email, site.password)
    response = phone.goto(f"/polls/{poll}/booth", "booth")
    page = phone.page
    assert page.locator("html").get_attribute("lang") == "ar"
    assert "script-src 'self'" in (response.headers.get("content-security-policy") or "")
    # only data (the translated messages) may be inline: nothing that runs
    assert page.locator('script:not([src]):not([type="application/json"])').count() == 0, (
        "an inline script"
    )
    assert page.locator("#booth input[name=mark]").count() == len(site.candidates)
    assert page.locator("#booth-ready").is_hidden(), "the tracker section waits for the ballot"

    # the hash on the page is that of the scripts the phone received
    scripts = [page.locator("script[src]").nth(i).get_attribute("src") for i in range(2)]
    assert [u.split("?")[0] for u in scripts] == [
        "/static/booth/belenios.js",
        "/static/booth/booth-page.js",
    ]
    digest = hashlib.sha256()
    for url in scripts:
        digest.update(page.request.get(site.world.base + url).body())
    assert page.locator("code.hash").text_content().strip() == digest.hexdigest()
    static = ROOT / "congress" / "static" / "booth"
    assert (
        digest.hexdigest()
        == hashlib.sha256(
            (static / "belenios.js").read_bytes() + (static / "booth-page.js").read_bytes()
        ).hexdigest()
    )

    chosen = [site.candidates[1], site.candidates[4]]
    tick(phone, site, chosen)
    page.locator("#credential").fill(voter.credential)
    phone.shot("ticked")
    before = posts.mark()
    tracker = encrypt(phone, "tracker-shown")
    assert TRACKER.match(tracker), f"no tracker on the screen: {tracker!r}"
    assert posts.since(before) == [], f"sent before casting: {posts.since(before)}"
    assert key not in stored(site, poll), "a ballot was stored before casting"
    assert page.locator("#booth").is_hidden()
    sent_ballot = page.locator("#booth-cast input[name=ballot]").input_value()
    assert voter.credential not in sent_ballot
    assert json.loads(sent_ballot)["election_uuid"] in site.elections[poll]

    phone.submit("#booth-cast button[type=submit]", "receipt")
    cast_posts = posts.since(before)
    assert [u for u, _ in cast_posts] == [f"{site.world.base}/polls/{poll}/verifiable/cast"]
    assert voter.credential.replace("-", "") not in cast_posts[0][1].replace("-", "")
    assert receipt_tracker(phone) == tracker, "the receipt's tracker is the one shown"
    assert stored(site, poll).get(key) == tracker, "the server's tracker is the one shown"

    # votes again, another choice, the credential typed with spaces: the last ballot counts
    phone.goto(f"/polls/{poll}/booth", "booth-again")
    assert page.locator("main .flash.info:not(.booth-status)").count() == 1, (
        "the booth says they have voted"
    )
    tick(phone, site, [site.candidates[0]])
    page.locator("#credential").fill(voter.credential.replace("-", " "))
    second = encrypt(phone, "second-tracker")
    assert TRACKER.match(second) and second != tracker
    assert stored(site, poll).get(key) == tracker, "the first ballot stands until the cast"
    phone.submit("#booth-cast button[type=submit]", "second-receipt")
    assert receipt_tracker(phone) == second
    box = stored(site, poll)
    assert box.get(key) == second, "the server keeps the credential's last ballot"
    assert tracker not in box.values(), "the replaced ballot is gone from the box"
    assert list(box.values()).count(second) == 1
    assert not run.problems, problems(run)


def audit_shown(run, phone, shot: str) -> str:
    """Press "Audit it instead"; the audited JSON shown, once the page has discarded the
    ballot (nothing left to cast, no second audit)."""
    page = phone.page
    page.locator("#booth-audit").click()
    page.locator("#booth-audited").wait_for(state="visible")
    phone.shot(shot)
    axe_now(run, phone, shot)
    assert page.locator("#booth-cast").is_hidden(), "an audited ballot cannot be cast"
    assert page.locator("#booth-cast input[name=ballot]").input_value() == ""
    assert page.locator("#booth-audit").is_hidden(), "a ballot is audited once"
    download = page.locator("#booth-download")
    assert download.get_attribute("download") == "audited-ballot.json"
    assert (download.get_attribute("href") or "").startswith("blob:")
    return page.locator("#booth-audited textarea").input_value()


def encrypt_afresh(phone, old: str, shot: str) -> str:
    page = phone.page
    page.locator("#booth-again").click()
    page.wait_for_function(
        "(old) => { const t = document.querySelector('#booth-ready .tracker');"
        " return !document.getElementById('booth-cast').hidden && t.textContent.trim()"
        " && t.textContent.trim() !== old; }",
        arg=old,
        timeout=ENCRYPTING_TIMEOUT_MS,
    )
    fresh = page.locator("#booth-ready .tracker").inner_text().strip()
    phone.shot(shot)
    assert TRACKER.match(fresh) and fresh != old
    assert page.locator("#booth-audited").is_hidden()
    assert page.locator("#booth-audit").is_visible()
    return fresh


def test_an_audited_ballot_holds_the_choices_and_is_never_cast(run, site, tmp_path):
    from congress.core import belenios as bl

    voter = site.voters[1]
    poll = site.council
    election = site.elections[poll]
    key = public_key_of(site, poll, voter.credential)
    phone = enter(run, site, "delegate2", voter, poll)
    page = phone.page
    posts = Posts(phone)
    start = posts.mark()
    page.locator("#credential").fill(voter.credential)

    # nothing ticked: a blank ballot (the blank flag first, then one 0 per candidate)
    blank_tracker = encrypt(phone, "blank-tracker")
    audit = audit_shown(run, phone, "blank-audited")
    code, output = audit_with_cli(audit, election, tmp_path / "blank")
    assert code == 0 and "(blank)" in output, output
    blank = (1,) + (0,) * len(site.candidates)
    assert bl.verify_audit(bl.parse_election(election), audit) == (blank,)
    assert bl.tracker(json.loads(audit)["ballot"]) == blank_tracker

    # changes the choices: three candidates
    page.locator("#booth-change").click()
    page.locator("#booth").wait_for(state="visible")
    assert page.locator("#booth-ready").is_hidden()
    chosen = [site.candidates[0], site.candidates[2], site.candidates[5]]
    tick(phone, site, chosen)
    audited_tracker = encrypt(phone, "tracker-shown")
    audit = audit_shown(run, phone, "audited")

    # the voter checks it on their own computer
    code, output = audit_with_cli(audit, election, tmp_path / "voter")
    assert code == 0, output
    for cid in chosen:
        assert site.names[cid] in output, f"{site.names[cid]} not in the audit: {output}"
    for cid in set(site.candidates) - set(chosen):
        assert site.names[cid] not in output, output
    plaintext = bl.verify_audit(bl.parse_election(election), audit)
    expected = [0] + [1 if c in chosen else 0 for c in site.candidates]  # blank flag first
    assert plaintext == (tuple(expected),)
    assert bl.tracker(json.loads(audit)["ballot"]) == audited_tracker

    fresh = encrypt_afresh(phone, audited_tracker, "fresh-tracker")
    assert posts.since(start) == [], "nothing is sent while auditing"
    assert key not in stored(site, poll)

    phone.submit("#booth-cast button[type=submit]", "receipt")
    assert receipt_tracker(phone) == fresh
    box = stored(site, poll)
    assert box.get(key) == fresh
    assert not {audited_tracker, blank_tracker} & set(box.values()), "an audited ballot is in"
    assert not run.problems, problems(run)


def test_a_motion_ballot_encrypts_the_answer_in_the_elections_order(run, site, tmp_path):
    """yes / no / abstain, in the election's order: "no" is [0, 1, 0]."""
    from congress.core import belenios as bl

    voter = site.voters[2]
    poll = site.motion
    key = public_key_of(site, poll, voter.credential)
    phone = enter(run, site, "delegate3", voter, poll)
    page = phone.page
    election = bl.parse_election(site.elections[poll])
    assert election.questions[0].answers == ("yes", "no", "abstain")
    assert not election.questions[0].blank
    closes = phone.text("main p.meta")
    assert "ينتهي التصويت" in closes and "بقي" in closes, closes
    answers = page.locator("#booth input[name=answer]")
    assert [answers.nth(i).get_attribute("value") for i in range(3)] == ["y", "n", "a"]

    # nothing chosen: the booth asks for an answer, in Arabic, and makes nothing
    page.locator("#credential").fill(voter.credential)
    page.locator("#booth button[type=submit]").click()
    problem = page.locator("#booth .booth-problem")
    problem.wait_for(state="visible")
    assert "اختر جوابًا" in problem.inner_text(), problem.inner_text()
    assert page.locator("#booth-ready").is_hidden()
    phone.shot("nothing-chosen")
    axe_now(run, phone, "nothing-chosen")

    page.locator("#booth input[name=answer][value=y]").check()
    first = encrypt(phone, "yes-tracker")
    page.locator("#booth-change").click()  # changes their mind before casting
    page.locator("#booth input[name=answer][value=n]").check()
    tracker = encrypt(phone, "no-tracker")
    assert tracker != first
    # the encrypted ballot's screen reads back what it holds, before the cast
    assert page.locator("#booth-ready .booth-choices li").all_inner_texts() == ["لا"]
    audit = audit_shown(run, phone, "audited")
    assert bl.verify_audit(election, audit) == ((0, 1, 0),)
    code, output = audit_with_cli(audit, site.elections[poll], tmp_path / "voter")
    assert code == 0 and output.splitlines()[0].endswith(": no"), output
    fresh = encrypt_afresh(phone, tracker, "fresh-tracker")
    phone.submit("#booth-cast button[type=submit]", "receipt")
    assert receipt_tracker(phone) == fresh
    assert stored(site, poll).get(key) == fresh
    assert not {first, tracker} & set(stored(site, poll).values())
    assert not run.problems, problems(run)


def test_a_mistyped_credential_is_refused_in_arabic_and_nothing_is_sent(run, site):
    from congress.core import belenios as bl

    voter = site.voters[3]
    poll = site.council
    key = public_key_of(site, poll, voter.credential)
    phone = enter(run, site, "delegate4", voter, poll)
    page = phone.page
    posts = Posts(phone)
    tick(phone, site, [site.candidates[3]])
    start = posts.mark()

    # one character changed: the checksum does not match
    good = voter.credential
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    mistyped = next(
        m for m in (good[:5] + c + good[6:] for c in alphabet) if not bl.check_credential(m)
    )
    problem = page.locator("#booth .booth-problem")
    cases = [
        (mistyped, "رمز التصويت لا يصحّ: تحقّق من كل محرف.", "mistyped"),
        (good[:-2], "15 محرفًا على هيئة XXX-XXX-XXX-XXX-XXX", "too-short"),
        ("O" + good[1:], "في رمز التصويت محرف غير معروف", "unknown-character"),
        (bl.generate_credential(), "رمز التصويت هذا ليس من رموز هذا الاقتراع.", "not-this-polls"),
    ]
    for typed, words, shot in cases:
        page.locator("#credential").fill(typed)
        page.locator("#booth button[type=submit]").click()
        problem.wait_for(state="visible")
        page.wait_for_function(
            "(w) => document.querySelector('#booth .booth-problem').textContent.includes(w)",
            arg=words,
        )
        phone.shot(shot)
        assert page.locator("#booth-ready").is_hidden(), f"{shot}: a ballot was made"
        assert page.locator("#credential").is_visible()
        assert page.locator("#booth button[type=submit]").is_enabled()
    axe_now(run, phone, "refused")
    assert posts.since(start) == [], f"sent: {posts.since(start)}"
    assert key not in stored(site, poll)

    # corrected, it goes through
    page.locator("#credential").fill(good)
    tracker = encrypt(phone, "corrected")
    assert problem.is_hidden()
    phone.submit("#booth-cast button[type=submit]", "receipt")
    assert receipt_tracker(phone) == tracker == stored(site, poll).get(key)
    assert not run.problems, problems(run)


def test_without_javascript_the_server_builds_the_ballot(run, site):
    from congress.core import belenios as bl

    voter = site.voters[4]
    poll = site.council
    key = public_key_of(site, poll, voter.credential)
    before = server_built(site, poll)
    phone = enter(run, site, "delegate5-noscript", voter, poll, javascript=False)
    page = phone.page
    assert page.locator("noscript").count() == 3  # the intro, the form's field, the label
    assert "يبني الخادم" in phone.text("main")  # it says what voting without scripts gives up
    tick(phone, site, [site.candidates[2], site.candidates[3]])

    # a mistyped credential comes back with the reason, in Arabic; nothing is stored
    mistyped = next(
        m for m in (voter.credential[:-1] + c for c in "123456789ABC") if not bl.check_credential(m)
    )
    page.locator("#credential").fill(mistyped)
    phone.submit("#booth button[type=submit]", "mistyped")
    assert phone.path() == f"/polls/{poll}/booth"
    assert re.search(r"[\u0600-\u06FF]", phone.text(".flash.error")), phone.text("main")
    assert key not in stored(site, poll)

    tick(phone, site, [site.candidates[2], site.candidates[3]])
    page.locator("#credential").fill(voter.credential)
    phone.submit("#booth button[type=submit]", "receipt")
    assert phone.path() == f"/polls/{poll}/verifiable/without-javascript"
    tracker = receipt_tracker(phone)
    assert TRACKER.match(tracker), tracker
    assert stored(site, poll).get(key) == tracker
    assert server_built(site, poll) == before + 1
    assert page.viewport_size == PHONE
    assert not run.problems, problems(run)
