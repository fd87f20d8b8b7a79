"""Issue 15.2: a time typed in a form is the wall-clock time of the user's zone. The old
conversion took a zone's first offset (Local Mean Time, +2:25 for Damascus), so 10:00
became 10:35. Every form that takes a time, in the organization's zone and in a user's
own zone, across a daylight saving change (a skipped hour is refused, a repeated hour is
taken at its first occurrence)."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from congress.auth.models import User
from congress.conference.models import Conference
from congress.voting.models import Poll
from support import PASSWORD


def motion(committee, conference_id, closes_at):
    return committee.post(
        f"/conferences/{conference_id}/polls/new",
        {
            "kind": "motion",
            "m-title_ar": "مقترح",
            "m-text_ar": "نص",
            "m-category": "ordinary",
            "m-closes_at": closes_at,
        },
        page=f"/conferences/{conference_id}/polls/new",
    )


def set_zone(db, email, zone):
    user = db.session.execute(select(User).where(User.email == email)).scalar_one()
    user.timezone = zone
    db.session.commit()


def last_poll(db):
    return db.session.execute(select(Poll).order_by(Poll.id.desc())).scalars().first()


def test_ten_oclock_in_damascus_is_seven_utc_and_shows_as_ten(session_with, committee, db):
    conference, _ = session_with(3)
    assert motion(committee, conference.id, "2027-01-10T10:00").status_code == 302
    poll = last_poll(db)
    assert poll.closes_at == datetime(2027, 1, 10, 7, 0, tzinfo=UTC)
    assert "10:00" in committee.get(f"/polls/{poll.id}").get_data(as_text=True)


@pytest.mark.parametrize(
    "typed, utc",
    [
        ("2027-03-28T01:30", datetime(2027, 3, 28, 0, 30, tzinfo=UTC)),  # before the change
        ("2027-03-28T03:30", datetime(2027, 3, 28, 1, 30, tzinfo=UTC)),  # summer time
        ("2027-10-31T02:30", datetime(2027, 10, 31, 0, 30, tzinfo=UTC)),  # twice: the first
        ("2027-10-31T03:30", datetime(2027, 10, 31, 2, 30, tzinfo=UTC)),  # winter time again
    ],
)
def test_a_user_in_berlin_types_berlin_times_across_daylight_saving(
    session_with, committee, db, typed, utc
):
    conference, _ = session_with(3)
    set_zone(db, "committee1@congress.test", "Europe/Berlin")
    assert motion(committee, conference.id, typed).status_code == 302
    assert last_poll(db).closes_at == utc


def test_the_hour_skipped_by_daylight_saving_is_refused_and_nothing_is_created(
    session_with, committee, db
):
    conference, _ = session_with(3)
    set_zone(db, "committee1@congress.test", "Europe/Berlin")
    response = motion(committee, conference.id, "2027-03-28T02:30")
    assert response.status_code == 422
    assert "لا يوجد هذا الوقت" in response.get_data(as_text=True)
    assert last_poll(db) is None


@pytest.mark.parametrize(
    "zone, typed, utc",
    [
        (None, "2027-05-01T10:00", datetime(2027, 5, 1, 7, 0, tzinfo=UTC)),
        ("Europe/Berlin", "2027-05-01T10:00", datetime(2027, 5, 1, 8, 0, tzinfo=UTC)),
        ("America/New_York", "2027-11-07T01:30", datetime(2027, 11, 7, 5, 30, tzinfo=UTC)),
    ],
)
def test_a_conference_starts_at_the_time_typed_in_the_users_zone(
    browser, make_user, db, zone, typed, utc
):
    from congress.bylaws.operations import upload
    from congress.core.bylaws import example_path
    from congress.database import write_intent

    admin = make_user(roles=("administrator",))
    with write_intent():
        upload(example_path().read_text(encoding="utf-8"), filename="example.toml")
        db.session.commit()
    set_zone(db, admin.email, zone)
    browser.login(admin.email, PASSWORD)
    version = browser.get("/conferences/new").get_data(as_text=True)
    value = version.split('name="bylaws_version"')[1].split('value="')[1].split('"')[0]
    response = browser.post(
        "/conferences/new",
        {"title_ar": "المؤتمر", "starts_at": typed, "bylaws_version": value},
        page="/conferences/new",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    conference = db.session.execute(select(Conference)).scalar_one()
    assert conference.starts_at == utc
