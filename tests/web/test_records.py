"""The conference's records: the delegates and each sitting's attendance as CSV files a
spreadsheet opens (UTF-8 with a BOM, formulas escaped), fuller minutes (the agenda, each
sitting with its attendance and check-in times, the signature block), and the bylaws file
itself, downloadable from the bylaws page."""

from __future__ import annotations

import csv
import hashlib
import io
import tomllib
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from congress.audit.models import AuditEntry
from congress.bylaws import operations as bylaws_ops
from congress.bylaws.models import BylawsVersion
from congress.conference import attendance
from congress.conference import operations as conference_ops
from congress.conference.models import Delegate
from congress.database import write_intent
from congress.extensions import db as _db
from congress.members.models import Member
from support import PASSWORD

DAMASCUS = ZoneInfo("Asia/Damascus")  # the example bylaws' official clock
STAFF = {
    "credentials": ("credentials@congress.test", "credentials-demo-2026"),
    "admin": ("admin@congress.test", "admin-demo-2026"),
    "observer": ("observer@congress.test", "observer-demo-2026"),
    "committee": ("committee1@congress.test", "committee-demo-2026"),
}
FORMULA_NAME = '=HYPERLINK("http://evil.example","click")'


def delegate_of(user) -> Delegate:
    return _db.session.execute(
        select(Delegate).where(Delegate.member_id == user.member_id)
    ).scalar_one()


def staff(make_browser, kind: str, language: str | None = "en"):
    from congress.auth.models import User

    email, password = STAFF[kind]
    if language is not None:
        with write_intent():
            _db.session.execute(
                select(User).where(User.email == email)
            ).scalar_one().language = language
            _db.session.commit()
    b = make_browser()
    assert b.login(email, password).status_code == 302
    return b


def local(value) -> str:
    return value.astimezone(DAMASCUS).strftime("%Y-%m-%d %H:%M:%S")


@pytest.fixture
def two_sittings(session_with, db):
    """Three delegates; sitting 1: the first two checked in, the first then checked out;
    sitting 2 (open): the third checked in. An agenda of two items."""
    conference, users = session_with(3, present=2)
    first, _, third = (delegate_of(u) for u in users)
    checked_in = db.session.execute(  # the check-in as the audit trail recorded it
        select(AuditEntry.at).where(
            AuditEntry.action == "sitting.attendance", AuditEntry.subject == f"delegate:{first.id}"
        )
    ).scalar_one()
    with write_intent():
        attendance.set_presence(first, "checked_out", actor=None)
        attendance.end_sitting(conference, actor=None)
        attendance.start_sitting(conference, actor=None)
        attendance.set_presence(third, "present", actor=None)
        conference_ops.add_agenda_item(
            conference, "report", "تقرير المكتب التنسيقي", "Report of the Office", actor=None
        )
        conference_ops.add_agenda_item(
            conference, "election", "انتخاب المجلس المركزي", "Election of the Council", actor=None
        )
        db.session.commit()
    return conference, users, checked_in


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: spreadsheets read Arabic as UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


# --- the delegates ------------------------------------------------------------------------


def test_the_delegates_csv_lists_name_number_branch_kind_and_status(two_sittings, make_browser, db):
    conference, users, _ = two_sittings
    officer = staff(make_browser, "credentials")
    table = rows_of(officer.get(f"/conferences/{conference.id}/delegates.csv"))
    assert table[0] == [
        "Name",
        "Name (Latin)",
        "Member number",
        "Branch code",
        "Branch",
        "As",
        "Status",
        "Replaces",
    ]
    delegates = db.session.execute(
        select(Delegate).where(Delegate.conference_id == conference.id)
    ).scalars()
    expected = {d.member.number: d for d in delegates}
    assert len(table) == 1 + len(expected)
    for row in table[1:]:
        d = expected[row[2]]
        assert row[0] == d.member.name_ar and row[1] == d.member.name_latin
        assert row[3] == d.branch.code and row[4] == d.branch.name_ar
        assert row[5:7] == ["delegate", "accredited"]
    arabic = staff(make_browser, "observer", language="ar")
    response = arabic.get(f"/conferences/{conference.id}/delegates.csv")
    table = rows_of(response)
    assert table[0][0] != "Name" and "معتمد" in {row[6] for row in table[1:]}
    assert users[0].name in response.get_data().decode("utf-8-sig")


