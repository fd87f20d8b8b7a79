"""Issue 14.7: staff can no longer take over an account silently. With mail configured the
link reaches only the member; without it the officer who saw the link is recorded, the
activation names them, and the member sees it on their account page and can report it."""

import json
import re

import pytest
from sqlalchemy import select

from congress.audit.models import AuditEntry
from congress.auth.models import User
from congress.conference.models import Invitation
from scenario import designated
from smtp_sink import SmtpSink

OFFICER = ("credentials@congress.test", "credentials-demo-2026")


@pytest.fixture
def officer(demo, make_browser):
    b = make_browser()
    assert b.login(*OFFICER).status_code == 302
    return b


def invite(officer, conference, delegate):
    base = f"/conferences/{conference.id}/delegates"
    return officer.post(f"{base}/{delegate.id}/invite", page=base)


def activate(browser, path):
    data = {
        "password": "delegate-secret-1",
        "confirm": "delegate-secret-1",
        "language": "ar",
        "timezone": "Asia/Damascus",
    }
    return browser.post(path, data, page=path)


def entry(db, action):
    data = (
        db.session.execute(
            select(AuditEntry.data)
            .where(AuditEntry.action == action)
            .order_by(AuditEntry.seq.desc())
        )
        .scalars()
        .first()
    )
    return json.loads(data)


@pytest.fixture
def sink():
    with SmtpSink() as server:
        yield server


@pytest.fixture
def app_config(app_config, request):
    if "sink" in request.fixturenames:
        server = request.getfixturevalue("sink")
        return {
            **app_config,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": server.port,
            "MAIL_USE_TLS": False,
        }
    return app_config


def test_with_mail_the_link_reaches_only_the_member(sink, demo, officer, make_browser, db):
    delegate = designated(demo, 1, accredit=False, sitting=False)[0]
    page = invite(officer, demo, delegate).get_data(as_text=True)
    page += officer.get(f"/conferences/{demo.id}/delegates").get_data(as_text=True)
    assert "/activate/" not in page
    [message] = sink.messages
    assert message["To"] == delegate.member.email
    path = re.search(
        r"https?://[^/\s]+(/\S*activate/\S+)", message.get_payload(decode=True).decode()
    ).group(1)
    member = make_browser()
    assert activate(member, path).status_code == 302
    assert "no one else saw it" in member.get("/account").get_data(as_text=True) or (
        "لم يره أحد سواك" in member.get("/account").get_data(as_text=True)
    )
    assert entry(db, "invitation.account_activated")["link_seen_by"] is None


def test_without_mail_an_officer_who_uses_the_link_is_named_everywhere(
    demo, officer, make_browser, db
):
    delegate = designated(demo, 1, accredit=False, sitting=False)[0]
    page = invite(officer, demo, delegate).get_data(as_text=True)
    path = re.search(r'class="link">https?://[^/<]+(/[^<]*activate/[^<]+)<', page).group(1)
    officer_user = db.session.execute(select(User).where(User.email == OFFICER[0])).scalar_one()
    assert db.session.execute(select(Invitation)).scalar_one().shown_to_staff
    assert entry(db, "invitation.issued")["shown_to"] == f"user:{officer_user.id}"
    # the officer takes the account over before the delegate does
    thief = make_browser()
    assert activate(thief, path).status_code == 302
    assert entry(db, "invitation.account_activated")["link_seen_by"] == f"user:{officer_user.id}"
    # when the member gets into the account, the page says who saw the link
    account = thief.get("/account").get_data(as_text=True)
    assert officer_user.name in account
    report = thief.post("/account/report-activation", {"note": "لم أفعّل حسابي"}, page="/account")
    assert report.status_code == 302
    reported = entry(db, "auth.activation_reported")
    assert reported["channel"] == "outbox" and reported["note"] == "لم أفعّل حسابي"
    from pathlib import Path

    from flask import current_app

    outbox = "\n".join(
        p.read_text() for p in (Path(current_app.instance_path) / "outbox").glob("*.eml")
    )
    assert "committee1@congress.test" in outbox and "admin@congress.test" in outbox
    user = db.session.execute(select(User).where(User.member_id == delegate.member_id)).scalar_one()
    assert user.activated_via_id is not None and user.session_version >= 2
