"""Issue 14.2: the size of a voting page, raw or gzipped, says nothing of the choice.

A network observer (or an access log) sees the length of every response despite TLS.
For each motion answer, and for block and ranked ballots from empty to full, the review
page, the ballot shown again for a change and the receipt have one size, and the cast
request carries the reviewed ballot in one field of one length."""

import gzip
import re

import pytest

from scenario import approve_candidates, members
from voting_steps import act, candidate_ids, new_election, new_motion, voter

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def sizes(browser, url, data, page):
    """(raw length, gzipped length) of one POST's answer; the gzip must decode to the raw."""
    raw = browser.post(url, data, page=page)
    packed = browser.post(url, data, page=page, headers=GZIP)
    assert packed.headers.get("Content-Encoding") == "gzip"
    assert "no-transform" in packed.headers["Cache-Control"]
    body = packed.get_data()
    unpacked = gzip.decompress(body)
    assert len(unpacked) == len(raw.get_data())
    return len(raw.get_data()), len(body), raw


def token_of(response) -> str:
    return re.search(r'name="ballot" value="([^"]+)"', response.get_data(as_text=True)).group(1)


@pytest.fixture
def motion(session_with, committee):
    conference, users = session_with(4)
    poll_id = new_motion(committee, conference.id)
    assert act(committee, poll_id, "open").status_code == 302
    return poll_id, users


def test_every_motion_answer_gives_one_review_page_size_and_one_cast_request(motion, make_browser):
    poll_id, users = motion
    phone = voter(make_browser, users[0])
    ballot = f"/polls/{poll_id}/ballot"
    seen, tokens = set(), set()
    for answer in ("y", "n", "a", "yes", "no", "abstain"):
        raw, packed, review = sizes(
            phone, "/vote/review", {"poll": poll_id, "answer": answer}, ballot
        )
        assert review.status_code == 200
        seen.add((raw, packed))
        tokens.add(len(token_of(review)))
    assert len(seen) == 1 and len(tokens) == 1


def test_the_ballot_shown_again_for_a_change_has_one_size(motion, make_browser):
    poll_id, users = motion
    phone = voter(make_browser, users[0])
    ballot = f"/polls/{poll_id}/ballot"
    seen = set()
    for answer in ("y", "n", "a"):
        review = phone.post("/vote/review", {"poll": poll_id, "answer": answer}, page=ballot)
        raw, packed, again = sizes(phone, ballot, {"ballot": token_of(review)}, ballot)
        assert "checked> " in again.get_data(as_text=True)  # the answer is shown chosen
        seen.add((raw, packed))
    assert len(seen) == 1


def test_every_answer_gives_one_receipt_size(motion, make_browser):
    """Four voters, four answers (with a repeated one): one size of receipt."""
    poll_id, users = motion
    ballot = f"/polls/{poll_id}/ballot"
    seen = set()
    for user, answer in zip(users, ("y", "n", "a", "y"), strict=True):
        phone = voter(make_browser, user)
        review = phone.post("/vote/review", {"poll": poll_id, "answer": answer}, page=ballot)
        data = {"poll": poll_id, "ballot": token_of(review)}
        receipt = phone.post("/vote/cast", data, page=ballot, headers=GZIP)
        assert receipt.status_code == 200
        seen.add(len(receipt.get_data()))
    assert len(seen) == 1


@pytest.fixture
def council(session_with, committee, db):
    """A block ballot of 8 candidates, up to 40 marks (Article 15.1)."""
    conference, users = session_with(3)
    voters = {u.member_id for u in users}
    approve_candidates(conference, "central_council", members(exclude=voters, limit=8))
    poll_id = new_election(committee, conference.id, "central_council")
    assert act(committee, poll_id, "open").status_code == 302
    return poll_id, users


