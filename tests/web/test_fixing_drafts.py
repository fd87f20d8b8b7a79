"""Issue 15, fixing mistakes: a draft poll is edited, deleted or previewed before it opens,
each audited; an open poll cannot be; opening, closing and annulling ask for a
confirmation (a box to tick, so it works without JavaScript) and change nothing without it."""

from sqlalchemy import func, select

from congress.audit.models import AuditEntry
from congress.voting.models import Poll
from scenario import approve_candidates, members
from voting_steps import act, new_election, new_motion


def actions(db):
    return list(db.session.execute(select(AuditEntry.action)).scalars())


def test_a_draft_motion_is_edited_and_its_majority_follows_the_new_category(
    session_with, committee, db
):
    conference, _ = session_with(3)
    poll_id = new_motion(committee, conference.id, category="ordinary")
    page = f"/polls/{poll_id}/edit"
    assert committee.get(page).status_code == 200
    response = committee.post(
        page,
        {
            "title_ar": "عنوان مصحّح",
            "title_en": "Fixed",
            "text_ar": "نص مصحّح",
            "text_en": "",
            "category": "policy_paper",
            "closes_at": "",
        },
        page=page,
    )
    assert response.status_code == 302
    poll = db.session.get(Poll, poll_id)
    assert poll.title_ar == "عنوان مصحّح" and poll.motion_category == "policy_paper"
    assert poll.frozen_rules["majority_article"] == "26.2"  # the policy paper article
    assert "poll.edited" in actions(db)


def test_an_open_poll_cannot_be_edited_or_deleted(session_with, committee, db):
    conference, _ = session_with(3)
    poll_id = new_motion(committee, conference.id)
    act(committee, poll_id, "open")
    assert committee.get(f"/polls/{poll_id}/edit").status_code == 404
    deleted = committee.post(
        f"/polls/{poll_id}/delete", {"confirm": "yes"}, page=f"/polls/{poll_id}"
    )
    assert deleted.status_code == 303
    assert db.session.get(Poll, poll_id).state == "open"


def test_a_draft_is_deleted_only_when_confirmed(session_with, committee, db):
    conference, _ = session_with(3)
    poll_id = new_motion(committee, conference.id)
    unconfirmed = committee.post(f"/polls/{poll_id}/delete", page=f"/polls/{poll_id}")
    assert unconfirmed.status_code == 303 and db.session.get(Poll, poll_id) is not None
    confirmed = committee.post(
        f"/polls/{poll_id}/delete", {"confirm": "yes"}, page=f"/polls/{poll_id}"
    )
    assert confirmed.status_code == 302
    db.session.expire_all()
    assert db.session.get(Poll, poll_id) is None and "poll.deleted" in actions(db)


def test_opening_and_closing_change_nothing_unconfirmed(session_with, committee, db):
    conference, _ = session_with(3)
    poll_id = new_motion(committee, conference.id)
    bare = committee.post(f"/polls/{poll_id}/open", page=f"/polls/{poll_id}")
    assert bare.status_code == 303 and db.session.get(Poll, poll_id).state == "draft"
    assert act(committee, poll_id, "open").status_code == 302
    bare = committee.post(f"/polls/{poll_id}/close", page=f"/polls/{poll_id}")
    db.session.expire_all()
    assert bare.status_code == 303 and db.session.get(Poll, poll_id).state == "open"


def test_the_committee_previews_an_election_ballot_before_opening(session_with, committee, db):
    conference, users = session_with(3)
    chosen = members(exclude={u.member_id for u in users}, limit=4)
    approve_candidates(conference, "central_council", chosen)
    poll_id = new_election(committee, conference.id, "central_council")
    page = committee.get(f"/polls/{poll_id}/preview")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert all(m.name_ar in html for m in chosen)
    ballot = html.split('class="ballot"')[1].split("</form>")[0]
    assert 'type="submit"' not in ballot  # a preview cannot be submitted
    assert db.session.execute(select(func.count()).select_from(Poll)).scalar() == 1
