"""The bylaws page every member can read, and the administrator's upload (issue 3)."""

import json

from sqlalchemy import func, select

from conference_helpers import upload_bylaws
from congress.audit.models import AuditEntry
from congress.bylaws.models import BylawsVersion
from congress.bylaws.operations import example_text
from congress.members.models import Branch


def test_the_example_bylaws_upload_becomes_version_one_and_is_audited(browser, login_as, db):
    login_as("administrator")
    response = upload_bylaws(browser)
    assert response.status_code == 302
    version = db.session.execute(select(BylawsVersion)).scalar_one()
    assert version.number == 1 and len(version.sha256) == 64
    entry = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "bylaws.uploaded")
    ).scalar_one()
    assert version.sha256 in entry.data
    codes = set(db.session.execute(select(Branch.code)).scalars())
    assert codes == {"SY", "TR", "EU", "US"}  # the branches the bylaws name


def test_a_malformed_upload_shows_every_problem_beside_its_line_and_stores_nothing(
    browser, login_as, db
):
    login_as("administrator")
    broken = (
        example_text()
        .replace("seats = 40", "seats = -4")
        .replace('elected_by = "central_council"', 'elected_by = "centrl_council"', 1)
    )
    response = upload_bylaws(browser, broken)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="line-' in html and 'class="bad"' in html
    assert "bodies.central_council.seats" in html
    assert "bodies.coordination_office.elected_by" in html
    assert db.session.execute(select(func.count(BylawsVersion.id))).scalar() == 0


def test_a_toml_syntax_error_is_located(browser, login_as, db):
    login_as("administrator")
    response = upload_bylaws(browser, "[bylaws\ntitle = 1\n")
    assert response.status_code == 422 and "#line-1" in response.get_data(as_text=True)


def test_a_number_too_long_to_read_is_a_422_with_its_line_not_a_500(browser, login_as, db):
    """Issue 14.10: a TOML integer of 5,000 digits used to answer 500."""
    login_as("administrator")
    response = upload_bylaws(browser, example_text().replace("seats = 40", "seats = " + "4" * 5000))
    assert response.status_code == 422 and 'class="bad"' in response.get_data(as_text=True)
    assert db.session.execute(select(func.count(BylawsVersion.id))).scalar() == 0


def test_uploading_the_same_file_twice_is_refused(browser, login_as, db):
    login_as("administrator")
    upload_bylaws(browser)
    response = upload_bylaws(browser)
    assert response.status_code == 422
    assert db.session.execute(select(func.count(BylawsVersion.id))).scalar() == 1


def test_only_an_administrator_uploads(browser, login_as):
    login_as("credentials_officer")
    assert browser.get("/admin/bylaws").status_code == 403


def test_the_bylaws_page_renders_every_article_in_arabic_and_english(browser, login_as, client):
    login_as("administrator")
    upload_bylaws(browser)
    arabic = client.get("/bylaws").get_data(as_text=True)
    assert 'id="art-12.2"' in arabic and "النصاب القانوني" in arabic and 'dir="rtl"' in arabic
    client.set_cookie("lang", "en")
    english = client.get("/bylaws").get_data(as_text=True)
    assert 'id="art-15.2"' in english and "Youth representation on the Central Council" in english


def test_bylaws_check_cli_reports_problems_as_json(runner, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(example_text().replace("seats = 40", "seats = 0"), encoding="utf-8")
    result = runner.invoke(args=["congress", "bylaws", "check", str(bad), "--json", "--lang", "en"])
    assert result.exit_code == 1
    problems = json.loads(result.output)
    assert problems[0]["path"] == "bodies.central_council.seats"
    assert set(problems[0]) >= {"path", "message", "line"}
    good = tmp_path / "good.toml"
    good.write_text(example_text(), encoding="utf-8")
    assert runner.invoke(args=["congress", "bylaws", "check", str(good)]).exit_code == 0
