"""Counting a motion, certification by 3 of 5 (Article 30.1 of the example bylaws), the
result page, the export, and an independent recount that notices one edited ballot."""

import json

import pytest
from sqlalchemy import select

from congress.auth.models import User
from congress.voting.models import Poll
from voting_steps import act, new_motion, vote, voter

COMMITTEE_PASSWORD = "committee-demo-2026"


def committee_member(make_browser, n):
    b = make_browser()
    assert b.login(f"committee{n}@congress.test", COMMITTEE_PASSWORD).status_code == 302
    return b


@pytest.fixture
def closed_motion(session_with, committee, make_browser):
    """A policy paper with 3 yes, 1 no, 1 abstain of 5 present, closed."""
    conference, users = session_with(5)
    poll_id = new_motion(committee, conference.id, category="policy_paper")
    act(committee, poll_id, "open")
    for user, answer in zip(users, ["yes", "yes", "yes", "no", "abstain"], strict=True):
        assert vote(voter(make_browser, user), poll_id, answer=answer).status_code == 200
    act(committee, poll_id, "close")
    return conference, poll_id


def test_a_count_is_visible_to_the_committee_and_then_certified_for_everyone(
    closed_motion, committee, make_browser, session_with, db
):
    _, poll_id = closed_motion
    assert committee.post(f"/polls/{poll_id}/tally", page=f"/polls/{poll_id}").status_code == 302
    page = committee.get(f"/polls/{poll_id}/result").get_data(as_text=True)
    assert "أُقرّ المقترح" in page and "<svg" in page and "لم تُصدَّق بعد" in page
    delegate = db.session.execute(select(User).where(User.member_id.is_not(None))).scalars().first()
    member = voter(make_browser, delegate)
    assert member.get(f"/polls/{poll_id}/result").status_code == 404  # not certified yet

    for n in (1, 2):
        b = committee if n == 1 else committee_member(make_browser, n)
        b.post(f"/polls/{poll_id}/sign", {"decision": "sign"}, page=f"/polls/{poll_id}/result")
    refuser = committee_member(make_browser, 4)
    refuser.post(
        f"/polls/{poll_id}/sign",
        {"decision": "refuse", "reason": "أريد إعادة الفرز"},
        page=f"/polls/{poll_id}/result",
    )
    assert db.session.get(Poll, poll_id).state == "tallied"
    committee_member(make_browser, 3).post(
        f"/polls/{poll_id}/sign", {"decision": "sign"}, page=f"/polls/{poll_id}/result"
    )
    poll = db.session.get(Poll, poll_id)
    assert poll.state == "certified" and poll.objections_until is not None
    public = member.get(f"/polls/{poll_id}/result").get_data(as_text=True)
    assert "أُقرّ المقترح" in public and "أريد إعادة الفرز" in public
    assert poll.chain_head_at_close in public


def test_a_member_cannot_sign_twice_and_an_outsider_cannot_sign(
    closed_motion, committee, make_browser, make_user, db
):
    _, poll_id = closed_motion
    committee.post(f"/polls/{poll_id}/tally", page=f"/polls/{poll_id}")
    committee.post(f"/polls/{poll_id}/sign", {"decision": "sign"}, page=f"/polls/{poll_id}")
    again = committee.post(f"/polls/{poll_id}/sign", {"decision": "sign"}, page=f"/polls/{poll_id}")
    assert again.status_code == 303
    outsider = make_user(roles=("election_committee",))
    b = make_browser()
    b.login(outsider.email, "correct-horse-battery")
    assert b.post(f"/polls/{poll_id}/sign", {"decision": "sign"}, page="/").status_code == 403


def test_the_export_verifies_and_one_edited_ballot_makes_verify_fail(
    closed_motion, committee, runner, tmp_path, db
):
    _, poll_id = closed_motion
    committee.post(f"/polls/{poll_id}/tally", page=f"/polls/{poll_id}")
    out = tmp_path / "poll.json"
    assert runner.invoke(args=["congress", "export", str(poll_id), str(out)]).exit_code == 0
    verified = runner.invoke(args=["congress", "verify", str(out)])
    assert verified.exit_code == 0, verified.output
    assert "recount" in verified.output and "audit" in verified.output

    data = json.loads(out.read_text())
    first_yes = next(i for i, b in enumerate(data["ballots"]) if b.get("answer") == "yes")
    data["ballots"][first_yes] = {"answer": "no"}
    out.write_text(json.dumps(data))
    failed = runner.invoke(args=["congress", "verify", str(out)])
    assert failed.exit_code == 1 and "FAIL box" in failed.output  # caught before the recount


def test_verify_names_a_broken_audit_link_and_a_count_mismatch(
    closed_motion, committee, runner, tmp_path
):
    _, poll_id = closed_motion
    committee.post(f"/polls/{poll_id}/tally", page=f"/polls/{poll_id}")
    out = tmp_path / "poll.json"
    runner.invoke(args=["congress", "export", str(poll_id), str(out)])
    data = json.loads(out.read_text())
    broken = json.loads(json.dumps(data))
    broken["audit"]["entries"][0]["actor"] = "user:999"
    out.write_text(json.dumps(broken))
    assert "FAIL audit" in runner.invoke(args=["congress", "verify", str(out)]).output
    dropped = json.loads(json.dumps(data))
    dropped["ballots"].pop()
    out.write_text(json.dumps(dropped))
    result = runner.invoke(args=["congress", "verify", str(out)])
    assert result.exit_code == 1 and "FAIL counts" in result.output


def test_a_bylaw_amendment_fails_at_sixty_percent_against_two_thirds(
    session_with, committee, make_browser, db
):
    conference, users = session_with(5)
    poll_id = new_motion(committee, conference.id, category="bylaw_amendment")
    act(committee, poll_id, "open")
    for user, answer in zip(users, ["yes", "yes", "yes", "no", "no"], strict=True):
        vote(voter(make_browser, user), poll_id, answer=answer)
    act(committee, poll_id, "close")
    committee.post(f"/polls/{poll_id}/tally", page=f"/polls/{poll_id}")
    page = committee.get(f"/polls/{poll_id}/result").get_data(as_text=True)
    assert "سقط المقترح" in page
