"""Endorsements (Article 20.3; 16.5 for the Coordination Office): delegates endorse, once per
body; the candidate sees the count, the committee the names; withdrawal until the window
closes (20.1)."""

import pytest
from sqlalchemy import func, select

from candidacy_helpers import (
    CC,
    CO,
    candidacy_of,
    certify,
    committee,
    conference_in,
    eligible,
    logged_in_member,
    move,
    stand,
)
from congress.candidacy.models import Endorsement
from congress.extensions import db as _db
from scenario import designated


def endorsements() -> int:
    return _db.session.execute(select(func.count(Endorsement.id))).scalar_one()


@pytest.fixture
def setting(app, db, make_user, make_browser):
    """Three accredited delegates with accounts and two members who stand for the Council."""
    conference = conference_in(20)
    delegates = designated(conference, 3, sitting=False)
    voters = [logged_in_member(make_user, make_browser, d.member) for d in delegates]
    first, second = eligible(conference, 2, skip=[d.member for d in delegates])
    candidates = []
    for member in (first, second):
        browser = logged_in_member(make_user, make_browser, member)
        assert stand(browser, conference).status_code == 302
        candidates.append((browser, candidacy_of(member)))
    return conference, delegates, voters, candidates


def act(browser, conference, candidacy, action="endorse"):
    page = f"/conferences/{conference.id}/candidacies/{candidacy.id}"
    return browser.post(f"{page}/{action}", page=page)


def test_a_delegate_endorses_and_the_candidate_sees_the_count_not_names_art_20_3(
    setting, make_browser, db
):
    conference, delegates, voters, candidates = setting
    (candidate_browser, candidacy), _ = candidates
    assert act(voters[0], conference, candidacy).status_code == 302
    assert act(voters[1], conference, candidacy).status_code == 302
    page = f"/conferences/{conference.id}/candidacies/{candidacy.id}"
    seen = candidate_browser.get(page).get_data(as_text=True)
    assert "2 من 3 تزكيات مطلوبة" in seen and "#art-20.3" in seen
    assert delegates[0].member.name_ar not in seen
    names = committee(make_browser).get(page).get_data(as_text=True)
    assert delegates[0].member.name_ar in names and delegates[1].member.name_ar in names


def test_a_candidate_cannot_endorse_their_own_candidacy_art_20_3(setting, db):
    conference, delegates, voters, _ = setting
    browser = voters[2]  # a delegate who stands, then tries to endorse themselves
    assert stand(browser, conference).status_code == 302
    own = candidacy_of(delegates[2].member)
    before = endorsements()
    response = act(browser, conference, own)
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "لا يجوز للمرشّح تزكية ترشيحه" in html
    assert "#art-20.3" in html and endorsements() == before


def test_endorsing_twice_is_refused_art_20_3(setting, db):
    conference, _, voters, candidates = setting
    candidacy = candidates[0][1]
    assert act(voters[0], conference, candidacy).status_code == 302
    response = act(voters[0], conference, candidacy)
    assert response.status_code == 409
    assert "سبق أن زكّيت هذا الترشيح" in response.get_data(as_text=True)
    assert endorsements() == 1


def test_one_endorsement_per_delegate_per_body_art_20_3(setting, db):
    conference, _, voters, candidates = setting
    first, second = candidates[0][1], candidates[1][1]
    assert act(voters[0], conference, first).status_code == 302
    response = act(voters[0], conference, second)
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "تزكية واحدة لكل هيئة" in html and "#art-20.3" in html
    assert act(voters[0], conference, first, "unendorse").status_code == 302
    assert act(voters[0], conference, second).status_code == 302
    assert endorsements() == 1


def test_a_member_who_is_not_a_delegate_cannot_endorse_art_20_3(
    setting, make_user, make_browser, db
):
    conference, delegates, _, candidates = setting
    outsider = eligible(conference, 1, skip=[d.member for d in delegates])[0]
    browser = logged_in_member(make_user, make_browser, outsider)
    response = act(browser, conference, candidates[0][1])
    # Only delegates see a candidacy before the committee approves it: to anyone else it
    # does not exist (404), so nothing about it is revealed either.
    assert response.status_code == 404 and endorsements() == 0


def test_an_endorsement_can_be_withdrawn_only_while_the_window_is_open_art_20_1(setting, db):
    conference, _, voters, candidates = setting
    candidacy = candidates[0][1]
    assert act(voters[0], conference, candidacy).status_code == 302
    assert act(voters[1], conference, candidacy).status_code == 302
    assert act(voters[0], conference, candidacy, "unendorse").status_code == 302
    assert endorsements() == 1
    move(conference, 5)  # the window closed
    response = act(voters[1], conference, candidacy, "unendorse")
    assert response.status_code == 409 and "#art-20.1" in response.get_data(as_text=True)
    assert endorsements() == 1
    late = act(voters[2], conference, candidacy)
    assert late.status_code == 409 and endorsements() == 1


def test_the_endorsement_page_lists_open_candidacies_for_delegates(setting, db):
    conference, _, voters, candidates = setting
    page = voters[0].get(f"/conferences/{conference.id}/endorsements").get_data(as_text=True)
    assert candidates[0][1].member.name_ar in page and "#art-20.3" in page
    response = voters[0].post(
        f"/conferences/{conference.id}/candidacies/{candidates[0][1].id}/endorse",
        {"from": "list"},
        page=f"/conferences/{conference.id}/endorsements",
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/endorsements")


def test_office_candidacies_are_endorsed_by_council_members_only_art_16_5(
    app, db, make_user, make_browser
):
    conference = conference_in(20)
    candidate, councillor, delegate_member = eligible(conference, 3)
    certify(conference, CC, [candidate, councillor])
    browser = logged_in_member(make_user, make_browser, candidate)
    assert stand(browser, conference, CO).status_code == 302
    candidacy = candidacy_of(candidate, CO)
    outsider = logged_in_member(make_user, make_browser, delegate_member)
    refused = act(outsider, conference, candidacy)
    assert refused.status_code == 404  # not an elector of the body: the candidacy is not shown
    insider = logged_in_member(make_user, make_browser, councillor)
    assert act(insider, conference, candidacy).status_code == 302
