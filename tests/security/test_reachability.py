"""Issue 15.1: every page a role may use is reachable by clicking from that role's home
page. The pages a role may use are the GET routes the authorization matrix lets it
through; the walk follows only links (<a href>) and images of the pages themselves,
starting at "/" once logged in, never typing an address.

The routes left out are reached otherwise by design: from a mail (activation and reset
links), by a redirect (the second step of login, a fresh-login prompt), by machines
(/healthz), or are the current page's own export (a photo is an image, not a link).
"""

from __future__ import annotations

import re
from collections import deque
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest
from matrix_table import TABLE
from security_world import KINDS, build_world

NOT_BY_CLICKING = {
    "/healthz",  # the proxy's liveness probe
    "/favicon.ico",  # asked by browsers themselves
    "/candidates",  # a redirect kept for old links: the navigation points at the list itself
    "/login/code",  # reached by the redirect after the password
    "/reauthenticate",  # reached by the redirect of a fresh-login check
    "/conferences/activate/<token>",  # from the invitation mail
    "/reset/<token>",  # from the reset mail
}
LINK = re.compile(r'<(?:a|img|link)\b[^>]*?\b(?:href|src)="([^"#]+)"', re.I)
PAGES = 400


ANONYMOUS_ONLY = {"/login", "/forgot-password"}  # logged-in users are past them


def allowed_gets(kind: str) -> set[str]:
    column = KINDS.index(kind)
    skip = NOT_BY_CLICKING | (set() if kind == "anonymous" else ANONYMOUS_ONLY)
    return {
        rule
        for (rule, method), case in TABLE.items()
        if method == "GET" and case.expect.split()[column] == "ok" and rule not in skip
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


@pytest.mark.parametrize("kind", KINDS)
def test_every_page_a_role_may_use_is_reachable_by_clicking_from_its_home_page(
    kind, app, make_browser
):
    world = build_world(app)
    browser = world.login(make_browser, kind)
    missing = sorted(allowed_gets(kind) - walk(app, browser))
    assert not missing, f"{kind} cannot reach by clicking: {missing}"
