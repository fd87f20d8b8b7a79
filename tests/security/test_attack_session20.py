"""Session 20 attacks: bulk delegates, undoing withdrawals, draft conferences, the readable
audit log, verifiable polls at rest. Each test performs one attack; a test that fails on
the code shows a hole, a test that passes records a claim that holds."""

from __future__ import annotations

from concurrency import run_at_once
from sqlalchemy import func, select

from congress.audit.models import AuditEntry
from congress.conference import delegates, facts
from congress.conference.models import Conference, Delegate
from congress.database import write_intent
from congress.extensions import db as _db
from congress.members.models import Member
from scenario import demo_conference


def _branch_full_with_alternates(conference, code="US", alternates=2):
    """Every delegate seat of branch `code` filled (accredited) and `alternates` alternates;
    returns (delegates, alternates, seats)."""
    rules = facts.bylaws_of(conference)
    app_ = rules.apportionment(facts.standing_for_apportionment(conference, rules))
    seats, alt_seats = app_.delegates[code], app_.alternates.get(code, 0)
    assert alt_seats >= alternates, (code, alt_seats)
    pool = [
        m
        for m in _db.session.execute(select(Member).order_by(Member.id)).scalars()
        if m.branch.code == code and rules.good_standing(facts.member_facts(m)).ok
    ]
    assert len(pool) >= seats + alternates
    with write_intent():
        dels = []
        for m in pool[:seats]:
            d = delegates.designate(conference, m, m.branch, "delegate", actor=None)
            delegates.accredit(d, actor=None)
            dels.append(d)
        alts = [
            delegates.designate(conference, m, m.branch, "alternate", actor=None)
            for m in pool[seats : seats + alternates]
        ]
        _db.session.commit()
    return [d.id for d in dels], [a.id for a in alts], seats, pool[0].branch_id


def _active_delegates(branch_id):
    _db.session.expire_all()
    return _db.session.execute(
        select(func.count(Delegate.id)).where(
            Delegate.branch_id == branch_id,
            Delegate.kind == "delegate",
            Delegate.status.in_(delegates.ACTIVE),
        )
    ).scalar_one()


def test_a_withdrawn_delegates_seat_filled_again_then_replaced_by_an_alternate(app, db):
    """Attacker: a credentials officer who wants one more vote for a branch. A delegate of a
    full branch is withdrawn; the officer designates a new member into the freed seat (the
    apportionment allows it) and then *also* replaces the withdrawn delegate by the branch's
    alternate. `delegates.replace` never counts the branch's seats (reinstate and designate
    do), so the alternate becomes a delegate on top: seats + 1 active delegates, one more
    vote in every poll opened afterwards (Article 9.1). No race needed, any database."""
    conference = demo_conference()
    dels, alts, seats, branch_id = _branch_full_with_alternates(conference, alternates=1)
    rules = facts.bylaws_of(conference)
    taken = set(_db.session.execute(select(Delegate.member_id)).scalars())
    spare = next(
        m
        for m in _db.session.execute(select(Member).order_by(Member.id)).scalars()
        if m.branch_id == branch_id
        and m.id not in taken
        and rules.good_standing(facts.member_facts(m)).ok
    )
    with write_intent():
        delegates.withdraw(_db.session.get(Delegate, dels[0]), "moved away", actor=None)
        delegates.designate(conference, spare, spare.branch, "delegate", actor=None)
        _db.session.commit()
    assert _active_delegates(branch_id) == seats
    with write_intent():
        try:
            delegates.replace(
                _db.session.get(Delegate, dels[0]), _db.session.get(Delegate, alts[0]), actor=None
            )
            _db.session.commit()
        except Exception:
            _db.session.rollback()
    assert _active_delegates(branch_id) <= seats


def test_reinstating_and_replacing_the_same_withdrawn_delegate_at_once_adds_a_seat(app, db):
    """Attacker: a credentials officer who wants one more vote for a branch posts "undo the
    withdrawal" and "replace by an alternate" for the same withdrawn delegate at the same
    moment. `reinstate` locks the conference and finds no successor yet; `replace` takes no
    lock and still reads the delegate as withdrawn; both commit. The withdrawn delegate is
    back AND the alternate holds their seat: seats + 1 delegates (PostgreSQL)."""
    conference = demo_conference()
    dels, alts, seats, branch_id = _branch_full_with_alternates(conference, alternates=1)
    with write_intent():
        delegates.withdraw(_db.session.get(Delegate, dels[0]), "mistake", actor=None)
        _db.session.commit()

    import time

    def work(i):
        if i == 0:  # the undo arrives while the replacement's request is still running
            time.sleep(0.1)
            delegates.reinstate(_db.session.get(Delegate, dels[0]), actor=None)
            return "reinstated"
        delegates.replace(
            _db.session.get(Delegate, dels[0]), _db.session.get(Delegate, alts[0]), actor=None
        )
        time.sleep(0.5)  # a slow request: its transaction is not yet committed
        return "replaced"

    outcomes = run_at_once(app, 2, work)
    assert _active_delegates(branch_id) <= seats, outcomes


