"""Issue 15.3: forgotten passwords, and the administrator's account controls.

A reset link is asked for with the same answer whether or not the email has an account,
goes to the account's address (the outbox without a mail server), works once within the
hour and ends every other session; the administrator disables an account or forces a new
password, audited, never on their own account; a member who already has an account is
told to log in or reset, not handed a dead link."""

import re
from datetime import timedelta
from email import message_from_bytes
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from congress.audit.models import AuditEntry
from congress.auth.models import PasswordReset, User
from congress.conference.models import Invitation
from congress.models_common import utcnow
from support import PASSWORD

NEW = "a-brand-new-secret-42"


def outbox() -> list[str]:
    """Each message of the outbox as "To: ..." and its decoded text."""
    folder = Path(current_app.instance_path) / "outbox"
    mails = []
    paths = (
        sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns) if folder.exists() else []
    )
    for path in paths:
        message = message_from_bytes(path.read_bytes())
        mails.append(f"To: {message['To']}\n" + message.get_payload(decode=True).decode())
    return mails


def reset_path(mail: str) -> str:
    return re.search(r"https?://[^/\s]+(/reset/[A-Za-z0-9_\-]+)", mail).group(1)


def ask(browser, email):
    return browser.post("/forgot-password", {"email": email}, page="/forgot-password")


def actions(db):
    return list(db.session.execute(select(AuditEntry.action).order_by(AuditEntry.seq)).scalars())


def test_the_same_answer_whether_or_not_the_account_exists(browser, make_browser, make_user, db):
    user = make_user()
    known = ask(browser, user.email)
    other = make_browser()
    unknown = ask(other, "nobody@example.org")
    assert known.status_code == unknown.status_code == 302

    def body(b):
        html = b.get("/login").get_data(as_text=True).split("<main")[1]
        return re.sub(r'name="csrf_token"[^>]*>', "", html)

    assert body(browser).replace(user.email, "") == body(other)
    assert len(outbox()) == 1 and user.email in outbox()[0]
    assert "auth.password_reset_requested" in actions(db)


def test_a_link_sets_a_new_password_once_and_ends_every_other_session(
    browser, make_browser, make_user, db
):
    user = make_user()
    elsewhere = make_browser()
    elsewhere.login(user.email, PASSWORD)
    ask(browser, user.email)
    path = reset_path(outbox()[0])
    weak = browser.post(path, {"new": "123", "confirm": "123"}, page=path)
    assert weak.status_code == 422  # refused, and the link still works
    done = browser.post(path, {"new": NEW, "confirm": NEW}, page=path)
    assert done.status_code == 302
    assert browser.get(path).status_code == 404  # spent
    assert "تسجيل الخروج" not in elsewhere.get("/").get_data(as_text=True)
    assert make_browser().login(user.email, PASSWORD).status_code != 302
    assert make_browser().login(user.email, NEW).status_code == 302
    assert "auth.password_reset" in actions(db)


def test_an_expired_or_replaced_link_is_refused(browser, make_user, db):
    user = make_user()
    ask(browser, user.email)
    first = reset_path(outbox()[0])
    ask(browser, user.email)
    assert browser.get(first).status_code == 404  # replaced by the newer link
    second = reset_path(outbox()[1])
    reset = (
        db.session.execute(select(PasswordReset).order_by(PasswordReset.id.desc()))
        .scalars()
        .first()
    )
    reset.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert browser.get(second).status_code == 404


def test_the_administrator_disables_and_forces_a_new_password_never_on_themself(
    browser, make_browser, login_as, make_user, db
):
    admin = login_as("administrator")
    user = make_user()
    phone = make_browser()
    phone.login(user.email, PASSWORD)
    assert browser.post(f"/admin/users/{user.id}/disable", page="/admin/users").status_code == 302
    assert "تسجيل الخروج" not in phone.get("/").get_data(as_text=True)  # the session ended
    assert make_browser().login(user.email, PASSWORD).status_code != 302
    assert browser.post(f"/admin/users/{user.id}/enable", page="/admin/users").status_code == 302
    assert (
        browser.post(f"/admin/users/{user.id}/force-reset", page="/admin/users").status_code == 302
    )
    assert make_browser().login(user.email, PASSWORD).status_code != 302
    path = reset_path(outbox()[-1])
    assert make_browser().post(path, {"new": NEW, "confirm": NEW}, page=path).status_code == 302
    assert make_browser().login(user.email, NEW).status_code == 302
    refused = browser.post(f"/admin/users/{admin.id}/disable", page="/admin/users")
    assert refused.status_code == 303
    db.session.expire_all()
    assert db.session.get(User, admin.id).active
    logged = actions(db)
    for action in ("auth.account_disabled", "auth.account_enabled", "auth.password_reset_forced"):
        assert action in logged


def test_a_member_with_an_account_gets_no_dead_link(demo, make_browser, db):
    from scenario import delegate_users

    users = delegate_users(demo, 1)
    officer = make_browser()
    officer.login("credentials@congress.test", "credentials-demo-2026")
    delegate_id = db.session.execute(select(func.min(Invitation.id))).scalar()  # none yet
    assert delegate_id is None
    from congress.conference.models import Delegate

    delegate = db.session.execute(
        select(Delegate).where(Delegate.member_id == users[0].member_id)
    ).scalar_one()
    base = f"/conferences/{demo.id}/delegates"
    response = officer.post(f"{base}/{delegate.id}/invite", page=base)
    assert response.status_code == 303
    assert "نسيت كلمة المرور" in officer.get(base).get_data(as_text=True)
    assert db.session.execute(select(func.count(Invitation.id))).scalar() == 0
