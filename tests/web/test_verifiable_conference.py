"""A conference's verifiable polls from end to end, through the pages (issue 16).

The five committee members make the 3-of-5 trustees' key with `congress trustee` on their
own computers; the credential authority issues the delegates' credentials with
`congress credentials`; 20 accredited, present delegates vote in three verifiable polls:
the Central Council (block vote, the bylaws' youth minimum and branch cap binding), the
General Coordinator (a single office) and a policy paper (a motion). Some re-vote (the
last ballot counts), one audits a ballot (Benaloh) and then casts afresh, one votes
without JavaScript, one with belenios-tool's own `generate-ballot`. The committee closes,
three trustees decrypt, the committee counts and three members certify. Then each
archive, downloaded from the board, passes `belenios-tool election verify`, and the totals
belenios-tool computes from it are Congress's totals, the count's report and what the
voters' last ballots say.

The Central Council is elected here under a variant of the example bylaws with 5 seats
instead of 40 (everything else as shipped): the youth minimum (25%, rounded up: 2 seats)
and the branch cap (40%, rounded down: 2 seats) then bind with seven candidates, where
with 40 seats they would need more than 40 candidates, each one more ciphertext with its
proofs in every ballot.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select
from verifiable_helpers import (
    authority_browser,
    ballots_and_marks,
    belenios_result,
    candidates_by_member,
    open_verifiable,
    save_archive,
    tool,
    tool_path,
    verifiable_election,
    verifiable_motion,
)
from verifiable_steps import (
    audit_with_cli,
    cast_ballot,
    committee_browsers,
    decrypt,
    election_of,
    issue_credentials,
    make_trustee_key,
    tracker_on_page,
    vote,
)

from congress.bylaws.operations import example_text, upload
from congress.conference.models import Conference
from congress.core import belenios as bl
from congress.database import write_intent
from congress.members.models import Member
from congress.results.models import Tally
from congress.verifiable import polls as verifiable
from congress.verifiable.models import VerifiablePoll
from congress.voting.models import Poll
from electorate import present_voters
from scenario import approve_candidates, seat_body
from support import test_settings as settings_for
from voting_steps import act, voter

VOTERS = 20
COUNCIL_SEATS = 5
# Central Council: votes per candidate (member number) in the last ballots, and who wins
COUNCIL = {"M0060": 18, "M0059": 16, "M0057": 14, "M0001": 12, "M0021": 10, "M0003": 6, "M0024": 4}
YOUTH = {"M0003", "M0024"}  # under 35 on the conference date (Article 5.4)
COUNCIL_WINNERS = {"M0060", "M0059", "M0001", "M0003", "M0024"}
# General Coordinator: three delegates of the seated Central Council; votes per candidate
COORDINATOR = (11, 6, 3)
MOTION = {"yes": 12, "no": 5, "abstain": 3}


@pytest.fixture
def app_config(db_url, tmp_path):
    return settings_for(db_url, tmp_path / "instance", LOGIN_LIMIT_PER_ADDRESS="1000 per minute")


@dataclass
class Setting:
    conference: Conference
    users: list
    numbers: list[str]
    committee: dict
    officer: object
    issued: dict[str, str]
    root: Path
    timings: dict[str, float] = field(default_factory=dict)

    def credential(self, i: int) -> str:
        return self.issued[self.numbers[i]]


@pytest.fixture
def setting(demo, make_browser, tmp_path, db) -> Setting:
    """The demo conference under the 5-seat variant of the bylaws, 20 accredited delegates
    present (also seated as the Central Council, the General Coordinator's electorate,
    Article 16.2), the trustees' key made and the credentials issued."""
    tool_path()  # skip without belenios-tool (fail when CONGRESS_BELENIOS_REQUIRED=1)
    start = time.perf_counter()
    text = example_text().replace("seats = 40", f"seats = {COUNCIL_SEATS}", 1)
    with write_intent():
        demo.bylaws_version_id = upload(text, filename="council-5.toml").id
        db.session.commit()
    db.session.refresh(demo)
    users = present_voters(demo, VOTERS, db)
    members = [db.session.get(Member, u.member_id) for u in users]
    seat_body(demo, "central_council", members)
    by_number = {m.number: m for m in db.session.execute(select(Member)).scalars()}
    approve_candidates(demo, "central_council", [by_number[n] for n in ("M0001", "M0003")])
    approve_candidates(demo, "central_council", [by_number[n] for n in ("M0021", "M0024")])
    approve_candidates(demo, "general_coordinator", members[:3])
    committee = committee_browsers(make_browser)
    make_trustee_key(demo.id, committee, tmp_path)
    officer = authority_browser(make_browser)
    issued = issue_credentials(officer, demo.id, tmp_path / "authority")
    numbers = [m.number for m in members]
    assert set(numbers) <= set(issued)
    s = Setting(demo, users, numbers, committee, officer, issued, tmp_path)
    s.timings["key and credentials"] = time.perf_counter() - start
    return s