# --- the readable audit log ----------------------------------------------------------------

OFFICER = ("credentials@congress.test", "credentials-demo-2026")


def test_an_observer_reads_the_minute_a_delegate_first_logged_in_by_activating(
    demo, make_browser, make_user, db
):
    """Attacker: an observer (or committee member) reading /audit/. SECURITY.md says who
    logged in when is listed to administrators only, because it gives the order in which
    members came to vote. But activating an account *is* a login (`activate` calls
    login_user), and its entry `invitation.account_activated` is shown to observers, now
    with the delegate's name next to it (labels.names_of). With account links sent to the
    whole conference at once (the new bulk invite), most delegates activate at the sitting,
    on the phone they vote from: the observer learns the minute each of them arrived. The
    same holds for `auth.recovery_code_used` (a login with a recovery code)."""
    import re

    from scenario import designated
    from support import PASSWORD

    delegate = designated(demo, 1, accredit=True, sitting=False)[0]
    officer = make_browser()
    assert officer.login(*OFFICER).status_code == 302
    base = f"/conferences/{demo.id}/delegates"
    page = officer.post(
        f"{base}/bulk/invite", {"delegate": str(delegate.id), "step": "confirm"}, page=base
    ).get_data(as_text=True)
    path = re.search(r"https?://[^/\s\"<]+(/[^\s\"<]*activate/[^\s\"<]+)", page).group(1)
    member = make_browser()
    data = {
        "password": "delegate-secret-1",
        "confirm": "delegate-secret-1",
        "language": "ar",
        "timezone": "Asia/Damascus",
    }
    assert member.post(path, data, page=path).status_code == 302
    assert member.get("/account").status_code == 200  # logged in by the activation
    observer = make_browser()
    assert observer.login(make_user(roles=("observer",)).email, PASSWORD).status_code == 302
    html = observer.get("/audit/?action=invitation").get_data(as_text=True)
    shown = 'data-action="invitation.account_activated"' in html
    assert not shown, "an observer sees when a delegate logged in (its activation), by name"


# --- verifiable polls: what the public record gives away ------------------------------------

from test_audit_findings_verifiable import (  # noqa: E402, F401  (fixtures reused)
    app_config,
    keyed,
    opened,
)
from verifiable_steps import upload, uuid_of  # noqa: E402


def test_public_credentials_uploaded_in_roll_order_are_published_in_roll_order(
    opened,  # noqa: F811  (the fixture imported above)
    make_browser,
    make_user,
    db,
):
    """Attacker: any member (or anyone the archive reaches) after the close. The credential
    authority uploads the poll's public credentials in the order of the roll it downloaded
    (roll.txt, sorted by member number), as a hand-made list or another tool would, instead
    of the sorted list `congress credentials public` writes. The server stores and
    publishes the list byte for byte (public-credentials.json, the archive's credentials
    event). Whoever knows the roll's member numbers (the conference's delegates) then maps
    each public credential, so each ballot in the public archive and each tracker on the
    board, to a named delegate: who voted, who re-voted, and with k trustees the vote. The
    link SECURITY.md gives to the authority alone becomes public. The server could
    canonicalise (sort) the list before storing it, as Belenios writes it."""
    import json as _json

    from congress.core import belenios as bl
    from congress.core.belenios import serialization as ser

    poll_id, users, browsers, officer, issued = opened
    uuid = uuid_of(browsers[1], poll_id)
    roll = officer.get(f"/polls/{poll_id}/roll.txt").get_data(as_text=True).split()
    from congress.verifiable.models import VerifiablePoll

    vp = _db.session.get(VerifiablePoll, poll_id)
    group = bl.parse_election(vp.election).group
    in_roll_order = [str(bl.public_credential(group, uuid, issued[n])) for n in roll]
    response = upload(
        officer, f"/polls/{poll_id}/credentials", "credentials", ser.dumps(in_roll_order)
    )
    assert response.status_code == 302
    member = make_browser()
    from support import PASSWORD

    assert member.login(users[0].email, PASSWORD).status_code == 302
    published = _json.loads(member.get(f"/polls/{poll_id}/public-credentials.json").data)
    # published in the one canonical order (by value), whatever order the upload had: its
    # positions say nothing of the roll (they match it only where the sort happens to)
    assert published == sorted(in_roll_order, key=int)
    _db.session.expire_all()
    assert _db.session.get(VerifiablePoll, poll_id).credentials == ser.dumps(published)


