"""Published lists: ballot order by the bylaws (Article 22.2, alphabetical ignoring the definite
article, or by lot with a recorded seed), what each reader may see, the feasibility warnings
(15.1 seats, 15.2 youth quota, 15.3 branch cap), and the demo's candidacies."""

import json
import re
from datetime import date

import pytest
from sqlalchemy import select

from candidacy_helpers import CC, certify, committee, conference_in, logged_in_member, move
from congress.audit.models import AuditEntry
from congress.bylaws.operations import example_text, upload
from congress.candidacy import listing, operations
from congress.candidacy.models import Candidacy
from congress.database import write_intent
from congress.members.models import Branch, Member
from congress.voting import polls
from congress.voting.models import Poll
from scenario import delegate_users


def approve_directly(db, conference, members, body=CC):
    """Test setup: approved rows written directly (the rules are tested elsewhere)."""
    with write_intent():
        rows = [
            Candidacy(conference_id=conference.id, body=body, member_id=m.id, status="approved")
            for m in members
        ]
        db.session.add_all(rows)
        db.session.commit()
    return rows


def free_members(db, n, branch=None):
    taken = set(db.session.execute(select(Candidacy.member_id)).scalars())
    query = select(Member).order_by(Member.id)
    if branch:
        query = query.join(Branch).where(Branch.code == branch)
    found = [m for m in db.session.execute(query).scalars() if m.id not in taken]
    return found[:n]


def positions(html, names):
    return [html.index(f"<bdi>{name}</bdi>") for name in names]


def test_the_list_is_alphabetical_ignoring_the_definite_article_art_22_2(
    app, db, make_user, make_browser
):
    conference = conference_in(20)
    members = free_members(db, 4)
    names = ["ثامر", "الأحمد زيد", "إبراهيم", "أَحمد علي"]
    with write_intent():
        for member, name in zip(members, names, strict=True):
            member.name_ar = name
        db.session.commit()
    approve_directly(db, conference, members)
    reader = logged_in_member(make_user, make_browser, free_members(db, 1)[0])
    html = reader.get(f"/conferences/{conference.id}/candidates/{CC}").get_data(as_text=True)
    order = positions(html, ["إبراهيم", "الأحمد زيد", "أَحمد علي", "ثامر"])
    assert order == sorted(order) and "#art-22.2" in html


def test_the_list_shows_branch_youth_and_a_short_statement_with_a_link_art_15_2(
    app, db, make_user, make_browser
):
    conference = conference_in(20)
    young, old = free_members(db, 2)
    with write_intent():
        young.birth_date, old.birth_date = date(2000, 1, 1), date(1960, 1, 1)
        young.name_ar, old.name_ar = "شاب يافع", "كهل حكيم"
        db.session.commit()
    rows = approve_directly(db, conference, [young, old])
    with write_intent():
        rows[0].statement_ar = "كلمة " * 400
        db.session.commit()
    reader = logged_in_member(make_user, make_browser, free_members(db, 1)[0])
    html = reader.get(f"/conferences/{conference.id}/candidates/{CC}").get_data(as_text=True)
    entry = html.split("<bdi>شاب يافع</bdi>")[1].split("</li>")[0]
    assert young.branch.name_ar in entry and '<span class="tag">الشباب</span>' in entry
    assert "…" in entry and entry.count("كلمة") < 40
    assert f"/conferences/{conference.id}/candidacies/{rows[0].id}" in html
    other = html.split("<bdi>كهل حكيم</bdi>")[1].split("</li>")[0]
    assert "الشباب" not in other
    assert "#art-15.2" in html


def test_the_pages_are_right_to_left_in_arabic_and_left_to_right_in_english(
    app, db, make_user, make_browser
):
    conference = conference_in(20)
    reader = logged_in_member(make_user, make_browser, free_members(db, 1)[0])
    for path in ("candidates", f"candidates/{CC}", "candidacies/1", "candidacy"):
        html = reader.get(f"/conferences/{conference.id}/{path}").get_data(as_text=True)
        assert '<html lang="ar" dir="rtl">' in html
        assert "<bdi>" in html or path in ("candidates", "candidacy")
        assert "style=" not in html and "<script" not in html and "<style" not in html
        assert "http://" not in html.replace("http://localhost/", "")
    reader.post("/language", {"lang": "en", "next": "/"}, page="/")
    english = reader.get(f"/conferences/{conference.id}/candidates/{CC}").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in english and "Candidates for Central Council" in english


