"""Issue 14.5-9 and 12: attacks on accounts, each performed as the attacker would.

- 5: wrong passwords from elsewhere no longer lock the owner out (device cookies, OWASP);
- 6: behind a proxy every user no longer shares one address bucket (TRUSTED_PROXIES);
- 8: the second step has a budget per pending login and per account, audited;
- 9: a login starts a new session: a planted session and its CSRF token die with it;
- 12: the TOTP secret being enrolled is not readable from the session cookie.
"""

import base64
import json
import time
import zlib

import pyotp
import pytest
from sqlalchemy import select

from congress import create_app
from congress.audit.models import AuditEntry
from congress.auth.device import COOKIE
from support import PASSWORD, Browser


def at(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}}


def login(browser, email, password, address="10.0.0.1"):
    token = browser.token("/login")
    return browser.client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}, **at(address)
    )


# --- 5: no lockout of the owner ------------------------------------------------------------


def test_ten_wrong_passwords_from_one_address_block_that_address_not_the_owner(
    make_browser, make_user
):
    user = make_user()
    attacker = make_browser()
    codes = [
        login(attacker, user.email, f"guess-{i}-xxxx", "203.0.113.9").status_code for i in range(11)
    ]
    assert codes[:10] == [200] * 10 and codes[10] == 429  # guessing is still throttled
    owner = make_browser()
    assert login(owner, user.email, PASSWORD, "198.51.100.7").status_code == 302


def test_a_botnet_locks_out_new_devices_but_not_the_owners_own_phone(make_browser, make_user):
    user = make_user(roles=("election_committee",))
    phone = make_browser()
    assert login(phone, user.email, PASSWORD, "198.51.100.7").status_code == 302
    assert phone.client.get_cookie(COOKIE) is not None
    phone.logout()
    bots = [make_browser() for _ in range(4)]
    for n, bot in enumerate(bots):
        for i in range(8):
            login(bot, user.email, f"guess-{n}-{i}-xxxx", f"203.0.113.{n + 1}")
    stranger = make_browser()
    assert login(stranger, user.email, PASSWORD, "192.0.2.50").status_code == 429
    assert login(phone, user.email, PASSWORD, "192.0.2.51").status_code == 302


def test_a_trusted_device_has_its_own_small_budget(make_browser, make_user):
    """A stolen device cookie does not give unlimited guesses either."""
    user = make_user()
    phone = make_browser()
    login(phone, user.email, PASSWORD)
    phone.logout()
    codes = [
        login(phone, user.email, f"guess-{i}-xxxx", f"203.0.113.{i + 1}").status_code
        for i in range(11)
    ]
    assert codes[:10] == [200] * 10 and codes[10] == 429


def test_a_forged_device_cookie_is_worth_nothing(make_browser, make_user):
    user = make_user()
    for n in range(4):
        bot = make_browser()
        for i in range(8):
            login(bot, user.email, f"guess-{n}-{i}-xxxx", f"203.0.113.{n + 1}")
    forger = make_browser()
    forger.client.set_cookie(COOKIE, "eyJhIjpbXX0.forged")
    assert login(forger, user.email, PASSWORD, "192.0.2.60").status_code == 429


# --- 6: behind a reverse proxy --------------------------------------------------------------


@pytest.mark.parametrize("proxies, expected", [(0, [200, 200, 200, 429]), (1, [200] * 4)])
def test_forwarded_addresses_count_only_behind_trusted_proxies(
    app_config, db, make_user, proxies, expected
):
    """Four people behind one proxy (one connecting address, four X-Forwarded-For): with
    TRUSTED_PROXIES=0 the header is ignored and they share a bucket of 3; with 1, each
    has their own."""
    config = {**app_config, "TRUSTED_PROXIES": proxies, "LOGIN_LIMIT_PER_ADDRESS": "3 per minute"}
    app = create_app(config)
    try:
        browser = Browser(app.test_client())
        codes = []
        for n in range(4):
            token = browser.token("/login")
            codes.append(
                browser.client.post(
                    "/login",
                    data={
                        "email": f"x{n}@example.org",
                        "password": "nope-nope-1",
                        "csrf_token": token,
                    },
                    headers={"X-Forwarded-For": f"198.51.100.{n + 1}"},
                    environ_base={"REMOTE_ADDR": "10.0.0.2"},
                ).status_code
            )
    finally:
        with app.app_context():
            db.engine.dispose()
    assert codes == expected


# --- 8: the second step ---------------------------------------------------------------------


@pytest.fixture
def with_code(make_user, make_browser):
    """An account with a one-time code enrolled; returns (user, secret)."""
    user = make_user()
    b = make_browser()
    login(b, user.email, PASSWORD)
    html = b.get("/account/two-factor").get_data(as_text=True)
    secret = html.split('class="hash">')[1].split("<")[0]
    assert b.post("/account/two-factor", {"code": pyotp.TOTP(secret).now()}).status_code == 200
    return user, secret


def wrong_code(secret: str) -> str:
    valid = {pyotp.TOTP(secret).at(time.time() + d) for d in (-60, -30, 0, 30, 60)}
    return next(c for c in (f"{n:06d}" for n in range(1000000)) if c not in valid)


def code_step(browser, code, address):
    return browser.client.post(
        "/login/code",
        data={"code": code, "csrf_token": browser.token("/login/code")},
        **at(address),
    )


