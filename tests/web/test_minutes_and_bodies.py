"""The bodies page and the minutes PDF: who reads them, that only certified results
appear, Arabic and English, and the appointment of the Advisory Body by a motion of the
Central Council (Article 17.1)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from demo_steps import (
    add_members,
    candidate_ids,
    cast_all,
    committee,
    count_and_certify,
    open_poll,
)
from pypdf import PdfReader
from sqlalchemy import select

from congress.candidacy.models import BodyMember
from congress.database import write_intent
from congress.extensions import db
from congress.models_common import utcnow
from congress.voting import polls
from congress.voting.models import Poll
from scenario import approve_candidates
from support import PASSWORD

PAPER_AR, PAPER_EN = "ورقة التوجهات السياسية", "Policy directions paper"
PENDING_AR, PENDING_EN = "ورقة لم تُصدَّق", "Paper not yet certified"


def motion(conference, title_ar, title_en, category="policy_paper"):
    with write_intent():
        poll = polls.create_motion(
            conference,
            title_ar=title_ar,
            title_en=title_en,
            text_ar="نص المقترح.",
            text_en="The text.",
            category=category,
            actor=committee()[0],
        )
        db.session.commit()
    return poll


@pytest.fixture
def conference_with_results(session_with, db):
    """A Council of three certified by block vote, a certified policy paper, and a second
    paper counted but signed by only two of the committee."""
    conference, users = session_with(5)
    voters = [u.member_id for u in users]
    council = add_members("C", 3)
    approve_candidates(conference, "central_council", council)
    election = polls.create_election(conference, "central_council", actor=committee()[0])
    open_poll(election)
    on_ballot = candidate_ids(election)
    ids = [on_ballot[m.id] for m in council]  # the demo's own three candidates get no vote
    cast_all(election, [(v, {"marks": ids}) for v in voters])
    count_and_certify(election)
    paper = motion(conference, PAPER_AR, PAPER_EN)
    open_poll(paper)
    cast_all(paper, zip(voters, [{"answer": "yes"}] * 4 + [{"answer": "no"}], strict=True))
    count_and_certify(paper)
    pending = motion(conference, PENDING_AR, PENDING_EN)
    open_poll(pending)
    cast_all(pending, zip(voters, [{"answer": "yes"}] * 5, strict=True))
    count_and_certify(pending, signers=2)
    return conference, council, election, paper, pending


def reader(make_user, make_browser, **kw):
    user = make_user(**kw)
    b = make_browser()
    assert b.login(user.email, PASSWORD).status_code == 302
    return b


def pdf_text(response) -> str:
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pages = PdfReader(io.BytesIO(response.get_data())).pages
    return "\n".join(page.extract_text() for page in pages)


def test_the_bodies_page_and_the_minutes_need_a_login(conference_with_results, client):
    conference = conference_with_results[0]
    for url in (
        f"/conferences/{conference.id}/bodies",
        f"/conferences/{conference.id}/minutes.pdf",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_any_member_reads_the_certified_council_in_arabic(
    conference_with_results, make_user, make_browser
):
    conference, council, election, *_ = conference_with_results
    page = reader(make_user, make_browser).get(f"/conferences/{conference.id}/bodies")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'dir="rtl"' in html
    assert "المجلس المركزي" in html and "المكتب التنسيقي" in html and "الهيئة الاستشارية" in html
    for member in council:
        assert member.name_ar in html
    assert f'href="/polls/{election.id}/result"' in html
    assert "الطعون مفتوحة حتى" in html  # certified, the objection window still runs
    assert "<script" not in html and "style=" not in html


def test_the_composition_is_final_once_the_objection_window_has_passed(
    conference_with_results, make_user, make_browser, db
):
    """Article 30.2: a certified result is final once its objection window has passed."""
    conference, _, election, *_ = conference_with_results
    with write_intent():
        db.session.get(Poll, election.id).objections_until = utcnow() - timedelta(minutes=1)
        db.session.commit()
    html = (
        reader(make_user, make_browser, language="en")
        .get(f"/conferences/{conference.id}/bodies")
        .get_data(as_text=True)
    )
    assert 'dir="ltr"' in html and "Central Council" in html and "Candidate 0" in html
    assert '<span class="tag ok">final</span>' in html
    assert "elected by the General Conference" in html
    assert "elected by Central Council, from its members" in html


def test_the_minutes_list_only_certified_results_in_arabic_and_english(
    conference_with_results, make_user, make_browser
):
    conference = conference_with_results[0]
    arabic = reader(make_user, make_browser)
    text = pdf_text(arabic.get(f"/conferences/{conference.id}/minutes.pdf"))
    assert PAPER_AR in text and "المجلس المركزي" in text
    assert PENDING_AR not in text
    english = pdf_text(arabic.get(f"/conferences/{conference.id}/minutes.pdf?lang=en"))
    assert PAPER_EN in text or PAPER_EN in english
    assert "The motion passed." in english and "Central Council" in english
    assert PENDING_EN not in english
    by_preference = reader(make_user, make_browser, language="en")
    assert PAPER_EN in pdf_text(by_preference.get(f"/conferences/{conference.id}/minutes.pdf"))


def test_an_unknown_conference_has_no_minutes(make_user, make_browser, demo):
    b = reader(make_user, make_browser)
    assert b.get("/conferences/9999/minutes.pdf").status_code == 404
    assert b.get("/conferences/9999/bodies").status_code == 404


# --- the Advisory Body, appointed by a motion of the Central Council ----------------------


def propose(committee_browser, conference, numbers, **extra):
    return committee_browser.post(
        f"/conferences/{conference.id}/bodies/advisory_body/appointment",
        {"advisory_body-numbers": "\n".join(numbers), **extra},
        page=f"/conferences/{conference.id}/bodies",
    )


def test_the_committee_appoints_the_advisory_body_by_a_certified_council_motion(
    conference_with_results, committee, make_user, make_browser, db
):
    conference, council, *_ = conference_with_results
    appointees = add_members("A", 2)
    response = propose(committee, conference, [m.number for m in appointees])
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    poll = db.session.get(Poll, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert poll.electorate == "body" and poll.frozen_rules["electorate_body"] == "central_council"
    assert poll.frozen_rules["appoints"]["members"] == [m.id for m in appointees]
    assert appointees[0].number in poll.text_ar and appointees[1].name_latin in poll.text_en
    shown = committee.get(response.headers["Location"]).get_data(as_text=True)
    assert appointees[0].number in shown and appointees[1].number in shown

    outsider = reader(make_user, make_browser)
    assert outsider.post(f"/polls/{poll.id}/appointment", page="/").status_code == 403
    early = committee.post(f"/polls/{poll.id}/appointment", page=f"/polls/{poll.id}")
    assert early.status_code == 303  # not certified: refused, nothing recorded

    open_poll(poll)
    assert poll.electorate_size == 3  # the certified Council votes
    cast_all(poll, [(m.id, {"answer": "yes"}) for m in council])
    count_and_certify(poll)
    page = committee.get(f"/conferences/{conference.id}/bodies").get_data(as_text=True)
    assert f'action="/polls/{poll.id}/appointment"' in page
    assert (
        committee.post(
            f"/polls/{poll.id}/appointment", page=f"/conferences/{conference.id}/bodies"
        ).status_code
        == 302
    )
    rows = (
        db.session.execute(
            select(BodyMember)
            .where(BodyMember.body == "advisory_body")
            .order_by(BodyMember.position)
        )
        .scalars()
        .all()
    )
    assert [r.member_id for r in rows] == [m.id for m in appointees]
    assert {r.source_poll_id for r in rows} == {poll.id}
    html = reader(make_user, make_browser).get(f"/conferences/{conference.id}/bodies")
    html = html.get_data(as_text=True)
    assert appointees[0].name_ar in html and f'href="/polls/{poll.id}/result"' in html
    again = committee.post(f"/polls/{poll.id}/appointment", page=f"/polls/{poll.id}")
    assert again.status_code == 303
    assert (
        len(
            db.session.execute(select(BodyMember).where(BodyMember.body == "advisory_body"))
            .scalars()
            .all()
        )
        == 2
    )


def test_an_appointment_motion_that_failed_appoints_nobody(conference_with_results, committee, db):
    conference, council, *_ = conference_with_results
    appointees = add_members("A", 1)
    response = propose(committee, conference, [appointees[0].number])
    poll = db.session.get(Poll, int(response.headers["Location"].rsplit("/", 1)[1]))
    open_poll(poll)
    cast_all(poll, [(m.id, {"answer": "no"}) for m in council])
    count_and_certify(poll)
    refused = committee.post(f"/polls/{poll.id}/appointment", page=f"/polls/{poll.id}")
    assert refused.status_code == 303
    assert (
        db.session.execute(select(BodyMember).where(BodyMember.body == "advisory_body")).first()
        is None
    )


def test_an_appointment_names_known_members_within_the_seats(
    conference_with_results, committee, db
):
    """Article 17.1: seven seats; every appointee is a member in good standing."""
    conference = conference_with_results[0]
    before = db.session.execute(select(Poll.id)).scalars().all()
    unknown = propose(committee, conference, ["NOPE1"])
    page = committee.get(f"/conferences/{conference.id}/bodies").get_data(as_text=True)
    assert unknown.status_code == 303 and "NOPE1" in page
    eight = add_members("A", 8)
    assert propose(committee, conference, [m.number for m in eight]).status_code == 303
    assert db.session.execute(select(Poll.id)).scalars().all() == before


def test_no_appointment_before_the_council_is_certified(session_with, committee, db):
    conference, _ = session_with(3)
    appointees = add_members("A", 1)
    assert propose(committee, conference, [appointees[0].number]).status_code == 303
    assert db.session.execute(select(Poll.id)).first() is None
