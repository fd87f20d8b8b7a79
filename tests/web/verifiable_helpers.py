"""Shared steps of the verifiable-poll suites (issue 16): the conference with its trustees'
key and credentials, verifiable polls created and opened through the pages, and the
independent verifier (belenios-tool, through tests/unit/belenios/belenios_support.py).

Everything here goes through the pages or the people's own commands, as
tests/verifiable_steps.py does; the only database writes are the test's setting (the
conference's bylaws version, approved candidacies, a seated body), as tests/scenario.py
writes them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from verifiable_steps import (
    committee_browsers,
    issue_credentials,
    make_trustee_key,
    publish_credentials,
    uuid_of,
)

from congress.core import belenios as bl
from congress.members.models import Member
from congress.voting.models import PollCandidate, RollEntry
from voting_steps import act

_BELENIOS_TESTS = Path(__file__).resolve().parents[1] / "unit" / "belenios"
if str(_BELENIOS_TESTS) not in sys.path:  # belenios_support lives beside the unit tests
    sys.path.insert(0, str(_BELENIOS_TESTS))

from belenios_support import ours_verify, tool, tool_path, tool_verify  # noqa: E402

ARCHIVES = Path(__file__).resolve().parents[1] / "e2e" / "artifacts" / "archives"
AUTHORITY = ("authority@congress.test", "authority-demo-2026")  # the demo's login

__all__ = [
    "ARCHIVES",
    "World",
    "archive_uuid",
    "authority_browser",
    "ballots_and_marks",
    "belenios_result",
    "candidates_by_member",
    "make_world",
    "open_motion",
    "open_verifiable",
    "ours_verify",
    "run_tool",
    "save_archive",
    "tool",
    "tool_path",
    "tool_verify",
    "verifiable_election",
    "verifiable_motion",
]


def authority_browser(make_browser):
    """The demo's credential authority, logged in (a role no administrator holds)."""
    b = make_browser()
    assert b.login(*AUTHORITY).status_code == 302
    return b


@dataclass
class World:
    """A conference in session, its trustees' key made and its credentials issued."""

    conference_id: int
    users: list
    committee: dict  # committee member number (1-5) -> their logged-in browser
    officer: object  # the credential authority's browser
    credentials: list[str]  # the users' secret credentials, in order
    root: Path  # where each person's own computer keeps their files


def make_world(session_with, make_browser, root: Path, db, delegates: int = 5) -> World:
    """The demo conference in session with `delegates` accredited delegates, the 3-of-5
    trustees' key made with `congress trustee` and the credentials issued with
    `congress credentials`."""
    conference, users = session_with(delegates)
    committee = committee_browsers(make_browser)
    make_trustee_key(conference.id, committee, root)
    officer = authority_browser(make_browser)
    issued = issue_credentials(officer, conference.id, root / "authority")
    credentials = [issued[db.session.get(Member, u.member_id).number] for u in users]
    return World(conference.id, users, committee, officer, credentials, root)


def open_motion(world: World, title: str = "ورقة التوجهات") -> int:
    """A verifiable motion created and opened, its public credentials published."""
    poll_id = verifiable_motion(world.committee[1], world.conference_id, title)
    open_verifiable(world.committee[1], world.officer, poll_id, world.root / "authority")
    return poll_id


def _created(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def verifiable_motion(committee, conference_id: int, title: str = "ورقة التوجهات") -> int:
    page = f"/conferences/{conference_id}/polls/new"
    data = {
        "kind": "motion",
        "m-title_ar": title,
        "m-title_en": "Policy paper",
        "m-text_ar": "نص الورقة.",
        "m-category": "policy_paper",
        "m-level": "verifiable",
    }
    return _created(committee.post(page, data, page=page))


def verifiable_election(committee, conference_id: int, body: str) -> int:
    page = f"/conferences/{conference_id}/polls/new"
    data = {"kind": "election", "e-body": body, "e-level": "verifiable", "e-confirm": "y"}
    return _created(committee.post(page, data, page=page))


def open_verifiable(committee, officer, poll_id: int, folder: Path) -> str:
    """The committee opens the poll; the authority publishes its roll's public credentials.
    The election's uuid."""
    assert act(committee, poll_id, "open").status_code == 302
    uuid = uuid_of(committee, poll_id)
    assert publish_credentials(officer, poll_id, uuid, folder).status_code == 302
    return uuid


def candidates_by_member(db, poll_id: int) -> dict[int, PollCandidate]:
    """The poll's candidates by member id (their order is the ballot's: position)."""
    rows = db.session.execute(
        select(PollCandidate).where(PollCandidate.poll_id == poll_id)
    ).scalars()
    return {c.member_id: c for c in rows}


def ballots_and_marks(db, poll_id: int) -> tuple[int, int]:
    """(rows in the verifiable box, roll entries marked as voted) of a poll."""
    from congress.verifiable.models import VerifiableBallot

    db.session.commit()  # a fresh read: the requests ran in their own sessions
    box = db.session.execute(
        select(func.count())
        .select_from(VerifiableBallot)
        .where(VerifiableBallot.poll_id == poll_id)
    ).scalar_one()
    marked = db.session.execute(
        select(func.count())
        .select_from(RollEntry)
        .where(RollEntry.poll_id == poll_id, RollEntry.voted.is_(True))
    ).scalar_one()
    return box, marked


def archive_uuid(archive: bytes) -> str:
    a = bl.Archive.from_bytes(archive)
    setup = json.loads(a.get(a.chain()[0][1].payload or ""))
    return bl.parse_election(a.get_text(setup["election"])).uuid


def save_archive(archive: bytes) -> Path:
    """Kept as tests/e2e/artifacts/archives/UUID.bel (git-ignored), for anyone to re-check."""
    ARCHIVES.mkdir(parents=True, exist_ok=True)
    path = ARCHIVES / f"{archive_uuid(archive)}.bel"
    path.write_bytes(archive)
    return path


def belenios_result(archive: bytes, workdir: Path) -> list[list[int]]:
    """What belenios-tool itself says: `election verify` passes on the archive (named
    UUID.bel alone in its folder), and `election compute-result` from its partial
    decryptions; the result it computes."""
    ok, said = tool_verify(archive, workdir)
    assert ok, said
    assert "all checks passed" in said, said
    out = tool(workdir, "election", "compute-result", "--dir", str(workdir))
    return json.loads(out)["result"]


def run_tool(workdir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [tool_path(), *args], cwd=workdir, capture_output=True, text=True, timeout=300, check=False
    )
