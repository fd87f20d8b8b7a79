"""Issue 15: people are told when their work is waiting, by mail or the outbox: the roll
when a poll opens, the committee when a count awaits its signature. Nothing is sent for
a refused action."""

from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path

from flask import current_app

from voting_steps import act, new_motion, vote, voter


def mails() -> list[tuple[str, str]]:
    folder = Path(current_app.instance_path) / "outbox"
    out = []
    for path in folder.glob("*.eml") if folder.exists() else []:
        message = message_from_bytes(path.read_bytes())
        out.append((message["To"], str(make_header(decode_header(message["Subject"])))))
    return out


def test_the_roll_is_told_when_a_poll_opens_and_the_committee_when_a_count_awaits(
    session_with, committee, make_browser
):
    conference, users = session_with(3)
    poll_id = new_motion(committee, conference.id)
    assert not mails()
    act(committee, poll_id, "open")
    opened = {to for to, subject in mails() if "اقتراع مفتوح" in subject}
    assert opened == {u.email for u in users}
    vote(voter(make_browser, users[0]), poll_id, answer="y")
    act(committee, poll_id, "close")
    committee.post(f"/polls/{poll_id}/tally", page=f"/polls/{poll_id}")
    awaited = {to for to, subject in mails() if "توقيعك" in subject}
    assert awaited == {f"committee{n}@congress.test" for n in (2, 3, 4, 5)}


def test_a_refused_opening_sends_nothing(session_with, committee):
    conference, _ = session_with(3, present=1)  # quorum not met: the opening is refused
    poll_id = new_motion(committee, conference.id)
    assert act(committee, poll_id, "open").status_code == 409
    assert not mails()
