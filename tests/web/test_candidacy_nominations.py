"""Standing for a body: the nomination window (Article 20.1), eligibility (20.2, 5.2), one
body at a time (20.4), candidates from another body (16.1), and a delegate's proposal that
counts only once the member accepts it."""

from datetime import date
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest
from sqlalchemy import func, select

from candidacy_helpers import (
    CC,
    CO,
    GC,
    candidacy_of,
    certify,
    conference_in,
    eligible,
    logged_in_member,
    stand,
)
from congress.audit.models import AuditEntry
from congress.candidacy.models import Candidacy
from congress.database import write_intent
from congress.extensions import db as _db
from scenario import designated


def count_candidacies() -> int:
    return _db.session.execute(select(func.count(Candidacy.id))).scalar_one()


@pytest.fixture
def member_browser(make_user, make_browser):
    return lambda member: logged_in_member(make_user, make_browser, member)


def test_a_member_stands_inside_the_window_art_20_1(app, db, member_browser):
    conference = conference_in(20)
    member = eligible(conference, 1)[0]
    response = stand(member_browser(member), conference)
    assert response.status_code == 302
    candidacy = candidacy_of(member)
    assert candidacy.status == "submitted" and candidacy.submitted_at is not None
    entry = db.session.execute(
        select(AuditEntry).where(AuditEntry.subject == f"candidacy:{candidacy.id}")
    ).scalar_one()
    assert entry.action == "candidacy.nominated"


def test_before_the_window_opens_the_page_says_when_and_cites_art_20_1(app, db, member_browser):
    conference = conference_in(45)
    member = eligible(conference, 1)[0]
    browser = member_browser(member)
    page = browser.get(f"/conferences/{conference.id}/candidacy").get_data(as_text=True)
    assert "يُفتح باب الترشّح في" in page and "#art-20.1" in page
    before = count_candidacies()
    response = stand(browser, conference)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "يُفتح باب الترشّح في" in html and "#art-20.1" in html
    assert count_candidacies() == before


def test_after_the_window_closes_nominations_are_refused_art_20_1(app, db, member_browser):
    conference = conference_in(5)
    member = eligible(conference, 1)[0]
    response = stand(member_browser(member), conference)
    assert response.status_code == 409
    assert "أُغلق باب الترشّح" in response.get_data(as_text=True)
    assert candidacy_of(member) is None


def test_every_unmet_condition_is_listed_with_its_article_art_20_2(app, db, member_browser):
    """Not just the first: standing (5.2), dues (5.2), months of membership and age (20.2)."""
    conference = conference_in(20)
    member = eligible(conference, 1)[0]
    with write_intent():
        member.status, member.dues_paid = "suspended", False
        member.joined_on = date.today()
        member.birth_date = date(date.today().year - 16, 1, 1)
        db.session.commit()
    response = stand(member_browser(member), conference)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert html.count("#art-5.2") >= 2 and html.count("#art-20.2") >= 2
    assert "غير مسدَّدة" in html and "يُشترط ألا يقل العمر" in html and "«معلّق»" in html
    assert candidacy_of(member) is None


def test_a_second_nomination_for_the_same_body_is_refused_art_20_2(app, db, member_browser):
    conference = conference_in(20)
    member = eligible(conference, 1)[0]
    browser = member_browser(member)
    assert stand(browser, conference).status_code == 302
    response = stand(browser, conference)
    assert response.status_code == 409 and "#art-20.2" in response.get_data(as_text=True)
    assert count_candidacies() == 7  # the demo's six and this one


def test_an_election_committee_member_cannot_stand_art_20_2(app, db, make_user, make_browser):
    from congress.conference.operations import seat_committee_member

    conference = conference_in(20)
    member = eligible(conference, 1)[0]
    browser = logged_in_member(make_user, make_browser, member)
    with write_intent():
        seat_committee_member(conference, browser.user, actor=None)
        db.session.commit()
    response = stand(browser, conference)
    assert response.status_code == 409
    assert "لا يجوز لأعضاء لجنة الانتخابات الترشّح" in response.get_data(as_text=True)


def test_coordination_office_opens_only_once_the_council_is_certified_art_16_1(
    app, db, member_browser
):
    conference = conference_in(20)
    member = eligible(conference, 1)[0]
    browser = member_browser(member)
    page = browser.get(f"/conferences/{conference.id}/candidacy").get_data(as_text=True)
    assert "بعد المصادقة على نتيجة انتخاب «المجلس المركزي»" in page and "#art-16.1" in page
    response = stand(browser, conference, CO)
    assert response.status_code == 409 and "#art-16.1" in response.get_data(as_text=True)
    assert candidacy_of(member, CO) is None