# --- draft conferences ---------------------------------------------------------------------


def _new_draft(title="مسودة", days=60):
    from datetime import timedelta

    from congress.bylaws.models import BylawsVersion
    from congress.conference import operations
    from congress.models_common import utcnow

    version = (
        _db.session.execute(select(BylawsVersion).order_by(BylawsVersion.id)).scalars().first()
    )
    with write_intent():
        c = operations.create(
            title_ar=title,
            title_en=title,
            starts_at=utcnow() + timedelta(days=days),
            bylaws_version=version,
            actor=None,
        )
        _db.session.commit()
    return c.id


def test_deleting_a_draft_while_another_request_convenes_it_deletes_a_convened_conference(app, db):
    """Attacker: an administrator (two tabs, or two administrators) deletes a draft while it
    is being convened. `delete_draft` checks `state == "draft"` on the row it loaded, then
    waits for the audit head held by the convening; once that commits it issues an
    unconditional DELETE, and PostgreSQL (READ COMMITTED) deletes the now convened
    conference, its committee seats and agenda, although its notice has gone out (Article
    11.1 is what `require_draft` cites). Both entries stand in the chain: convened, then
    deleted."""
    from congress.conference import operations

    demo_conference()
    outcomes = []
    for attempt in range(4):
        cid = _new_draft(f"مسودة {attempt}")

        def work(i, cid=cid):
            conference = _db.session.get(Conference, cid)
            if i == 0:
                operations.convene(conference, actor=None)
                return "convened"
            import time

            time.sleep(0.05)  # let the convening take the audit head first
            operations.delete_draft(conference, actor=None)
            return "deleted"

        results = run_at_once(app, 2, work)
        outcomes.append(results)
        if results == ["convened", "deleted"]:
            break
    _db.session.expire_all()
    both = [r for r in outcomes if r == ["convened", "deleted"]]
    assert not both, f"a conference was convened and then deleted: {outcomes}"


def test_a_deleted_drafts_number_is_given_to_the_next_conference_and_its_history_with_it(
    app, db, make_browser, make_user
):
    """Attacker: an administrator who wants a conference's past to read differently (or
    anyone reading the audit page afterwards). On SQLite a deleted row's id is reused
    (INTEGER PRIMARY KEY without AUTOINCREMENT): the administrator deletes draft N and the
    next conference gets number N again. The chain's entries for the deleted draft
    (subject conference:N: created, updated, committee seats, deleted) are now shown on
    the audit page under the new conference's title (labels.names_of), and the subject
    filter for the new conference lists them as its own history: "Conference deleted" next
    to a conference that exists. (On PostgreSQL a sequence never gives a number twice.)"""
    from congress.conference import operations

    demo_conference()
    old = _new_draft("المسودة المحذوفة")
    with write_intent():
        operations.delete_draft(_db.session.get(Conference, old), actor=None)
        _db.session.commit()
    new = _new_draft("المؤتمر الجديد")
    from support import PASSWORD

    observer = make_browser()
    assert observer.login(make_user(roles=("observer",)).email, PASSWORD).status_code == 302
    html = observer.get(f"/audit/?subject=conference:{new}").get_data(as_text=True)
    assert 'data-action="conference.deleted"' not in html, (
        f"conference {new} (reused id of {old}) shows a deletion in its history"
    )
    assert new != old


