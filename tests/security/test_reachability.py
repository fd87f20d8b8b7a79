"""Issue 15.1: every page a role may use is reachable by clicking from that role's home
page. The pages a role may use are the GET routes the authorization matrix lets it
through; the walk follows only links (<a href>) and images of the pages themselves,
starting at "/" once logged in, never typing an address.

The routes left out are reached otherwise by design: from a mail (activation and reset
links), by a redirect (the second step of login, a fresh-login prompt), by machines
(/healthz), or are the current page's own export (a photo is an image, not a link).

The credential authority, a tenth kind of user outside the matrix's columns, is walked
too: the pages they may use are those `matrix_table.authority_outcomes` lets through.
"""

from __future__ import annotations

import re
from collections import deque
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest
from matrix_table import TABLE, authority_outcomes
from security_world import KINDS, build_world

NOT_BY_CLICKING = {
    "/healthz",  # the proxy's liveness probe
    "/favicon.ico",  # asked by browsers themselves
    "/candidates",  # a redirect kept for old links: the navigation points at the list itself
    "/login/code",  # reached by the redirect after the password
    "/reauthenticate",  # reached by the redirect of a fresh-login check
    "/conferences/activate/<token>",  # from the invitation mail
    "/reset/<token>",  # from the reset mail
    # for `congress trustee decrypt --election --tally`: the archive the board and the
    # trustees' page link holds the same encrypted tally (and the ballots it is made of)
    "/polls/<int:poll_id>/encrypted-tally.json",
}
LINK = re.compile(r'<(?:a|img|link)\b[^>]*?\b(?:href|src)="([^"#]+)"', re.I)
PAGES = 400


ANONYMOUS_ONLY = {"/login", "/forgot-password"}  # logged-in users are past them
# the trustees' downloads for rounds 2 and 3 of the key, linked from the trustees page only
# while those rounds wait (the world's key is made): test_the_trustees_downloads_are_linked
KEY_ROUNDS = {
    "/conferences/<int:conference_id>/trustees/certificates.json",
    "/conferences/<int:conference_id>/trustees/vinput.json",
}
WALKERS = (*KINDS, "authority")
# the pages of the verifiable level each kind must find (beyond the table's say-so)
VERIFIABLE_PAGES = {
    "committee": {
        "/conferences/<int:conference_id>/trustees",
        "/polls/<int:poll_id>/decrypt",
        "/polls/<int:poll_id>/archive.bel",
    },
    "delegate": {"/polls/<int:poll_id>/booth", "/polls/<int:poll_id>/archive.bel"},
    "authority": {
        "/conferences/<int:conference_id>/credential-authority",
        "/conferences/<int:conference_id>/delegates-for-credentials.csv",
        "/polls/<int:poll_id>/credentials",
        "/polls/<int:poll_id>/roll.txt",
    },
}


def lets_through(kind: str, key: tuple[str, str]) -> bool:
    case = TABLE[key]
    if kind == "authority":
        return authority_outcomes(key, case) == {"ok"}
    return case.expect.split()[KINDS.index(kind)] == "ok"


def allowed_gets(kind: str) -> set[str]:
    skip = NOT_BY_CLICKING | KEY_ROUNDS | (set() if kind == "anonymous" else ANONYMOUS_ONLY)
    return {
        rule
        for (rule, method) in TABLE
        if method == "GET" and lets_through(kind, (rule, method)) and rule not in skip
    }


def rule_of(app, path: str) -> str | None:
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _ = adapter.match(path, "GET")
    except Exception:
        return None
    return next(r.rule for r in app.url_map.iter_rules() if r.endpoint == endpoint)


