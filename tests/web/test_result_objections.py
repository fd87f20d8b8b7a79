"""Objections to a certified result (Article 30.2 of the example bylaws: 48 hours from
certification): a delegate files one, with its grounds, within the window; the election
committee upholds or rejects it with a reason; both show with the result, in the export
(which `congress verify` checks against the audit chain) and in the minutes."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from demo_steps import cast_all, count_and_certify, open_poll
from demo_steps import committee as committee_users
from pypdf import PdfReader
from sqlalchemy import select

from congress.audit.models import AuditEntry
from congress.auth.models import User
from congress.core.bylaws import load_bylaws
from congress.core.bylaws.validate import example_path
from congress.database import write_intent
from congress.extensions import db as _db
from congress.members.models import Member
from congress.models_common import utcnow
from congress.results import objections
from congress.results.models import ResultObjection
from congress.voting import polls
from congress.voting.models import Poll
from support import PASSWORD

ARTICLE = "30.2"
ARTICLE_LINK = f'href="/bylaws#art-{ARTICLE}"'
GROUNDS = "Ballots from branch EU were counted twice."
ANSWER = "The count was repeated and matches the recorded result."


def browser_of(make_browser, user, *, language: str | None = None):
    if language is not None:
        with write_intent():
            _db.session.get(User, user.id).language = language
            _db.session.commit()
    b = make_browser()
    assert b.login(user.email, PASSWORD).status_code == 302
    return b


def committee_member(make_browser, n: int, language: str = "en"):
    user = committee_users()[n - 1]
    with write_intent():
        _db.session.get(User, user.id).language = language
        _db.session.commit()
    b = make_browser()
    assert b.login(user.email, "committee-demo-2026").status_code == 302
    return b


@pytest.fixture
def certified(session_with, db):
    """A policy paper certified by three of the committee; four accredited delegates."""
    conference, users = session_with(4)
    with write_intent():
        poll = polls.create_motion(
            conference,
            title_ar="ورقة التوجهات",
            title_en="Policy directions",
            text_ar="نص.",
            text_en="Text.",
            category="policy_paper",
            actor=committee_users()[0],
        )
        db.session.commit()
    open_poll(poll)
    cast_all(poll, zip([u.member_id for u in users], [{"answer": "yes"}] * 4, strict=True))
    count_and_certify(poll)
    db.session.refresh(poll)
    assert poll.state == "certified" and poll.objections_until > utcnow()
    return conference, users, poll


def file(browser, poll, reason=GROUNDS):
    url = f"/polls/{poll.id}/result"
    return browser.post(f"/polls/{poll.id}/objection", {"reason": reason}, page=url)


def decide(browser, poll, objection_id, outcome="rejected", answer=ANSWER):
    return browser.post(
        f"/polls/{poll.id}/objection/decide",
        {"objection": objection_id, "outcome": outcome, "answer": answer},
        page=f"/polls/{poll.id}/result",
    )


def rows(poll) -> list[ResultObjection]:
    _db.session.expire_all()
    return list(
        _db.session.execute(
            select(ResultObjection).where(ResultObjection.poll_id == poll.id)
        ).scalars()
    )


def entries(action: str, poll) -> list[dict]:
    found = _db.session.execute(
        select(AuditEntry).where(
            AuditEntry.action == action, AuditEntry.subject == f"poll:{poll.id}"
        )
    ).scalars()
    return [json.loads(e.data) for e in found]


def move_window(poll, hours_ago: float) -> None:
    """Pretend the result was certified `hours_ago` hours ago (the window is 48 hours)."""
    with write_intent():
        row = _db.session.get(Poll, poll.id)
        row.certified_at = utcnow() - timedelta(hours=hours_ago)
        row.objections_until = row.certified_at + timedelta(hours=48)
        _db.session.commit()


# --- the rule, pure ---------------------------------------------------------------------


def test_the_window_is_open_until_its_end_exclusive_and_names_the_article():
    bylaws = load_bylaws(example_path().read_text(encoding="utf-8"))
    closes = datetime(2026, 5, 3, 12, 0, tzinfo=UTC)
    assert bylaws.objections_open(closes - timedelta(seconds=1), closes).ok
    late = bylaws.objections_open(closes, closes)
    assert not late.ok and late.article == ARTICLE
    (reason,) = late.reasons
    assert reason.article == ARTICLE and "2026-05-03 15:00" in reason.message.en  # Damascus
    assert "2026-05-03 15:00" in reason.message.ar
    deadline = bylaws.objection_deadline(closes - timedelta(hours=48))
    assert deadline.value == closes and deadline.article == ARTICLE


# --- filing -------------------------------------------------------------------------------


def test_a_delegate_files_an_objection_within_the_window_and_it_is_audited(
    certified, make_browser, db
):
    _, users, poll = certified
    delegate = browser_of(make_browser, users[0], language="en")
    page = delegate.get(f"/polls/{poll.id}/result").get_data(as_text=True)
    assert f'action="/polls/{poll.id}/objection"' in page and ARTICLE_LINK in page
    response = file(delegate, poll)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/polls/{poll.id}/result#objections")
    (row,) = rows(poll)
    assert (
        row.reason == GROUNDS and row.outcome == "" and row.delegate.member_id == users[0].member_id
    )
    (filed,) = entries("result.objection_filed", poll)
    assert filed["objection"] == row.id and filed["article"] == ARTICLE
    assert filed["reason_sha256"] == objections.text_sha256(GROUNDS)
    shown = delegate.get(f"/polls/{poll.id}/result").get_data(as_text=True)
    assert GROUNDS in shown and "awaiting the committee" in shown
    assert f'action="/polls/{poll.id}/objection"' not in shown  # one is enough


def test_a_second_objection_by_the_same_delegate_is_refused(certified, make_browser, db):
    _, users, poll = certified
    delegate = browser_of(make_browser, users[0], language="en")
    assert file(delegate, poll).status_code == 302
    again = file(delegate, poll, "Another ground.")
    assert again.status_code == 409
    page = again.get_data(as_text=True)
    assert "already objected" in page and ARTICLE_LINK in page
    assert [r.reason for r in rows(poll)] == [GROUNDS]
    assert len(entries("result.objection_filed", poll)) == 1


def test_an_objection_after_the_window_is_refused_naming_the_article(certified, make_browser, db):
    _, users, poll = certified
    move_window(poll, hours_ago=47.9)  # still open: a few minutes left
    assert file(browser_of(make_browser, users[1]), poll).status_code == 302
    move_window(poll, hours_ago=48.1)
    delegate = browser_of(make_browser, users[0], language="en")
    page = delegate.get(f"/polls/{poll.id}/result").get_data(as_text=True)
    assert f'action="/polls/{poll.id}/objection"' not in page
    assert "The time for objections ended on" in page
    late = file(delegate, poll)
    text = late.get_data(as_text=True)
    assert late.status_code == 409 and ARTICLE_LINK in text
    assert "the time for objections to this result ended on" in text
    assert len(rows(poll)) == 1


@pytest.mark.parametrize("who", ["member", "observer", "committee", "designated", "withdrawn"])
def test_only_an_accredited_delegate_may_object(who, certified, make_browser, make_user, db):
    _, users, poll = certified
    if who == "committee":
        browser = committee_member(make_browser, 4)
    elif who in ("designated", "withdrawn"):
        from congress.conference.models import Delegate

        with write_intent():
            delegate = db.session.execute(
                select(Delegate).where(Delegate.member_id == users[0].member_id)
            ).scalar_one()
            delegate.status = "designated" if who == "designated" else "withdrawn"
            db.session.commit()
        browser = browser_of(make_browser, users[0], language="en")
    else:
        roles = ("observer",) if who == "observer" else ()
        user = make_user(roles=roles, language="en")
        browser = make_browser()
        assert browser.login(user.email, PASSWORD).status_code == 302
    assert f'action="/polls/{poll.id}/objection"' not in browser.get(
        f"/polls/{poll.id}/result"
    ).get_data(as_text=True)
    refused = file(browser, poll)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 403
    assert "Only the accredited delegates of the conference may object" in page
    assert ARTICLE_LINK in page
    assert rows(poll) == [] and entries("result.objection_filed", poll) == []


def test_an_objection_needs_grounds_and_a_certified_result(certified, make_browser, db):
    conference, users, poll = certified
    delegate = browser_of(make_browser, users[0], language="en")
    empty = file(delegate, poll, "   ")
    assert empty.status_code == 422 and "Write the grounds of the objection" in empty.get_data(
        as_text=True
    )
    too_long = file(delegate, poll, "x" * 4001)
    assert too_long.status_code == 422 and "x" * 4001 in too_long.get_data(as_text=True)
    assert rows(poll) == []
    with write_intent():  # a result not yet certified is not shown to a delegate at all
        draft = polls.create_motion(
            conference,
            title_ar="مسودة",
            title_en="Draft",
            text_ar="نص",
            text_en="Text",
            category="ordinary",
            actor=committee_users()[0],
        )
        db.session.commit()
    assert file(delegate, draft).status_code == 404
    assert (
        browser_of(make_browser, users[1])
        .post(f"/polls/{poll.id}/objection", {"reason": GROUNDS}, page="/")
        .status_code
        == 302
    )
    anonymous = make_browser().post(f"/polls/{poll.id}/objection", {"reason": GROUNDS}, page="/")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert len(rows(poll)) == 1


# --- deciding -----------------------------------------------------------------------------


def test_the_committee_decides_each_objection_with_a_reason(
    certified, make_browser, make_user, app, db
):
    _, users, poll = certified
    for user in users[:2]:
        assert file(browser_of(make_browser, user), poll).status_code == 302
    first, second = rows(poll)
    chair = committee_member(make_browser, 1)
    page = chair.get(f"/polls/{poll.id}/result").get_data(as_text=True)
    assert f'action="/polls/{poll.id}/objection/decide"' in page
    assert f'name="objection" value="{first.id}"' in page
    assert f'name="objection" value="{second.id}"' in page

    # refused: no reason, no outcome, an unknown objection; nothing decided
    assert decide(chair, poll, first.id, answer=" ").status_code == 303
    assert decide(chair, poll, first.id, outcome="maybe").status_code == 303
    assert decide(chair, poll, 999_999).status_code == 303
    assert (
        chair.post(f"/polls/{poll.id}/objection/decide", page=f"/polls/{poll.id}").status_code
        == 303
    )
    assert [r.outcome for r in rows(poll)] == ["", ""]
    # not the committee of this conference: refused by the permission layer
    delegate = browser_of(make_browser, users[2])
    assert decide(delegate, poll, first.id).status_code == 403
    outsider = make_user(roles=("election_committee",))
    stranger = make_browser()
    assert stranger.login(outsider.email, PASSWORD).status_code == 302
    assert decide(stranger, poll, first.id).status_code == 403
    assert [r.outcome for r in rows(poll)] == ["", ""]

    outbox = Path(app.instance_path) / "outbox"
    before = set(outbox.glob("*.eml")) if outbox.exists() else set()
    assert decide(chair, poll, first.id, "upheld", "The EU count is repeated.").status_code == 302
    assert decide(committee_member(make_browser, 2), poll, first.id).status_code == 303  # final
    assert decide(committee_member(make_browser, 2), poll, second.id).status_code == 302
    first, second = rows(poll)
    assert (first.outcome, first.answer) == ("upheld", "The EU count is repeated.")
    assert (second.outcome, second.answer) == ("rejected", ANSWER)
    assert first.decided_by_id == committee_users()[0].id and second.decided_at is not None
    decided = entries("result.objection_decided", poll)
    assert [(d["objection"], d["outcome"]) for d in decided] == [
        (first.id, "upheld"),
        (second.id, "rejected"),
    ]
    assert decided[1]["answer_sha256"] == objections.text_sha256(ANSWER)
    # each delegate is told, by mail or (here) in the outbox
    mailed = {p.name for p in set(outbox.glob("*.eml")) - before}
    for user in users[:2]:
        slug = user.email.split("@")[0]
        assert any(slug in name for name in mailed), (slug, mailed)


def test_the_committees_home_page_lists_the_objections_to_decide(certified, make_browser, db):
    _, users, poll = certified
    chair = committee_member(make_browser, 1)
    assert f"/polls/{poll.id}/result#objections" not in chair.get("/").get_data(as_text=True)
    file(browser_of(make_browser, users[0]), poll)
    home = chair.get("/").get_data(as_text=True)
    assert f'href="/polls/{poll.id}/result#objections"' in home
    assert "1 objection to Policy directions awaits" in home


# --- where they show ----------------------------------------------------------------------


def test_objections_and_decisions_show_with_the_result_for_every_reader(
    certified, make_browser, make_user, db
):
    _, users, poll = certified
    file(browser_of(make_browser, users[0]), poll)
    file(browser_of(make_browser, users[1]), poll, "A second, different ground.")
    first, _second = rows(poll)
    decide(committee_member(make_browser, 1), poll, first.id)
    reader = make_user(language="en")
    member = make_browser()
    assert member.login(reader.email, PASSWORD).status_code == 302
    for url in (f"/polls/{poll.id}/result", f"/polls/{poll.id}/result?print=1"):
        page = member.get(url).get_data(as_text=True)
        assert GROUNDS in page and "A second, different ground." in page
        assert ANSWER in page and "rejected" in page and "awaiting the committee" in page
        # who objected is public, as the objection is (in English, the Latin name)
        assert db.session.get(Member, users[0].member_id).display_name("en") in page
        assert 'action="/polls/' not in page.split('id="objections"')[1].split("</ol>")[0]


def test_a_result_is_final_only_when_every_objection_is_decided_and_none_upheld(
    certified, make_browser, db
):
    """Article 30.2: final once the window has passed, unless an objection awaits its
    decision or was upheld."""
    _, users, poll = certified
    now = utcnow()
    assert objections.status_of(poll, now) == "objections"
    file(browser_of(make_browser, users[0]), poll)
    move_window(poll, hours_ago=49)
    db.session.expire_all()
    poll = db.session.get(Poll, poll.id)
    assert objections.status_of(poll, utcnow()) == "pending"
    chair = committee_member(make_browser, 1)
    page = chair.get(f"/polls/{poll.id}/result").get_data(as_text=True)
    assert "once the committee has decided every objection" in page
    (row,) = rows(poll)
    assert decide(chair, poll, row.id, "upheld").status_code == 302  # after the window, too
    db.session.expire_all()
    poll = db.session.get(Poll, poll.id)
    assert objections.status_of(poll, utcnow()) == "upheld"
    assert "this result is not final" in chair.get(f"/polls/{poll.id}/result").get_data(
        as_text=True
    )


def test_the_export_carries_the_objections_and_verify_checks_them(
    certified, make_browser, runner, tmp_path, db
):
    _, users, poll = certified
    file(browser_of(make_browser, users[0]), poll)
    file(browser_of(make_browser, users[1]), poll, "اعتراض على الفرز")
    first, _ = rows(poll)
    decide(committee_member(make_browser, 1), poll, first.id)
    out = tmp_path / "poll.json"
    assert runner.invoke(args=["congress", "export", str(poll.id), str(out)]).exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    listed = data["certification"]["objections"]
    assert [(o["reason"], o["outcome"], o["answer"]) for o in listed] == [
        (GROUNDS, "rejected", ANSWER),
        ("اعتراض على الفرز", "", ""),
    ]
    assert listed[0]["member"] == db.session.get(Member, users[0].member_id).number
    assert data["certification"]["objections_until"] == poll.objections_until.isoformat()
    verified = runner.invoke(args=["congress", "verify", str(out)])
    assert verified.exit_code == 0, verified.output
    assert "objections" in verified.output

    def verify_with(change) -> str:
        edited = json.loads(json.dumps(data))
        change(edited["certification"]["objections"])
        out.write_text(json.dumps(edited), encoding="utf-8")
        result = runner.invoke(args=["congress", "verify", str(out)])
        assert result.exit_code == 1
        return result.output

    def reword(listed):
        listed[0]["reason"] = "Something else."

    def overturn(listed):
        listed[0]["outcome"] = "upheld"

    def hide(listed):
        listed.pop()

    for change in (reword, overturn, hide):
        assert "FAIL objections" in verify_with(change), change.__name__
    # the same export from the result page
    member = browser_of(make_browser, users[3])
    downloaded = json.loads(member.get(f"/polls/{poll.id}/export.json").get_data(as_text=True))
    assert downloaded["certification"]["objections"] == listed


def test_the_minutes_record_each_objection_and_its_decision(certified, make_browser, db):
    conference, users, poll = certified
    file(browser_of(make_browser, users[0]), poll)
    file(browser_of(make_browser, users[1]), poll, "The quorum was not checked.")
    first, _ = rows(poll)
    decide(committee_member(make_browser, 1), poll, first.id)
    reader = browser_of(make_browser, users[3])
    response = reader.get(f"/conferences/{conference.id}/minutes.pdf?lang=en")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(response.get_data())).pages
    )
    text = " ".join(text.split())
    assert GROUNDS in text and "The quorum was not checked." in text
    assert ANSWER in text and "rejected" in text
    assert "Objection 1 by" in text and "Objection 2 by" in text
    assert "awaiting the committee's decision" in text
    assert f"Article {ARTICLE}" in text