def row(question, chosen=(), *, blank: bool = False) -> list[list[int]]:
    """The plaintext of one question: a 0/1 per answer, the blank flag first if allowed."""
    vector = [1 if i in set(chosen) else 0 for i in range(len(question.answers))]
    return [[1 if blank else 0, *vector]] if question.blank else [vector]


def spread(counts: list[int], voters: int, most: int) -> list[set[int]]:
    """Marks for `voters` ballots giving each answer its count, at most `most` a ballot."""
    marks: list[set[int]] = [set() for _ in range(voters)]
    for answer, k in enumerate(counts):
        for v in sorted(range(voters), key=lambda v: (len(marks[v]), v))[:k]:
            marks[v].add(answer)
    assert all(1 <= len(m) <= most for m in marks), marks
    return marks


def column_sums(plaintexts: list[list[list[int]]]) -> list[int]:
    return [sum(p[0][j] for p in plaintexts) for j in range(len(plaintexts[0][0]))]


def close_decrypt_count_certify(s: Setting, poll_id: int, trustees: tuple[int, ...], db) -> None:
    chair = s.committee[1]
    assert act(chair, poll_id, "close").status_code == 302
    early = chair.post(f"/polls/{poll_id}/tally", page=f"/polls/{poll_id}")
    assert early.status_code == 303 and early.headers["Location"].endswith("/decrypt")
    decrypt(s.committee, trustees, poll_id, s.root)
    counted = chair.post(f"/polls/{poll_id}/tally", page=f"/polls/{poll_id}")
    assert counted.status_code == 302, counted.get_data(as_text=True)[-2000:]
    assert counted.headers["Location"].endswith(f"/polls/{poll_id}/result")
    for n in (1, 3, 5):
        signed = s.committee[n].post(
            f"/polls/{poll_id}/sign", {"decision": "sign"}, page=f"/polls/{poll_id}/result"
        )
        assert signed.status_code == 302
    db.session.expire_all()
    assert db.session.get(Poll, poll_id).state == "certified"
    # the chain records the fingerprint of the archive certified (as it did at the close)
    import hashlib

    from congress.audit.models import AuditEntry

    certified = db.session.execute(
        select(AuditEntry.data).where(
            AuditEntry.action == "result.certified", AuditEntry.subject == f"poll:{poll_id}"
        )
    ).scalar_one()
    archive = db.session.get(VerifiablePoll, poll_id).archive
    assert json.loads(certified)["archive_sha256"] == hashlib.sha256(archive).hexdigest()


def check_archive(s: Setting, poll_id: int, phone, runner, db) -> tuple[list[int], dict]:
    """The archive from the board checked by belenios-tool and by `congress verify`; the
    result belenios-tool computes (its one question's row) and Congress's totals."""
    response = phone.get(f"/polls/{poll_id}/archive.bel")
    assert response.status_code == 200
    archive = response.data
    db.session.expire_all()
    vp = db.session.get(VerifiablePoll, poll_id)
    assert archive == vp.archive
    assert response.headers["Content-Disposition"].endswith(f"filename={vp.uuid}.bel")
    saved = save_archive(archive)
    assert saved.name == f"{vp.uuid}.bel"
    result = belenios_result(archive, s.root / f"verify-{poll_id}")
    assert result == json.loads(vp.result)["result"]  # the result Congress published
    verified = runner.invoke(args=["congress", "verify", str(saved)])
    assert verified.exit_code == 0, verified.output
    assert "The archive verifies." in verified.output
    return result[0], verifiable.totals(db.session.get(Poll, poll_id))


def trackers_in(archive: bytes) -> set[str]:
    a = bl.Archive.from_bytes(archive)
    return {bl.tracker(a.get_text(e.payload or "")) for _, e in a.chain() if e.type == "Ballot"}


def report_of(db, poll_id: int) -> dict:
    return json.loads(db.session.get(Tally, poll_id).report)


