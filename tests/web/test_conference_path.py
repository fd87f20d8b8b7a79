"""The whole path of a conference: import -> convene -> apportion -> designate -> invite ->
activate -> accredit -> check in -> quorum met; every refusal quotes its article."""

import re
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest
from sqlalchemy import func, select

from conference_helpers import create_conference, import_roll, roll_csv, upload_bylaws
from congress.audit.operations import verify_chain
from congress.bylaws.operations import example_text
from congress.conference.models import Conference, Delegate
from congress.members.models import Member

ROLL = {"SY": 12, "TR": 10, "EU": 6, "US": 5}  # per_n 5, minimum 2: SY 2, TR 2, EU 2, US 2


@pytest.fixture
def convened(staff, db):
    admin, officer = staff("administrator"), staff("credentials_officer")
    assert upload_bylaws(admin).status_code == 302
    assert import_roll(officer, roll_csv(ROLL, suspended={"SY-003"})).status_code == 302
    conference_id = create_conference(admin)
    assert (
        admin.post(
            f"/conferences/{conference_id}/convene",
            {"confirm": "yes"},
            page=f"/conferences/{conference_id}",
        ).status_code
        == 302
    )
    return admin, officer, conference_id


def designate(officer, conference_id, number, kind="delegate", branch=None):
    data = {"member_number": number, "kind": kind}
    if branch:
        data["branch"] = branch
    return officer.post(
        f"/conferences/{conference_id}/delegates/designate",
        data,
        page=f"/conferences/{conference_id}/delegates",
    )


def test_the_whole_path_reaches_quorum(convened, db, make_browser, app):
    _, officer, cid = convened
    assert db.session.execute(select(func.count(Member.id))).scalar() == sum(ROLL.values())
    page = officer.get(f"/conferences/{cid}/delegates").get_data(as_text=True)
    assert "المادة 9.1" in page  # the apportionment names its article

    for number in ("SY-001", "SY-002", "TR-013", "TR-014"):
        assert designate(officer, cid, number).status_code == 302
    delegates = db.session.execute(select(Delegate).order_by(Delegate.id)).scalars().all()
    assert [d.status for d in delegates] == ["designated"] * 4

    phones = []
    for delegate in delegates:
        response = officer.post(
            f"/conferences/{cid}/delegates/{delegate.id}/invite",
            page=f"/conferences/{cid}/delegates",
        )
        link = re.search(
            r'<code dir="ltr" class="link">([^<]+)</code>', response.get_data(as_text=True)
        ).group(1)
        outbox = list((Path(app.instance_path) / "outbox").glob("*.eml"))
        bodies = [message_from_bytes(f.read_bytes(), policy=default).get_content() for f in outbox]
        assert any(link in body for body in bodies), "the link is in the outbox"
        phone = make_browser()
        path = link.split("localhost", 1)[1]
        activated = phone.post(
            path,
            {
                "password": "delegate-secret-1",
                "confirm": "delegate-secret-1",
                "language": "ar",
                "timezone": "Europe/Istanbul",
            },
            page=path,
        )
        assert activated.status_code == 302, activated.get_data(as_text=True)[:1500]
        assert phone.get(path).status_code == 404  # the link works once
        phones.append(phone)
        assert (
            officer.post(
                f"/conferences/{cid}/delegates/{delegate.id}/accredit",
                page=f"/conferences/{cid}/delegates",
            ).status_code
            == 302
        )

    status = phones[0].get(f"/conferences/{cid}/me").get_data(as_text=True)
    assert "معتمد" in status

    officer.post(
        f"/conferences/{cid}/sitting", {"action": "open"}, page=f"/conferences/{cid}/attendance"
    )
    assert db.session.get(Conference, cid).state == "in_session"
    quorum = phones[0].get(f"/conferences/{cid}/quorum").get_data(as_text=True)
    assert "النصاب غير مكتمل" in quorum and "المادة 12.2" in quorum, quorum[quorum.find("<main") :][
        :1500
    ]
    for phone in phones[:3]:  # 3 of 4 accredited: half plus one of 4 is 3
        assert (
            phone.post(
                f"/conferences/{cid}/me", {"action": "check_in"}, page=f"/conferences/{cid}/me"
            ).status_code
            == 302
        )
    quorum = phones[3].get(f"/conferences/{cid}/quorum").get_data(as_text=True)
    assert "النصاب مكتمل" in quorum and "quorum.js" in quorum and "إعادة تحميل" in quorum
    assert verify_chain().ok


def test_convening_too_late_is_refused_with_the_notice_article(staff, db):
    admin = staff("administrator")
    upload_bylaws(admin)
    cid = create_conference(admin, days_ahead=10)
    response = admin.post(
        f"/conferences/{cid}/convene", {"confirm": "yes"}, page=f"/conferences/{cid}"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "المادة 11.1" in html and "#art-11.1" in html
    assert db.session.get(Conference, cid).state == "draft"


def test_a_designation_beyond_the_branch_seats_is_refused_with_the_article(convened, db):
    _, officer, cid = convened
    assert designate(officer, cid, "US-029").status_code == 302
    assert designate(officer, cid, "US-030").status_code == 302
    response = designate(officer, cid, "US-031")
    assert response.status_code == 409 and "المادة 9.1" in response.get_data(as_text=True)
    assert db.session.execute(select(func.count(Delegate.id))).scalar() == 2


def test_a_member_not_in_good_standing_cannot_be_designated(convened, db):
    _, officer, cid = convened
    response = designate(officer, cid, "SY-003")
    assert response.status_code == 409 and "المادة 5.2" in response.get_data(as_text=True)


def test_a_member_cannot_be_designated_for_another_branch(convened, db):
    _, officer, cid = convened
    response = designate(officer, cid, "SY-001", branch="TR")
    assert response.status_code == 409 and "المادة 9.1" in response.get_data(as_text=True)


def test_the_bylaws_version_of_a_convened_conference_never_changes(convened, db, staff):
    admin, _, cid = convened
    changed = example_text().replace("days = 30", "days = 20")
    assert upload_bylaws(admin, changed).status_code == 302
    assert db.session.get(Conference, cid).bylaws_version.number == 1


def test_the_apportionment_is_frozen_when_the_conference_is_convened(convened, db):
    """Issue 15.10: re-importing the roll after convening used to move the seats. The
    notice fixes them: the counts of members in good standing at convening are kept."""
    _, officer, conference_id = convened
    page = f"/conferences/{conference_id}/delegates"
    before = officer.get(page).get_data(as_text=True).split("<tbody>")[1].split("</tbody>")[0]
    grown = {**ROLL, "SY": 40}  # 28 more members in good standing in SY
    assert import_roll(officer, roll_csv(grown, suspended={"SY-003"})).status_code == 302
    after = officer.get(page).get_data(as_text=True).split("<tbody>")[1].split("</tbody>")[0]
    assert after == before
    frozen = db.session.get(Conference, conference_id).standing_at_convening
    assert '"SY": 11' in frozen
