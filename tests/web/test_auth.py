"""Accounts: login, CSRF, rate limits, password changes, roles and fresh logins."""

import pytest
from argon2 import PasswordHasher, Type
from sqlalchemy import select

from congress.audit.models import AuditEntry
from congress.auth.models import User
from support import PASSWORD


def test_login_is_case_insensitive_on_email(browser, make_user):
    user = make_user("Layla@Example.org")
    assert user.email == "layla@example.org"
    assert browser.login("LAYLA@example.ORG", PASSWORD).status_code == 302


def test_a_wrong_email_and_a_wrong_password_get_the_same_answer(browser, make_user):
    user = make_user()
    wrong_password = browser.login(user.email, "not-the-password").get_data(as_text=True)
    wrong_email = browser.login("nobody@example.org", PASSWORD).get_data(as_text=True)
    strip = lambda html: html.split('name="csrf_token"')[0] + html.split("</form>")[-1]  # noqa: E731
    assert "البريد الإلكتروني أو كلمة المرور غير صحيحة" in wrong_password
    assert strip(wrong_password).replace(user.email, "") == strip(wrong_email).replace(
        "nobody@example.org", ""
    )


def test_a_post_without_csrf_token_is_refused_and_changes_nothing(client, make_user, db):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "انتهت صلاحية النموذج" in response.get_data(as_text=True)
    assert db.session.get(User, user.id).last_login_at is None


def test_a_forged_csrf_token_is_refused(browser, make_user):
    user = make_user()
    browser.token("/login")
    response = browser.client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "csrf_token": "forged.token.value"},
    )
    assert response.status_code == 400


def test_a_csrf_token_from_another_session_is_refused(browser, make_browser, make_user):
    user = make_user()
    foreign = make_browser().token("/login")
    browser.token("/login")
    response = browser.client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": foreign}
    )
    assert response.status_code == 400


@pytest.fixture
def app_config(app_config):
    return {
        **app_config,
        "LOGIN_LIMIT_PER_ACCOUNT": "3 per minute",
        "LOGIN_LIMIT_PER_ADDRESS": "6 per minute",
    }


def test_too_many_logins_for_one_account_get_a_localized_429(browser, make_user):
    user = make_user()
    for _ in range(3):
        assert browser.login(user.email, "wrong-password-x").status_code == 200
    response = browser.login(user.email, PASSWORD)
    assert response.status_code == 429
    assert "محاولات كثيرة جدًا" in response.get_data(as_text=True)


def test_too_many_logins_from_one_address_get_429_whatever_the_account(browser):
    codes = [browser.login(f"x{i}@example.org", "whatever-pass").status_code for i in range(7)]
    assert codes[:6] == [200] * 6 and codes[6] == 429


def test_changing_the_password_ends_the_other_sessions(browser, make_browser, make_user):
    user = make_user()
    other = make_browser()
    browser.login(user.email, PASSWORD)
    other.login(user.email, PASSWORD)
    response = browser.post(
        "/account/password",
        {"current": PASSWORD, "new": "a-much-better-secret", "confirm": "a-much-better-secret"},
    )
    assert response.status_code == 302
    assert "تسجيل الخروج" in browser.get("/").get_data(as_text=True)  # still logged in
    assert "تسجيل الخروج" not in other.get("/").get_data(as_text=True)  # ended
    assert browser.logout().status_code == 302
    assert browser.login(user.email, "a-much-better-secret").status_code == 302


@pytest.mark.parametrize(
    "new, problem",
    [
        ("short", "يجب أن تتكون كلمة المرور من 10 أحرف على الأقل"),
        ("password123", "شائعة"),
    ],
)
def test_a_weak_new_password_is_refused_with_the_reason(browser, make_user, db, new, problem):
    user = make_user()
    browser.login(user.email, PASSWORD)
    before = db.session.get(User, user.id).password_hash
    response = browser.post("/account/password", {"current": PASSWORD, "new": new, "confirm": new})
    assert response.status_code == 422 and problem in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == before


def test_passwords_are_argon2id_and_rehashed_when_parameters_change(app, browser, make_user, db):
    weak = PasswordHasher(type=Type.ID, time_cost=1, memory_cost=512, parallelism=1)
    user = make_user()
    user.password_hash = weak.hash(PASSWORD)
    db.session.commit()
    browser.login(user.email, PASSWORD)
    db.session.expire_all()
    stored = db.session.get(User, user.id).password_hash
    assert stored.startswith("$argon2id$") and "m=1024" in stored


def test_a_role_page_is_forbidden_without_the_role(browser, login_as):
    login_as("observer")
    assert browser.get("/admin/users").status_code == 403


def test_anonymous_users_are_sent_to_login(client):
    response = client.get("/admin/users")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_granting_a_role_needs_a_fresh_login_and_is_audited(app, browser, login_as, make_user, db):
    login_as("administrator")
    target = make_user()
    with browser.client.session_transaction() as s:
        s["auth_at"] = 0  # the login is old
    response = browser.post(
        f"/admin/users/{target.id}/roles",
        {"role": "observer", "action": "grant"},
        page="/admin/users",
    )
    assert response.status_code == 302 and "/reauthenticate" in response.headers["Location"]
    db.session.expire_all()
    assert not db.session.get(User, target.id).has_role("observer")
    browser.post(
        "/reauthenticate", {"password": PASSWORD, "next": "/admin/users"}, page="/reauthenticate"
    )
    response = browser.post(
        f"/admin/users/{target.id}/roles",
        {"role": "observer", "action": "grant"},
        page="/admin/users",
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, target.id).has_role("observer")
    granted = (
        db.session.execute(
            select(AuditEntry.data).where(
                AuditEntry.action == "auth.role_granted", AuditEntry.subject == f"user:{target.id}"
            )
        )
        .scalars()
        .all()
    )
    assert granted == ['{"role":"observer"}']


def _redis_up() -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_login_limits_are_shared_through_redis_when_configured(app_config, make_user, db):
    """Several app hosts share one Redis: the counters are kept there, not in a process."""
    import uuid

    from congress import create_app
    from support import Browser

    prefix = f"test-{uuid.uuid4().hex}"
    config = {
        **app_config,
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15",
        "RATELIMIT_KEY_PREFIX": prefix,
    }
    first, second = create_app(config), create_app(config)
    user = make_user()
    a, b = Browser(first.test_client()), Browser(second.test_client())
    try:
        codes = [
            a.login(user.email, "wrong-password-x").status_code,
            b.login(user.email, "wrong-password-x").status_code,
            a.login(user.email, "wrong-password-x").status_code,
            b.login(user.email, "wrong-password-x").status_code,
        ]
    finally:
        for app in (first, second):
            with app.app_context():
                db.engine.dispose()
    assert codes == [200, 200, 200, 429]
    import redis

    keys = redis.Redis(port=6379, db=15).keys(f"*{prefix}*")
    assert keys, "the counters live in Redis, where every host sees them"