def test_the_committee_picks_the_ballot_order_lot_by_making_and_deleting_drafts(app, db):
    """Attacker: an election committee member who wants their candidate first on the
    ballot, under bylaws that order candidates by lot (Article 22.2, order = "lot"). The
    lot used to be seeded by the poll's creation entry, so the order was known the moment
    a draft existed: the member made drafts until one put their candidate first, deleted
    the others and opened that one. Now the seed is drawn at the opening (irreversible)
    from the CSPRNG: no draft, and nothing in the chain before the opening, gives it."""
    import hashlib
    import json

    from congress.candidacy.listing import approved, candidate_list
    from congress.candidacy.models import Candidacy
    from congress.voting import drafts
    from congress.voting.models import Poll
    from congress.voting.polls import create_election, open_poll
    from scenario import approve_candidates, members

    conference = demo_conference()
    standing = set(_db.session.execute(select(Candidacy.member_id)).scalars())
    if len(approved(conference, "central_council")) < 4:
        fresh = [m for m in members() if m.id not in standing][:6]
        approve_candidates(conference, "central_council", fresh)
    with write_intent():
        tries = [create_election(conference, "central_council", actor=None) for _ in range(3)]
        _db.session.flush()
        guesses = set()
        for poll in tries:  # every seed the chain could have given before the opening
            created = _db.session.execute(
                select(AuditEntry.hash).where(
                    AuditEntry.subject == f"poll:{poll.id}", AuditEntry.action == "poll.created"
                )
            ).scalar_one()
            guesses.add(hashlib.sha256(f"{created}:poll:{poll.id}".encode()).hexdigest())
        head = _db.session.execute(
            select(AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
        ).scalar_one()
        guesses.add(head)
        assert candidate_list(conference, "central_council") is None  # drafts draw nothing
        kept = tries[0]
        for poll in tries[1:]:
            drafts.delete(_db.session.get(Poll, poll.id), actor=None)
        try:
            open_poll(_db.session.get(Poll, kept.id), actor=None)
        except Exception:  # quorum or the nominations' window: draw the list as it opens
            from congress.candidacy.listing import freeze_list
            from congress.voting.polls import lot_seed

            freeze_list(conference, "central_council", None, seed=lot_seed(), poll_id=kept.id)
        _db.session.commit()
    seed = candidate_list(conference, "central_council").seed
    drawn = _db.session.execute(
        select(AuditEntry.data).where(AuditEntry.action == "candidacy.list_frozen")
    ).scalar_one()
    assert json.loads(drawn)["seed"] == seed  # published with the order
    assert seed not in guesses, "the lot's seed was knowable before the ballot opened"


# --- bulk actions: what holds ----------------------------------------------------------------


def test_resisted_bulk_actions_without_csrf_on_another_conferences_rows_or_repeated(
    demo, make_browser, db
):
    """Attacker: a page that posts to /conferences/<id>/delegates/bulk/<action> in an
    officer's browser (no CSRF token); an officer of the roll who ticks another conference's
    delegate ids; one who repeats a member number (in several spellings) or a delegate id
    to take more seats than the apportionment; a preview that would change state. Each is
    refused or leaves nothing behind: this records that it holds."""
    from congress.conference.models import Delegate
    from scenario import designated

    officer = make_browser()
    assert officer.login(*OFFICER).status_code == 302
    base = f"/conferences/{demo.id}/delegates"
    before = _db.session.execute(select(func.count(AuditEntry.seq))).scalar_one()
    # 1. no token, a forged token
    for token in ({}, {"csrf_token": "forged"}):
        r = officer.client.post(
            f"{base}/bulk/designate", data={"numbers": "M0001", **token, "step": "confirm"}
        )
        assert r.status_code == 400
    # 2. preview of a designation changes nothing
    members_ = [
        m.number for m in _db.session.execute(select(Member).order_by(Member.id)).scalars()
    ][:30]
    r = officer.post(f"{base}/bulk/designate", {"numbers": "\n".join(members_)}, page=base)
    assert r.status_code == 200
    _db.session.expire_all()
    assert _db.session.execute(select(func.count(Delegate.id))).scalar_one() == 0
    assert _db.session.execute(select(func.count(AuditEntry.seq))).scalar_one() == before
    # 3. repeated numbers in several spellings take at most the branch's seats
    rules = facts.bylaws_of(demo)
    seats = rules.apportionment(facts.standing_for_apportionment(demo, rules)).delegates
    us = [
        m.number
        for m in _db.session.execute(select(Member).order_by(Member.id)).scalars()
        if m.branch.code == "US"
    ]
    pasted = "\n".join(n for x in us for n in (x, x.lower(), f" {x} "))
    r = officer.post(f"{base}/bulk/designate", {"numbers": pasted, "step": "confirm"}, page=base)
    assert r.status_code == 200
    _db.session.expire_all()
    us_taken = _db.session.execute(
        select(func.count(Delegate.id))
        .join(Member)
        .where(Delegate.status.in_(delegates.ACTIVE), Delegate.kind == "delegate")
        .where(Member.number.in_(us))
    ).scalar_one()
    assert us_taken <= seats["US"]
    # 4. another conference's delegate id, and a repeated id, at confirmation
    other = _new_draft("مؤتمر آخر")
    from congress.conference import operations

    with write_intent():
        operations.convene(_db.session.get(Conference, other), actor=None)
        _db.session.commit()
    theirs = designated(_db.session.get(Conference, other), 1, accredit=False, sitting=False)[0]
    r = officer.post(
        f"{base}/bulk/accredit", {"delegate": [str(theirs.id)], "step": "confirm"}, page=base
    )
    assert r.status_code == 404
    _db.session.expire_all()
    assert _db.session.get(Delegate, theirs.id).status == "designated"