def test_cells_a_spreadsheet_would_evaluate_are_escaped(two_sittings, make_browser, db):
    conference, users, _ = two_sittings
    with write_intent():
        member = db.session.get(Member, users[0].member_id)
        member.name_ar, member.name_latin = FORMULA_NAME, "+90 532 000 00 00"
        db.session.commit()
    officer = staff(make_browser, "credentials")
    for url in (
        f"/conferences/{conference.id}/delegates.csv",
        f"/conferences/{conference.id}/attendance.csv?sitting=1",
    ):
        table = rows_of(officer.get(url))
        cells = [cell for row in table for cell in row]
        assert "'" + FORMULA_NAME in cells and "'+90 532 000 00 00" in cells, url
        assert not any(c[:1] in ("=", "+", "-", "@") for c in cells), url


# --- attendance, per sitting --------------------------------------------------------------


def test_each_sittings_attendance_with_check_in_times(two_sittings, make_browser, db):
    conference, users, checked_in = two_sittings
    first, second, third = (delegate_of(u) for u in users)
    officer = staff(make_browser, "credentials")
    base = f"/conferences/{conference.id}/attendance.csv"
    one = rows_of(officer.get(f"{base}?sitting=1"))
    assert one[0] == [
        "Sitting",
        "Name",
        "Name (Latin)",
        "Member number",
        "Branch code",
        "As",
        "Presence",
        "Checked in at (Asia/Damascus)",
        "Last change at (Asia/Damascus)",
    ]
    by_number = {row[3]: row for row in one[1:]}
    left = by_number[first.member.number]
    assert left[0] == "1" and left[6] == "checked out"
    assert left[7] == local(checked_in)  # the first check-in, kept after the check-out
    assert left[8] >= left[7]  # the check-out came (a moment) later
    stayed = by_number[second.member.number]
    assert stayed[6] == "present" and stayed[7] == stayed[8] != ""
    absent = by_number[third.member.number]
    assert absent[6] == "not recorded" and absent[7] == absent[8] == ""

    two = rows_of(officer.get(f"{base}?sitting=2"))
    by_number = {row[3]: row for row in two[1:]}
    assert {row[0] for row in two[1:]} == {"2"}
    assert by_number[third.member.number][6] == "present"
    assert by_number[third.member.number][7] != ""
    assert by_number[first.member.number][6] == "not recorded"
    latest = officer.get(base)  # without a number: the latest sitting
    assert rows_of(latest) == two
    assert "sitting-2" in latest.headers["Content-Disposition"]
    for wrong in ("?sitting=3", "?sitting=abc", "?sitting=0"):
        assert officer.get(base + wrong).status_code == 404, wrong


def test_no_sitting_no_attendance_file(demo, make_browser, db):
    """The demo conference, convened: nobody designated, no sitting held yet."""
    conference = demo
    officer = staff(make_browser, "credentials")
    assert officer.get(f"/conferences/{conference.id}/attendance.csv").status_code == 404
    assert rows_of(officer.get(f"/conferences/{conference.id}/delegates.csv")) == [
        [
            "Name",
            "Name (Latin)",
            "Member number",
            "Branch code",
            "Branch",
            "As",
            "Status",
            "Replaces",
        ]
    ]
    page = officer.get(f"/conferences/{conference.id}/delegates").get_data(as_text=True)
    assert "No sitting has been held yet." in page
    assert officer.get("/conferences/999/delegates.csv").status_code == 404


# --- who may download, and where the links are --------------------------------------------