def test_only_members_elected_to_the_council_stand_for_the_office_art_16_1(app, db, member_browser):
    conference = conference_in(20)
    elected, other = eligible(conference, 2)
    certify(conference, CC, [elected])
    refused = stand(member_browser(other), conference, CO)
    assert refused.status_code == 409
    assert "يُشترط أن يكون المرشّح لـ«المكتب التنسيقي» عضوًا في «المجلس المركزي»" in (
        refused.get_data(as_text=True)
    )
    assert stand(member_browser(elected), conference, CO).status_code == 302
    assert candidacy_of(elected, CO).status == "submitted"


def test_a_member_stands_for_one_body_at_a_time_art_20_4(app, db, member_browser):
    conference = conference_in(20)
    member = eligible(conference, 1)[0]
    certify(conference, CC, [member])
    browser = member_browser(member)
    assert stand(browser, conference, CO).status_code == 302
    response = stand(browser, conference, GC)
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "#art-20.4" in html and "«المكتب التنسيقي»" in html
    assert candidacy_of(member, GC) is None


def test_a_certified_election_no_longer_counts_as_standing_art_20_4(app, db, member_browser):
    """Once the Council is certified, its candidates may stand for the Office."""
    conference = conference_in(20)
    member = eligible(conference, 1)[0]
    browser = member_browser(member)
    assert stand(browser, conference).status_code == 302
    certify(conference, CC, [member])
    assert stand(browser, conference, CO).status_code == 302


def propose(browser, conference, number, body=CC):
    page = f"/conferences/{conference.id}/candidacy"
    return browser.post(f"{page}/propose", {"body": body, "member_number": number}, page=page)


def test_a_delegate_proposes_a_member_who_must_accept(app, db, member_browser):
    conference = conference_in(20)
    delegate = designated(conference, 1, sitting=False)[0]
    nominee = eligible(conference, 1, skip=[delegate.member])[0]
    proposer = member_browser(delegate.member)
    assert propose(proposer, conference, nominee.number).status_code == 302
    candidacy = candidacy_of(nominee)
    assert candidacy.status == "proposed"
    mails = [
        message_from_bytes(f.read_bytes(), policy=default)
        for f in (Path(app.instance_path) / "outbox").glob("*.eml")
    ]
    assert any(m["To"] == nominee.email for m in mails)
    page = f"/conferences/{conference.id}/candidacies/{candidacy.id}"
    nominee_browser = member_browser(nominee)
    assert "قبول الترشيح" in nominee_browser.get(page).get_data(as_text=True)
    assert proposer.post(f"{page}/accept", page=page).status_code == 403  # not theirs to accept
    assert nominee_browser.post(f"{page}/accept", page=page).status_code == 302
    assert candidacy_of(nominee).status == "submitted"


def test_a_member_may_decline_a_proposal(app, db, member_browser):
    conference = conference_in(20)
    delegate = designated(conference, 1, sitting=False)[0]
    nominee = eligible(conference, 1, skip=[delegate.member])[0]
    assert propose(member_browser(delegate.member), conference, nominee.number).status_code == 302
    candidacy = candidacy_of(nominee)
    page = f"/conferences/{conference.id}/candidacies/{candidacy.id}"
    assert member_browser(nominee).post(f"{page}/decline", page=page).status_code == 302
    assert candidacy_of(nominee).status == "withdrawn"


def test_only_a_delegate_may_nominate_another_member(app, db, member_browser):
    conference = conference_in(20)
    someone, nominee = eligible(conference, 2)
    response = propose(member_browser(someone), conference, nominee.number)
    assert response.status_code == 409
    assert "لا يحق ترشيح عضو آخر إلا لمندوبي" in response.get_data(as_text=True)
    assert candidacy_of(nominee) is None


def test_a_proposal_for_an_ineligible_member_shows_every_reason_art_20_2(app, db, member_browser):
    conference = conference_in(20)
    delegate = designated(conference, 1, sitting=False)[0]
    nominee = eligible(conference, 1, skip=[delegate.member])[0]
    with write_intent():
        nominee.dues_paid = None
        nominee.joined_on = None
        db.session.commit()
    response = propose(member_browser(delegate.member), conference, nominee.number)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "لا يوجد سجلّ بتسديد اشتراكات العضوية" in html and "لا يوجد تاريخ مسجَّل" in html


def test_an_unknown_member_number_is_a_clear_message(app, db, member_browser):
    conference = conference_in(20)
    delegate = designated(conference, 1, sitting=False)[0]
    response = propose(member_browser(delegate.member), conference, "NOPE-1")
    assert response.status_code == 422 and "NOPE-1" in response.get_data(as_text=True)


def test_an_account_without_a_member_cannot_stand(app, db, login_as, browser):
    conference = conference_in(20)
    login_as()
    response = stand(browser, conference)
    assert response.status_code == 403
    assert count_candidacies() == 6


def test_anonymous_visitors_are_sent_to_log_in(app, db, client):
    conference = conference_in(20)
    for path in ("candidates", "candidates/central_council", "candidacies/1", "candidacy"):
        response = client.get(f"/conferences/{conference.id}/{path}")
        assert response.status_code == 302 and "/login" in response.headers["Location"]