def test_an_undecided_candidacy_is_hidden_from_ordinary_members(app, db, make_user, make_browser):
    conference = conference_in(20)
    submitted = (
        db.session.execute(select(Candidacy).where(Candidacy.status == "submitted"))
        .scalars()
        .first()
    )
    page = f"/conferences/{conference.id}/candidacies/{submitted.id}"
    reader = logged_in_member(make_user, make_browser, free_members(db, 1)[0])
    assert reader.get(page).status_code == 404
    assert committee(make_browser).get(page).status_code == 200
    approved = (
        db.session.execute(select(Candidacy).where(Candidacy.status == "approved"))
        .scalars()
        .first()
    )
    shared = reader.get(f"/conferences/{conference.id}/candidacies/{approved.id}")
    assert shared.status_code == 200 and "رابط هذه الصفحة" in shared.get_data(as_text=True)


def test_the_demo_has_candidacies_in_every_state_each_with_an_audit_entry(app, db):
    conference = conference_in(45)
    rows = db.session.execute(select(Candidacy)).scalars().all()
    assert {c.status for c in rows} >= {"approved", "submitted", "rejected", "withdrawn"}
    entries = (
        db.session.execute(select(AuditEntry).where(AuditEntry.action == "candidacy.demo_created"))
        .scalars()
        .all()
    )
    assert len(entries) == len(rows)
    assert all("nomination window is not open" in e.data for e in entries)
    assert not operations.nomination_window(conference, CC, listing.utcnow()).ok


@pytest.fixture
def lot_conference(app, db):
    """The demo conference under bylaws that order the ballot by lot (Article 22.2)."""
    conference = conference_in(20)
    text = example_text().replace('order = "alphabetical"', 'order = "lot"')
    with write_intent():
        version = upload(text, filename="lot.toml")
        conference.bylaws_version_id = version.id
        db.session.commit()
    db.session.refresh(conference)
    return conference


def test_a_lot_is_drawn_when_the_ballot_opens_and_can_be_redone_from_the_log_art_22_2(
    lot_conference, app, db
):
    conference = lot_conference
    approve_directly(db, conference, free_members(db, 6))
    with app.test_request_context(), write_intent():
        polls.create_election(conference, CC, actor=None)
        frozen = listing.freeze_list(conference, CC, None, seed=polls.lot_seed())
        db.session.commit()
    entry = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "candidacy.list_frozen")
    ).scalar_one()
    data = json.loads(entry.data)
    assert data["order"] == "lot" and data["seed"] == frozen.seed and len(frozen.seed) == 64
    assert listing.lot_order(data["seed"], sorted(data["members"])) == data["members"]
    ballot = [c.member.number for c in listing.ballot_list(conference, CC)]
    assert ballot == data["members"]
    assert listing.ballot_opened(conference, CC)
    with app.test_request_context(), write_intent():
        again = listing.freeze_list(conference, CC, None, seed="1" * 64)  # no second draw
        db.session.commit()
    assert again.seed == frozen.seed


def test_no_one_steers_the_lot_by_adding_entries_before_the_ballot_opens_art_22_2(
    lot_conference, app, db, make_browser
):
    """Issue 14.14: the lot was seeded by the chain head when the list froze, which an
    anonymous failed login moves; then by the poll's creation entry, which a committee could
    shop for by making and deleting drafts. The seed is now drawn at the opening (which is
    not undone), published in the chain with the order, and the ballot is in that order."""
    from congress.voting.models import PollCandidate

    conference = lot_conference
    approve_directly(db, conference, free_members(db, 6))
    delegate_users(conference, 5)  # in session, quorum present
    move(conference, 5)  # nominations closed (Article 20.1): the ballot may open
    with app.test_request_context(), write_intent():
        poll = polls.create_election(conference, CC, actor=None)
        db.session.commit()
    for n in range(3):  # an attacker moves the chain head as often as they like
        make_browser().login(f"nobody{n}@example.org", "wrong-password-x")
    assert listing.candidate_list(conference, CC) is None  # a draft draws nothing
    with app.test_request_context(), write_intent():
        polls.open_poll(db.session.get(Poll, poll.id), actor=None)  # the lot is drawn here
        db.session.commit()
    frozen = listing.candidate_list(conference, CC)
    opened, drawn = db.session.execute(
        select(AuditEntry.seq, AuditEntry.data).where(AuditEntry.action == "candidacy.list_frozen")
    ).one()
    created = db.session.execute(
        select(AuditEntry.seq).where(
            AuditEntry.action == "poll.created", AuditEntry.subject == f"poll:{poll.id}"
        )
    ).scalar_one()
    data = json.loads(drawn)
    assert opened > created and data["seed"] == frozen.seed and len(frozen.seed) == 64
    assert listing.lot_order(data["seed"], sorted(data["members"])) == data["members"]
    on_ballot = db.session.execute(
        select(PollCandidate.candidacy_id)
        .where(PollCandidate.poll_id == poll.id)
        .order_by(PollCandidate.position)
    ).scalars()
    assert list(on_ballot) == data["candidacies"]  # the ballot is in the lot's order
    assert polls.lot_seed() != polls.lot_seed()


