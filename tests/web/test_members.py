"""The member roll: import all or nothing, Arabic search, safe export, the import command."""

import io

import pytest
from sqlalchemy import func, select

from conference_helpers import import_roll, roll_csv, upload_bylaws
from congress.members.models import Member


@pytest.fixture
def officer(browser, login_as, make_user, make_browser):
    admin = make_browser()
    admin_user = make_user(roles=("administrator",))
    admin.login(admin_user.email, "correct-horse-battery")
    upload_bylaws(admin)  # creates the branches SY, TR, EU, US
    login_as("credentials_officer")
    return browser


def members(db) -> int:
    return db.session.execute(select(func.count(Member.id))).scalar()


def test_importing_twice_changes_nothing_the_second_time(officer, db):
    data = roll_csv({"SY": 3, "TR": 2})
    assert import_roll(officer, data).status_code == 302
    html = officer.post(
        "/members/import",
        {"file": (io.BytesIO(data), "r.csv")},
        page="/members/import",
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "دون تغيير: 5" in html
    assert members(db) == 5


def test_an_updated_file_updates_members_by_number(officer, db):
    import_roll(officer, roll_csv({"SY": 2}))
    changed = roll_csv({"SY": 2}).replace(b",active,", b",resigned,", 1)
    import_roll(officer, changed)
    statuses = db.session.execute(select(Member.status).order_by(Member.number)).scalars().all()
    assert statuses == ["resigned", "active"]


@pytest.mark.parametrize(
    "bad_row, code_text",
    [
        ("SY-9,أحمد,A,bad-email,,SY,1990-01-01,2020-01-01,m,active,yes", "email"),
        ("SY-9,أحمد,A,a@b.org,,XX,1990-01-01,2020-01-01,m,active,yes", "branch"),
        ("SY-9,=cmd|' /C calc'!A0,A,a@b.org,,SY,1990-01-01,2020-01-01,m,active,yes", "name_ar"),
        ("SY-9,أحمد,A,a@b.org,,SY,2023-02-30,2020-01-01,m,active,yes", "birth_date"),
    ],
)
def test_a_broken_row_shows_its_line_and_column_and_nothing_is_imported(
    officer, db, bad_row, code_text
):
    data = roll_csv({"SY": 2}) + bad_row.encode() + b"\n"
    response = officer.post(
        "/members/import",
        {"file": (io.BytesIO(data), "r.csv")},
        page="/members/import",
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert "السطر 4" in html and code_text in html
    assert 'name="key"' not in html  # no apply button
    assert members(db) == 0


def test_search_finds_arabic_names_whatever_the_hamza_or_taa_marbuta(officer, db):
    import_roll(officer, roll_csv({"SY": 10}))
    # the helper's names include "فاطمة الخطيب" and "أحمد الحلبي"
    html = officer.get("/members/?q=فاطمه").get_data(as_text=True)
    assert "فاطمة الخطيب" in html
    html = officer.get("/members/?q=احمد").get_data(as_text=True)
    assert "أحمد الحلبي" in html


def test_export_escapes_cells_that_a_spreadsheet_would_evaluate(officer, db):
    import_roll(officer, roll_csv({"SY": 1}))
    db.session.execute(db.update(Member).values(name_latin="=HYPERLINK(1)"))
    db.session.commit()
    csv_text = officer.get("/members/export.csv").get_data(as_text=True)
    assert "'=HYPERLINK(1)" in csv_text and ",=HYPERLINK" not in csv_text


def test_the_import_command_previews_applies_and_refuses_errors(officer, db, runner, tmp_path):
    good = tmp_path / "good.csv"
    good.write_bytes(roll_csv({"TR": 3}))
    preview = runner.invoke(args=["congress", "members", "import", str(good)])
    assert preview.exit_code == 0 and "new 3" in preview.output and members(db) == 0
    applied = runner.invoke(args=["congress", "members", "import", str(good), "--apply"])
    assert applied.exit_code == 0 and members(db) == 3
    bad = tmp_path / "bad.csv"
    bad.write_bytes(roll_csv({"TR": 3}).replace(b"TR-002", b"TR-001"))
    refused = runner.invoke(args=["congress", "members", "import", str(bad), "--apply"])
    assert refused.exit_code == 1 and "line 3" in refused.output
    assert members(db) == 3
