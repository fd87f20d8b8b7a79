"""A motion from opening to the bulletin board, and every way a cast can be refused.
(DESIGN.md invariants 1-4; Article 12.2 for quorum.)"""

import re

import pytest
from sqlalchemy import event, func, select

from congress.audit.models import AuditEntry
from congress.voting.models import Ballot, Poll, RollEntry
from support import PASSWORD
from voting_steps import act, new_motion, tracker_of, vote, voter


def test_a_motion_from_opening_to_the_bulletin_board(session_with, committee, make_browser, db):
    conference, users = session_with(5)
    poll_id = new_motion(committee, conference.id)
    assert act(committee, poll_id, "open").status_code == 302
    assert db.session.get(Poll, poll_id).state == "open"
    assert db.session.execute(select(func.count()).select_from(RollEntry)).scalar() == 5

    trackers = []
    for user, answer in zip(users, ["yes", "yes", "no", "abstain", "yes"], strict=True):
        cast = vote(voter(make_browser, user), poll_id, answer=answer)
        assert cast.status_code == 200
        trackers.append(tracker_of(cast))

    page = committee.get(f"/polls/{poll_id}").get_data(as_text=True)
    assert "5 من 5" in page  # turnout only
    assert committee.get(f"/polls/{poll_id}/board").status_code == 404  # nothing while open

    assert act(committee, poll_id, "close").status_code == 302
    board = committee.get(f"/polls/{poll_id}/board").get_data(as_text=True)
    assert all(re.sub(r"(.{4})", r"\1 ", t).strip() in board for t in trackers)
    assert board.count("<li>نعم</li>") == 3 and "الروزنامة" not in board
    assert "السجل والصندوق متطابقان" in board
    board_page = f"/polls/{poll_id}/board"
    found = committee.post(board_page, {"tracker": trackers[0]}, page=board_page)
    assert "موجود" in found.get_data(as_text=True)
    missing = committee.post(board_page, {"tracker": "0" * 32}, page=board_page)
    assert "غير موجود" in missing.get_data(as_text=True)
    assert "tracker=" not in committee.get(board_page).get_data(as_text=True)  # never a GET
    entries = (
        db.session.execute(select(AuditEntry.action).where(AuditEntry.subject == f"poll:{poll_id}"))
        .scalars()
        .all()
    )
    assert entries == ["poll.created", "poll.opened", "poll.closed"]  # no entry per cast


def test_opening_is_refused_without_quorum_with_the_article(session_with, committee, db):
    conference, _ = session_with(5, present=2)
    poll_id = new_motion(committee, conference.id)
    response = act(committee, poll_id, "open")
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "المادة 12.2" in html and "#art-12.2" in html
    assert db.session.get(Poll, poll_id).state == "draft"


def test_voting_twice_gives_one_ballot_and_a_clear_refusal(
    session_with, committee, make_browser, db
):
    conference, users = session_with(3)
    poll_id = new_motion(committee, conference.id)
    act(committee, poll_id, "open")
    phone = voter(make_browser, users[0])
    assert vote(phone, poll_id, answer="yes").status_code == 200
    again = phone.post("/vote/cast", {"poll": poll_id, "answer": "no"}, page=f"/polls/{poll_id}")
    assert again.status_code == 409 and "سبق أن صوّتّ" in again.get_data(as_text=True)
    assert db.session.execute(select(func.count()).select_from(Ballot)).scalar() == 1


@pytest.mark.parametrize("answer", ["maybe", "yes'; DROP TABLE ballots; --", "\u202eyes"])
def test_a_motion_answer_outside_yes_no_abstain_is_refused(
    session_with, committee, make_browser, db, answer
):
    conference, users = session_with(3)
    poll_id = new_motion(committee, conference.id)
    act(committee, poll_id, "open")
    response = voter(make_browser, users[0]).post(
        "/vote/cast", {"poll": poll_id, "answer": answer}, page=f"/polls/{poll_id}"
    )
    assert response.status_code == 422
    assert db.session.execute(select(func.count()).select_from(Ballot)).scalar() == 0
    assert not db.session.execute(
        select(RollEntry.voted).where(RollEntry.member_id == users[0].member_id)
    ).scalar()


