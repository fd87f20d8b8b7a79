"""The election committee decides by the bylaws: approval needs eligibility (20.2) and the
endorsements (20.3); a rejection cites its article; one objection within the window (30.2)
whose decision is final; withdrawals before and after the ballot opens; every step audited."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from candidacy_helpers import CC, candidacy_of, committee, conference_in, eligible
from congress.audit.models import AuditEntry
from congress.audit.operations import verify_chain
from congress.auth.operations import create_user
from congress.candidacy import endorsements, listing, nominations, withdrawal
from congress.candidacy.models import Candidacy
from congress.database import write_intent
from congress.extensions import db as _db
from scenario import designated
from support import PASSWORD


@pytest.fixture
def ready(app, db, make_browser):
    """A submitted candidacy with the three endorsements Article 20.3 asks for."""
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


def page_of(conference, candidacy):
    return f"/conferences/{conference.id}/candidacies/{candidacy.id}"


def decide(browser, conference, candidacy, action, **data):
    page = page_of(conference, candidacy)
    return browser.post(f"{page}/{action}", data, page=page)


def actions_of(candidacy) -> list[str]:
    return list(
        _db.session.execute(
            select(AuditEntry.action)
            .where(AuditEntry.subject == f"candidacy:{candidacy.id}")
            .order_by(AuditEntry.seq)
        ).scalars()
    )


def outbox(app) -> list[str]:
    from email import message_from_bytes
    from email.policy import default
    from pathlib import Path

    return [
        message_from_bytes(f.read_bytes(), policy=default).get_content()
        for f in sorted((Path(app.instance_path) / "outbox").glob("*.eml"))
    ]


def test_the_committee_sees_eligibility_endorsers_and_statement(ready, db):
    conference, candidacy, _, board = ready
    html = board.get(page_of(conference, candidacy)).get_data(as_text=True)
    assert "مستوفٍ للشروط" in html and "المزكّون" in html and "3 من 3 تزكيات مطلوبة" in html
    review = board.get(f"/conferences/{conference.id}/review").get_data(as_text=True)
    assert candidacy.member.name_ar in review and "3 / 3" in review


def test_approval_notifies_the_candidate_and_is_audited(ready, db, app):
    conference, candidacy, _, board = ready
    assert decide(board, conference, candidacy, "approve").status_code == 302
    assert candidacy_of(candidacy.member).status == "approved"
    assert any("اعتمدت لجنة الانتخابات ترشيحك" in body for body in outbox(app))
    assert actions_of(candidacy)[-1] == "candidacy.approved"
    assert verify_chain().ok


def test_approval_is_refused_without_the_endorsements_art_20_3(ready, db, app):
    conference, candidacy, _, board = ready
    with app.test_request_context(), write_intent():
        endorsement = endorsements.endorsers_of(candidacy)[0]
        endorsements.withdraw_endorsement(candidacy, endorsement.endorser, actor=None)
        db.session.commit()
    response = decide(board, conference, candidacy, "approve")
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "#art-20.3" in html and "يشترط 3" in html
    assert candidacy_of(candidacy.member).status == "submitted"


def test_approval_is_refused_when_the_member_is_no_longer_eligible_art_5_2(ready, db):
    conference, candidacy, _, board = ready
    with write_intent():
        candidacy.member.dues_paid = False
        db.session.commit()
    response = decide(board, conference, candidacy, "approve")
    assert response.status_code == 409 and "#art-5.2" in response.get_data(as_text=True)
    assert candidacy_of(candidacy.member).status == "submitted"


def test_a_committee_role_without_a_seat_at_this_conference_cannot_decide(
    ready, db, login_as, browser
):
    conference, candidacy, _, _ = ready
    login_as("election_committee")  # the role, but no seat on this conference's committee
    assert browser.get(f"/conferences/{conference.id}/review").status_code == 403
    assert decide(browser, conference, candidacy, "approve").status_code == 403
    assert candidacy_of(candidacy.member).status == "submitted"


def test_a_rejection_needs_a_reason_and_cites_an_article(ready, db, app):
    conference, candidacy, _, board = ready
    response = decide(board, conference, candidacy, "reject", reason="", article="20.2")
    assert response.status_code == 409 and "يجب ذكر سبب الرفض" in response.get_data(as_text=True)
    bad = decide(board, conference, candidacy, "reject", reason="x", article="99.9")
    assert bad.status_code == 409
    assert candidacy_of(candidacy.member).status == "submitted"
    done = decide(board, conference, candidacy, "reject", reason="ملف ناقص", article="20.2")
    assert done.status_code == 302
    rejected = candidacy_of(candidacy.member)
    assert (rejected.status, rejected.reason, rejected.reason_article) == (
        "rejected",
        "ملف ناقص",
        "20.2",
    )
    assert any("ملف ناقص" in body and "20.2" in body for body in outbox(app))


def test_an_objection_upheld_approves_and_is_final_art_30_2(ready, db, app):
    conference, candidacy, candidate, board = ready
    decide(board, conference, candidacy, "reject", reason="خطأ", article="20.2")
    page = page_of(conference, candidacy)
    shown = candidate.get(page).get_data(as_text=True)
    assert "يمكنك الاعتراض على هذا الرفض حتى" in shown and "#art-30.2" in shown
    filed = candidate.post(f"{page}/objection", {"text": "الشروط مستوفاة"}, page=page)
    assert filed.status_code == 302
    again = candidate.post(f"{page}/objection", {"text": "مرة ثانية"}, page=page)
    assert again.status_code == 422 and "القرار فيه نهائي" in again.get_data(as_text=True)
    upheld = decide(board, conference, candidacy, "decide", outcome="upheld", answer="")
    assert upheld.status_code == 302
    assert candidacy_of(candidacy.member).status == "approved"
    twice = decide(board, conference, candidacy, "decide", outcome="dismissed", answer="لا")
    assert twice.status_code == 409
    assert actions_of(candidacy)[-3:] == [
        "candidacy.rejected",
        "candidacy.objection_filed",
        "candidacy.objection_decided",
    ]


def test_a_dismissed_objection_leaves_the_rejection_final(ready, db):
    conference, candidacy, candidate, board = ready
    decide(board, conference, candidacy, "reject", reason="غير مؤهل", article="20.2")
    page = page_of(conference, candidacy)
    candidate.post(f"{page}/objection", {"text": "أعترض"}, page=page)
    no_reason = decide(board, conference, candidacy, "decide", outcome="dismissed", answer="")
    assert no_reason.status_code == 409
    assert (
        decide(
            board, conference, candidacy, "decide", outcome="dismissed", answer="الرفض في محله"
        ).status_code
        == 302
    )
    assert candidacy_of(candidacy.member).status == "rejected"
    assert "القرار: مردود (نهائي)" in candidate.get(page).get_data(as_text=True)


def test_an_objection_after_the_deadline_is_refused_art_30_2(ready, db):
    conference, candidacy, candidate, board = ready
    decide(board, conference, candidacy, "reject", reason="غير مؤهل", article="20.2")
    with write_intent():
        row = candidacy_of(candidacy.member)
        row.decided_at = row.decided_at - timedelta(hours=49)
        db.session.commit()
    page = page_of(conference, candidacy)
    late = candidate.post(f"{page}/objection", {"text": "متأخر"}, page=page)
    assert late.status_code == 422 and "#art-30.2" in late.get_data(as_text=True)
    assert candidacy_of(candidacy.member).objection is None


def test_only_the_candidate_objects(ready, db, make_user, make_browser):
    conference, candidacy, _, board = ready
    decide(board, conference, candidacy, "reject", reason="غير مؤهل", article="20.2")
    page = page_of(conference, candidacy)
    assert board.post(f"{page}/objection", {"text": "x"}, page=page).status_code == 403


def test_the_candidate_withdraws_until_the_ballot_opens(ready, db, app):
    conference, candidacy, candidate, board = ready
    decide(board, conference, candidacy, "approve")
    with app.test_request_context(), write_intent():
        listing.freeze_list(conference, CC, None)
        db.session.commit()
    page = page_of(conference, candidacy)
    late = candidate.post(f"{page}/withdraw", {"reason": "", "confirm": "yes"}, page=page)
    assert late.status_code == 409 and "لجنة الانتخابات" in late.get_data(as_text=True)
    assert candidacy_of(candidacy.member).status == "approved"


def test_before_the_ballot_a_withdrawal_releases_the_endorsers(ready, db):
    conference, candidacy, candidate, _ = ready
    page = page_of(conference, candidacy)
    assert (
        candidate.post(
            f"{page}/withdraw", {"reason": "ظروف", "confirm": "yes"}, page=page
        ).status_code
        == 302
    )
    row = candidacy_of(candidacy.member)
    assert row.status == "withdrawn" and endorsements.count_of(row) == 0
    assert actions_of(candidacy)[-1] == "candidacy.withdrawn"


def test_after_the_ballot_opens_the_committee_marks_a_withdrawal_the_count_excludes(ready, db, app):
    conference, candidacy, _, board = ready
    decide(board, conference, candidacy, "approve")
    with app.test_request_context(), write_intent():
        listing.freeze_list(conference, CC, None)
        db.session.commit()
    assert listing.excluded(conference, CC) == set()
    no_reason = decide(board, conference, candidacy, "remove", reason="")
    assert no_reason.status_code == 409
    assert decide(board, conference, candidacy, "remove", reason="أعلن انسحابه").status_code == 302
    assert listing.excluded(conference, CC) == {candidacy.id}
    assert candidacy.id not in {c.id for c in listing.ballot_list(conference, CC)}
    entry = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "candidacy.withdrawn_by_committee")
    ).scalar_one()
    assert '"after_ballot_opened":true' in entry.data


def test_mark_withdrawn_by_committee_refuses_someone_off_the_committee(ready, db, app):
    from congress.candidacy.common import NotAllowed

    candidacy = ready[1]
    with app.test_request_context(), write_intent(), pytest.raises(NotAllowed):
        withdrawal.mark_withdrawn_by_committee(candidacy, "x", None)
    assert db.session.get(Candidacy, candidacy.id).status == "submitted"


def test_two_decisions_at_once_one_wins(ready, db, app):
    """The second committee member finds it decided: a conditional update, not a race."""
    from congress.candidacy import review
    from congress.candidacy.common import CandidacyError
    from congress.conference.operations import committee_of

    conference, candidacy, _, _ = ready
    first, second = committee_of(conference)[:2]
    with app.test_request_context(), write_intent():
        review.approve(candidacy, actor=first)
        stale = db.session.get(Candidacy, candidacy.id)
        with pytest.raises(CandidacyError):
            review.approve(stale, actor=second)
        db.session.commit()
    assert candidacy_of(candidacy.member).status == "approved"
