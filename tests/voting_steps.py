"""Steps of a poll as the committee and the voters take them in a browser."""

from __future__ import annotations

import re

from sqlalchemy import select

from congress.voting.models import PollCandidate
from support import PASSWORD

COMMITTEE = ("committee1@congress.test", "committee-demo-2026")


def new_motion(committee, conference_id, category="policy_paper"):
    response = committee.post(
        f"/conferences/{conference_id}/polls/new",
        {
            "kind": "motion",
            "m-title_ar": "ورقة التوجهات السياسية",
            "m-title_en": "Policy paper",
            "m-text_ar": "نص الورقة.",
            "m-text_en": "The text.",
            "m-category": category,
        },
        page=f"/conferences/{conference_id}/polls/new",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def act(committee, poll_id, action, **data):
    """Open, close or annul, ticking the box that confirms it as the page asks."""
    data = {"confirm": "yes", **data}
    return committee.post(f"/polls/{poll_id}/{action}", data, page=f"/polls/{poll_id}")


def voter(make_browser, user):
    b = make_browser()
    assert b.login(user.email, PASSWORD).status_code == 302
    return b


def vote(browser, poll_id, **choices):
    """Ballot page -> review -> cast, as the forms post them."""
    page = f"/polls/{poll_id}/ballot"
    data = {"poll": poll_id, **choices}
    review = browser.post("/vote/review", data, page=page)
    if review.status_code != 200:
        return review
    return browser.post("/vote/cast", data, page=page)


def tracker_of(response) -> str:
    match = re.search(
        r'class="tracker" dir="ltr" lang="en">([0-9a-f ]+)<', response.get_data(as_text=True)
    )
    return match.group(1).replace(" ", "")


def new_election(committee, conference_id, body, confirm=True):
    data = {"kind": "election", "e-body": body}
    if confirm:
        data["e-confirm"] = "y"
    response = committee.post(
        f"/conferences/{conference_id}/polls/new",
        data,
        page=f"/conferences/{conference_id}/polls/new",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def candidate_ids(db, poll_id):
    return [
        c.id
        for c in db.session.execute(
            select(PollCandidate)
            .where(PollCandidate.poll_id == poll_id)
            .order_by(PollCandidate.position)
        ).scalars()
    ]
