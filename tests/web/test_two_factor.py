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
    turned_on = browser.post("/account/two-factor", {"code": code})
    assert turned_on.status_code == 200 and "رموز الاسترداد" in turned_on.get_data(as_text=True)
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


def test_the_qr_code_is_a_standalone_svg_with_its_namespace(browser, login_as):
    """Issue 15.4: the data URI lacked the SVG namespace, so no browser drew it."""
    import xml.etree.ElementTree as ET
    from urllib.parse import unquote

    login_as("election_committee")
    html = browser.get("/account/two-factor").get_data(as_text=True)
    uri = html.split('<img src="')[1].split('"')[0]
    assert uri.startswith("data:image/svg+xml")
    svg = ET.fromstring(unquote(uri.split(",", 1)[1]))
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"


def test_recovery_codes_are_shown_once_and_each_replaces_a_code_once(
    browser, make_browser, make_user, db
):
    import re

    from sqlalchemy import select

    from congress.audit.models import AuditEntry

    user = make_user(roles=("election_committee",))
    browser.login(user.email, PASSWORD)
    html = browser.get("/account/two-factor").get_data(as_text=True)
    secret = html.split('class="hash">')[1].split("<")[0]
    page = browser.post("/account/two-factor", {"code": pyotp.TOTP(secret).now()})
    codes = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", page.get_data(as_text=True))
    assert len(codes) == 10
    phone = make_browser()
    step = phone.login(user.email, PASSWORD)
    used = phone.post("/login/code", {"code": codes[0]}, page=step.headers["Location"])
    assert used.status_code == 302 and phone.get("/audit/").status_code == 200
    again = make_browser()
    step = again.login(user.email, PASSWORD)
    replay = again.post("/login/code", {"code": codes[0]}, page=step.headers["Location"])
    assert replay.status_code == 200  # spent
    logged = db.session.execute(select(AuditEntry.action)).scalars().all()
    assert "auth.recovery_code_used" in logged


def test_the_page_says_plainly_when_the_second_step_is_optional(app, browser, login_as):
    app.config["REQUIRE_TOTP_FOR_STAFF"] = False
    login_as("election_committee")
    html = browser.get("/account/two-factor").get_data(as_text=True)
    assert "اختيارية هنا" in html and "CONGRESS_ENV=production" in html