def test_block_ballots_from_empty_to_full_give_one_review_size(council, make_browser, db):
    poll_id, users = council
    ids = [str(i) for i in candidate_ids(db, poll_id)]
    phone = voter(make_browser, users[0])
    ballot = f"/polls/{poll_id}/ballot"
    seen, tokens = set(), set()
    for n in range(len(ids) + 1):
        for chosen in (ids[:n], ids[len(ids) - n :]):
            raw, packed, review = sizes(
                phone, "/vote/review", {"poll": poll_id, "mark": chosen}, ballot
            )
            assert review.status_code == 200, review.get_data(as_text=True)[-1500:]
            seen.add((raw, packed))
            tokens.add(len(token_of(review)))
    assert len(seen) == 1 and len(tokens) == 1


def test_a_forged_reviewed_ballot_is_refused_and_nothing_is_stored(motion, make_browser, db):
    from sqlalchemy import func, select

    from congress.voting.models import Ballot

    poll_id, users = motion
    phone = voter(make_browser, users[0])
    ballot = f"/polls/{poll_id}/ballot"
    review = phone.post("/vote/review", {"poll": poll_id, "answer": "y"}, page=ballot)
    token = token_of(review)
    forged = token[:-4] + ("AAAA" if token[-4:] != "AAAA" else "BBBB")
    response = phone.post("/vote/cast", {"poll": poll_id, "ballot": forged}, page=ballot)
    assert response.status_code == 409
    assert "review your choices again" in response.get_data(as_text=True) or "راجع" in (
        response.get_data(as_text=True)
    )
    assert db.session.execute(select(func.count()).select_from(Ballot)).scalar() == 0


def test_a_double_tap_on_cast_shows_the_same_receipt_and_casts_once(motion, make_browser, db):
    """Issue 15.8: on a slow link the first cast commits, its answer is lost, and the second
    post of the same form used to say "already voted" with the tracker gone forever."""
    from sqlalchemy import func, select

    from congress.voting.models import Ballot
    from voting_steps import tracker_of

    poll_id, users = motion
    phone = voter(make_browser, users[0])
    ballot = f"/polls/{poll_id}/ballot"
    review = phone.post("/vote/review", {"poll": poll_id, "answer": "n"}, page=ballot)
    data = {"poll": poll_id, "ballot": token_of(review)}
    first = phone.post("/vote/cast", data, page=ballot)
    again = phone.post("/vote/cast", data, page=ballot)
    assert first.status_code == again.status_code == 200
    assert tracker_of(first) == tracker_of(again)
    assert db.session.execute(select(func.count()).select_from(Ballot)).scalar() == 1
    other = phone.post("/vote/review", {"poll": poll_id, "answer": "y"}, page=ballot)
    refused = phone.post("/vote/cast", {"poll": poll_id, "ballot": token_of(other)}, page=ballot)
    assert refused.status_code == 409  # another form after the cast: already voted


def test_a_reviewed_ballot_is_the_reviewers_own(motion, make_browser, db):
    poll_id, users = motion
    ballot = f"/polls/{poll_id}/ballot"
    mine = voter(make_browser, users[0]).post(
        "/vote/review", {"poll": poll_id, "answer": "y"}, page=ballot
    )
    thief = voter(make_browser, users[1])
    stolen = thief.post("/vote/cast", {"poll": poll_id, "ballot": token_of(mine)}, page=ballot)
    assert stolen.status_code == 409


def test_the_ballot_shown_again_has_one_size_blank_included(council, make_browser, db):
    """The audit found that going back from the review of a blank ballot gave a page of
    another size, uncompressed."""
    poll_id, users = council
    ids = [str(i) for i in candidate_ids(db, poll_id)]
    phone = voter(make_browser, users[0])
    ballot = f"/polls/{poll_id}/ballot"
    seen = set()
    for chosen in ([], ids[:1], ids):
        review = phone.post("/vote/review", {"poll": poll_id, "mark": chosen}, page=ballot)
        assert review.status_code == 200
        raw, packed, _ = sizes(phone, ballot, {"ballot": token_of(review)}, ballot)
        seen.add((raw, packed))
    assert len(seen) == 1
