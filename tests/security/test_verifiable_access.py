"""The verifiable level's checks that depend on the object: which poll (open, closed,
annulled), whose conference, who is on the roll. The table's rows are in matrix_table."""

from __future__ import annotations

from security_world import (
    KINDS,
    STAFF_LOGINS,
    build_world,
    partial_decryption,
    table_rows,
    verifiable_ballot,
)
from test_authorization_matrix import classify, token_of

from congress.database import write_intent
from congress.verifiable.models import PartialDecryptionRow, VerifiableBallot
from congress.voting import polls
from congress.voting.models import Poll
from support import PASSWORD

WALKERS = (*KINDS, "authority")


def test_nothing_of_the_box_before_the_close(app, make_browser):
    """An open verifiable poll (one ballot in its box): its election and public credentials
    are public, and so is its archive, which holds its setup only (what an independent
    client needs to make a ballot); its box is not: no ballot in the archive, no
    encrypted tally, no board, for anyone (committee and administrator included)."""
    from congress.core import belenios as bl

    world = build_world(app)
    v = world.verifiable_poll
    wrong = []
    for kind in WALKERS:
        browser = world.login(make_browser, kind)
        hidden = "login" if kind == "anonymous" else "404"
        shown = "login" if kind == "anonymous" else "ok"
        for url, wanted in (
            (f"/polls/{v}/archive.bel", shown),
            (f"/polls/{v}/encrypted-tally.json", hidden),
            (f"/polls/{v}/board", hidden),
            (f"/polls/{v}/election.json", shown),
            (f"/polls/{v}/public-credentials.json", shown),
            # the waiting poll has no public credentials yet: nothing to show
            (f"/polls/{world.verifiable_waiting_poll}/public-credentials.json", hidden),
        ):
            got = classify(browser.get(url))
            if got != wanted:
                wrong.append(f"{kind} {url}: expected {wanted}, got {got}")
        if kind != "anonymous":
            archive = bl.Archive.from_bytes(browser.get(f"/polls/{v}/archive.bel").get_data())
            events = [event.type for _, event in archive.events()]
            if events != ["Setup"]:
                wrong.append(f"{kind} /polls/{v}/archive.bel holds {events}")
    assert not wrong, "\n".join(wrong)


def test_an_annulled_verifiable_poll_publishes_nothing_of_its_box(app, make_browser, db):
    """As voting.polls.annul says: an annulled poll publishes nothing of its box, ever. The
    closed poll annulled before its count: no archive, no encrypted tally (k trustees
    could decrypt it with their key files), no board, and no partial decryption taken.

    Found in review (open): verifiable.views.tally_json serves the encrypted tally of any
    poll that has one, annulled included (archive() asks board.is_public, tally_json
    does not). Fails until tally_json answers 404 unless is_public(poll)."""
    world = build_world(app)
    closed = world.verifiable_closed_poll
    with write_intent():
        polls.annul(db.session.get(Poll, closed), "x", actor=None)
        db.session.commit()
    wrong = []
    for kind in ("member", "delegate", "committee", "observer", "admin", "authority"):
        browser = world.login(make_browser, kind)
        for url in (
            f"/polls/{closed}/archive.bel",
            f"/polls/{closed}/encrypted-tally.json",
            f"/polls/{closed}/board",
        ):
            got = classify(browser.get(url))
            if got != "404":
                wrong.append(f"{kind} {url}: expected 404, got {got}")
    committee = world.login(make_browser, "committee")
    key = world.trustee_keys[STAFF_LOGINS["committee"][0]]
    partial = partial_decryption(db.session.get(Poll, closed), key)
    url = f"/polls/{closed}/decrypt"
    before = table_rows()
    committee.post(url, {"partial": partial}, page="/")
    assert table_rows() == before
    assert db.session.query(PartialDecryptionRow).filter_by(poll_id=closed).count() == 0
    assert not wrong, "\n".join(wrong)


def test_only_the_seated_committee_are_the_trustees(app, make_browser, db):
    """Another conference's committee member (the committee role, not seated on C): none
    of C's trustees' pages, and their partial decryption (a real one, made with a C
    trustee's key file they hold) is refused, nothing kept."""
    world = build_world(app)
    outsider = make_browser()
    assert outsider.login(world.other_committee_email, PASSWORD).status_code == 302
    c, closed = world.conference, world.verifiable_closed_poll
    wrong = []
    for url, refused in (
        (f"/conferences/{c}/trustees", {"403"}),
        (f"/conferences/{c}/trustees/certificates.json", {"403"}),
        # not a trustee of C: their vinput is not found (404) as certificates' 403: both
        # refuse; nothing of C's key is shown either way
        (f"/conferences/{c}/trustees/vinput.json", {"403", "404"}),
        (f"/polls/{closed}/decrypt", {"403"}),
    ):
        got = classify(outsider.get(url))
        if got not in refused:
            wrong.append(f"GET {url}: {got}")
    key = world.trustee_keys[STAFF_LOGINS["committee"][0]]
    partial = partial_decryption(db.session.get(Poll, closed), key)
    token = token_of(outsider)
    before = table_rows()
    for url, data in (
        (f"/conferences/{c}/trustees", {"action": "begin"}),
        (f"/polls/{closed}/decrypt", {"partial": partial}),
    ):
        response = outsider.client.post(url, data={"csrf_token": token, **data})
        if response.status_code != 403:
            wrong.append(f"POST {url}: {response.status_code}")
    assert table_rows() == before
    assert not wrong, wrong


