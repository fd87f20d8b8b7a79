"""Issue 15, fixing mistakes: the administrator edits a draft conference (titles, date, place,
link, bylaws version) or deletes it, with a ticked confirmation, each audited. Once it is
convened the notice has gone out (Article 11.1): both are refused with a message, nothing
changes."""

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from conference_helpers import create_conference, upload_bylaws
from congress.audit.models import AuditEntry
from congress.audit.operations import verify_chain
from congress.conference.models import AgendaItem, Conference
from voting_steps import new_motion


@pytest.fixture
def draft(staff, db):
    admin = staff("administrator")
    assert upload_bylaws(admin).status_code == 302
    return admin, create_conference(admin)


def edited(when: datetime, **changes) -> dict:
    return {
        "title_ar": "المؤتمر العام الثاني",
        "title_en": "Second General Conference",
        "starts_at": when.strftime("%Y-%m-%dT%H:%M"),
        "place": "إسطنبول",
        "online_link": "",
        "bylaws_version": "1",
        **changes,
    }


def later(days=60) -> datetime:
    return (datetime.now() + timedelta(days=days)).replace(second=0, microsecond=0)


def actions(db, subject):
    db.session.expire_all()
    return list(
        db.session.execute(
            select(AuditEntry.action).where(AuditEntry.subject == subject).order_by(AuditEntry.seq)
        ).scalars()
    )


def test_the_draft_page_links_edit_and_delete(draft):
    admin, cid = draft
    html = admin.get(f"/conferences/{cid}").get_data(as_text=True)
    assert f'href="/conferences/{cid}/edit"' in html
    delete = re.search(rf'<form[^>]*action="/conferences/{cid}/delete".*?</form>', html, re.S)
    assert delete and 'type="checkbox" name="confirm" value="yes"' in delete.group(0)


def test_the_administrator_edits_a_draft_each_change_audited(draft, db):
    admin, cid = draft
    page = f"/conferences/{cid}/edit"
    form = admin.get(page)
    assert form.status_code == 200 and "المؤتمر العام" in form.get_data(as_text=True)
    response = admin.post(page, edited(later()), page=page)
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/conferences/{cid}"
    )
    db.session.expire_all()
    conference = db.session.get(Conference, cid)
    assert conference.title_ar == "المؤتمر العام الثاني" and conference.place == "إسطنبول"
    assert conference.title_en == "Second General Conference"
    again = admin.get(page).get_data(as_text=True)  # the date comes back as it was typed
    assert f'value="{later().strftime("%Y-%m-%d %H:%M")}' in again
    entry = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "conference.updated")
    ).scalar_one()
    assert "starts_at" in entry.data and "title_ar" in entry.data and "place" in entry.data
    assert verify_chain().ok


def test_an_invalid_edit_is_shown_again_and_changes_nothing(draft, db):
    admin, cid = draft
    page = f"/conferences/{cid}/edit"
    response = admin.post(page, edited(later(), title_ar=""), page=page)
    assert response.status_code == 422
    assert db.session.get(Conference, cid).title_ar == "المؤتمر العام"


def test_an_unchanged_edit_records_nothing(draft, db):
    admin, cid = draft
    page = f"/conferences/{cid}/edit"
    conference = db.session.get(Conference, cid)
    html = admin.get(page).get_data(as_text=True)
    starts = re.search(r'name="starts_at"[^>]*value="([^"]+)"', html).group(1)
    same = edited(
        later(),
        starts_at=starts,  # posted back as the form shows it
        title_ar=conference.title_ar,
        title_en=conference.title_en,
        place="",
    )
    assert admin.post(page, same, page=page).status_code == 302
    assert actions(db, f"conference:{cid}") == ["conference.created"]


def test_a_draft_is_deleted_only_when_the_box_is_ticked(draft, db):
    admin, cid = draft
    page = f"/conferences/{cid}"
    admin.post(f"{page}/agenda", {"kind": "report", "title_ar": "التقرير"}, page=page)
    unticked = admin.post(f"{page}/delete", page=page)
    assert unticked.status_code == 303 and db.session.get(Conference, cid) is not None
    ticked = admin.post(f"{page}/delete", {"confirm": "yes"}, page=page)
    assert ticked.status_code == 302 and ticked.headers["Location"].endswith("/conferences/")
    db.session.expire_all()
    assert db.session.get(Conference, cid) is None
    assert db.session.execute(select(AgendaItem)).first() is None
    assert actions(db, f"conference:{cid}")[-1] == "conference.deleted"
    assert verify_chain().ok
    assert admin.get(page).status_code == 404


def test_convening_asks_for_a_tick_the_notice_cannot_be_called_back(draft, db):
    admin, cid = draft
    page = f"/conferences/{cid}"
    assert 'name="confirm"' in admin.get(page).get_data(as_text=True).split("/convene")[1][:600]
    untouched = admin.post(f"{page}/convene", page=page)
    assert untouched.status_code == 303
    db.session.expire_all()
    assert db.session.get(Conference, cid).state == "draft"
    assert "conference.state_changed" not in actions(db, f"conference:{cid}")


def test_a_convened_conference_is_neither_edited_nor_deleted_art_11_1(draft, db):
    admin, cid = draft
    page = f"/conferences/{cid}"
    assert admin.post(f"{page}/convene", {"confirm": "yes"}, page=page).status_code == 302
    html = admin.get(page).get_data(as_text=True)
    assert f"{page}/edit" not in html and f"{page}/delete" not in html
    shown = admin.get(f"{page}/edit")
    assert shown.status_code == 409 and "#art-11.1" in shown.get_data(as_text=True)
    changed = admin.post(f"{page}/edit", edited(later()), page=page)
    assert changed.status_code == 409
    deleted = admin.post(f"{page}/delete", {"confirm": "yes"}, page=page)
    assert deleted.status_code == 409 and "#art-11.1" in deleted.get_data(as_text=True)
    db.session.expire_all()
    conference = db.session.get(Conference, cid)
    assert conference is not None and conference.title_ar == "المؤتمر العام"
    assert "conference.deleted" not in actions(db, f"conference:{cid}")


def test_a_draft_holding_the_committees_polls_is_not_deleted(staff, db):
    admin = staff("administrator")
    upload_bylaws(admin)
    committee = staff("election_committee")  # seated on conferences created from now
    cid = create_conference(admin)
    poll_id = new_motion(committee, cid)
    page = f"/conferences/{cid}"
    response = admin.post(f"{page}/delete", {"confirm": "yes"}, page=page)
    assert response.status_code == 409
    assert "ورقة التوجهات السياسية" in response.get_data(as_text=True)  # names the poll
    assert db.session.get(Conference, cid) is not None
    from congress.voting.models import Poll

    assert db.session.get(Poll, poll_id) is not None


def test_only_the_administrator_edits_or_deletes(draft, staff, db):
    _, cid = draft
    officer = staff("credentials_officer")
    assert officer.get(f"/conferences/{cid}/edit").status_code == 403
    page = f"/conferences/{cid}"
    assert officer.post(f"{page}/delete", {"confirm": "yes"}, page="/").status_code == 403
    assert db.session.get(Conference, cid) is not None
