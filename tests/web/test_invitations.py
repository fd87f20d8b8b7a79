"""Activation links: one clear message for a reused, guessed, revoked or expired token, and
no hint whether an account exists."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from congress.conference import invitations
from congress.conference.models import Invitation
from congress.database import write_intent
from congress.models_common import utcnow
from scenario import demo_conference, designated

INVALID = "لا يمكن استخدام رابط التفعيل هذا"


@pytest.fixture
def link(app, db):
    conference = demo_conference()
    delegate = designated(conference, 1, accredit=False, sitting=False)[0]
    with app.test_request_context(), write_intent():
        invitation, url = invitations.issue(delegate, actor=None)
        db.session.commit()
    return invitation.id, url.split("localhost", 1)[1]


def activate(browser, path):
    return browser.post(
        path,
        {
            "password": "delegate-secret-1",
            "confirm": "delegate-secret-1",
            "language": "ar",
            "timezone": "Asia/Damascus",
        },
        page=path,
    )


def test_the_token_is_stored_only_as_a_hash(link, db):
    invitation_id, path = link
    token = path.rsplit("/", 1)[1]
    stored = db.session.get(Invitation, invitation_id).token_hash
    assert token not in stored and len(stored) == 64


def test_a_reused_link_gets_the_same_message_as_a_guessed_one(link, browser, make_browser):
    _, path = link
    assert activate(browser, path).status_code == 302
    reused = make_browser().get(path)
    guessed = make_browser().get(path[:-4] + "abcd")
    assert reused.status_code == guessed.status_code == 404
    body = lambda r: r.get_data(as_text=True).split("<main")[1]  # noqa: E731 (header differs)
    assert INVALID in body(reused) and body(reused) == body(guessed)


def test_an_expired_link_is_refused(link, browser, db):
    invitation_id, path = link
    db.session.get(Invitation, invitation_id).expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert INVALID in browser.get(path).get_data(as_text=True)


def test_a_new_link_makes_the_old_one_useless(link, app, db, browser):
    invitation_id, path = link
    delegate = db.session.get(Invitation, invitation_id).delegate
    with app.test_request_context(), write_intent():
        invitations.issue(delegate, actor=None)
        db.session.commit()
    assert browser.get(path).status_code == 404


def test_a_weak_password_keeps_the_link_usable(link, browser, db):
    _, path = link
    weak = browser.post(
        path,
        {"password": "123456", "confirm": "123456", "language": "ar", "timezone": "Asia/Damascus"},
        page=path,
    )
    assert weak.status_code == 422
    assert db.session.execute(select(Invitation.used_at)).scalar() is None
    assert activate(browser, path).status_code == 302


def test_any_member_can_get_an_account_link_and_then_stand(
    app, db, make_browser, login_as, browser
):
    """A member who is not a delegate activates an account (so they can stand)."""
    from congress.members.models import Member

    demo_conference()
    member = (
        db.session.execute(
            select(Member).where(Member.status == "active").order_by(Member.id.desc())
        )
        .scalars()
        .first()
    )
    login_as("credentials_officer")
    page = browser.post(f"/members/{member.id}/invite", page="/members/")
    assert page.status_code == 200, page.get_data(as_text=True)[-1500:]
    link = page.get_data(as_text=True).split('<code dir="ltr" class="link">')[1].split("<")[0]
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    phone = make_browser()
    done = activate(phone, path)
    assert done.status_code == 302 and done.headers["Location"] == "/"
    assert "تسجيل الخروج" in phone.get("/").get_data(as_text=True)
    from congress.auth.models import User

    assert db.session.execute(select(User).where(User.member_id == member.id)).scalar_one()