def test_a_valid_ballot_from_off_the_roll_is_refused(app, make_browser, db):
    """A member who is not on the poll's roll (the designated, not accredited delegate),
    holding a real ballot made with a voter's credential: refused, nothing stored, the
    roll unchanged; the voter's own ballot is then taken."""
    world = build_world(app)
    v = world.verifiable_poll
    poll = db.session.get(Poll, v)
    raw = verifiable_ballot(poll, world.voter_credentials[0], "yes")
    pending = world.login(make_browser, "delegate_pending")
    before = table_rows()
    for url, data in (
        (f"/polls/{v}/verifiable/cast", {"ballot": raw}),
        (
            f"/polls/{v}/verifiable/without-javascript",
            {
                "answer": "y",
                "credential": world.voter_credentials[0],
                "without_javascript": "yes",  # the <noscript> field
            },
        ),
    ):
        response = pending.post(url, data, page="/")
        assert response.status_code in (403, 409), (url, response.status_code)
    assert table_rows() == before
    delegate = world.login(make_browser, "delegate")
    response = delegate.post(f"/polls/{v}/verifiable/cast", {"ballot": raw}, page="/")
    assert response.status_code == 200
    assert db.session.query(VerifiableBallot).filter_by(poll_id=v).count() == 2


def test_a_key_refused_at_its_last_check_is_not_kept(app, make_browser, db, monkeypatch):
    """Found in review (open): trustees._advance checks the finished key (check_trustees)
    after the last voutput is added, the step set to "done" and the structure stored, and
    raises TrusteeRefused when it fails; the page shows the refusal with a 303, and a
    response below 400 commits: the message, its audit entry and the "done" step are kept,
    with no joint public key, and is_ready() says yes. Expected: nothing of the refused
    message is kept, the key is not ready (no verifiable poll can be made on a key without
    its joint public key), and no audit entry says otherwise. Fails until trustees.submit
    keeps the message and advances in a savepoint (or _advance checks before changing)."""
    from security_world import _offline_messages
    from sqlalchemy import select

    from congress.auth.models import User
    from congress.conference import operations as conference_ops
    from congress.conference.models import Conference
    from congress.verifiable import trustees
    from congress.verifiable.models import TrusteeMessage, TrusteeSetup

    world = build_world(app)
    with write_intent():  # C2 with three trustees: committee1 sends the last voutput
        other = db.session.get(Conference, world.other_conference)
        for n in (1, 2):
            user = db.session.execute(
                select(User).where(User.email == f"committee{n}@congress.test")
            ).scalar_one()
            conference_ops.seat_committee_member(other, user, actor=None)
        setup = trustees.begin(other, actor=None)
        committee = conference_ops.committee_of(other)
        made = _offline_messages(tuple(u.email for u in committee), setup.threshold)
        for step in ("certificate", "polynomial", "voutput"):
            for user in committee:
                if step == "voutput" and user.email == STAFF_LOGINS["committee"][0]:
                    continue
                trustees.submit(other, user, made[user.email][step], actor=user)
        db.session.commit()
    browser = world.login(make_browser, "committee")
    monkeypatch.setattr(trustees.bl, "check_trustees", lambda group, parsed: "refused")
    page = f"/conferences/{world.other_conference}/trustees"
    before = table_rows()
    voutput = made[STAFF_LOGINS["committee"][0]]["voutput"]
    response = browser.post(page, {"message": voutput}, page=page)
    assert response.status_code in (303, 409, 422), response.status_code
    db.session.expire_all()
    setup = db.session.get(TrusteeSetup, world.other_conference)
    kept = db.session.execute(
        select(TrusteeMessage).where(
            TrusteeMessage.conference_id == world.other_conference,
            TrusteeMessage.step == "voutputs",
        )
    ).all()
    assert (setup.step, setup.public_key, len(kept)) == ("voutputs", "", 2)
    assert not trustees.is_ready(db.session.get(Conference, world.other_conference))
    assert table_rows() == before