def test_three_verifiable_polls_of_a_conference_verify_with_belenios_tool(
    setting: Setting, make_browser, runner, tmp_path, report, backend, db
):
    s = setting
    chair = s.committee[1]
    started = time.perf_counter()
    council_id = verifiable_election(chair, s.conference.id, "central_council")
    coordinator_id = verifiable_election(chair, s.conference.id, "general_coordinator")
    motion_id = verifiable_motion(chair, s.conference.id)
    for poll_id in (council_id, coordinator_id, motion_id):
        open_verifiable(chair, s.officer, poll_id, s.root / "authority")
    phones = [voter(make_browser, u) for u in s.users]
    s.timings["polls opened, voters in"] = time.perf_counter() - started

    # -- the Central Council: block vote, 5 seats, youth minimum 2, branch cap 2 ----------
    started = time.perf_counter()
    election = election_of(phones[0], council_id)
    question = election.questions[0]
    assert question.blank and question.max == COUNCIL_SEATS
    members = {m.id: m.number for m in db.session.execute(select(Member)).scalars()}
    listed = sorted(candidates_by_member(db, council_id).values(), key=lambda c: c.position)
    numbers = [members[c.member_id] for c in listed]
    assert sorted(numbers) == sorted(COUNCIL)  # the demo's three approved US candidates too
    marks = spread([COUNCIL[n] for n in numbers], VOTERS - 1, COUNCIL_SEATS)
    finals = [row(question, m) for m in marks] + [row(question, blank=True)]
    trackers = {}
    replaced = []
    for i, phone in enumerate(phones):
        if i == 0:  # changes their mind: the last ballot counts
            replaced.append(vote(phone, council_id, s.credential(i), row(question, blank=True)))
        if i == 1:
            replaced.append(vote(phone, council_id, s.credential(i), row(question, {0, 1, 2})))
        if i == 2:  # audits a ballot (Benaloh), then casts afresh
            audited = bl.create_ballot(election, s.credential(i), row(question, {6}))
            raw_election = phone.get(f"/polls/{council_id}/election.json").get_data(as_text=True)
            said = audit_with_cli(audited.audit_json(), raw_election, tmp_path / "audit")
            assert not said.startswith("FAIL") and listed[6].name_ar in said, said
            assert "encrypts these choices" in said
            lie = json.loads(audited.audit_json())
            lie["plaintext"] = row(question, {5})  # says another candidate than encrypted
            told = audit_with_cli(json.dumps(lie), raw_election, tmp_path / "audit-lie")
            assert told.startswith("FAIL") and "does not encrypt" in told, told
        trackers[i] = vote(phone, council_id, s.credential(i), finals[i])
    assert audited.tracker not in trackers.values()
    assert ballots_and_marks(db, council_id) == (VOTERS, VOTERS)
    close_decrypt_count_certify(s, council_id, (2, 4, 5), db)
    tool_row, totals = check_archive(s, council_id, phones[7], runner, db)
    archive = db.session.get(VerifiablePoll, council_id).archive
    assert trackers_in(archive) == set(trackers.values())  # neither the replaced nor the audited
    assert not trackers_in(archive) & {audited.tracker, *replaced}
    expected = column_sums(finals)
    assert tool_row == expected
    assert expected[0] == 1 and expected[1:] == [COUNCIL[n] for n in numbers]
    ids = [str(c.id) for c in listed]
    assert totals == {
        "ballots": VOTERS,
        "blank": 1,
        "votes": dict(zip(ids, tool_row[1:], strict=True)),
    }
    counted = report_of(db, council_id)
    assert counted["rounds"][0]["counts"] == {
        i: str(v) for i, v in zip(ids, tool_row[1:], strict=True)
    }
    assert counted["ballots"]["blank"] == 1 and counted["ballots"]["total"] == VOTERS
    winners = {numbers[ids.index(w)] for w in counted["winners"]}
    assert winners == COUNCIL_WINNERS
    branches = [c.branch for c in listed if members[c.member_id] in winners]
    assert max(branches.count(b) for b in set(branches)) <= 2  # the cap, Article 15.3
    youth = [c for c in listed if members[c.member_id] in winners and "youth" in c.groups]
    assert {members[c.member_id] for c in youth} == YOUTH  # the minimum, Article 15.2
    skipped = {
        (numbers[ids.index(a["candidate"])], a["rule"], a["article"])
        for a in counted["adjustments"]
    }
    assert skipped == {("M0057", "branch-cap", "15.3"), ("M0021", "group-quota", "15.2")}
    s.timings["central council"] = time.perf_counter() - started

    # -- the General Coordinator: one of three, an absolute majority ------------------------
    started = time.perf_counter()
    election = election_of(phones[0], coordinator_id)
    question = election.questions[0]
    assert not question.blank and (question.min, question.max) == (1, 1)
    listed = sorted(candidates_by_member(db, coordinator_id).values(), key=lambda c: c.position)
    picks = [0] * COORDINATOR[0] + [1] * COORDINATOR[1] + [2] * COORDINATOR[2]
    finals = [row(question, {p}) for p in picks]
    trackers = {}
    for i, phone in enumerate(phones):
        if i in (0, 1):
            vote(phone, coordinator_id, s.credential(i), row(question, {2}))
        if i == 5:  # without JavaScript: the server builds the ballot, forgets the credential
            built = phone.post(
                f"/polls/{coordinator_id}/verifiable/without-javascript",
                {
                    "mark": str(listed[picks[i]].id),
                    "credential": s.credential(i),
                    "without_javascript": "yes",  # what the booth's <noscript> part posts
                },
                page=f"/polls/{coordinator_id}/booth",
            )
            assert built.status_code == 200, built.get_data(as_text=True)[-2000:]
            trackers[i] = tracker_on_page(built.get_data(as_text=True))
            continue
        trackers[i] = vote(phone, coordinator_id, s.credential(i), finals[i])
    assert ballots_and_marks(db, coordinator_id) == (VOTERS, VOTERS)
    close_decrypt_count_certify(s, coordinator_id, (1, 2, 3), db)
    tool_row, totals = check_archive(s, coordinator_id, phones[11], runner, db)
    archive = db.session.get(VerifiablePoll, coordinator_id).archive
    assert trackers_in(archive) == set(trackers.values())
    assert db.session.get(VerifiablePoll, coordinator_id).server_built == 1
    assert tool_row == column_sums(finals) == list(COORDINATOR)
    ids = [str(c.id) for c in listed]
    assert totals == {
        "ballots": VOTERS,
        "blank": 0,
        "votes": dict(zip(ids, COORDINATOR, strict=True)),
    }
    counted = report_of(db, coordinator_id)
    assert counted["winners"] == [ids[0]] and not counted["runoff_needed"]
    assert counted["rounds"][0]["counts"] == {
        i: str(v) for i, v in zip(ids, COORDINATOR, strict=True)
    }
    s.timings["general coordinator"] = time.perf_counter() - started

    # -- the policy paper: a motion; one ballot made by belenios-tool -----------------------
    started = time.perf_counter()
    election = election_of(phones[0], motion_id)
    question = election.questions[0]
    assert list(question.answers) == ["yes", "no", "abstain"]
    answers = ["yes"] * MOTION["yes"] + ["no"] * MOTION["no"] + ["abstain"] * MOTION["abstain"]
    finals = [row(question, {("yes", "no", "abstain").index(a)}) for a in answers]
    trackers = {}
    for i, phone in enumerate(phones[:-1]):
        if i in (0, 1):
            vote(phone, motion_id, s.credential(i), row(question, {1}))
        trackers[i] = vote(phone, motion_id, s.credential(i), finals[i])
    last = VOTERS - 1
    raw = tool_ballot(db, motion_id, s.credential(last), finals[last], tmp_path / "tool-voter")
    cast = cast_ballot(phones[last], motion_id, raw)
    assert cast.status_code == 200, cast.get_data(as_text=True)[-2000:]
    assert tracker_on_page(cast.get_data(as_text=True)).replace(" ", "") == bl.tracker(raw)
    trackers[last] = bl.tracker(raw)
    assert ballots_and_marks(db, motion_id) == (VOTERS, VOTERS)
    close_decrypt_count_certify(s, motion_id, (1, 3, 5), db)
    tool_row, totals = check_archive(s, motion_id, phones[3], runner, db)
    archive = db.session.get(VerifiablePoll, motion_id).archive
    assert trackers_in(archive) == set(trackers.values())  # the belenios-tool ballot counted
    expected = column_sums(finals)
    votes = tool_row[1:] if question.blank else tool_row
    assert votes == expected[-3:] == [MOTION["yes"], MOTION["no"], MOTION["abstain"]]
    assert totals == {"ballots": VOTERS, "blank": 0, "votes": MOTION}
    counted = report_of(db, motion_id)
    assert {k: counted[k] for k in ("yes", "no", "abstain", "blank")} == {**MOTION, "blank": 0}
    assert counted["passed"] is True
    s.timings["policy paper"] = time.perf_counter() - started
    report(
        f"verifiable conference ({backend}): "
        + ", ".join(f"{k} {v:.1f}s" for k, v in s.timings.items())
    )


def tool_ballot(db, poll_id: int, credential: str, plaintext, folder: Path) -> str:
    """A ballot made by belenios-tool's own client, from the poll's setup record (its
    election, the trustees, the public credentials: UUID.bel as published at opening)."""
    folder.mkdir(parents=True, exist_ok=True)
    db.session.expire_all()
    vp = db.session.get(VerifiablePoll, poll_id)
    (folder / f"{vp.uuid}.bel").write_bytes(vp.archive)
    (folder / "cred.txt").write_text(credential + "\n")
    (folder / "vote.json").write_text(json.dumps(plaintext))
    out = tool(
        folder,
        "election",
        "generate-ballot",
        "--dir",
        str(folder),
        "--privcred",
        "cred.txt",
        "--ballot",
        "vote.json",
    )
    return out.strip()
