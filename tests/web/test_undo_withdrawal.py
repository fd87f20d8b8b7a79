"""Issue 15, fixing mistakes: a withdrawal made by mistake is undone while the bylaws allow.

The credentials officer reinstates a withdrawn delegate with the status they had
(designated or accredited) unless their seat has gone to an alternate (Article 9.3), the
branch's seats were filled again (9.1) or they are no longer in good standing (5.2); never
once the conference is closed. A candidate undoes their own withdrawal while nominations
for the body are open (20.1) and they are still eligible; a withdrawal the committee
recorded is the committee's. Each undo is audited."""

import pytest
from sqlalchemy import select

from candidacy_helpers import CC, candidacy_of, committee, conference_in, eligible, move
from conference_helpers import create_conference, import_roll, roll_csv, upload_bylaws
from congress.audit.models import AuditEntry
from congress.audit.operations import verify_chain
from congress.auth.operations import create_user
from congress.candidacy import endorsements, nominations
from congress.conference.models import Conference, Delegate
from congress.database import write_intent
from congress.members.models import Member
from scenario import designated
from support import PASSWORD

ROLL = {"SY": 12, "TR": 10, "EU": 6, "US": 5}  # SY: 2 delegate seats, 1 alternate seat


@pytest.fixture
def convened(staff, db):
    admin, officer = staff("administrator"), staff("credentials_officer")
    assert upload_bylaws(admin).status_code == 302
    assert import_roll(officer, roll_csv(ROLL)).status_code == 302
    cid = create_conference(admin)
    assert (
        admin.post(
            f"/conferences/{cid}/convene", {"confirm": "yes"}, page=f"/conferences/{cid}"
        ).status_code
        == 302
    )
    return officer, cid


def page_of(cid):
    return f"/conferences/{cid}/delegates"


def designate(officer, cid, number, kind="delegate"):
    response = officer.post(
        f"{page_of(cid)}/designate", {"member_number": number, "kind": kind}, page=page_of(cid)
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return delegate(number)


def delegate(number) -> Delegate:
    from congress.extensions import db

    db.session.expire_all()
    return db.session.execute(
        select(Delegate).join(Member).where(Member.number == number)
    ).scalar_one()


def act(officer, cid, row, action, **data):
    return officer.post(f"{page_of(cid)}/{row.id}/{action}", data, page=page_of(cid))


def withdraw(officer, cid, row):
    response = act(officer, cid, row, "withdraw", reason="خطأ", confirm="yes")
    assert response.status_code == 302
    assert delegate(row.member.number).status == "withdrawn"


def entries(db, action):
    db.session.expire_all()
    return (
        db.session.execute(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)
        )
        .scalars()
        .all()
    )


# --- delegates ---------------------------------------------------------------------------


def test_an_accredited_delegate_withdrawn_by_mistake_is_reinstated_accredited(convened, db):
    officer, cid = convened
    row = designate(officer, cid, "SY-001")
    assert act(officer, cid, row, "accredit").status_code == 302
    withdraw(officer, cid, row)
    html = officer.get(page_of(cid)).get_data(as_text=True)
    assert f"/delegates/{row.id}/reinstate" in html  # reached by clicking from the page
    response = act(officer, cid, row, "reinstate")
    assert response.status_code == 302
    back = delegate("SY-001")
    assert back.status == "accredited" and back.reason == ""
    [entry] = entries(db, "delegate.reinstated")
    assert entry.subject == f"delegate:{row.id}" and '"status":"accredited"' in entry.data
    assert verify_chain().ok


def test_a_designated_delegate_is_reinstated_designated(convened, db):
    officer, cid = convened
    row = designate(officer, cid, "TR-013")
    withdraw(officer, cid, row)
    assert act(officer, cid, row, "reinstate").status_code == 302
    assert delegate("TR-013").status == "designated"


