"""Elections in every method: block (Article 15.1), single office with runoff (16.2), ranked
STV by the Central Council (16.1): what the voter sees, fixes and casts."""

import re

import pytest
from sqlalchemy import func, select

from congress.voting.models import Ballot, Poll, PollCandidate
from scenario import approve_candidates, members, seat_body
from voting_steps import act, candidate_ids, new_election, tracker_of, vote, voter


@pytest.fixture
def council_poll(session_with, committee, db):
    conference, users = session_with(4)
    voters = {u.member_id for u in users}
    approve_candidates(conference, "central_council", members(exclude=voters, limit=6))
    poll_id = new_election(committee, conference.id, "central_council")
    assert act(committee, poll_id, "open").status_code == 302
    return conference, users, poll_id


def test_the_committee_sees_the_feasibility_warnings_before_creating_the_ballot(
    session_with, committee, db
):
    conference, _ = session_with(3)
    approve_candidates(conference, "central_council", members(limit=3))
    response = committee.post(
        f"/conferences/{conference.id}/polls/new",
        {"kind": "election", "e-body": "central_council"},
        page=f"/conferences/{conference.id}/polls/new",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "#art-15" in html
    assert db.session.execute(select(func.count(Poll.id))).scalar() == 0


def test_a_block_ballot_lists_the_candidates_and_casts(council_poll, make_browser, db):
    _, users, poll_id = council_poll
    phone = voter(make_browser, users[0])
    page = phone.get(f"/polls/{poll_id}/ballot").get_data(as_text=True)
    ids = candidate_ids(db, poll_id)
    assert "اختر حتى 40 مرشحًا" in page and page.count('name="mark"') == len(ids) >= 6
    review = phone.post(
        "/vote/review",
        {"poll": poll_id, "mark": [str(i) for i in ids[:3]]},
        page=f"/polls/{poll_id}/ballot",
    )
    assert "أنت تصوّت لهؤلاء المرشحين (3)" in review.get_data(as_text=True)
    cast = phone.post(
        "/vote/cast",
        {"poll": poll_id, "mark": [str(i) for i in ids[:3]]},
        page=f"/polls/{poll_id}/ballot",
    )
    assert cast.status_code == 200 and len(tracker_of(cast)) == 32


def test_a_forged_candidate_id_is_refused_and_nothing_stored(council_poll, make_browser, db):
    _, users, poll_id = council_poll
    phone = voter(make_browser, users[0])
    response = phone.post(
        "/vote/cast", {"poll": poll_id, "mark": ["999999"]}, page=f"/polls/{poll_id}/ballot"
    )
    assert response.status_code == 422 and "اختيار غير معروف" in response.get_data(as_text=True)
    assert db.session.execute(select(func.count()).select_from(Ballot)).scalar() == 0


@pytest.fixture
def coordinator_poll(session_with, committee, db):
    """The General Coordinator, elected by the Central Council (Article 16.2)."""
    conference, users = session_with(5)
    from congress.members.models import Member

    council = [db.session.get(Member, u.member_id) for u in users]
    seat_body(conference, "central_council", council)
    approve_candidates(conference, "general_coordinator", council[:3])
    poll_id = new_election(committee, conference.id, "general_coordinator")
    act(committee, poll_id, "open")
    return conference, users, poll_id


def test_a_single_office_takes_one_choice_and_refuses_two(coordinator_poll, make_browser, db):
    _, users, poll_id = coordinator_poll
    ids = candidate_ids(db, poll_id)
    phone = voter(make_browser, users[0])
    page = phone.get(f"/polls/{poll_id}/ballot").get_data(as_text=True)
    assert 'type="radio"' in page
    two = phone.post(
        "/vote/cast",
        {"poll": poll_id, "mark": [str(ids[0]), str(ids[1])]},
        page=f"/polls/{poll_id}/ballot",
    )
    assert two.status_code == 422
    assert vote(phone, poll_id, mark=str(ids[0])).status_code == 200


def test_without_an_absolute_majority_the_committee_creates_the_runoff_in_one_step(
    coordinator_poll, committee, make_browser, db
):
    _, users, poll_id = coordinator_poll
    ids = candidate_ids(db, poll_id)
    for user, choice in zip(users, [0, 0, 1, 1, 2], strict=True):
        vote(voter(make_browser, user), poll_id, mark=str(ids[choice]))
    act(committee, poll_id, "close")
    committee.post(f"/polls/{poll_id}/tally", page=f"/polls/{poll_id}")
    page = committee.get(f"/polls/{poll_id}/result").get_data(as_text=True)
    assert "تلزم جولة إعادة" in page or "جولة إعادة" in page
    response = committee.post(f"/polls/{poll_id}/runoff", page=f"/polls/{poll_id}/result")
    assert response.status_code == 302
    runoff_id = int(response.headers["Location"].rsplit("/", 1)[1])
    act(committee, runoff_id, "open")
    assert len(candidate_ids(db, runoff_id)) == 2


@pytest.fixture
def office_poll(session_with, committee, db):
    """The Coordination Office, by STV (Meek) among the Central Council (Article 16.1)."""
    from congress.members.models import Member

    conference, users = session_with(5)
    council = [db.session.get(Member, u.member_id) for u in users]
    seat_body(conference, "central_council", council)
    approve_candidates(conference, "coordination_office", council)
    poll_id = new_election(committee, conference.id, "coordination_office")
    act(committee, poll_id, "open")
    return conference, users, poll_id


def test_ranks_with_a_gap_are_refused_with_what_to_fix(office_poll, make_browser, db):
    _, users, poll_id = office_poll
    ids = candidate_ids(db, poll_id)
    phone = voter(make_browser, users[0])
    page = phone.get(f"/polls/{poll_id}/ballot").get_data(as_text=True)
    assert 'type="number"' in page and "rank.js" in page
    gap = phone.post(
        "/vote/review",
        {"poll": poll_id, f"rank-{ids[0]}": "1", f"rank-{ids[1]}": "3"},
        page=f"/polls/{poll_id}/ballot",
    )
    html = gap.get_data(as_text=True)
    assert gap.status_code == 422 and "الترتيب ناقص" in html and "2" in html
    repeat = phone.post(
        "/vote/review",
        {"poll": poll_id, f"rank-{ids[0]}": "1", f"rank-{ids[1]}": "1"},
        page=f"/polls/{poll_id}/ballot",
    )
    assert "أُعطي الترتيب 1 لأكثر من مرشح" in repeat.get_data(as_text=True)
    ok = vote(phone, poll_id, **{f"rank-{ids[2]}": "1", f"rank-{ids[0]}": "2"})
    assert ok.status_code == 200
    content = db.session.execute(select(Ballot.content)).scalar_one()
    assert content == f'{{"ranks":[{ids[2]},{ids[0]}]}}'


def test_a_candidate_withdrawn_after_opening_is_excluded_and_their_ballots_transfer(
    office_poll, committee, make_browser, db
):
    """Article 16.1 (STV): a withdrawal after the ballot opened is excluded before the
    first count, and the ballots ranking them first count for their next preference."""
    from congress.auth.models import User
    from congress.candidacy.models import Candidacy
    from congress.candidacy.operations import mark_withdrawn_by_committee

    _, users, poll_id = office_poll
    ids = candidate_ids(db, poll_id)
    for user in users:  # everyone ranks the first candidate first, the second next
        vote(voter(make_browser, user), poll_id, **{f"rank-{ids[0]}": "1", f"rank-{ids[1]}": "2"})
    first = db.session.get(PollCandidate, ids[0])
    chair = db.session.execute(
        select(User).where(User.email == "committee1@congress.test")
    ).scalar_one()
    mark_withdrawn_by_committee(db.session.get(Candidacy, first.candidacy_id), "illness", chair)
    db.session.commit()
    act(committee, poll_id, "close")
    committee.post(f"/polls/{poll_id}/tally", page=f"/polls/{poll_id}")
    import json

    from congress.results.models import Tally

    report = json.loads(db.session.get(Tally, poll_id).report)
    assert str(ids[0]) in report["withdrawn"] and str(ids[0]) not in report["winners"]
    assert str(ids[1]) in report["winners"]


def test_a_meek_count_shows_its_rounds_to_the_places_a_reader_needs(
    office_poll, committee, make_browser, db
):
    """Meek counts with nine decimals; the result page shows each round cut to the fewest
    places that keep different values apart, and says the export keeps all nine."""
    import json

    from congress.results.models import Tally

    _, users, poll_id = office_poll
    ids = candidate_ids(db, poll_id)
    orders = [(0, 1, 2), (0, 2, 1), (1, 0), (2, 1), (0, 1)]
    for user, order in zip(users, orders, strict=True):
        vote(
            voter(make_browser, user),
            poll_id,
            **{f"rank-{ids[i]}": str(n + 1) for n, i in enumerate(order)},
        )
    act(committee, poll_id, "close")
    committee.post(f"/polls/{poll_id}/tally", page=f"/polls/{poll_id}")
    report = json.loads(db.session.get(Tally, poll_id).report)
    nine = [v for r in report["rounds"] for v in r["counts"].values() if "." in v]
    assert nine and all(len(v.split(".")[1]) == 9 for v in nine)
    page = committee.get(f"/polls/{poll_id}/result").get_data(as_text=True)
    table = page[page.index('<table class="rounds">') :]
    cells = re.findall(r'<td dir="ltr">([^<]*)</td>', table[: table.index("</table>")])
    places = {len(c.split(".")[1]) for c in cells if "." in c}
    assert places and max(places) < 9  # cut to what tells the values apart
    assert "ويحفظ ملف التصدير الخانات التسع" in page
