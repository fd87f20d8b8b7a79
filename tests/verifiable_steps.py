"""Steps of a verifiable poll as its people take them: the trustees on their own computers
(the `congress trustee` commands, in a folder each), the credential authority (the
`congress credentials` commands), voters with a client that makes Belenios ballots, and the
pages they upload to. Nothing here reaches into the database to make a step happen."""

from __future__ import annotations

import json
import os
import re
from contextlib import contextmanager
from pathlib import Path

from click.testing import CliRunner

from congress.core import belenios as bl
from congress.verifiable.cli_tools import audit_ballot, credentials_cli, trustee_cli

COMMITTEE_PASSWORD = "committee-demo-2026"
THRESHOLD = 3  # the example bylaws: three committee signatures certify a result


@contextmanager
def inside(folder: Path):
    folder.mkdir(parents=True, exist_ok=True)
    before = os.getcwd()
    os.chdir(folder)
    try:
        yield folder
    finally:
        os.chdir(before)


def run(command, args, folder: Path) -> str:
    """A command on someone's own computer, in their folder; its output."""
    with inside(folder):
        result = CliRunner().invoke(command, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def committee_browsers(make_browser, n: int = 5) -> dict:
    browsers = {}
    for i in range(1, n + 1):
        b = make_browser()
        assert b.login(f"committee{i}@congress.test", COMMITTEE_PASSWORD).status_code == 302
        browsers[i] = b
    return browsers


def upload(browser, url: str, field: str, text: str):
    return browser.post(url, {field: text}, page=url)


def make_trustee_key(conference_id: int, browsers: dict, root: Path) -> None:
    """The three rounds of the threshold key, each trustee in their own folder."""
    page = f"/conferences/{conference_id}/trustees"
    first = next(iter(browsers.values()))
    assert first.post(page, {"action": "begin"}).status_code == 302
    for n, b in browsers.items():
        run(trustee_cli, ["init"], root / f"trustee{n}")
        cert = (root / f"trustee{n}" / "certificate.json").read_text()
        assert upload(b, page, "message", cert).status_code == 302
    for n, b in browsers.items():
        folder = root / f"trustee{n}"
        (folder / "certificates.json").write_bytes(b.get(f"{page}/certificates.json").data)
        run(
            trustee_cli,
            ["polynomial", "--certificates", "certificates.json", "--threshold", str(THRESHOLD)],
            folder,
        )
        assert (
            upload(b, page, "message", (folder / "polynomial.json").read_text()).status_code == 302
        )
    for n, b in browsers.items():
        folder = root / f"trustee{n}"
        (folder / "certificates.json").write_bytes(b.get(f"{page}/certificates.json").data)
        (folder / "vinput.json").write_bytes(b.get(f"{page}/vinput.json").data)
        run(
            trustee_cli,
            ["voutput", "--certificates", "certificates.json", "--vinput", "vinput.json"],
            folder,
        )
        assert upload(b, page, "message", (folder / "voutput.json").read_text()).status_code == 302


def authority(make_user, make_browser):
    """The demo's credential authority (`make_user` kept for the callers' signature)."""
    from congress.demo import DEMO_LOGINS

    _, email, password = next(x for x in DEMO_LOGINS if x[0] == "credential authority")
    b = make_browser()
    assert b.login(email, password).status_code == 302
    return b


def issue_credentials(browser, conference_id: int, folder: Path) -> dict[str, str]:
    """Once per conference: a credential per delegate, on the authority's computer."""
    folder.mkdir(parents=True, exist_ok=True)
    csv = browser.get(f"/conferences/{conference_id}/delegates-for-credentials.csv")
    assert csv.status_code == 200
    (folder / "delegates.csv").write_bytes(csv.data)
    run(credentials_cli, ["generate", "--roll", "delegates.csv"], folder)
    return json.loads((folder / "credentials" / "credentials.json").read_text())


def publish_credentials(browser, poll_id: int, uuid: str, folder: Path):
    roll = browser.get(f"/polls/{poll_id}/roll.txt")
    assert roll.status_code == 200
    (folder / f"roll-{poll_id}.txt").write_bytes(roll.data)
    run(
        credentials_cli,
        [
            "public",
            "--credentials",
            "credentials/credentials.json",
            "--roll",
            f"roll-{poll_id}.txt",
            "--uuid",
            uuid,
            "--out",
            f"public-{poll_id}.json",
        ],
        folder,
    )
    return upload(
        browser,
        f"/polls/{poll_id}/credentials",
        "credentials",
        (folder / f"public-{poll_id}.json").read_text(),
    )


def election_of(browser, poll_id: int) -> bl.Election:
    response = browser.get(f"/polls/{poll_id}/election.json")
    assert response.status_code == 200
    return bl.parse_election(response.get_data(as_text=True))


def uuid_of(browser, poll_id: int) -> str:
    return election_of(browser, poll_id).uuid


def cast_ballot(browser, poll_id: int, raw: str):
    return browser.post(
        f"/polls/{poll_id}/verifiable/cast", {"ballot": raw}, page=f"/polls/{poll_id}/booth"
    )


def vote(browser, poll_id: int, credential: str, plaintext) -> str:
    """An encrypted ballot made on the voter's side and cast; its tracker."""
    election = election_of(browser, poll_id)
    made = bl.create_ballot(election, credential, plaintext)
    response = cast_ballot(browser, poll_id, made.raw)
    assert response.status_code == 200, response.get_data(as_text=True)[-1500:]
    assert made.tracker in response.get_data(as_text=True)
    return made.tracker


def decrypt(browsers: dict, which, poll_id: int, root: Path) -> None:
    """k trustees decrypt the encrypted tally on their own computers, from the archive
    (the command verifies it and recomputes the tally from the ballots)."""
    for n in which:
        b, folder = browsers[n], root / f"trustee{n}"
        (folder / "poll.bel").write_bytes(b.get(f"/polls/{poll_id}/archive.bel").data)
        run(trustee_cli, ["decrypt", "--archive", "poll.bel"], folder)
        response = upload(
            b,
            f"/polls/{poll_id}/decrypt",
            "partial",
            (folder / "partial-decryption.json").read_text(),
        )
        assert response.status_code == 302, response.get_data(as_text=True)[-1500:]


def audit_with_cli(audit_json: str, election_raw: str, folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "audited.json").write_text(audit_json)
    (folder / "election.json").write_text(election_raw)
    with inside(folder):
        result = CliRunner().invoke(audit_ballot, ["audited.json", "--election", "election.json"])
    return result.output if result.exit_code == 0 else "FAIL " + result.output


def tracker_on_page(html: str) -> str | None:
    match = re.search(r'class="tracker" dir="ltr" lang="en">([^<]+)<', html)
    return match.group(1) if match else None