def test_no_reinstatement_once_an_alternate_took_the_seat_art_9_3(convened, db):
    officer, cid = convened
    row = designate(officer, cid, "SY-001")
    alternate = designate(officer, cid, "SY-005", kind="alternate")
    withdraw(officer, cid, row)
    taken = act(officer, cid, row, "replace", alternate=alternate.id)
    assert taken.status_code == 302 and delegate("SY-005").replaces_id == row.id
    html = officer.get(page_of(cid)).get_data(as_text=True)
    assert f"/delegates/{row.id}/reinstate" not in html  # not offered
    response = act(officer, cid, row, "reinstate")
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "#art-9.3" in page
    assert alternate.member.name_ar in page  # says who holds the seat
    assert delegate("SY-001").status == "withdrawn" and not entries(db, "delegate.reinstated")


def test_no_reinstatement_once_the_branch_seats_are_filled_again_art_9_1(convened, db):
    officer, cid = convened
    first = designate(officer, cid, "SY-001")
    designate(officer, cid, "SY-002")
    withdraw(officer, cid, first)
    designate(officer, cid, "SY-004")  # the freed seat, given to someone else
    response = act(officer, cid, first, "reinstate")
    assert response.status_code == 409 and "#art-9.1" in response.get_data(as_text=True)
    assert delegate("SY-001").status == "withdrawn"


def test_no_reinstatement_of_a_member_no_longer_in_good_standing_art_5_2(convened, db):
    officer, cid = convened
    row = designate(officer, cid, "EU-023")
    withdraw(officer, cid, row)
    with write_intent():
        db.session.get(Member, row.member_id).status = "suspended"
        db.session.commit()
    response = act(officer, cid, row, "reinstate")
    assert response.status_code == 409 and "#art-5.2" in response.get_data(as_text=True)
    assert delegate("EU-023").status == "withdrawn"


def test_no_reinstatement_once_the_conference_is_closed(convened, db):
    officer, cid = convened
    row = designate(officer, cid, "US-029")
    withdraw(officer, cid, row)
    with write_intent():
        db.session.get(Conference, cid).state = "closed"
        db.session.commit()
    assert act(officer, cid, row, "reinstate").status_code == 303
    assert delegate("US-029").status == "withdrawn" and not entries(db, "delegate.reinstated")


def test_only_a_withdrawal_is_undone_not_a_rejection(convened, db):
    officer, cid = convened
    row = designate(officer, cid, "US-030")
    assert act(officer, cid, row, "reject", reason="لم يقدّم الوثائق").status_code == 302
    assert act(officer, cid, row, "reinstate").status_code == 303
    assert delegate("US-030").status == "rejected"


def test_only_the_officer_reinstates(convened, db, staff):
    officer, cid = convened
    row = designate(officer, cid, "US-031")
    withdraw(officer, cid, row)
    observer = staff("observer")
    assert act(observer, cid, row, "reinstate").status_code == 403
    assert delegate("US-031").status == "withdrawn"


# --- candidacies -------------------------------------------------------------------------


@pytest.fixture
def standing(app, db, make_browser):
    """A submitted candidacy for the Central Council, endorsed three times (Article 20.3),
    inside the nomination window (Article 20.1)."""
    conference = conference_in(20)
    delegates = designated(conference, 3, sitting=False)
    member = eligible(conference, 1, skip=[d.member for d in delegates])[0]
    with app.test_request_context(), write_intent():
        user = create_user(
            f"{member.number}@example.org", member.name_ar, PASSWORD, member_id=member.id
        )
        candidacy = nominations.nominate_self(conference, member, CC, actor=user)
        for d in delegates:
            endorsements.endorse(candidacy, d.member, actor=None)
        db.session.commit()
    candidate = make_browser()
    assert candidate.login(user.email, PASSWORD).status_code == 302
    return conference, candidacy, candidate, committee(make_browser)


def candidate_page(conference, candidacy):
    return f"/conferences/{conference.id}/candidacies/{candidacy.id}"


def post(browser, conference, candidacy, action, **data):
    page = candidate_page(conference, candidacy)
    return browser.post(f"{page}/{action}", data, page=page)


def withdraw_candidacy(browser, conference, candidacy):
    response = post(browser, conference, candidacy, "withdraw", reason="ظرف طارئ", confirm="yes")
    assert response.status_code == 302
    assert candidacy_of(candidacy.member).status == "withdrawn"


