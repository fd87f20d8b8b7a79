"""Issue 15, fixing mistakes: the credentials officer designates delegates from a pasted list
or from ticks on the member roll, accredits several designated delegates at once and sends
account links to several at once. Each time a preview says, row by row, what will happen
(or which article refuses it) and nothing changes until the officer confirms; then each
row is done or refused on its own, each audited as a single action is, and a database
error leaves nothing half done."""

import re
from html import unescape

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from conference_helpers import create_conference, import_roll, roll_csv, upload_bylaws
from congress.audit.models import AuditEntry
from congress.audit.operations import verify_chain
from congress.conference.models import Delegate, Invitation

# per_n 5, minimum 2: SY 2 delegates (11 in good standing: SY-003 is suspended), TR 2,
# EU 2, US 2; alternates a fifth of that, rounded up: 1 per branch
ROLL = {"SY": 12, "TR": 10, "EU": 6, "US": 5}


@pytest.fixture
def convened(staff, db):
    admin, officer = staff("administrator"), staff("credentials_officer")
    assert upload_bylaws(admin).status_code == 302
    assert import_roll(officer, roll_csv(ROLL, suspended={"SY-003"})).status_code == 302
    cid = create_conference(admin)
    page = f"/conferences/{cid}"
    assert admin.post(f"{page}/convene", {"confirm": "yes"}, page=page).status_code == 302
    return officer, cid


def delegates_page(cid):
    return f"/conferences/{cid}/delegates"


def bulk(officer, cid, action, data):
    return officer.post(
        f"/conferences/{cid}/delegates/bulk/{action}", data, page=delegates_page(cid)
    )


def confirm_fields(html: str) -> dict[str, list[str]]:
    """The hidden fields of the preview's confirmation form, as the browser would post them."""
    assert 'id="bulk-confirm"' in html, html[html.find("<main") :][:3000]
    form = html.split('id="bulk-confirm"', 1)[1].split("</form>", 1)[0]
    fields: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form):
        fields.setdefault(name, []).append(unescape(value))
    return fields


def count(db, model, *where) -> int:
    db.session.expire_all()
    return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def audited(db, action) -> int:
    return count(db, AuditEntry, AuditEntry.action == action)


def designated(db) -> dict[str, Delegate]:
    db.session.expire_all()
    rows = db.session.execute(select(Delegate)).scalars()
    return {d.member.number: d for d in rows}


def designate_one(officer, cid, number, kind="delegate"):
    return officer.post(
        f"/conferences/{cid}/delegates/designate",
        {"member_number": number, "kind": kind},
        page=delegates_page(cid),
    )


def table_row(html: str, number: str) -> str:
    """The preview or report row of one member number."""
    rows = re.findall(r"<tr\b.*?</tr>", html, re.S)
    found = [r for r in rows if number in r]
    assert found, f"no row for {number}"
    return found[0]


# --- designating from a list -------------------------------------------------------------


