"""One-time codes: required for staff when configured, refused when replayed."""

import time

import pyotp
import pytest

from support import PASSWORD


@pytest.fixture
def app_config(app_config):
    return {**app_config, "REQUIRE_TOTP_FOR_STAFF": True}


def enrol(browser):
    html = browser.get("/account/two-factor").get_data(as_text=True)
    secret = html.split('class="hash">')[1].split("<")[0]
    code = pyotp.TOTP(secret).now()
    assert browser.post("/account/two-factor", {"code": code}).status_code == 302
    return secret


def test_a_committee_member_must_enrol_before_anything_else(browser, login_as):
    login_as("election_committee")
    response = browser.get("/audit/")
    assert response.status_code == 302 and "/account/two-factor" in response.headers["Location"]
    enrol(browser)
    assert browser.get("/audit/").status_code == 200


def test_a_delegate_is_not_forced_to_enrol(browser, login_as):
    login_as()
    assert browser.get("/").status_code == 200


def test_login_then_asks_for_the_code_and_refuses_a_replayed_one(browser, make_browser, make_user):
    user = make_user(roles=("administrator",))
    browser.login(user.email, PASSWORD)
    secret = enrol(browser)
    browser.logout()
    step = browser.login(user.email, PASSWORD)
    assert "/login/code" in step.headers["Location"]
    assert browser.get("/admin/users").status_code == 302  # not logged in yet
    # enrolment spent the current step; the next one is accepted (one step of drift)
    code = pyotp.TOTP(secret).at(time.time() + 30)
    accepted = browser.post("/login/code", {"code": code}, page=step.headers["Location"])
    assert accepted.status_code == 302
    assert browser.get("/admin/users").status_code == 200
    other = make_browser()
    step = other.login(user.email, PASSWORD)
    replay = other.post("/login/code", {"code": code}, page=step.headers["Location"])
    assert replay.status_code == 200 and "سبق استخدامه" in replay.get_data(as_text=True)