def walk(app, browser) -> set[str]:
    """Breadth first from "/", following same-site links; the routes of the pages seen."""
    seen_paths, reached = set(), set()
    queue = deque(["/"])
    while queue and len(seen_paths) < PAGES:
        path = queue.popleft()
        if path in seen_paths:
            continue
        seen_paths.add(path)
        rule = rule_of(app, urlsplit(path).path)
        response = browser.get(path)
        if response.status_code != 200 or rule is None:
            continue
        reached.add(rule)
        if response.mimetype != "text/html":
            continue
        for href in LINK.findall(response.get_data(as_text=True)):
            target = urljoin(path, unescape(href))
            parts = urlsplit(target)
            if parts.netloc or parts.path.startswith("/static/"):
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if local not in seen_paths and "print=1" not in local:
                queue.append(local)
    return reached


@pytest.mark.parametrize("kind", WALKERS)
def test_every_page_a_role_may_use_is_reachable_by_clicking_from_its_home_page(
    kind, app, make_browser
):
    assert VERIFIABLE_PAGES.get(kind, set()) <= allowed_gets(kind)
    world = build_world(app)
    browser = world.login(make_browser, kind)
    missing = sorted(allowed_gets(kind) - walk(app, browser))
    assert not missing, f"{kind} cannot reach by clicking: {missing}"


def links_of(page: str) -> set[str]:
    return {urlsplit(unescape(href)).path for href in LINK.findall(page)}


def test_the_verifiable_record_is_linked_where_it_is_published(app, make_browser):
    """What Belenios publishes, linked for every reader: the election and the public
    credentials on an open poll's page; after the close, the archive (the whole record,
    its encrypted tally included: anyone may check the count from it) on the poll's page
    and on its bulletin board."""
    world = build_world(app)
    member = world.login(make_browser, "member")
    v, closed = world.verifiable_poll, world.verifiable_closed_poll
    wanted = {
        f"/polls/{v}": {f"/polls/{v}/election.json", f"/polls/{v}/public-credentials.json"},
        f"/polls/{closed}": {f"/polls/{closed}/archive.bel"},
        f"/polls/{closed}/board": {f"/polls/{closed}/archive.bel"},
    }
    missing = []
    for page, urls in wanted.items():
        links = links_of(member.get(page).get_data(as_text=True))
        missing += [f"{url} on {page}" for url in sorted(urls - links)]
    assert not missing, "not linked: " + ", ".join(missing)


def test_the_trustees_downloads_are_linked_while_the_key_is_made(app, make_browser, db):
    """Rounds 2 and 3 of a trustees' key, on C2 with three committee members seated: the
    trustees page links the certificates (round 2), then the certificates and the
    trustee's own vinput (round 3), and both downloads answer."""
    from security_world import STAFF_LOGINS, _offline_messages
    from sqlalchemy import select

    from congress.auth.models import User
    from congress.conference import operations as conference_ops
    from congress.conference.models import Conference
    from congress.database import write_intent
    from congress.verifiable import trustees

    world = build_world(app)
    with write_intent():
        other = db.session.get(Conference, world.other_conference)
        for n in (1, 2):
            user = db.session.execute(
                select(User).where(User.email == f"committee{n}@congress.test")
            ).scalar_one()
            conference_ops.seat_committee_member(other, user, actor=None)
        setup = trustees.begin(other, actor=None)
        committee = conference_ops.committee_of(other)
        made = _offline_messages(tuple(u.email for u in committee), setup.threshold)
        for user in committee:
            trustees.submit(other, user, made[user.email]["certificate"], actor=user)
        db.session.commit()
    assert STAFF_LOGINS["committee"][0] in made
    browser = world.login(make_browser, "committee")
    page = f"/conferences/{world.other_conference}/trustees"
    certificates, vinput = f"{page}/certificates.json", f"{page}/vinput.json"
    assert links_of(browser.get(page).get_data(as_text=True)) >= {certificates}
    with write_intent():
        other = db.session.get(Conference, world.other_conference)
        for user in committee:
            trustees.submit(other, user, made[user.email]["polynomial"], actor=user)
        db.session.commit()
    assert links_of(browser.get(page).get_data(as_text=True)) >= {certificates, vinput}
    assert browser.get(certificates).status_code == 200
    assert browser.get(vinput).status_code == 200
