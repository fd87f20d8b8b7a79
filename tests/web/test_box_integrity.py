"""Issue 14.4: the close records the box's digests in the audit chain; a ballot edited,
added or dropped afterwards by someone with the database is caught by the count and by
`congress verify`, which both fail loudly and name what differs."""

import json
import secrets

import pytest
from sqlalchemy import select, text

from congress.audit.models import AuditEntry
from congress.voting.models import Poll
from voting_steps import act, new_motion, vote, voter


@pytest.fixture
def closed_motion(session_with, committee, make_browser):
    """3 yes, 1 no, 1 abstain of 5 present, closed."""
    conference, users = session_with(5)
    poll_id = new_motion(committee, conference.id, category="policy_paper")
    act(committee, poll_id, "open")
    for user, answer in zip(users, ["yes", "yes", "yes", "no", "abstain"], strict=True):
        assert vote(voter(make_browser, user), poll_id, answer=answer).status_code == 200
    act(committee, poll_id, "close")
    return poll_id


def tamper(db, poll_id: int, how: str) -> None:
    """What an operator with the database can do to a closed box."""
    if how == "edit":  # the no becomes a yes, tracker untouched
        db.session.execute(
            text(
                'UPDATE ballots SET content = \'{"answer":"yes"}\' '
                'WHERE poll_id = :p AND content = \'{"answer":"no"}\''
            ),
            {"p": poll_id},
        )
    elif how == "add":  # a ballot stuffed in, and a non-voter... there is none: a new row
        db.session.execute(
            text("INSERT INTO ballots (poll_id, id, tracker, content) VALUES (:p, :i, :t, :c)"),
            {
                "p": poll_id,
                "i": secrets.token_hex(16),
                "t": secrets.token_hex(16),
                "c": '{"answer":"yes"}',
            },
        )
    else:  # the abstention disappears
        db.session.execute(
            text("DELETE FROM ballots WHERE poll_id = :p AND content = :c"),
            {"p": poll_id, "c": '{"answer":"abstain"}'},
        )
    db.session.commit()


@pytest.mark.parametrize("how", ["edit", "add", "drop"])
def test_the_count_refuses_a_box_changed_after_the_close(closed_motion, committee, db, how):
    poll_id = closed_motion
    tamper(db, poll_id, how)
    response = committee.post(f"/polls/{poll_id}/tally", page=f"/polls/{poll_id}")
    assert response.status_code == 303
    assert db.session.get(Poll, poll_id).state == "closed"
    refused = db.session.execute(
        select(AuditEntry.data).where(AuditEntry.action == "poll.box_altered")
    ).scalar_one()
    # a stuffed ballot is caught first by the roll: more ballots than voters marked
    expected = ("roll", "ballots", "trackers") if how == "add" else ("ballots", "trackers")
    assert json.loads(refused)["differs"] in expected
    page = committee.get(f"/polls/{poll_id}").get_data(as_text=True)
    assert "رُفض الفرز" in page


@pytest.mark.parametrize("how", ["edit", "add", "drop"])
def test_verify_fails_on_a_box_changed_after_the_count(
    closed_motion, committee, runner, tmp_path, db, how
):
    poll_id = closed_motion
    assert committee.post(f"/polls/{poll_id}/tally", page=f"/polls/{poll_id}").status_code == 302
    tamper(db, poll_id, how)
    out = tmp_path / "poll.json"
    assert runner.invoke(args=["congress", "export", str(poll_id), str(out)]).exit_code == 0
    result = runner.invoke(args=["congress", "verify", str(out)])
    assert result.exit_code == 1 and "FAIL" in result.output, result.output
    if how == "edit":  # trackers and counts still agree: only the digest catches it
        assert "FAIL box" in result.output


def test_an_untouched_box_counts_and_verifies(closed_motion, committee, runner, tmp_path):
    poll_id = closed_motion
    assert committee.post(f"/polls/{poll_id}/tally", page=f"/polls/{poll_id}").status_code == 302
    out = tmp_path / "poll.json"
    runner.invoke(args=["congress", "export", str(poll_id), str(out)])
    result = runner.invoke(args=["congress", "verify", str(out)])
    assert result.exit_code == 0 and "ok   box: the 5 ballots" in result.output, result.output


def test_verify_names_a_crafted_export_with_a_number_too_long_to_read(runner, tmp_path):
    """Issue 14.10: `congress verify` on a crafted export gives a clear failure, no trace."""
    crafted = tmp_path / "crafted.json"
    crafted.write_text('{"format": "congress-poll-export/1", "poll": {"id": ' + "7" * 5000 + "}}")
    result = runner.invoke(args=["congress", "verify", str(crafted)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "not a JSON export" in result.output
    nested = tmp_path / "nested.json"
    nested.write_text(
        json.dumps(
            {"format": "congress-poll-export/1", "bylaws": {"text": "seats = " + "7" * 5000}}
        )
    )
    result = runner.invoke(args=["congress", "verify", str(nested)])
    assert result.exit_code == 1 and "Traceback" not in result.output and "FAIL" in result.output


def forge_a_second_close(db, poll_id):
    """What the audit found: the triggers stop UPDATE and DELETE of the log but not an
    INSERT, so a writer edits the box, appends a close entry with fresh digests (hashed
    properly into the chain) and points the poll at it."""
    from congress.audit import actions
    from congress.audit.operations import record
    from congress.database import write_intent
    from congress.voting import storage
    from congress.voting.models import Poll

    tamper(db, poll_id, "edit")
    with write_intent():
        poll = db.session.get(Poll, poll_id)
        entry = record(
            actions.POLL_CLOSED,
            subject=f"poll:{poll_id}",
            data={"ballots": 5, "voted": 5, "electorate": 5, **storage.digests(poll)},
        )
        poll.chain_head_at_close = entry.hash
        db.session.commit()


def test_a_second_close_entry_appended_by_a_writer_is_refused_by_the_count(
    closed_motion, committee, db
):
    poll_id = closed_motion
    forge_a_second_close(db, poll_id)
    assert committee.post(f"/polls/{poll_id}/tally", page=f"/polls/{poll_id}").status_code == 303
    assert db.session.get(Poll, poll_id).state == "closed"
    refused = db.session.execute(
        select(AuditEntry.data).where(AuditEntry.action == "poll.box_altered")
    ).scalar_one()
    assert json.loads(refused)["differs"] == "entries"


def test_a_second_close_entry_fails_congress_verify(closed_motion, committee, runner, tmp_path, db):
    poll_id = closed_motion
    assert committee.post(f"/polls/{poll_id}/tally", page=f"/polls/{poll_id}").status_code == 302
    forge_a_second_close(db, poll_id)
    out = tmp_path / "poll.json"
    runner.invoke(args=["congress", "export", str(poll_id), str(out)])
    result = runner.invoke(args=["congress", "verify", str(out)])
    assert result.exit_code == 1 and "closed 2 times" in result.output, result.output