def test_who_may_download_the_records(two_sittings, make_browser, make_user, client, db):
    conference, users, _ = two_sittings
    urls = [
        f"/conferences/{conference.id}/delegates.csv",
        f"/conferences/{conference.id}/attendance.csv?sitting=1",
    ]
    for kind in STAFF:
        b = staff(make_browser, kind, language=None)
        for url in urls:
            assert b.get(url).status_code == 200, (kind, url)
    member = make_browser()
    assert member.login(make_user().email, PASSWORD).status_code == 302
    delegate = make_browser()
    assert delegate.login(users[0].email, PASSWORD).status_code == 302
    for url in urls:
        assert member.get(url).status_code == 403
        assert delegate.get(url).status_code == 403
        anonymous = client.get(url)
        assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_the_delegates_and_attendance_pages_link_the_files(two_sittings, make_browser, db):
    conference, *_ = two_sittings
    c = conference.id
    wanted = [
        f'href="/conferences/{c}/delegates.csv"',
        f'href="/conferences/{c}/attendance.csv?sitting=1"',
        f'href="/conferences/{c}/attendance.csv?sitting=2"',
        f'href="/conferences/{c}/minutes.pdf"',
    ]
    pages = [
        (kind, f"/conferences/{c}/delegates") for kind in ("observer", "committee", "credentials")
    ] + [("credentials", f"/conferences/{c}/attendance"), ("admin", f"/conferences/{c}/attendance")]
    for kind, url in pages:
        html = staff(make_browser, kind).get(url).get_data(as_text=True)
        for link in wanted:
            assert link in html, (kind, url, link)


# --- the minutes --------------------------------------------------------------------------


def test_the_minutes_give_the_agenda_each_sitting_and_the_signature_block(
    two_sittings, make_browser, db
):
    conference, users, checked_in = two_sittings
    first, second, third = (delegate_of(u) for u in users)
    reader = make_browser()
    assert reader.login(users[0].email, PASSWORD).status_code == 302
    response = reader.get(f"/conferences/{conference.id}/minutes.pdf?lang=en")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(response.get_data())).pages
    )
    flat = " ".join(text.split())
    # the demo's agenda has five items, and two were added
    assert "Agenda" in flat and "6. Report of the Office (Report)" in flat
    assert "7. Election of the Council (Election)" in flat
    assert "Sitting 1" in flat and "Sitting 2" in flat and "still open" in flat
    for d in (first, second, third):
        assert d.member.name_latin in flat
    # sitting 1: two checked in, one left; its check-in time on the official clock
    assert "checked in during the sitting: 2; present at its end: 1" in flat
    assert "checked out" in flat and "not recorded" in flat
    stamp = checked_in.astimezone(DAMASCUS)
    assert f"{stamp:%H:%M}" in flat or f"{stamp:%-I:%M}" in flat
    assert "Signatures" in flat and "Chair of the conference" in flat
    assert flat.count("Election committee — Article 30.1") == 5  # the seated committee
    assert flat.index("Signatures") > flat.index("Composition of the bodies")
    arabic = reader.get(f"/conferences/{conference.id}/minutes.pdf?lang=ar")
    assert arabic.status_code == 200 and arabic.get_data().startswith(b"%PDF")


# --- the bylaws file ----------------------------------------------------------------------


def test_the_bylaws_file_downloads_as_stored(demo, client, db):
    page = client.get("/bylaws").get_data(as_text=True)
    assert 'href="/bylaws.toml?version=1"' in page
    response = client.get("/bylaws.toml?version=1")  # anonymous: the rules are public
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/toml; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="bylaws-v1.toml"'
    version = db.session.execute(
        select(BylawsVersion).where(BylawsVersion.number == 1)
    ).scalar_one()
    assert hashlib.sha256(response.get_data()).hexdigest() == version.sha256
    assert (
        tomllib.loads(response.get_data(as_text=True))["certification"]["objections"]["article"]
        == "30.2"
    )


def test_the_latest_bylaws_by_default_and_each_version_by_number(demo, client, db):
    with write_intent():
        bylaws_ops.upload(bylaws_ops.example_text() + "\n# version 2\n", filename="v2.toml")
        db.session.commit()
    latest = client.get("/bylaws.toml")
    assert latest.status_code == 200 and latest.get_data(as_text=True).endswith("# version 2\n")
    assert 'filename="bylaws-v2.toml"' in latest.headers["Content-Disposition"]
    assert "# version 2" not in client.get("/bylaws.toml?version=1").get_data(as_text=True)
    assert 'href="/bylaws.toml?version=2"' in client.get("/bylaws").get_data(as_text=True)
    for wrong in ("?version=3", "?version=abc", "?version=-1"):
        assert client.get("/bylaws.toml" + wrong).status_code == 404, wrong


def test_no_bylaws_loaded_no_file(client):
    client.set_cookie("lang", "en")
    assert "No bylaws have been loaded yet." in client.get("/bylaws").get_data(as_text=True)
    assert client.get("/bylaws.toml").status_code == 404
