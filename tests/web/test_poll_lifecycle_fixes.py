"""Issue 15.5, 15.6 and 15.9: a closed conference takes no more votes or polls; a poll past
its closing time says so; a delegate who checked in after a poll opened is told why they
cannot vote in it, with the article."""

from datetime import timedelta

from sqlalchemy import func, select

from congress.conference import attendance
from congress.conference.models import Conference, Delegate
from congress.database import write_intent
from congress.models_common import utcnow
from congress.voting.models import Poll
from support import PASSWORD
from voting_steps import act, new_motion, vote, voter

ADMIN = ("admin@congress.test", "admin-demo-2026")


def admin(make_browser):
    b = make_browser()
    assert b.login(*ADMIN).status_code == 302
    return b


def test_a_conference_does_not_close_under_an_open_poll_and_takes_no_poll_after(
    session_with, committee, make_browser, db
):
    conference, users = session_with(3)
    poll_id = new_motion(committee, conference.id)
    act(committee, poll_id, "open")
    boss = admin(make_browser)
    page = f"/conferences/{conference.id}"
    refused = boss.post(f"{page}/close", page=page)
    assert refused.status_code == 303
    assert "ورقة التوجهات السياسية" in boss.get(page).get_data(as_text=True)  # named
    assert db.session.get(Conference, conference.id).state != "closed"
    assert vote(voter(make_browser, users[0]), poll_id, answer="y").status_code == 200
    act(committee, poll_id, "close")
    assert boss.post(f"{page}/close", page=page).status_code == 302
    db.session.expire_all()
    assert db.session.get(Conference, conference.id).state == "closed"
    count = db.session.execute(select(func.count(Poll.id))).scalar()
    response = committee.post(
        f"{page}/polls/new",
        {"kind": "motion", "m-title_ar": "بعد الختام", "m-text_ar": "نص", "m-category": "ordinary"},
        page=f"{page}/polls/new",
    )
    assert response.status_code == 409 and "مختتم" in response.get_data(as_text=True)
    assert db.session.execute(select(func.count(Poll.id))).scalar() == count


def test_a_poll_past_its_closing_time_shows_voting_ended_and_takes_no_ballot(
    session_with, committee, make_browser, db
):
    conference, users = session_with(3)
    poll_id = new_motion(committee, conference.id)
    act(committee, poll_id, "open")
    poll = db.session.get(Poll, poll_id)
    poll.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    page = committee.get(f"/polls/{poll_id}").get_data(as_text=True)
    assert "انتهى التصويت" in page
    phone = voter(make_browser, users[0])
    assert phone.get(f"/polls/{poll_id}/ballot").status_code == 409
    assert vote(phone, poll_id, answer="y").status_code == 409


def test_a_closing_time_in_the_past_is_refused_at_creation_and_at_opening(
    session_with, committee, db
):
    conference, _ = session_with(3)
    past = (utcnow() - timedelta(hours=2)).astimezone().strftime("%Y-%m-%dT%H:%M")
    response = committee.post(
        f"/conferences/{conference.id}/polls/new",
        {
            "kind": "motion",
            "m-title_ar": "م",
            "m-text_ar": "نص",
            "m-category": "ordinary",
            "m-closes_at": past,
        },
        page=f"/conferences/{conference.id}/polls/new",
    )
    assert response.status_code == 409 and "قد مضى" in response.get_data(as_text=True)
    poll_id = new_motion(committee, conference.id)
    poll = db.session.get(Poll, poll_id)
    poll.closes_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    assert act(committee, poll_id, "open").status_code == 303
    db.session.expire_all()
    assert db.session.get(Poll, poll_id).state == "draft"


def test_an_open_poll_shows_the_time_left(session_with, committee, db):
    conference, _ = session_with(3)
    poll_id = new_motion(committee, conference.id)
    poll = db.session.get(Poll, poll_id)
    poll.closes_at = utcnow() + timedelta(hours=2, minutes=5)
    db.session.commit()
    act(committee, poll_id, "open")
    assert "بقي ساعتان" in committee.get(f"/polls/{poll_id}").get_data(as_text=True)


def test_a_delegate_who_checked_in_after_the_opening_is_told_why_with_the_article(
    session_with, committee, make_browser, db
):
    conference, users = session_with(4, present=3)
    poll_id = new_motion(committee, conference.id)
    act(committee, poll_id, "open")
    late = users[3]
    delegate = db.session.execute(
        select(Delegate).where(Delegate.member_id == late.member_id)
    ).scalar_one()
    with write_intent():
        attendance.set_presence(delegate, "present", actor=None)
        db.session.commit()
    phone = make_browser()
    phone.login(late.email, PASSWORD)
    response = phone.get(f"/polls/{poll_id}/ballot")
    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "عند فتحه" in html and "#art-" in html


def test_a_withdrawn_delegate_leaves_the_roll_of_open_polls_and_cannot_vote(
    session_with, committee, make_browser, db
):
    """The walk-through found a delegate withdrawn by the officer still voting, counted."""
    conference, users = session_with(3)
    poll_id = new_motion(committee, conference.id)
    act(committee, poll_id, "open")
    officer = make_browser()
    officer.login("credentials@congress.test", "credentials-demo-2026")
    leaving = db.session.execute(
        select(Delegate).where(Delegate.member_id == users[0].member_id)
    ).scalar_one()
    base = f"/conferences/{conference.id}/delegates"
    unconfirmed = officer.post(f"{base}/{leaving.id}/withdraw", {"reason": "استقال"}, page=base)
    assert unconfirmed.status_code == 303
    done = officer.post(
        f"{base}/{leaving.id}/withdraw", {"reason": "استقال", "confirm": "yes"}, page=base
    )
    assert done.status_code == 302
    assert vote(voter(make_browser, users[0]), poll_id, answer="y").status_code in (403, 409)
    assert db.session.get(Poll, poll_id).electorate_size == 2


def test_an_election_does_not_open_while_its_nominations_are_open_art_20_1(
    session_with, committee, db
):
    """The walk-through opened the Central Council election ten days before nominations
    closed, which closed them at once."""
    from candidacy_helpers import move
    from scenario import approve_candidates, members
    from voting_steps import new_election

    conference, users = session_with(3)
    approve_candidates(
        conference, "central_council", members(exclude={u.member_id for u in users}, limit=4)
    )
    move(conference, 20)  # inside the window of Article 20.1
    poll_id = new_election(committee, conference.id, "central_council")
    refused = act(committee, poll_id, "open")
    assert refused.status_code == 409 and "#art-20.1" in refused.get_data(as_text=True)
    assert db.session.get(Poll, poll_id).state == "draft"
    move(conference, 5)  # nominations closed
    assert act(committee, poll_id, "open").status_code == 302
