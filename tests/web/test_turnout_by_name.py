"""Turnout by name (issue 15, Article 22.4 of the example bylaws): while a poll is open the
committee sees who has not voted yet, per branch, and may remind them; never what anyone
voted; observers see counts only; bylaws without the article show counts only."""

import json
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from congress.audit.models import AuditEntry
from voting_steps import act, new_motion, vote, voter


def test_the_committee_sees_who_has_not_voted_and_reminds_them(
    session_with, committee, make_browser, db
):
    conference, users = session_with(4)
    poll_id = new_motion(committee, conference.id)
    act(committee, poll_id, "open")
    vote(voter(make_browser, users[0]), poll_id, answer="y")
    page = committee.get(f"/polls/{poll_id}/turnout")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "#art-22.4" in html
    assert users[0].name not in html and all(u.name in html for u in users[1:])
    assert "answer" not in html and "نعم" not in html.split("<main")[1]
    sent = committee.post(f"/polls/{poll_id}/remind", page=f"/polls/{poll_id}/turnout")
    assert sent.status_code == 302
    outbox = Path(current_app.instance_path) / "outbox"
    mails = [message_from_bytes(p.read_bytes()) for p in outbox.glob("*.eml")]
    reminded = {m["To"] for m in mails if "تذكير" in str(make_header(decode_header(m["Subject"])))}
    assert reminded == {u.email for u in users[1:]}
    entry = db.session.execute(
        select(AuditEntry.data).where(AuditEntry.action == "poll.turnout_reminder")
    ).scalar_one()
    assert json.loads(entry)["sent"] == 3


def test_observers_and_delegates_never_see_names(
    session_with, committee, make_browser, login_as, browser
):
    conference, users = session_with(3)
    poll_id = new_motion(committee, conference.id)
    act(committee, poll_id, "open")
    login_as("observer")
    assert browser.get(f"/polls/{poll_id}/turnout").status_code == 403
    assert voter(make_browser, users[0]).get(f"/polls/{poll_id}/turnout").status_code == 403


def test_bylaws_without_the_article_show_counts_only(session_with, committee, db):
    from congress.bylaws.operations import example_text, upload
    from congress.conference.models import Conference
    from congress.database import write_intent

    conference, _ = session_with(3)
    text = example_text()
    start = text.index("[voting.turnout]")
    end = text.index("\n\n", start)
    with write_intent():
        version = upload(text[:start] + text[end + 2 :], filename="no-turnout.toml")
        db.session.get(Conference, conference.id).bylaws_version_id = version.id
        db.session.commit()
    poll_id = new_motion(committee, conference.id)
    act(committee, poll_id, "open")
    assert committee.get(f"/polls/{poll_id}/turnout").status_code == 409
    assert committee.post(f"/polls/{poll_id}/remind", page=f"/polls/{poll_id}").status_code == 303