def test_casting_in_a_draft_or_closed_poll_is_refused(session_with, committee, make_browser, db):
    conference, users = session_with(3)
    poll_id = new_motion(committee, conference.id)
    phone = voter(make_browser, users[0])
    draft = phone.post("/vote/cast", {"poll": poll_id, "answer": "yes"}, page="/")
    assert draft.status_code == 409
    act(committee, poll_id, "open")
    act(committee, poll_id, "close")
    closed = phone.post("/vote/cast", {"poll": poll_id, "answer": "yes"}, page="/")
    assert closed.status_code == 409 and "ليس مفتوحًا" in closed.get_data(as_text=True)
    assert db.session.execute(select(func.count()).select_from(Ballot)).scalar() == 0


def test_a_poll_past_its_closing_time_refuses_casts_at_once(
    session_with, committee, make_browser, db
):
    from datetime import timedelta

    from congress.models_common import utcnow

    conference, users = session_with(3)
    poll_id = new_motion(committee, conference.id)
    act(committee, poll_id, "open")
    db.session.get(Poll, poll_id).closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = voter(make_browser, users[0]).post(
        "/vote/cast", {"poll": poll_id, "answer": "yes"}, page="/"
    )
    assert response.status_code == 409


def test_a_member_not_on_the_roll_cannot_vote(session_with, committee, make_browser, db, make_user):
    conference, users = session_with(4, present=3)
    poll_id = new_motion(committee, conference.id)
    act(committee, poll_id, "open")  # the fourth was not present: not on the roll
    late = voter(make_browser, users[3])
    assert late.get(f"/polls/{poll_id}/ballot").status_code == 403
    refused = late.post("/vote/cast", {"poll": poll_id, "answer": "yes"}, page="/")
    assert refused.status_code == 409 and "لست مدرجًا" in refused.get_data(as_text=True)


def test_a_suspended_member_cannot_vote(session_with, committee, make_browser, db):
    from congress.members.models import Member

    conference, users = session_with(3)
    poll_id = new_motion(committee, conference.id)
    act(committee, poll_id, "open")
    db.session.get(Member, users[0].member_id).status = "suspended"
    db.session.commit()
    refused = voter(make_browser, users[0]).post(
        "/vote/cast", {"poll": poll_id, "answer": "yes"}, page="/"
    )
    assert refused.status_code == 409
    assert db.session.execute(select(func.count()).select_from(Ballot)).scalar() == 0


def test_a_cast_without_csrf_token_is_refused(session_with, committee, make_browser, db):
    conference, users = session_with(3)
    poll_id = new_motion(committee, conference.id)
    act(committee, poll_id, "open")
    phone = voter(make_browser, users[0])
    response = phone.client.post("/vote/cast", data={"poll": poll_id, "answer": "yes"})
    assert response.status_code == 400
    assert db.session.execute(select(func.count()).select_from(Ballot)).scalar() == 0


def test_only_the_conference_committee_moves_a_poll(
    session_with, committee, make_browser, make_user, db
):
    conference, users = session_with(3)
    poll_id = new_motion(committee, conference.id)
    outsider = make_user(roles=("election_committee",))  # the role, but not this committee
    b = make_browser()
    b.login(outsider.email, PASSWORD)
    assert act(b, poll_id, "open").status_code == 403
    assert act(voter(make_browser, users[0]), poll_id, "open").status_code == 403


def test_the_cast_request_does_at_most_five_sql_statements(
    session_with, committee, make_browser, db, app
):
    conference, users = session_with(3)
    poll_id = new_motion(committee, conference.id)
    act(committee, poll_id, "open")
    phone = voter(make_browser, users[0])
    token = phone.token(f"/polls/{poll_id}/ballot")
    statements = []

    def count(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = phone.client.post(
            "/vote/cast", data={"poll": poll_id, "answer": "yes", "csrf_token": token}
        )
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200
    assert len(statements) <= 5, statements