def test_a_pasted_list_is_previewed_row_by_row_and_nothing_changes(convened, db):
    officer, cid = convened
    before = count(db, AuditEntry)
    pasted = "SY-001\r\nsy-002\n\nSY-003\n  SY-004  \nXX-999\nSY-001\n"
    response = bulk(officer, cid, "designate", {"numbers": pasted, "kind": "delegate"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "#art-5.2" in table_row(html, "SY-003")  # suspended: not in good standing
    assert "#art-9.1" in table_row(html, "SY-004")  # SY has 2 seats, SY-001 and SY-002 take them
    assert "XX-999" in html and "#art" not in table_row(html, "XX-999")  # no such member
    assert confirm_fields(html)["member"] == ["SY-001", "SY-002"]  # only the rows that pass
    assert count(db, Delegate) == 0 and count(db, AuditEntry) == before


def test_confirming_designates_the_rows_that_pass_each_audited(convened, db):
    officer, cid = convened
    preview = bulk(
        officer, cid, "designate", {"numbers": "SY-001\nTR-013\nEU-023", "kind": "delegate"}
    )
    fields = confirm_fields(preview.get_data(as_text=True))
    assert fields["step"] == ["confirm"] and fields["kind"] == ["delegate"]
    report = bulk(officer, cid, "designate", fields)
    assert report.status_code == 200
    rows = designated(db)
    assert set(rows) == {"SY-001", "TR-013", "EU-023"}
    assert {d.status for d in rows.values()} == {"designated"}
    assert {d.kind for d in rows.values()} == {"delegate"}
    assert audited(db, "delegate.designated") == 3
    assert verify_chain().ok


def test_alternates_are_designated_in_bulk_within_their_own_seats(convened, db):
    officer, cid = convened
    preview = bulk(officer, cid, "designate", {"numbers": "TR-014\nTR-015", "kind": "alternate"})
    html = preview.get_data(as_text=True)
    assert "#art-9.3" in table_row(html, "TR-015")  # one alternate seat per branch
    bulk(officer, cid, "designate", confirm_fields(html))
    assert {n: d.kind for n, d in designated(db).items()} == {"TR-014": "alternate"}


def test_a_row_refused_at_confirmation_is_reported_and_the_others_stand(convened, db):
    officer, cid = convened
    preview = bulk(officer, cid, "designate", {"numbers": "US-029\nUS-030", "kind": "delegate"})
    fields = confirm_fields(preview.get_data(as_text=True))
    assert fields["member"] == ["US-029", "US-030"]
    assert designate_one(officer, cid, "US-029").status_code == 302  # done meanwhile
    report = bulk(officer, cid, "designate", fields)
    html = report.get_data(as_text=True)
    assert report.status_code == 200
    assert set(designated(db)) == {"US-029", "US-030"}
    assert audited(db, "delegate.designated") == 2  # one single, one from the list
    row = table_row(html, "US-029")  # reported as refused, with why, not silently skipped
    assert 'class="tag bad"' in row and "<small>" in row
    assert 'class="tag ok"' in table_row(html, "US-030")


def test_a_database_error_leaves_nothing_half_done(convened, db, monkeypatch):
    import congress.conference.delegates as delegates

    officer, cid = convened
    fields = confirm_fields(
        bulk(
            officer, cid, "designate", {"numbers": "SY-001\nTR-013\nEU-023", "kind": "delegate"}
        ).get_data(as_text=True)
    )
    real, calls = delegates.record, []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OperationalError("INSERT INTO audit_entries", {}, Exception("disk full"))
        return real(*args, **kwargs)

    monkeypatch.setattr(delegates, "record", failing)
    before = count(db, AuditEntry)
    assert bulk(officer, cid, "designate", fields).status_code == 500
    assert count(db, Delegate) == 0 and count(db, AuditEntry) == before
    assert verify_chain().ok


def test_too_long_a_list_or_an_empty_one_changes_nothing(convened, db):
    officer, cid = convened
    empty = bulk(officer, cid, "designate", {"numbers": " \n ", "kind": "delegate"})
    assert empty.status_code == 303
    many = "\n".join(f"N{n}" for n in range(501))
    long = bulk(officer, cid, "designate", {"numbers": many, "kind": "delegate"})
    assert long.status_code == 303 and count(db, Delegate) == 0


def test_designation_in_bulk_needs_registration_open(convened, db, staff):
    officer, cid = convened
    designate_one(officer, cid, "SY-001")
    officer.post(
        f"/conferences/{cid}/sitting", {"action": "open"}, page=f"/conferences/{cid}/attendance"
    )
    response = bulk(officer, cid, "designate", {"numbers": "SY-002", "kind": "delegate"})
    assert response.status_code == 303 and set(designated(db)) == {"SY-001"}


def test_arabic_digits_and_separators_of_a_spreadsheet_are_understood(convened, db):
    officer, cid = convened
    pasted = "\u200fSY-٠٠١\tTR-۰۱۳،EU-023; US-029"
    html = bulk(officer, cid, "designate", {"numbers": pasted, "kind": "delegate"}).get_data(
        as_text=True
    )
    assert confirm_fields(html)["member"] == ["SY-001", "TR-013", "EU-023", "US-029"]


def test_a_number_pasted_without_its_prefix_is_read_as_the_one_member_with_those_digits(
    convened, db
):
    """A spreadsheet column may lose the letters ("013" for TR-013): read as the one number
    with exactly those digits, and said so; digits no number has are refused as before."""
    officer, cid = convened
    html = bulk(officer, cid, "designate", {"numbers": "٠١٣\n999", "kind": "delegate"}).get_data(
        as_text=True
    )
    assert confirm_fields(html)["member"] == ["TR-013"]
    assert "TR-013" in table_row(html, "TR-013") and "999" in html


def test_the_report_says_how_many_rows_the_preview_left_out(convened, db):
    officer, cid = convened
    preview = bulk(officer, cid, "designate", {"numbers": "SY-001\nXX-999", "kind": "delegate"})
    fields = confirm_fields(preview.get_data(as_text=True))
    assert fields["left_out"] == ["1"]
    report = bulk(officer, cid, "designate", fields).get_data(as_text=True)
    assert "استُبعد صف واحد رُفض عند المعاينة" in report


# --- designating from the roll -----------------------------------------------------------


def test_members_ticked_on_the_roll_are_designated_after_a_preview(convened, db):
    officer, cid = convened
    roll = officer.get("/members/?branch=SY").get_data(as_text=True)
    form = re.search(r'<form[^>]*id="roll-designate"[^>]*>', roll)
    assert form and f"/conferences/{cid}/delegates/bulk/designate" in form.group(0)
    boxes = re.findall(
        r'<input type="checkbox" name="member" value="([^"]+)" form="roll-designate"', roll
    )
    assert "SY-001" in boxes and "SY-012" in boxes
    preview = officer.post(
        f"/conferences/{cid}/delegates/bulk/designate",
        {"member": ["SY-001", "SY-002"], "kind": "delegate", "origin": "roll"},
        page="/members/",
    )
    fields = confirm_fields(preview.get_data(as_text=True))
    assert fields["member"] == ["SY-001", "SY-002"] and count(db, Delegate) == 0
    bulk(officer, cid, "designate", fields)
    assert set(designated(db)) == {"SY-001", "SY-002"}
    again = officer.get("/members/?branch=SY").get_data(as_text=True)
    marked = [r for r in re.findall(r"<tr>.*?</tr>", again, re.S) if "مسمّى" in r]
    assert len(marked) == 2 and all("SY-001" in r or "SY-002" in r for r in marked)
    assert again.count('form="roll-designate">') == 1  # a second button under a long table


def test_the_roll_offers_no_designation_without_a_convened_conference(staff, db):
    admin, officer = staff("administrator"), staff("credentials_officer")
    upload_bylaws(admin)
    import_roll(officer, roll_csv({"SY": 3}))
    roll = officer.get("/members/").get_data(as_text=True)
    assert "roll-designate" not in roll and 'type="checkbox"' not in roll


# --- accrediting and inviting several ----------------------------------------------------


@pytest.fixture
def three_designated(convened, db):
    officer, cid = convened
    for number in ("SY-001", "TR-013", "EU-023"):
        assert designate_one(officer, cid, number).status_code == 302
    return officer, cid, designated(db)


def test_the_delegates_page_ticks_rows_for_accreditation_and_links_without_javascript(
    three_designated,
):
    officer, cid, rows = three_designated
    html = officer.get(delegates_page(cid)).get_data(as_text=True)
    form = re.search(r'<form[^>]*id="bulk-delegates"[^>]*>', html)
    assert form and 'method="post"' in form.group(0)
    for d in rows.values():
        assert f'name="delegate" value="{d.id}" form="bulk-delegates"' in html
    assert f'formaction="/conferences/{cid}/delegates/bulk/accredit"' in html
    assert f'formaction="/conferences/{cid}/delegates/bulk/invite"' in html
    assert 'name="numbers"' in html  # the pasted list, on the same page
    assert "<script" not in html.split("<main", 1)[1]


def test_ticked_delegates_are_accredited_at_once_each_audited(three_designated, db):
    officer, cid, rows = three_designated
    first, second, third = rows["SY-001"], rows["TR-013"], rows["EU-023"]
    officer.post(f"{delegates_page(cid)}/{third.id}/accredit", page=delegates_page(cid))
    preview = bulk(
        officer, cid, "accredit", {"delegate": [str(first.id), str(second.id), str(third.id)]}
    )
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and audited(db, "delegate.accredited") == 1
    fields = confirm_fields(html)
    assert fields["delegate"] == [str(first.id), str(second.id)]  # the third is accredited
    report = bulk(officer, cid, "accredit", fields)
    assert report.status_code == 200
    assert {n: d.status for n, d in designated(db).items()} == {
        "SY-001": "accredited",
        "TR-013": "accredited",
        "EU-023": "accredited",
    }
    assert audited(db, "delegate.accredited") == 3


def test_all_designated_rows_at_once_without_ticking_each(three_designated, db):
    officer, cid, rows = three_designated
    preview = bulk(officer, cid, "accredit", {"all": "yes"})
    fields = confirm_fields(preview.get_data(as_text=True))
    assert sorted(fields["delegate"]) == sorted(str(d.id) for d in rows.values())


def test_account_links_are_issued_for_several_and_shown_to_the_officer(
    three_designated, db, make_user
):
    officer, cid, rows = three_designated
    with_account = rows["EU-023"].member
    make_user(member_id=with_account.id, name=with_account.name_ar)
    ids = [str(d.id) for d in rows.values()]
    preview = bulk(officer, cid, "invite", {"delegate": ids})
    html = preview.get_data(as_text=True)
    assert count(db, Invitation) == 0
    fields = confirm_fields(html)
    assert fields["delegate"] == [str(rows["SY-001"].id), str(rows["TR-013"].id)]
    report = bulk(officer, cid, "invite", fields)
    page = report.get_data(as_text=True)
    links = re.findall(r'<code dir="ltr" class="link">([^<]+)</code>', page)
    assert report.status_code == 200 and len(links) == 2
    assert all("/conferences/activate/" in link for link in links)
    assert count(db, Invitation) == 2 and audited(db, "invitation.issued") == 2


def test_only_officers_act_in_bulk(three_designated, db, staff):
    _, cid, rows = three_designated
    ids = [str(d.id) for d in rows.values()]
    for role in ("election_committee", "observer"):
        other = staff(role)
        response = other.post(
            f"/conferences/{cid}/delegates/bulk/accredit",
            {"delegate": ids, "step": "confirm"},
            page="/",
        )
        assert response.status_code == 403
    assert {d.status for d in designated(db).values()} == {"designated"}


def test_a_delegate_unknown_to_this_conference_is_not_found(three_designated, db):
    officer, cid, rows = three_designated
    response = bulk(officer, cid, "accredit", {"delegate": [str(rows["SY-001"].id), "999999"]})
    assert response.status_code == 404
    assert {d.status for d in designated(db).values()} == {"designated"}


def test_an_unknown_bulk_action_is_not_found(three_designated, db):
    officer, cid, rows = three_designated
    response = bulk(officer, cid, "reject", {"delegate": [str(rows["SY-001"].id)]})
    assert response.status_code == 404
    assert {d.status for d in designated(db).values()} == {"designated"}
