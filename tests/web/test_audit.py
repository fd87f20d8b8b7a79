"""The audit log: logins are recorded, the chain verifies, tampering is found."""

import pytest
from sqlalchemy import select, text

from congress.audit.models import AuditEntry
from congress.audit.operations import record, verify_chain
from support import PASSWORD


def actions(db):
    return db.session.execute(select(AuditEntry.action).order_by(AuditEntry.seq)).scalars().all()


def test_successful_and_failed_logins_are_audited(browser, make_user, db):
    user = make_user()
    browser.login(user.email, "wrong-password-1")
    browser.login(user.email, PASSWORD)
    browser.login("nobody@example.org", "wrong-password-2")
    logged = actions(db)
    assert logged[-3:] == ["auth.login_failed", "auth.login", "auth.login_failed"]
    datas = db.session.execute(select(AuditEntry.data).order_by(AuditEntry.seq)).scalars().all()
    assert all(PASSWORD not in d and "wrong-password" not in d for d in datas)


def test_the_observer_sees_the_entries_with_filters(browser, login_as, make_user):
    make_user()
    login_as("observer")
    html = browser.get("/audit/?action=auth.user").get_data(as_text=True)
    assert 'data-action="auth.user_created"' in html and 'data-action="auth.login"' not in html
    assert "السلسلة سليمة" in browser.get("/audit/verify").get_data(as_text=True)


def test_logins_are_listed_to_administrators_only_and_kept_to_the_day(
    browser, make_browser, login_as, make_user, db
):
    """Issue 14.3: who logged in when gives the order in which members came to vote. The
    entries stay in the chain (it verifies whole) but only an administrator lists them,
    and an account keeps the day of its last login, not the time."""
    from congress.auth.models import User

    member = make_user()
    make_browser().login(member.email, PASSWORD)
    login_as("observer")
    html = browser.get("/audit/?action=auth").get_data(as_text=True)
    assert 'data-action="auth.login"' not in html
    assert "السلسلة سليمة" in browser.get("/audit/verify").get_data(as_text=True)
    admin = make_browser()
    admin_user = make_user(roles=("administrator",))
    admin.login(admin_user.email, PASSWORD)
    assert 'data-action="auth.login"' in admin.get("/audit/?action=auth").get_data(as_text=True)
    seen = db.session.get(User, member.id).last_login_at
    assert (seen.hour, seen.minute, seen.second, seen.microsecond) == (0, 0, 0, 0)


def test_a_delegate_without_a_role_cannot_read_the_audit_log(browser, login_as):
    login_as()
    assert browser.get("/audit/").status_code == 403


def _tamper(db, backend, sql):
    table = "audit_entries"
    if backend == "postgresql":
        db.session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        db.session.execute(text(sql))
        db.session.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
    else:
        db.session.execute(text(f"DROP TRIGGER {table}_no_update"))
        db.session.execute(text(f"DROP TRIGGER {table}_no_delete"))
        db.session.execute(text(sql))
    db.session.commit()


def _three_entries(db):
    for n in range(3):
        record("test.entry", subject=f"thing:{n}", data={"n": n})
    db.session.commit()


def test_the_database_refuses_to_update_or_delete_audit_rows(db):
    _three_entries(db)
    for sql in ("UPDATE audit_entries SET actor = 'x'", "DELETE FROM audit_entries"):
        with pytest.raises(Exception, match="append-only"):
            db.session.execute(text(sql))
        db.session.rollback()


def test_audit_verify_finds_a_tampered_row(db, runner, backend):
    _three_entries(db)
    assert runner.invoke(args=["congress", "audit", "verify"]).exit_code == 0
    _tamper(db, backend, "UPDATE audit_entries SET subject = 'thing:9' WHERE seq = 2")
    result = runner.invoke(args=["congress", "audit", "verify"])
    assert result.exit_code == 1
    assert "BROKEN at entry 2" in result.output


def test_audit_verify_finds_a_deleted_last_row(db, runner, backend):
    _three_entries(db)
    _tamper(db, backend, "DELETE FROM audit_entries WHERE seq = 3")
    result = runner.invoke(args=["congress", "audit", "verify"])
    assert result.exit_code == 1 and "entry 3" in result.output
    assert not verify_chain().ok