def test_five_wrong_codes_end_the_pending_login(with_code, make_browser, db):
    user, secret = with_code
    b = make_browser()
    assert login(b, user.email, PASSWORD).status_code == 302
    bad = wrong_code(secret)
    codes = [code_step(b, bad, "10.0.0.1").status_code for _ in range(5)]
    assert codes == [200, 200, 200, 200, 302]  # the fifth sends them back to the password
    assert "/login" in b.get("/login/code").headers["Location"]  # no pending login left
    assert b.get("/account/password").status_code == 302  # and not logged in


def test_wrong_codes_from_three_addresses_spend_one_budget_per_account(with_code, make_browser, db):
    """The audit found 75 wrong codes from three addresses followed by a right one
    accepted. Now the account's budget (10) is spent whatever the address or login, and
    the right code is refused until it refills; each refusal is in the audit chain."""
    user, secret = with_code
    bad, tried = wrong_code(secret), 0
    for n in range(3):
        b = make_browser()
        address = f"203.0.113.{n + 1}"
        for _ in range(2):
            if login(b, user.email, PASSWORD, address).status_code != 302:
                continue
            for _ in range(5):
                response = code_step(b, bad, address)
                if response.status_code == 429:
                    break
                tried += 1
    assert tried <= 10
    b = make_browser()
    assert login(b, user.email, PASSWORD, "192.0.2.9").status_code == 302
    refused = code_step(b, pyotp.TOTP(secret).at(time.time() + 30), "192.0.2.9")
    assert refused.status_code == 429
    reasons = [
        json.loads(d).get("refused")
        for d in db.session.execute(
            select(AuditEntry.data).where(AuditEntry.action == "auth.login_failed")
        ).scalars()
    ]
    assert "too_many_codes_for_account" in reasons and "too_many_codes" in reasons


# --- 9 and 12: the session -------------------------------------------------------------------


def session_of(browser) -> dict:
    """What anyone holding the cookie reads (it is signed, not encrypted)."""
    raw = browser.client.get_cookie("session").value
    compressed = raw.startswith(".")
    payload = raw.lstrip(".").split(".")[0]
    data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return json.loads(zlib.decompress(data) if compressed else data)


def test_a_login_starts_a_new_session_and_a_new_csrf_token(browser, make_user):
    user = make_user()
    before = browser.token("/login")
    planted = session_of(browser)
    assert login(browser, user.email, PASSWORD).status_code == 302
    after = session_of(browser)
    assert after.get("csrf_token") != planted.get("csrf_token")
    response = browser.client.post(
        "/account/password",
        data={
            "current": PASSWORD,
            "new": "another-long-secret",
            "confirm": "another-long-secret",
            "csrf_token": before,
        },
    )
    assert response.status_code == 400  # the token from before the login is dead


def test_the_enrolment_secret_is_not_readable_from_the_session_cookie(browser, make_user):
    user = make_user()
    login(browser, user.email, PASSWORD)
    html = browser.get("/account/two-factor").get_data(as_text=True)
    secret = html.split('class="hash">')[1].split("<")[0]
    assert secret not in json.dumps(session_of(browser))
    assert (
        browser.post("/account/two-factor", {"code": pyotp.TOTP(secret).now()}).status_code == 200
    )


# --- 13: separation of duties ----------------------------------------------------------------


def test_no_one_grants_a_role_to_themself_and_a_seat_names_who_granted_the_role(
    browser, login_as, make_browser, make_user, db
):
    from congress.auth.models import User
    from congress.conference import operations
    from congress.database import write_intent
    from scenario import demo_conference

    admin = login_as("administrator")
    refused = browser.post(
        f"/admin/users/{admin.id}/roles",
        {"role": "election_committee", "action": "grant"},
        page="/admin/users",
    )
    assert refused.status_code == 303
    db.session.expire_all()
    assert not db.session.get(User, admin.id).has_role("election_committee")
    other = make_browser()
    other_admin = make_user(roles=("administrator",))
    login(other, other_admin.email, PASSWORD)
    granted = other.post(
        f"/admin/users/{admin.id}/roles",
        {"role": "election_committee", "action": "grant"},
        page="/admin/users",
    )
    assert granted.status_code == 302
    conference = demo_conference()
    with write_intent():
        operations.seat_committee_member(conference, db.session.get(User, admin.id), actor=admin)
        db.session.commit()
    seats = [
        json.loads(d)
        for d in db.session.execute(
            select(AuditEntry.data).where(AuditEntry.action == "conference.committee_seat")
        ).scalars()
    ]
    [seat] = [s for s in seats if s["user"] == admin.id]
    assert seat["role_granted_by"] == f"user:{other_admin.id}"


def test_a_replayed_pending_login_cookie_does_not_reset_its_tries(with_code, make_browser):
    """The audit replayed one /login/code cookie for 20 wrong codes: the tries of a pending
    login are now counted on the server, so the sixth is sent back to the password."""
    user, secret = with_code
    b = make_browser()
    assert login(b, user.email, PASSWORD).status_code == 302
    token = b.token("/login/code")
    kept = b.client.get_cookie("session").value
    bad = wrong_code(secret)
    codes = []
    for _ in range(6):
        b.client.set_cookie("session", kept)  # the same pending login, replayed
        codes.append(
            b.client.post("/login/code", data={"code": bad, "csrf_token": token}).status_code
        )
    assert codes[:4] == [200] * 4 and codes[4] == 302 and codes[5] == 302