def test_an_approved_candidacy_withdrawn_comes_back_submitted_for_a_new_decision(standing, db):
    """Its endorsements were released, and an approval needs them: the committee decides again."""
    conference, candidacy, candidate, board = standing
    assert post(board, conference, candidacy, "approve").status_code == 302
    withdraw_candidacy(candidate, conference, candidacy)
    page = candidate.get(candidate_page(conference, candidacy)).get_data(as_text=True)
    assert f"/candidacies/{candidacy.id}/reinstate" in page
    mine = candidate.get(f"/conferences/{conference.id}/candidacy").get_data(as_text=True)
    assert f"/candidacies/{candidacy.id}" in mine  # the withdrawn candidacy stays linked
    assert post(candidate, conference, candidacy, "reinstate").status_code == 302
    back = candidacy_of(candidacy.member)
    assert back.status == "submitted" and back.withdrawn_at is None and back.reason == ""
    assert endorsements.count_of(back) == 0
    [entry] = entries(db, "candidacy.reinstated")
    assert entry.subject == f"candidacy:{candidacy.id}" and '"status":"submitted"' in entry.data
    assert verify_chain().ok


def test_a_submitted_candidacy_comes_back_submitted_without_its_released_endorsements(standing, db):
    conference, candidacy, candidate, _ = standing
    withdraw_candidacy(candidate, conference, candidacy)
    assert post(candidate, conference, candidacy, "reinstate").status_code == 302
    back = candidacy_of(candidacy.member)
    assert back.status == "submitted" and endorsements.count_of(back) == 0


def test_no_undo_once_nominations_have_closed_art_20_1(standing, db):
    conference, candidacy, candidate, _ = standing
    withdraw_candidacy(candidate, conference, candidacy)
    move(conference, 5)  # nominations close 10 days before the conference
    page = candidate.get(candidate_page(conference, candidacy)).get_data(as_text=True)
    assert f"/candidacies/{candidacy.id}/reinstate" not in page
    response = post(candidate, conference, candidacy, "reinstate")
    assert response.status_code == 409 and "#art-20.1" in response.get_data(as_text=True)
    assert candidacy_of(candidacy.member).status == "withdrawn"


def test_no_undo_when_the_candidate_is_no_longer_eligible_art_5_2(standing, db):
    conference, candidacy, candidate, _ = standing
    withdraw_candidacy(candidate, conference, candidacy)
    with write_intent():
        db.session.get(Member, candidacy.member_id).dues_paid = False
        db.session.commit()
    response = post(candidate, conference, candidacy, "reinstate")
    assert response.status_code == 409 and "#art-5.2" in response.get_data(as_text=True)
    assert candidacy_of(candidacy.member).status == "withdrawn"


def test_a_withdrawal_recorded_by_the_committee_is_not_undone_by_the_candidate(standing, db):
    conference, candidacy, candidate, board = standing
    assert post(board, conference, candidacy, "remove", reason="أعلن انسحابه").status_code == 302
    page = candidate.get(candidate_page(conference, candidacy)).get_data(as_text=True)
    assert f"/candidacies/{candidacy.id}/reinstate" not in page
    response = post(candidate, conference, candidacy, "reinstate")
    assert response.status_code == 409
    assert candidacy_of(candidacy.member).status == "withdrawn"


def test_only_the_candidate_undoes_their_withdrawal(standing, db):
    conference, candidacy, candidate, board = standing
    withdraw_candidacy(candidate, conference, candidacy)
    assert post(board, conference, candidacy, "reinstate").status_code == 403
    assert candidacy_of(candidacy.member).status == "withdrawn"


def test_an_undo_is_done_once(standing, db):
    """Undone, the candidacy is active again: a second undo is refused, nothing changes."""
    conference, candidacy, candidate, _ = standing
    withdraw_candidacy(candidate, conference, candidacy)
    assert post(candidate, conference, candidacy, "reinstate").status_code == 302
    again = post(candidate, conference, candidacy, "reinstate")
    assert again.status_code == 409 and len(entries(db, "candidacy.reinstated")) == 1
    assert candidacy_of(candidacy.member).status == "submitted"
