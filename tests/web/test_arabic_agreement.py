"""Arabic on the pages (issue 15): a count takes the form its number needs, a sentence that
names a woman takes the feminine, and the audit log, the time zones and the bylaws page show
readable Arabic instead of raw English values."""

from __future__ import annotations

import pytest
from flask import render_template_string
from flask_babel import force_locale

from candidacy_helpers import CC, conference_in, eligible, logged_in_member
from congress.database import write_intent
from scenario import demo_conference, designated

SEATS = "{{ ngettext('%(num)d seat', '%(num)d seats', n) }}"
MORE_ROWS = "{{ ngettext('%(num)d more row not shown.', '%(num)d more rows not shown.', n) }}"


@pytest.mark.parametrize(
    "n, seats, rows",
    [
        (1, "مقعد واحد", "صف آخر غير معروض."),
        (2, "مقعدان", "صفان آخران غير معروضين."),
        (3, "3 مقاعد", "3 صفوف أخرى غير معروضة."),
        (11, "11 مقعدًا", "11 صفًا آخر غير معروض."),
        (100, "100 مقعد", "100 صف آخر غير معروض."),
    ],
)
def test_a_count_in_a_template_takes_the_form_of_its_number(app, n, seats, rows):
    with app.test_request_context("/"), force_locale("ar"):
        assert render_template_string(SEATS, n=n) == seats
        assert render_template_string(MORE_ROWS, n=n) == rows
    with app.test_request_context("/"), force_locale("en"):
        assert render_template_string(SEATS, n=n) == f"{n} seat" + ("s" if n != 1 else "")


def test_a_delegate_who_nominates_a_woman_reads_the_feminine(app, db, make_user, make_browser):
    """'رُشِّحت فاطمة …بعد قبولها' for a woman, 'رُشِّح أحمد …بعد قبوله' for a man."""
    conference = conference_in(20)
    delegate = designated(conference, 1, sitting=False)[0]
    woman, man = eligible(conference, 2, skip=[delegate.member])
    with write_intent():
        woman.gender, man.gender = "f", "m"
        db.session.commit()
    proposer = logged_in_member(make_user, make_browser, delegate.member)
    page = f"/conferences/{conference.id}/candidacy"
    said = {}
    for member in (woman, man):
        response = proposer.post(
            f"{page}/propose", {"body": CC, "member_number": member.number}, page=page
        )
        assert response.status_code == 302
        said[member.gender] = proposer.get(response.headers["Location"]).get_data(as_text=True)
    assert f"رُشِّحت \u2068{woman.name_ar}\u2069، ولا يُعتدّ بالترشيح إلا بعد قبولها." in said["f"]
    assert f"رُشِّح \u2068{man.name_ar}\u2069، ولا يُعتدّ بالترشيح إلا بعد قبوله." in said["m"]


def test_a_count_names_a_woman_it_excluded_in_the_feminine(app):
    from congress.results.presenter import describe_adjustment

    class Rules:
        class membership:
            groups: dict = {}

    cap = {"rule": "branch-cap", "subject": "SY", "article": "15.4", "candidate": "7"}
    names, branches = {"7": "فاطمة", "8": "أحمد"}, {"SY": "سوريا"}
    genders = {"7": "f", "8": "m"}
    with app.test_request_context("/"), force_locale("ar"):
        her = describe_adjustment(
            {**cap, "action": "excluded"}, names, Rules, branches, "ar", genders
        )
        him = describe_adjustment(
            {**cap, "action": "excluded", "candidate": "8"}, names, Rules, branches, "ar", genders
        )
    assert her.startswith("استُبعدت فاطمة") and him.startswith("استُبعد أحمد")


def test_the_audit_log_shows_labels_and_names_and_keeps_the_raw_values(
    browser, login_as, make_user, db
):
    person = make_user(name="سلمى الأحمد")
    observer = login_as("observer")
    html = browser.get("/audit/?action=auth.user_created").get_data(as_text=True)
    assert 'data-action="auth.user_created"' in html
    assert 'title="auth.user_created">إنشاء حساب</a>' in html
    # the subject is the person's name, the raw "user:N" kept in a title and the filter link
    assert f'title="user:{person.id}"><bdi>سلمى الأحمد</bdi></a>' in html
    assert f"?subject=user%3A{person.id}" in html
    assert ">auth.user_created<" not in html and f">user:{person.id}<" not in html
    assert observer.id != person.id


def test_the_time_zones_read_as_arabic_city_names(app):
    from congress.i18n import zone_choices

    with app.test_request_context("/"), force_locale("ar"):
        arabic = dict(zone_choices())
    with app.test_request_context("/"), force_locale("en"):
        english = dict(zone_choices())
    assert arabic["Asia/Damascus"] == "دمشق" and arabic["Europe/Berlin"] == "برلين"
    assert english["Asia/Damascus"] == "Asia/Damascus"
    assert english["America/New_York"] == "America/New York"


def test_the_bylaws_page_names_statuses_genders_and_the_zone_in_arabic(client, db):
    demo_conference()
    html = client.get("/bylaws").get_data(as_text=True)
    assert "المنطقة الزمنية المعتمدة: دمشق" in html
    assert "إحدى: فعّال" in html and "جنسهم المسجَّل: أنثى" in html
    assert "Asia/Damascus" not in html and ": female" not in html and ": active" not in html


def test_the_home_page_addresses_a_woman_in_the_feminine(app, db, make_user, make_browser):
    """'أنتِ مسجّلة الدخول' for a woman, 'أنت مسجّل الدخول' for a man."""
    conference = conference_in(20)
    woman, man = eligible(conference, 2)
    with write_intent():
        woman.gender, man.gender = "f", "m"
        db.session.commit()
    home = {}
    for member in (woman, man):
        browser = logged_in_member(make_user, make_browser, member)
        home[member.gender] = browser.get("/").get_data(as_text=True)
    assert "أنتِ مسجّلة الدخول" in home["f"] and "أنت مسجّل الدخول" not in home["f"]
    assert "أنت مسجّل الدخول" in home["m"]