def test_a_later_withdrawal_keeps_the_order_of_the_others_art_22_2(lot_conference, app, db):
    from congress.conference.operations import committee_of

    conference = lot_conference
    approve_directly(db, conference, free_members(db, 5))
    with app.test_request_context(), write_intent():
        listing.freeze_list(conference, CC, None, seed="2" * 64)
        db.session.commit()
    before = [c.id for c in listing.ballot_list(conference, CC)]
    leaving = db.session.get(Candidacy, before[2])
    with app.test_request_context(), write_intent():
        operations.mark_withdrawn_by_committee(leaving, "انسحب", committee_of(conference)[0])
        db.session.commit()
    after = [c.id for c in listing.ballot_list(conference, CC)]
    assert after == [cid for cid in before if cid != leaving.id]
    assert listing.excluded(conference, CC) == {leaving.id}


def test_the_review_page_warns_of_too_few_candidates_and_youth_art_15_1_and_15_2(
    app, db, make_browser
):
    conference = conference_in(20)
    html = (
        committee(make_browser).get(f"/conferences/{conference.id}/review").get_data(as_text=True)
    )
    assert "لا تفي قائمة المرشّحين المعتمدين" in html
    assert "#art-15.1" in html and "#art-15.2" in html
    kinds = {w.kind for w in listing.feasibility(conference, CC)}
    assert {"seats", "undecided"} <= kinds


def test_enough_candidates_in_too_few_branches_breaks_the_cap_art_15_3(app, db):
    conference = conference_in(20)
    with write_intent():
        for c in db.session.execute(select(Candidacy)).scalars():
            db.session.delete(c)
        db.session.commit()
    members = free_members(db, 20, "SY") + free_members(db, 16, "TR") + free_members(db, 4, "EU")
    with write_intent():
        for m in members:
            m.birth_date = date(1996, 1, 1)  # all youth: the youth quota is met
        db.session.commit()
    approve_directly(db, conference, members)
    warnings = listing.feasibility(conference, CC)
    assert [w.kind for w in warnings] == ["branch_cap"]
    assert warnings[0].article == "15.3" and "36" in warnings[0].message.en


def test_youth_from_one_branch_cannot_fill_the_quota_past_the_cap_art_15_3(app, db):
    conference = conference_in(20)
    text = example_text().replace('at_least = "25%"', 'at_least = "50%"')  # 20 youth seats
    with write_intent():
        conference.bylaws_version_id = upload(text, filename="cap.toml").id
        db.session.commit()
    db.session.refresh(conference)
    youth = free_members(db, 20, "SY")  # all in one branch, capped at 16
    with write_intent():
        for m in youth:
            m.birth_date = date(2000, 1, 1)
        db.session.commit()
    approve_directly(db, conference, youth)
    kinds = {w.kind: w for w in listing.feasibility(conference, CC)}
    assert "quota_cap" in kinds and kinds["quota_cap"].article == "15.3"
    assert re.search(r"16 مقعدًا", kinds["quota_cap"].message.ar)


def test_members_of_is_none_until_a_composition_is_certified(app, db):
    conference = conference_in(20)
    assert operations.members_of(conference, CC) is None
    member = free_members(db, 1)[0]
    certify(conference, CC, [member])
    assert operations.members_of(conference, CC) == {member.id}
