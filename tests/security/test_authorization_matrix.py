"""Who may do what: every route of the application against the table in `matrix_table`,
then the checks that depend on the object (whose page, which conference, which vote)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from matrix_table import SELF_SERVICE, TABLE, Case
from security_world import KINDS, World, build_world, checksum, table_rows
from sqlalchemy import select

from congress.auth.models import User
from congress.candidacy.models import Candidacy
from congress.conference.models import Attendance, Delegate
from congress.voting.models import Ballot, Poll, RollEntry
from support import PASSWORD, Browser, csrf_from

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def routes(app) -> set[tuple[str, str]]:
    return {
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def classify(response) -> str:
    status = response.status_code
    if status >= 500:
        return str(status)
    if status == 401:
        return "login"
    location = urlsplit(response.headers.get("Location", "")).path
    if status in (301, 302, 303, 307, 308) and location == "/login":
        return "login"
    if status in (403, 404):
        return str(status)
    return "ok"


def values(world: World) -> dict:
    return {**asdict(world), "member_user": world.user_ids["member"]}


def url_of(case: Case, world: World) -> str:
    return case.url.format(**values(world))


def send(browser: Browser, method: str, url: str, data: dict, token: str, world: World):
    if method == "GET":
        return browser.get(url)
    form = {k: v.format(**values(world)) if isinstance(v, str) else v for k, v in data.items()}
    return browser.client.open(url, method=method, data={"csrf_token": token, **form})


def token_of(browser: Browser) -> str:
    return csrf_from(browser.get("/").get_data(as_text=True))


def walk_order(item):
    (_, method), case = item
    return (case.last, method != "GET")


# --- the table --------------------------------------------------------------------------


def test_every_route_is_in_the_table(app):
    """A new route fails here until its row says who may use it; a stale row fails too."""
    present = routes(app)
    missing = sorted(present - set(TABLE))
    stale = sorted(set(TABLE) - present)
    assert not missing, "routes without a row in matrix_table.TABLE:\n" + "\n".join(
        f"  {rule} {method}" for rule, method in missing
    )
    assert not stale, "rows of matrix_table.TABLE for routes that no longer exist:\n" + "\n".join(
        f"  {rule} {method}" for rule, method in stale
    )


def test_every_row_names_every_kind_of_user():
    for key, case in TABLE.items():
        assert len(case.expect.split()) == len(KINDS), key
        assert set(case.expect.split()) <= {"ok", "login", "403", "404"}, key


@pytest.mark.parametrize("kind", KINDS)
def test_matrix(kind, app, make_browser):
    world = build_world(app)
    browser = world.login(make_browser, kind)
    token = token_of(browser)
    column = KINDS.index(kind)
    wrong = []
    for (rule, method), case in sorted(
        ((k, c) for k, c in TABLE.items() if k in routes(app)), key=walk_order
    ):
        url = url_of(case, world)
        expected = case.expect.split()[column]
        try:
            response = send(browser, method, url, case.data, token, world)
            got, status = classify(response), response.status_code
        except Exception as error:  # the view's error escaped the error handler
            got, status = "exception", type(error).__name__
        if got != expected:
            wrong.append(f"  {method} {url} ({rule}): expected {expected}, got {got} ({status})")
    assert not wrong, f"as {kind}:\n" + "\n".join(wrong)


def test_undeclared_methods_are_refused(app, client):
    """PUT, PATCH, DELETE (and GET on a form's target) are 405 before any view runs, unless
    another rule answers that method at the same address (`/polls/1/ballot` is also
    `/polls/<id>/<action>` for a POST)."""
    adapter = app.url_map.bind("localhost")
    wrong = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        url = (
            rule.rule.replace("<int:", "<")
            .replace("<any(accept, decline, withdraw):action>", "accept")
            .replace("<any(approve, reject, decide, remove):action>", "approve")
            .replace("<any(endorse, unendorse):action>", "endorse")
            .replace("<any(disable, enable, 'force-reset'):action>", "disable")
        )
        for name in (
            "conference_id",
            "candidacy_id",
            "delegate_id",
            "user_id",
            "poll_id",
            "member_id",
        ):
            url = url.replace(f"<{name}>", "1")
        url = url.replace("<token>", "x").replace("<body>", "b").replace("<action>", "open")
        for method in set(METHODS) - rule.methods:
            try:
                adapter.match(url, method)
                continue  # another rule takes it
            except Exception:
                pass
            status = client.open(url, method=method).status_code
            if status != 405:
                wrong.append(f"{method} {url}: {status}")
    assert not wrong, wrong


def test_every_post_needs_a_csrf_token(app, make_browser):
    """Without a valid token every form is refused before its view runs: 400, no row
    changed."""
    world = build_world(app)
    admin = world.login(make_browser, "admin")
    before = checksum()
    wrong = []
    for (rule, method), case in TABLE.items():
        if method == "GET" or (rule, method) not in routes(app):
            continue
        url = url_of(case, world)
        response = admin.client.open(url, method=method, data={"csrf_token": "forged"})
        if response.status_code != 400:
            wrong.append(f"{url}: {response.status_code}")
        response = admin.client.open(url, method=method, data={})
        if response.status_code != 400:
            wrong.append(f"{url} (no token): {response.status_code}")
        # forms with a prefix name their token "<prefix>-csrf_token" (the scanner does not
        # recognise those names; SECURITY.md): a forged one is refused the same way
        prefixed = {f"{p}-csrf_token": "forged" for p in ("e", "m", "advisory_body")}
        response = admin.client.open(url, method=method, data=prefixed)
        if response.status_code != 400:
            wrong.append(f"{url} (forged prefixed token): {response.status_code}")
    assert not wrong, wrong
    assert checksum() == before


# --- object-level checks ----------------------------------------------------------------


def english(browser: Browser) -> Browser:
    browser.client.set_cookie("lang", "en")
    return browser


def voter(world: World, make_browser, n: int) -> Browser:
    browser = make_browser()
    assert browser.login(world.voter_emails[n], PASSWORD).status_code == 302
    return english(browser)


def without_tokens(page: str) -> str:
    """CSRF tokens carry a timestamp: two renderings a second apart differ only there."""
    return re.sub(r'name="csrf_token"([^>]*)value="[^"]*"', r'name="csrf_token"\1', page)


def test_a_delegate_sees_and_changes_only_their_own_status(app, make_browser, db):
    """`/conferences/<id>/me` names no delegate: it is always the logged-in member's own."""
    world = build_world(app)
    with db.session.begin_nested():
        other = db.session.get(Delegate, world.other_delegate)
        row = db.session.execute(
            select(Attendance).where(Attendance.delegate_id == other.id)
        ).scalar_one()
        row.state = "excused"
    db.session.commit()
    mine = english(world.login(make_browser, "delegate"))
    theirs = voter(world, make_browser, 1)
    url = f"/conferences/{world.conference}/me"
    own_page = without_tokens(mine.get(url).get_data(as_text=True))
    assert "absent with excuse" in theirs.get(url).get_data(as_text=True)
    assert "absent with excuse" not in own_page and "present" in own_page
    for query in (
        f"?delegate={world.other_delegate}",
        f"?delegate_id={world.other_delegate}",
        f"?member_id={_member_id(world, 'delegate') + 1}",
        f"?user={world.user_ids['delegate'] + 1}",
    ):
        page = without_tokens(mine.get(url + query).get_data(as_text=True))
        assert page.replace(f"me{query}", "me?") == own_page, query  # it names its address

    mine.post(
        url,
        {
            "action": "check_out",
            "delegate": world.other_delegate,
            "delegate_id": world.other_delegate,
        },
        page=url,
    )
    db.session.expire_all()
    states = {a.delegate_id: a.state for a in db.session.execute(select(Attendance)).scalars()}
    assert states[world.delegate] == "checked_out"
    assert states[world.other_delegate] == "excused"
    # a pending delegate reads their own status, and cannot check in
    pending = world.login(make_browser, "delegate_pending")
    assert pending.get(url).status_code == 200
    before = checksum()
    assert pending.post(url, {"action": "check_in"}, page=url).status_code == 303
    assert checksum() == before


def test_a_candidate_cannot_decide_their_own_candidacy(app, make_browser, db):
    world = build_world(app)
    candidate = world.login(make_browser, "candidate")
    base = f"/conferences/{world.conference}/candidacies/{world.candidacy}"
    before = checksum()
    for action, data in (
        ("approve", {}),
        ("reject", {"reason": "x", "article": "20.2"}),
        ("decide", {"outcome": "upheld", "answer": "x"}),
        ("remove", {"reason": "x"}),
    ):
        response = candidate.post(f"{base}/{action}", data, page=base)
        assert response.status_code == 403, action
    assert checksum() == before


def test_a_candidate_seated_on_the_committee_cannot_approve_their_own_candidacy(
    app, make_browser, db
):
    """An insider: the candidate is given the committee role and a seat on this conference."""
    from congress.auth.models import User, UserRole
    from congress.conference.models import CommitteeSeat
    from congress.database import write_intent

    world = build_world(app)
    with write_intent():
        user = db.session.get(User, world.user_ids["candidate"])
        db.session.add(UserRole(user_id=user.id, role="election_committee"))
        db.session.add(CommitteeSeat(conference_id=world.conference, user_id=user.id))
        db.session.commit()
    candidate = world.login(make_browser, "candidate")
    base = f"/conferences/{world.conference}/candidacies/{world.candidacy}"
    response = candidate.post(f"{base}/approve", page=base)
    assert response.status_code in (403, 409)
    db.session.expire_all()
    assert db.session.get(Candidacy, world.candidacy).status == "submitted"


def test_a_committee_acts_only_on_its_own_conference(app, make_browser, db):
    world = build_world(app)
    outsider = make_browser()
    assert outsider.login(world.other_committee_email, PASSWORD).status_code == 302
    committee = world.login(make_browser, "committee")
    c, c2 = world.conference, world.other_conference
    before = checksum()
    checks = [
        (outsider, "POST", f"/polls/{world.draft_poll}/open", {"confirm": "yes"}),
        (outsider, "POST", f"/polls/{world.open_poll}/close", {"confirm": "yes"}),
        (outsider, "POST", f"/polls/{world.open_poll}/annul", {"reason": "x", "confirm": "yes"}),
        (outsider, "POST", f"/polls/{world.tallied_poll}/tally", {}),
        (outsider, "POST", f"/polls/{world.tallied_poll}/sign", {"decision": "sign"}),
        (outsider, "POST", f"/polls/{world.tallied_poll}/runoff", {}),
        (outsider, "GET", f"/conferences/{c}/polls/new", {}),
        (
            outsider,
            "POST",
            f"/conferences/{c}/polls/new",
            {"kind": "motion", "m-title_ar": "x", "m-text_ar": "x", "m-category": "ordinary"},
        ),
        (outsider, "GET", f"/conferences/{c}/review", {}),
        (outsider, "POST", f"/conferences/{c}/candidacies/{world.candidacy}/approve", {}),
        (
            outsider,
            "POST",
            f"/conferences/{c}/candidacies/{world.candidacy}/remove",
            {"reason": "x"},
        ),
        (committee, "POST", f"/polls/{world.other_poll}/open", {"confirm": "yes"}),
        (committee, "POST", f"/polls/{world.other_poll}/annul", {"reason": "x", "confirm": "yes"}),
        (committee, "GET", f"/conferences/{c2}/polls/new", {}),
        (committee, "GET", f"/conferences/{c2}/review", {}),
    ]
    token = {id(outsider): token_of(outsider), id(committee): token_of(committee)}
    wrong = []
    for browser, method, url, data in checks:
        if method == "GET":
            response = browser.get(url)
        else:
            response = browser.client.post(url, data={"csrf_token": token[id(browser)], **data})
        if response.status_code != 403:
            wrong.append(f"{method} {url}: {response.status_code}")
    # the count of another conference's poll is not shown before certification either
    for url in (f"/polls/{world.tallied_poll}/result", f"/polls/{world.tallied_poll}/export.json"):
        if outsider.get(url).status_code != 404:
            wrong.append(f"GET {url}")
    assert not wrong, wrong
    assert checksum() == before


def observer_payloads(world: World) -> dict[tuple[str, str], list[tuple[str, dict]]]:
    """What the right user would post to succeed, for each form the observer must not use."""
    from congress.bylaws.operations import example_text
    from congress.extensions import db
    from congress.members.models import Member

    c, s = world.conference, world.candidacy
    member = db.session.get(Member, _member_id(world, "member"))
    cand = f"/conferences/{c}/candidacies/{s}"
    objection = _pending_objection(world)
    undoable = _undoable(world)
    return {
        ("/admin/users/<int:user_id>/roles", "POST"): [
            (
                f"/admin/users/{world.user_ids['member']}/roles",
                {"role": "administrator", "action": "grant"},
            ),
        ],
        ("/admin/users/<int:user_id>/<any(disable, enable, 'force-reset'):action>", "POST"): [
            (f"/admin/users/{world.user_ids['member']}/{action}", {})
            for action in ("disable", "force-reset")
        ],
        ("/admin/bylaws", "POST"): [("/admin/bylaws", {"text": example_text() + "\n# v2\n"})],
        ("/polls/<int:poll_id>/remind", "POST"): [(f"/polls/{world.open_poll}/remind", {})],
        ("/polls/<int:poll_id>/edit", "POST"): [
            (
                f"/polls/{world.draft_poll}/edit",
                {"title_ar": "x", "text_ar": "x", "category": "ordinary"},
            )
        ],
        ("/polls/<int:poll_id>/delete", "POST"): [
            (f"/polls/{world.draft_poll}/delete", {"confirm": "yes"})
        ],
        ("/members/import", "POST"): [("/members/import", {})],
        ("/members/<int:member_id>/invite", "POST"): [
            (f"/members/{world.plain_member}/invite", {}),
        ],
        ("/members/import/apply", "POST"): [
            ("/members/import/apply", {"key": "k" * 20, "sha256": "0" * 64})
        ],
        ("/conferences/new", "POST"): [
            (
                "/conferences/new",
                {"title_ar": "مؤتمر", "starts_at": "2031-01-01T10:00", "bylaws_version": "1"},
            )
        ],
        ("/conferences/<int:conference_id>/agenda", "POST"): [
            (f"/conferences/{c}/agenda", {"kind": "report", "title_ar": "بند"})
        ],
        ("/conferences/<int:conference_id>/convene", "POST"): [
            (f"/conferences/{world.other_conference}/convene", {})
        ],
        ("/conferences/<int:conference_id>/close", "POST"): [(f"/conferences/{c}/close", {})],
        ("/conferences/<int:conference_id>/sitting", "POST"): [
            (f"/conferences/{c}/sitting", {"action": "close"})
        ],
        ("/conferences/<int:conference_id>/delegates/designate", "POST"): [
            (
                f"/conferences/{c}/delegates/designate",
                {"member_number": member.number, "kind": "delegate"},
            )
        ],
        ("/conferences/<int:conference_id>/delegates/<int:delegate_id>/<action>", "POST"): [
            (f"/conferences/{c}/delegates/{world.pending_delegate}/accredit", {}),
            (
                f"/conferences/{c}/delegates/{world.delegate}/withdraw",
                {"reason": "x", "confirm": "yes"},
            ),
            (f"/conferences/{c}/delegates/{world.pending_delegate}/invite", {}),
            (f"/conferences/{c}/delegates/{undoable.withdrawn_delegate}/reinstate", {}),
        ],
        ("/conferences/<int:conference_id>/attendance", "POST"): [
            (f"/conferences/{c}/attendance", {"delegate": str(world.delegate), "state": "absent"})
        ],
        ("/conferences/<int:conference_id>/delegates/bulk/<action>", "POST"): [
            (  # C is in session: designations are made in the newly convened conference
                f"/conferences/{undoable.nominating}/delegates/bulk/designate",
                {"numbers": member.number, "kind": "delegate", "step": "confirm"},
            ),
            (
                f"/conferences/{c}/delegates/bulk/accredit",
                {"delegate": str(world.pending_delegate), "step": "confirm"},
            ),
            (
                f"/conferences/{c}/delegates/bulk/invite",
                {"delegate": str(world.invitee_delegate), "step": "confirm"},
            ),
        ],
        ("/conferences/<int:conference_id>/edit", "POST"): [
            (
                f"/conferences/{world.other_conference}/edit",
                {
                    "title_ar": "مؤتمر آخر معدّل",
                    "starts_at": "2031-01-01T10:00",
                    "bylaws_version": str(_bylaws_version_of(world.other_conference)),
                },
            )
        ],
        ("/conferences/<int:conference_id>/delete", "POST"): [
            (f"/conferences/{undoable.empty_draft}/delete", {"confirm": "yes"})
        ],
        ("/conferences/<int:conference_id>/me", "POST"): [
            (f"/conferences/{c}/me", {"action": "check_out"})
        ],
        ("/conferences/<int:conference_id>/candidacy/stand", "POST"): [
            (f"/conferences/{c}/candidacy/stand", {"body": "central_council"})
        ],
        ("/conferences/<int:conference_id>/candidacy/propose", "POST"): [
            (
                f"/conferences/{c}/candidacy/propose",
                {"body": "central_council", "member_number": member.number},
            )
        ],
        (
            "/conferences/<int:conference_id>/candidacies/<int:candidacy_id>"
            "/<any(accept, decline, withdraw):action>",
            "POST",
        ): [(f"{cand}/withdraw", {"reason": "x", "confirm": "yes"})],
        (
            "/conferences/<int:conference_id>/candidacies/<int:candidacy_id>"
            "/<any(approve, reject, decide, remove):action>",
            "POST",
        ): [
            (f"{cand}/approve", {}),
            (f"{cand}/reject", {"reason": "x", "article": "20.2"}),
            (f"{cand}/remove", {"reason": "x"}),
        ],
        (
            "/conferences/<int:conference_id>/candidacies/<int:candidacy_id>"
            "/<any(endorse, unendorse):action>",
            "POST",
        ): [(f"{cand}/endorse", {})],
        ("/conferences/<int:conference_id>/candidacies/<int:candidacy_id>/reinstate", "POST"): [
            (
                f"/conferences/{undoable.nominating}/candidacies/"
                f"{undoable.withdrawn_candidacy}/reinstate",
                {},
            )
        ],
        ("/conferences/<int:conference_id>/candidacies/<int:candidacy_id>/objection", "POST"): [
            (f"/conferences/{c}/candidacies/{world.approved_candidacy}/objection", {"text": "x"})
        ],
        ("/conferences/<int:conference_id>/candidacies/<int:candidacy_id>/statement", "POST"): [
            (f"{cand}/statement", {"statement_ar": "بيان", "remove_photo": "y"})
        ],
        ("/conferences/<int:conference_id>/polls/new", "POST"): [
            (
                f"/conferences/{c}/polls/new",
                {"kind": "motion", "m-title_ar": "x", "m-text_ar": "x", "m-category": "ordinary"},
            )
        ],
        ("/polls/<int:poll_id>/<action>", "POST"): [
            (f"/polls/{world.draft_poll}/open", {"confirm": "yes"}),
            (f"/polls/{world.open_poll}/close", {"confirm": "yes"}),
            (f"/polls/{world.open_poll}/annul", {"reason": "x", "confirm": "yes"}),
        ],
        ("/polls/<int:poll_id>/tally", "POST"): [(f"/polls/{world.tallied_poll}/tally", {})],
        ("/polls/<int:poll_id>/sign", "POST"): [
            (f"/polls/{world.tallied_poll}/sign", {"decision": "sign"}),
            (f"/polls/{world.tallied_poll}/sign", {"decision": "refuse", "reason": "x"}),
        ],
        ("/polls/<int:poll_id>/runoff", "POST"): [(f"/polls/{world.tallied_poll}/runoff", {})],
        ("/polls/<int:poll_id>/objection", "POST"): [
            (f"/polls/{world.certified_poll}/objection", {"reason": "x"})
        ],
        ("/polls/<int:poll_id>/objection/decide", "POST"): [
            (
                f"/polls/{world.certified_poll}/objection/decide",
                {"objection": objection, "outcome": o, "answer": "x"},
            )
            for o in ("upheld", "rejected")
        ],
        ("/account/key-holder", "POST"): [],  # the observer holds no committee role
        ("/polls/<int:poll_id>/box/open", "POST"): [
            (f"/polls/{world.sealed_poll}/box/open", {"words": " ".join(["academic"] * 20)})
        ],
        ("/polls/<int:poll_id>/box/discard", "POST"): [
            (f"/polls/{world.sealed_poll}/box/discard", {})
        ],
        ("/polls/<int:poll_id>/my-share", "POST"): [
            (f"/polls/{world.sealed_poll}/my-share", {"passphrase": "x" * 20}),
            (
                f"/polls/{world.sealed_poll}/my-share",
                {
                    "step": "confirm",
                    "first_position": "1",
                    "first_word": "a",
                    "second_position": "2",
                    "second_word": "b",
                },
            ),
        ],
        ("/conferences/<int:conference_id>/bodies/<body>/appointment", "POST"): [
            (
                f"/conferences/{c}/bodies/advisory_body/appointment",
                {"advisory_body-numbers": member.number},
            )
        ],
        ("/polls/<int:poll_id>/appointment", "POST"): [
            (f"/polls/{world.certified_poll}/appointment", {})
        ],
        ("/polls/<int:poll_id>/ballot", "POST"): [
            (f"/polls/{world.open_poll}/ballot", {"answer": "yes"})
        ],
        ("/vote/review", "POST"): [("/vote/review", {"poll": world.open_poll, "answer": "yes"})],
        ("/vote/cast", "POST"): [("/vote/cast", {"poll": world.open_poll, "answer": "yes"})],
        **verifiable_payloads(world),
    }


def verifiable_payloads(world: World) -> dict[tuple[str, str], list[tuple[str, dict]]]:
    """The verifiable level's forms, with what their right user would post to succeed. C's
    key is made, so the trustees' forms are sent to C2, whose key is begun here with three
    trustees seated (the `committee` user among them)."""
    from security_world import STAFF_LOGINS, partial_decryption, public_credentials
    from security_world import verifiable_ballot as ballot

    from congress.core import belenios as bl
    from congress.extensions import db
    from congress.verifiable import trustees

    _begin_c2_key(world)
    waiting = db.session.get(Poll, world.verifiable_waiting_poll)
    closed = db.session.get(Poll, world.verifiable_closed_poll)
    open_ = db.session.get(Poll, world.verifiable_poll)
    key = world.trustee_keys[STAFF_LOGINS["committee"][0]]
    _, certificate = bl.pedersen_step1(bl.get_group(trustees.GROUP))
    v, c2 = world.verifiable_poll, world.other_conference
    return {
        ("/conferences/<int:conference_id>/trustees", "POST"): [
            (f"/conferences/{c2}/trustees", {"message": certificate}),
            (f"/conferences/{c2}/trustees", {"action": "restart", "confirm": "yes"}),
        ],
        ("/polls/<int:poll_id>/credentials", "POST"): [
            (
                f"/polls/{world.verifiable_waiting_poll}/credentials",
                {"credentials": public_credentials(waiting, world.issued_credentials)},
            )
        ],
        ("/polls/<int:poll_id>/verifiable/cast", "POST"): [
            (
                f"/polls/{v}/verifiable/cast",
                {"ballot": ballot(open_, world.voter_credentials[0], "yes")},
            )
        ],
        ("/polls/<int:poll_id>/verifiable/without-javascript", "POST"): [
            (
                f"/polls/{v}/verifiable/without-javascript",
                {
                    "answer": "y",
                    "credential": world.voter_credentials[0],
                    "without_javascript": "yes",  # the <noscript> field
                },
            )
        ],
        ("/polls/<int:poll_id>/decrypt", "POST"): [
            (
                f"/polls/{world.verifiable_closed_poll}/decrypt",
                {"partial": partial_decryption(closed, key)},
            )
        ],
    }


def _begin_c2_key(world: World) -> None:
    """C2 with three committee members seated (the bylaws' threshold), its key begun."""
    from congress.auth.models import User
    from congress.conference import operations as conference_ops
    from congress.conference.models import Conference
    from congress.database import write_intent
    from congress.extensions import db
    from congress.verifiable import trustees

    with write_intent():
        other = db.session.get(Conference, world.other_conference)
        for n in (1, 2):
            user = db.session.execute(
                select(User).where(User.email == f"committee{n}@congress.test")
            ).scalar_one()
            conference_ops.seat_committee_member(other, user, actor=None)
        trustees.begin(other, actor=None)
        db.session.commit()


def _pending_objection(world: World) -> int:
    """The delegate's objection to the certified result, filed for the committee to decide."""
    from congress.auth.models import User
    from congress.database import write_intent
    from congress.extensions import db
    from congress.results import objections

    with write_intent():
        poll = db.session.get(Poll, world.certified_poll)
        delegate = db.session.get(User, world.user_ids["delegate"])
        filed = objections.file_objection(poll, delegate, "x")
        db.session.commit()
    return filed.id


@dataclass
class Undoable:
    """What the newer forms act on, made for the observer's payloads so that each would
    succeed for its right user (test_the_newer_forms_payloads_succeed_for_their_right_user)."""

    withdrawn_delegate: int  # C's last voter, withdrawn by mistake: their seat still free
    nominating: int  # a conference convened 20 days ahead: nominations are open
    withdrawn_candidacy: int  # the `member` user's, withdrawn by themself in `nominating`
    empty_draft: int  # a draft holding nothing of the election committee's: deletable


def _undoable(world: World) -> Undoable:
    from congress.auth.models import User
    from congress.candidacy import nominations, withdrawal
    from congress.conference import delegates
    from congress.conference import operations as conference_ops
    from congress.conference.models import Conference
    from congress.database import write_intent
    from congress.extensions import db
    from congress.members.models import Member
    from congress.models_common import utcnow

    with write_intent():
        conference = db.session.get(Conference, world.conference)
        last = db.session.execute(
            select(Delegate)
            .join(User, User.member_id == Delegate.member_id)
            .where(Delegate.conference_id == conference.id, User.email == world.voter_emails[-1])
        ).scalar_one()
        delegates.withdraw(last, "by mistake", actor=None)
        made = {}
        for name, days in (("nominating", 20), ("empty_draft", 90)):
            made[name] = conference_ops.create(
                title_ar=name,
                title_en=name,
                starts_at=utcnow() + timedelta(days=days),
                bylaws_version=conference.bylaws_version,
                actor=None,
            )
        nominating = made["nominating"]
        # convened 40 days before it starts (the notice is 30): 20 days ahead, nominations
        # are open (from 28 to 10 days before)
        conference_ops.convene(nominating, actor=None, now=utcnow() - timedelta(days=20))
        user = db.session.get(User, world.user_ids["member"])
        member = db.session.get(Member, user.member_id)
        candidacy = nominations.nominate_self(nominating, member, "central_council", actor=user)
        withdrawal.withdraw(candidacy, "by mistake", actor=user)
        db.session.commit()
        return Undoable(last.id, nominating.id, candidacy.id, made["empty_draft"].id)


def _bylaws_version_of(conference_id: int) -> int:
    from congress.conference.models import Conference
    from congress.extensions import db

    return db.session.get(Conference, conference_id).bylaws_version_id


def _member_id(world: World, kind: str) -> int:
    from congress.auth.models import User
    from congress.extensions import db

    return db.session.get(User, world.user_ids[kind]).member_id


def test_the_observer_changes_nothing(app, make_browser):
    """Every form but the observer's own account: the data that would succeed for the right
    user is refused (a status of 400 or more) and no row of any table changes."""
    world = build_world(app)
    observer = world.login(make_browser, "observer")
    token = token_of(observer)
    payloads = observer_payloads(world)
    forms = {key for key in routes(app) if key[1] != "GET"} - SELF_SERVICE
    assert not forms - set(payloads), f"no observer payload for {sorted(forms - set(payloads))}"
    before = table_rows()
    wrong = []
    for key in sorted(forms):
        for url, data in payloads[key]:
            response = observer.client.post(url, data={"csrf_token": token, **data})
            if response.status_code < 400:
                wrong.append(f"POST {url}: {response.status_code}")
    after = table_rows()
    changed = sorted(t for t in before if before[t] != after.get(t))
    assert not wrong, wrong
    assert not changed, f"tables changed by the observer: {changed}"


# The newer forms and who they are for: the observer's payloads for them are checked to
# succeed for that user, so the observer's refusal is the permission layer's, not the data's.
# Posted in this order, on one world.
DELEGATE_ACTIONS = ("/conferences/<int:conference_id>/delegates/<int:delegate_id>/<action>", "POST")
RIGHT_USERS = {
    DELEGATE_ACTIONS: "credentials",  # its newer action only: undoing a withdrawal
    ("/conferences/<int:conference_id>/candidacies/<int:candidacy_id>/reinstate", "POST"): (
        "member"  # who withdrew the candidacy
    ),
    ("/conferences/<int:conference_id>/delegates/bulk/<action>", "POST"): "credentials",
    ("/conferences/<int:conference_id>/edit", "POST"): "admin",
    ("/conferences/<int:conference_id>/delete", "POST"): "admin",
    ("/conferences/<int:conference_id>/trustees", "POST"): "committee",
    ("/polls/<int:poll_id>/credentials", "POST"): "authority",
    ("/polls/<int:poll_id>/verifiable/cast", "POST"): "delegate",
    ("/polls/<int:poll_id>/verifiable/without-javascript", "POST"): "delegate",  # a re-vote
    ("/polls/<int:poll_id>/decrypt", "POST"): "committee",
}


def test_the_newer_forms_payloads_succeed_for_their_right_user(app, make_browser):
    """Each payload of RIGHT_USERS, posted by its user, is taken (a status below 400) and
    changes rows."""
    world = build_world(app)
    payloads = observer_payloads(world)
    browsers: dict[str, tuple[Browser, str]] = {}
    wrong = []
    for key, kind in RIGHT_USERS.items():
        if kind not in browsers:
            browser = world.login(make_browser, kind)
            browsers[kind] = (browser, token_of(browser))
        browser, token = browsers[kind]
        for url, data in payloads[key]:
            if key == DELEGATE_ACTIONS and not url.endswith("/reinstate"):
                continue
            before = table_rows()
            response = browser.client.post(url, data={"csrf_token": token, **data})
            if response.status_code >= 400 or table_rows() == before:
                wrong.append(f"{kind} POST {url}: {response.status_code}")
    assert not wrong, wrong


def test_a_voter_cannot_see_another_voters_vote(app, make_browser, db):
    world = build_world(app)
    poll = world.open_poll
    mine = english(world.login(make_browser, "delegate"))  # has not voted
    theirs = voter(world, make_browser, 1)  # has voted in this poll
    voted_text = "The roll marks you as having voted"
    assert voted_text in theirs.get(f"/polls/{poll}").get_data(as_text=True)
    assert voted_text not in mine.get(f"/polls/{poll}").get_data(as_text=True)
    assert mine.get(f"/polls/{poll}/ballot").status_code == 200
    assert theirs.get(f"/polls/{poll}/ballot").status_code == 409

    page = f"/polls/{poll}/ballot"
    assert mine.post("/vote/review", {"poll": poll, "answer": "no"}, page=page).status_code == 200
    receipt = mine.post("/vote/cast", {"poll": poll, "answer": "no"}, page=page)
    assert receipt.status_code == 200
    assert "no-store" in receipt.headers.get("Cache-Control", "")
    from voting_steps import tracker_of

    tracker = tracker_of(receipt)
    grouped = " ".join(tracker[i : i + 4] for i in range(0, 32, 4))
    seen = []
    for url in (
        f"/polls/{poll}",
        f"/polls/{poll}/ballot",
        f"/conferences/{world.conference}/polls",
        f"/polls/{poll}/result",
        f"/conferences/{world.conference}/me",
        "/",
    ):
        body = theirs.get(url).get_data(as_text=True)
        if tracker in body or grouped in body:
            seen.append(url)
    assert not seen, f"another voter's tracker shown at {seen}"
    assert theirs.get(f"/polls/{poll}/board").status_code == 404  # nothing while open
    # casting again, as either voter, changes nothing
    before = (
        db.session.query(Ballot).filter_by(poll_id=poll).count(),
        db.session.query(RollEntry).filter_by(poll_id=poll, voted=True).count(),
    )
    for browser in (mine, theirs):
        again = browser.post("/vote/cast", {"poll": poll, "answer": "yes"}, page="/")
        assert again.status_code == 409
    db.session.expire_all()
    assert before == (
        db.session.query(Ballot).filter_by(poll_id=poll).count(),
        db.session.query(RollEntry).filter_by(poll_id=poll, voted=True).count(),
    )


RESULT_URLS = ("/polls/{}/result", "/polls/{}/export.json", "/polls/{}/result?print=1")


def test_results_are_hidden_until_certified(app, make_browser, db):
    """One world, every kind of user: GETs only."""
    world = build_world(app)
    wrong = []
    for kind in KINDS:
        browser = world.login(make_browser, kind)
        sees_count = kind in ("committee", "observer")
        anonymous = kind == "anonymous"

        def expect(url: str, wanted: str, browser=browser, kind=kind) -> None:
            got = classify(browser.get(url))
            if got != wanted:
                wrong.append(f"{kind} {url}: expected {wanted}, got {got}")

        for template in RESULT_URLS:
            # draft or open: nobody sees a count, the committee and observers included
            for poll in (world.draft_poll, world.open_poll):
                expect(template.format(poll), "login" if anonymous else "404")
            # tallied: the committee signs, observers watch; nobody else yet
            tallied = "login" if anonymous else ("ok" if sees_count else "404")
            expect(template.format(world.tallied_poll), tallied)
            # certified: every logged-in user
            expect(template.format(world.certified_poll), "login" if anonymous else "ok")
        expect(f"/polls/{world.open_poll}/board", "login" if anonymous else "404")
        expect(
            f"/polls/{world.stv_poll}/export.blt",
            "login" if anonymous else ("ok" if sees_count else "404"),
        )
    assert db.session.get(Poll, world.certified_poll).state == "certified"
    assert not wrong, "\n".join(wrong)


# --- regressions: bugs found in this review (fixed since) -------------------------------


def test_an_activation_link_cannot_take_over_another_account(app, make_browser, db):
    """Regression test. Found in review and fixed: (account takeover):
    invitations.activate() takes the email typed on the activation form when the member
    has none on the roll (any member given an account link, delegate or not since
    /members/<id>/invite), then links and re-passwords ANY existing account with that
    email whose member_id is NULL - every staff account. A designated delegate without
    an email on the roll, holding their own activation link, types admin@... and a
    password of their choice: the administrator's password is replaced, the admin
    account is linked to the delegate's member (voting rights), and the delegate is
    logged in as administrator. Expected: refuse an email that belongs to another
    account (422), change nothing."""
    from congress.auth.passwords import verify_password
    from congress.database import write_intent

    world = build_world(app)
    with write_intent():  # a delegate with no email on the roll, not yet activated
        db.session.get(Delegate, world.invitee_delegate).member.email = ""
        db.session.commit()
    intruder = make_browser()
    url = f"/conferences/activate/{world.token}"
    chosen = "taken-over-passphrase-2026"
    before = table_rows()
    response = intruder.post(
        url,
        {
            "email": "admin@congress.test",
            "password": chosen,
            "confirm": chosen,
            "language": "en",
            "timezone": "UTC",
        },
        page=url,
    )
    db.session.expire_all()
    admin = db.session.execute(select(User).where(User.email == "admin@congress.test")).scalar_one()
    assert not verify_password(admin.password_hash, chosen)
    assert admin.member_id is None
    assert intruder.get("/admin/users").status_code != 200
    assert response.status_code == 422 and table_rows() == before


def test_a_hidden_candidacy_answers_like_a_missing_one(app, make_browser, db):
    """Regression test. Found in review and fixed: (low, information leak):
    candidacy.visible() hides a candidacy the reader may not see with a 404 ('existence
    is not revealed either'), but the statement page answers 403 for an existing
    candidacy and 404 for a missing one, and endorse/unendorse answer 409 (with the
    body's name in the refusal) for an existing one: a member can list rejected and
    withdrawn candidacies and their bodies by id. Expected: 404 for all."""
    world = build_world(app)
    member = world.login(make_browser, "member")
    rejected = db.session.execute(
        select(Candidacy).where(Candidacy.status == "rejected")
    ).scalar_one()
    answers = {}
    for cid in (rejected.id, 999_999):
        base = f"/conferences/{world.conference}/candidacies/{cid}"
        answers[cid] = (
            member.get(base).status_code,
            member.get(f"{base}/statement").status_code,
            member.post(f"{base}/endorse", page="/").status_code,
            member.post(f"{base}/unendorse", page="/").status_code,
        )
    assert answers[rejected.id] == answers[999_999] == (404, 404, 404, 404)


def test_only_a_voter_on_the_roll_can_review_a_ballot(app, make_browser):
    """Regression test. Found in review and fixed: (low): POST /vote/review does not check
    the roll: an observer, an administrator or any member not on the poll's roll gets
    the 'review your ballot' page (200) with a Cast button, where GET /polls/<id>/ballot
    refuses them with 403. Nothing is stored (the cast is refused), but the observer is
    let through a voting form. Expected: 403 as for the ballot page."""
    world = build_world(app)
    wrong = {}
    for kind in ("observer", "admin", "member", "candidate"):
        browser = world.login(make_browser, kind)
        response = browser.post(
            "/vote/review", {"poll": world.open_poll, "answer": "yes"}, page="/"
        )
        if response.status_code != 403:
            wrong[kind] = response.status_code
    assert not wrong, wrong


def test_an_officer_cannot_take_over_an_active_members_account(app, make_browser, db):
    """Regression test. Found in review and fixed: (permission hole): a credentials officer
    can log in as any member who already has an account, and vote for them: POST
    /members/<id>/invite (or /conferences/<c>/delegates/<d>/invite) shows the officer a
    fresh activation link even when the member's account is active, and
    invitations.activate() then replaces that account's password (found by member_id)
    and logs the link's holder in. Expected: no link for an active account (or
    activation refusing an account that already has a password); a reset, if wanted,
    must not hand the officer a working credential."""
    world = build_world(app)
    officer = world.login(make_browser, "credentials")
    page = officer.post(
        f"/conferences/{world.conference}/delegates/{world.delegate}/invite", page="/members/"
    ).get_data(as_text=True)
    links = re.findall(r"/conferences/activate/([A-Za-z0-9_\-]+)", page)
    if links:  # the officer was handed a link for an active account: use it
        url = f"/conferences/activate/{links[0]}"
        chosen = "officer-chosen-passphrase-1"
        officer_as_delegate = make_browser()
        officer_as_delegate.post(
            url,
            {"password": chosen, "confirm": chosen, "language": "en", "timezone": "UTC"},
            page=url,
        )
        ballot = officer_as_delegate.get(f"/polls/{world.open_poll}/ballot")
        assert ballot.status_code != 200, "the officer holds the delegate's ballot"
    db.session.expire_all()
    from congress.auth.passwords import verify_password

    user = db.session.get(User, world.user_ids["delegate"])
    assert verify_password(user.password_hash, PASSWORD)
