"""A verifiable poll through the pages (issue 16): the trustees' key, the credential
authority's uploads, ballots encrypted on the voter's side and checked on arrival, re-votes,
the voter without JavaScript, the trustees' decryption, the count and the public record."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from verifiable_steps import (
    authority,
    cast_ballot,
    committee_browsers,
    decrypt,
    election_of,
    issue_credentials,
    make_trustee_key,
    publish_credentials,
    uuid_of,
    vote,
)

from congress.audit.models import AuditEntry
from congress.core import belenios as bl
from congress.verifiable.models import TrusteeSetup, VerifiableBallot, VerifiablePoll
from congress.voting.models import Poll
from support import test_settings as settings_for
from voting_steps import act, voter

YES, NO, ABSTAIN = [[1, 0, 0]], [[0, 1, 0]], [[0, 0, 1]]


@pytest.fixture
def app_config(db_url, tmp_path):
    return settings_for(db_url, tmp_path / "instance", LOGIN_LIMIT_PER_ADDRESS="1000 per minute")


@pytest.fixture
def keyed(session_with, make_browser, make_user, tmp_path, db):
    """The conference in session with 4 delegates, its trustees' key made, credentials
    issued by the authority."""
    conference, users = session_with(4)
    browsers = committee_browsers(make_browser)
    make_trustee_key(conference.id, browsers, tmp_path)
    officer = authority(make_user, make_browser)
    issued = issue_credentials(officer, conference.id, tmp_path / "authority")
    return conference, users, browsers, officer, issued


def verifiable_motion(committee, conference_id) -> int:
    response = committee.post(
        f"/conferences/{conference_id}/polls/new",
        {
            "kind": "motion",
            "m-title_ar": "ورقة التوجهات",
            "m-text_ar": "نص الورقة.",
            "m-category": "policy_paper",
            "m-level": "verifiable",
        },
        page=f"/conferences/{conference_id}/polls/new",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    return int(response.headers["Location"].rsplit("/", 1)[1])


@pytest.fixture
def open_motion(keyed, tmp_path, db):
    conference, users, browsers, officer, issued = keyed
    committee = browsers[1]
    poll_id = verifiable_motion(committee, conference.id)
    assert act(committee, poll_id, "open").status_code == 302
    uuid = uuid_of(committee, poll_id)
    assert publish_credentials(officer, poll_id, uuid, tmp_path / "authority").status_code == 302
    return poll_id, users, browsers, issued


def credential_of(issued, user, db):
    from congress.members.models import Member

    return issued[db.session.get(Member, user.member_id).number]


def test_the_trustees_make_a_3_of_5_key_that_belenios_accepts(keyed, db):
    conference = keyed[0]
    setup = db.session.get(TrusteeSetup, conference.id)
    assert (setup.step, setup.threshold, setup.trustees) == ("done", 3, 5)
    group = bl.get_group(setup.group_name)
    assert not bl.check_trustees(group, bl.parse_trustees(setup.structure))  # no reason
    actions = (
        db.session.execute(select(AuditEntry.action).where(AuditEntry.action.like("verifiable.%")))
        .scalars()
        .all()
    )
    assert actions.count("verifiable.trustee_message") == 15
    assert actions[-1] == "verifiable.trustees_done"


def test_a_motion_is_voted_re_voted_decrypted_by_three_and_counted(
    open_motion, make_browser, tmp_path, db
):
    poll_id, users, browsers, issued = open_motion
    phones = [voter(make_browser, u) for u in users]
    creds = [credential_of(issued, u, db) for u in users]
    vote(phones[0], poll_id, creds[0], NO)
    vote(phones[0], poll_id, creds[0], YES)  # a re-vote: the last ballot counts
    vote(phones[1], poll_id, creds[1], YES)
    vote(phones[2], poll_id, creds[2], NO)
    assert db.session.execute(select(func.count()).select_from(VerifiableBallot)).scalar() == 3
    assert act(browsers[1], poll_id, "close").status_code == 302
    waiting = browsers[1].get(f"/polls/{poll_id}").get_data(as_text=True)
    assert f"/polls/{poll_id}/tally" not in waiting and "ويلزم 3" in waiting  # no count yet
    assert browsers[1].post(f"/polls/{poll_id}/tally", page=f"/polls/{poll_id}").status_code == 303
    decrypt(browsers, (2, 4, 5), poll_id, tmp_path)
    ready = browsers[1].get(f"/polls/{poll_id}").get_data(as_text=True)
    assert f"/polls/{poll_id}/tally" in ready
    vp = db.session.get(VerifiablePoll, poll_id)
    assert json.loads(vp.result)["result"] == [[2, 1, 0]]
    checks = bl.verify_archive(vp.archive)
    assert all(c.ok for c in checks), [c for c in checks if not c.ok]
    assert browsers[1].post(f"/polls/{poll_id}/tally", page=f"/polls/{poll_id}").status_code == 302
    assert db.session.get(Poll, poll_id).state == "tallied"
    board = browsers[3].get(f"/polls/{poll_id}/board").get_data(as_text=True)
    assert vp.uuid in board and "archive.bel" in board
    # before certification the decrypted totals are a count: the committee's, not a voter's
    # (neither on the board nor through the archive, whose partial decryptions give them)
    assert browsers[3].get(f"/polls/{poll_id}/archive.bel").status_code == 200
    voters_board = phones[0].get(f"/polls/{poll_id}/board").get_data(as_text=True)
    assert "archive.bel" not in voters_board and "بعد أن تصادق لجنة الانتخابات" in voters_board
    assert phones[0].get(f"/polls/{poll_id}/archive.bel").status_code == 404


def test_a_ballot_signed_with_a_credential_off_the_roll_is_refused_and_nothing_stored(
    open_motion, make_browser, db
):
    poll_id, users, _, _ = open_motion
    phone = voter(make_browser, users[0])
    election = election_of(phone, poll_id)
    forged = bl.create_ballot(election, bl.generate_credential(), YES)
    response = cast_ballot(phone, poll_id, forged.raw)
    assert response.status_code == 409
    assert db.session.execute(select(func.count()).select_from(VerifiableBallot)).scalar() == 0


def test_the_plain_ballot_path_is_closed_for_a_verifiable_poll(open_motion, make_browser, db):
    poll_id, users, _, _ = open_motion
    phone = voter(make_browser, users[0])
    assert phone.get(f"/polls/{poll_id}/ballot").headers["Location"].endswith("/booth")
    response = phone.post("/vote/cast", {"poll": poll_id, "answer": "y"}, page=f"/polls/{poll_id}")
    assert response.status_code == 409
    assert db.session.execute(select(func.count()).select_from(VerifiableBallot)).scalar() == 0


def test_a_voter_without_javascript_votes_and_the_board_counts_it(
    open_motion, make_browser, tmp_path, db
):
    poll_id, users, _browsers, issued = open_motion
    phone = voter(make_browser, users[0])
    response = phone.post(
        f"/polls/{poll_id}/verifiable/without-javascript",
        {
            "answer": "y",
            "credential": credential_of(issued, users[0], db),
            "without_javascript": "yes",  # the <noscript> field of a browser without scripts
        },
        page=f"/polls/{poll_id}/booth",
    )
    assert response.status_code == 200, response.get_data(as_text=True)[-2000:]
    assert db.session.get(VerifiablePoll, poll_id).server_built == 1


@pytest.fixture
def counted_motion(open_motion, make_browser, tmp_path, db):
    """Three votes (2 yes, 1 no), closed, decrypted by trustees 1, 3 and 5, counted."""
    poll_id, users, browsers, issued = open_motion
    for user, plaintext in zip(users, (YES, YES, NO), strict=False):
        vote(voter(make_browser, user), poll_id, credential_of(issued, user, db), plaintext)
    assert act(browsers[1], poll_id, "close").status_code == 302
    decrypt(browsers, (1, 3, 5), poll_id, tmp_path)
    assert browsers[1].post(f"/polls/{poll_id}/tally", page=f"/polls/{poll_id}").status_code == 302
    return poll_id, browsers


def test_the_export_carries_the_archive_and_congress_verify_recounts_from_it(
    counted_motion, runner, tmp_path, db
):
    poll_id, _ = counted_motion
    out = tmp_path / "export" / "poll.json"
    out.parent.mkdir()
    exported = runner.invoke(args=["congress", "export", str(poll_id), str(out)])
    assert exported.exit_code == 0, exported.output
    uuid = db.session.get(VerifiablePoll, poll_id).uuid
    bel = out.parent / f"{uuid}.bel"
    assert (
        f"{uuid}.bel" in exported.output
        and bel.read_bytes() == db.session.get(VerifiablePoll, poll_id).archive
    )
    verified = runner.invoke(args=["congress", "verify", str(out)])
    assert verified.exit_code == 0, verified.output
    assert "archive: the Belenios archive verifies: 3 ballots" in verified.output
    assert "recount" in verified.output
    on_its_own = runner.invoke(args=["congress", "verify", str(bel)])
    assert on_its_own.exit_code == 0 and "The archive verifies." in on_its_own.output

    data = json.loads(out.read_text())
    data["tally"]["report"]["yes"] = 3  # a changed result: the recount from the proof says 2
    out.write_text(json.dumps(data))
    failed = runner.invoke(args=["congress", "verify", str(out)])
    assert failed.exit_code == 1 and "FAIL recount" in failed.output, failed.output


def test_an_export_whose_archive_lost_a_ballot_fails_verify(counted_motion, runner, tmp_path):
    poll_id, _ = counted_motion
    out = tmp_path / "poll.json"
    runner.invoke(args=["congress", "export", str(poll_id), str(out)])
    data = json.loads(out.read_text())
    data["trackers"].pop()  # the board shown without one ballot
    out.write_text(json.dumps(data))
    failed = runner.invoke(args=["congress", "verify", str(out)])
    assert failed.exit_code == 1 and "FAIL archive" in failed.output, failed.output


def test_one_account_cannot_vote_with_another_delegates_credential(open_motion, make_browser, db):
    """A sheet of a branch's credentials in the wrong hands: the holder votes once, with
    their own; the other delegate's credential is refused to them, and if it was used
    first, its owner is told when they vote."""
    poll_id, users, _, issued = open_motion
    mine, theirs = credential_of(issued, users[0], db), credential_of(issued, users[1], db)
    first, second = voter(make_browser, users[0]), voter(make_browser, users[1])
    vote(first, poll_id, mine, YES)
    election = election_of(first, poll_id)
    refused = cast_ballot(first, poll_id, bl.create_ballot(election, theirs, YES).raw)
    assert refused.status_code == 409 and "برمز تصويت آخر" in refused.get_data(as_text=True)

    third = voter(make_browser, users[2])
    stolen = cast_ballot(
        third, poll_id, bl.create_ballot(election, theirs, NO).raw
    )  # users[2] votes first with users[1]'s credential...
    assert stolen.status_code == 200
    owner = cast_ballot(second, poll_id, bl.create_ballot(election, theirs, YES).raw)
    assert owner.status_code == 409  # ...and its owner is told
    assert "لجنة الانتخابات" in owner.get_data(as_text=True)
    assert db.session.execute(select(func.count()).select_from(VerifiableBallot)).scalar() == 2


def test_the_close_forgets_which_account_used_which_credential(open_motion, make_browser, db):
    from congress.verifiable.models import CredentialUse

    poll_id, users, browsers, issued = open_motion
    vote(voter(make_browser, users[0]), poll_id, credential_of(issued, users[0], db), YES)
    assert db.session.execute(select(func.count()).select_from(CredentialUse)).scalar() == 1
    assert act(browsers[1], poll_id, "close").status_code == 302
    assert db.session.execute(select(func.count()).select_from(CredentialUse)).scalar() == 0


def test_the_server_builds_no_ballot_unless_the_browser_says_it_has_no_javascript(
    open_motion, make_browser, db
):
    """A tap before the booth's script has loaded posts the form: it must not send the
    credential off to be used by the server when the browser could encrypt."""
    poll_id, users, _, issued = open_motion
    phone = voter(make_browser, users[0])
    response = phone.post(
        f"/polls/{poll_id}/verifiable/without-javascript",
        {"answer": "y", "credential": credential_of(issued, users[0], db)},
        page=f"/polls/{poll_id}/booth",
    )
    assert response.status_code == 303
    assert db.session.execute(select(func.count()).select_from(VerifiableBallot)).scalar() == 0
    assert db.session.get(VerifiablePoll, poll_id).server_built == 0


def test_while_open_the_archive_holds_the_setup_an_independent_client_needs_and_no_ballot(
    open_motion, make_browser, db
):
    poll_id, users, _, issued = open_motion
    phone = voter(make_browser, users[0])
    vote(phone, poll_id, credential_of(issued, users[0], db), YES)
    setup = phone.get(f"/polls/{poll_id}/archive.bel")
    assert setup.status_code == 200
    events = [e.type for _, e in bl.Archive.from_bytes(setup.data).events()]
    assert events == ["Setup"]  # the election, the trustees, the public credentials only
