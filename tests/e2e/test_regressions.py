"""Problems the browser tests found, one small browser test each, so they stay fixed.

They share one gunicorn serving the demo organization of `congress demo`, with two closed
policy-paper polls made through the operations, one of them counted.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from live_server import ROOT

from .e2e_support import (
    BIDI_JS,
    CLIPPED_JS,
    PHONE,
    KnownProblem,
    World,
    end_world,
    new_run,
    new_world,
)

pytestmark = pytest.mark.e2e

DEMO = {
    "admin": ("admin@congress.test", "admin-demo-2026"),
    "officer": ("credentials@congress.test", "credentials-demo-2026"),
    "c1": ("committee1@congress.test", "committee-demo-2026"),
}


@dataclass
class Site:
    """The demo organization served by one gunicorn for this module's tests."""

    world: World
    conference: int
    closed: int  # a closed policy-paper poll
    counted: int  # the same, counted


@pytest.fixture(scope="module")
def site(chromium, sqlite_template, tmp_path_factory):
    world = new_world(sqlite_template, tmp_path_factory.mktemp("regressions"))

    def build():
        from congress.demo import load_demo
        from congress.results import counting
        from congress.voting import polls
        from scenario import delegate_users, demo_conference

        load_demo()
        conference = demo_conference()
        delegate_users(conference, 3)
        made = []
        for _ in range(2):
            poll = polls.create_motion(
                conference,
                title_ar="ورقة التوجهات",
                title_en="Policy paper",
                text_ar="النص.",
                text_en="The text.",
                category="policy_paper",
                actor=None,
            )
            polls.open_poll(poll, actor=None)
            polls.close_poll(poll, actor=None)
            made.append(poll)
        counting.run_tally(made[1], actor=None)
        return Site(world, conference.id, made[0].id, made[1].id)

    built = world.write(build)
    world.start()
    yield built
    end_world(world)


@pytest.fixture
def run(request, chromium, site):
    run = new_run(request, chromium, site.world)
    yield run
    run.close()


def axe_rule(phone, rule: str) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(phone.page, options={"runOnly": [rule]}).response["violations"]
    return [{"impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]} for v in results]


def test_a_closed_poll_can_be_counted_from_its_page(run, site):
    poll_id = site.closed
    c1 = run.phone("c1")
    c1.login(*DEMO["c1"])
    c1.goto(f"/polls/{poll_id}", "closed-poll")
    assert not run.problems, "\n".join(run.problems)
    count = c1.page.locator(f"form[action$='/polls/{poll_id}/tally'] button")
    assert count.count() == 1, "the closed poll's page has the button to count it"
    c1.submit(count, "counted")
    assert c1.path() == f"/polls/{poll_id}/result"


def test_the_printable_result_fits_a_phone(run, site):
    poll_id = site.counted
    c1 = run.phone("c1")
    c1.login(*DEMO["c1"])
    c1.goto(f"/polls/{poll_id}/result?print=1", "printable")
    assert not run.problems, "\n".join(run.problems)
    assert c1.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_result_chart_shows_its_text_whole(chromium):
    from congress.results.charts import bars

    cases = {
        "ar": bars([("ليلى الأحمد", 3, True), ("سامي O'Brien", 2, False)], rtl=True, title="م"),
        "en": bars([("Layla Al-Ahmad", "3.000000000", True)], rtl=False, title="Office"),
    }
    clipped = {}
    for lang, svg in cases.items():
        context, page = chart_page(chromium, lang, svg)
        try:
            clipped[lang] = page.evaluate(CLIPPED_JS)
        finally:
            context.close()
    assert not any(clipped.values()), f"cut off: {clipped}"


def chart_page(chromium, lang: str, svg: str):
    """Evaluate the checks of e2e_support on a chart in a page styled like the result."""
    style = (ROOT / "congress" / "static" / "style.css").read_text(encoding="utf-8")
    direction = "rtl" if lang == "ar" else "ltr"
    context = chromium.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_content(
        f'<html lang="{lang}" dir="{direction}"><head><style>{style}</style></head>'
        f'<body><main><figure class="chart">{svg}</figure></main></body></html>'
    )
    return context, page


def test_the_arabic_chart_keeps_mixed_names_in_order(chromium):
    from congress.results.charts import bars

    svg = bars([("ريم Nasser", 3, True), ("ليلى الأحمد", 2, False)], rtl=True, title="المجلس")
    context, page = chart_page(chromium, "ar", svg)
    try:
        reversed_names = page.evaluate(BIDI_JS)
        clipped = page.evaluate(CLIPPED_JS)
    finally:
        context.close()
    assert not clipped, f"cut off: {clipped}"
    if reversed_names:
        raise KnownProblem(f"reversed: {reversed_names}")


def test_a_fresh_login_prompt_returns_to_the_page(run, site):
    admin = run.phone("admin")
    admin.password = DEMO["admin"][1]
    site.world.login_an_hour_ago(admin, DEMO["admin"][0])
    admin.goto("/admin/users", "users")
    admin.page.locator("main form select[name=role]").first.select_option("observer")
    with admin.page.expect_navigation():
        admin.page.locator("main form button[value=grant]").first.click()
    assert admin.path() == "/reauthenticate"
    admin.check("reauthenticate")
    admin.reauthenticate()
    admin.check("after-reauthenticate")
    assert not run.problems, "\n".join(run.problems)
    assert admin.path() == "/admin/users", "back on the page of the form"


def test_the_apportionment_table_can_be_scrolled_by_keyboard(run, site):
    officer = run.phone("officer")
    officer.login(*DEMO["officer"])
    officer.goto(f"/conferences/{site.conference}/delegates", "delegates")
    assert not run.problems, "\n".join(run.problems)
    assert axe_rule(officer, "scrollable-region-focusable") == []


def test_the_quorum_panel_does_not_reload_by_itself(run, site):
    officer = run.phone("officer")
    officer.login(*DEMO["officer"])
    officer.goto(f"/conferences/{site.conference}/quorum", "quorum")
    assert not run.problems, "\n".join(run.problems)
    assert axe_rule(officer, "meta-refresh") == []


def test_the_site_has_an_icon(run, site):
    phone = run.phone("visitor")
    phone.goto("/", "home")
    declared = phone.page.locator("link[rel~=icon]").count()
    served = phone.page.request.get(site.world.base + "/favicon.ico").status
    assert not run.problems, "\n".join(run.problems)
    assert declared or served == 200, f"no <link rel=icon>, /favicon.ico answers {served}"


BALLOT_FORMS = {
    "block": "".join(
        f'<label><input type="checkbox" name="mark" value="{i}"> c{i}</label>'
        for i in (7, 12, 130, 4501)
    ),
    "ranked": "".join(
        f'<input class="rank" type="number" name="rank-{i}" value="">' for i in (3, 45, 600)
    ),
    "motion": "".join(
        f'<label><input type="radio" name="answer" value="{v}"> {v}</label>' for v in "yna"
    ),
}


def posted_lengths(chromium, kind: str, choices: list[list[str]]) -> set[int]:
    """Submit the ballot form once per choice with pad.js running; the request bodies'
    lengths as Chromium sent them."""
    script = (ROOT / "congress" / "static" / "pad.js").read_text(encoding="utf-8")
    context = chromium.new_context(viewport=PHONE)
    page = context.new_page()
    sent: list[int] = []

    def capture(route):
        sent.append(len(route.request.post_data_buffer or b""))
        route.fulfill(status=200, body="ok")

    page.route("http://congress.test/vote/review", capture)
    try:
        for chosen in choices:
            page.route(
                "http://congress.test/ballot",
                lambda route: route.fulfill(
                    status=200,
                    content_type="text/html",
                    body='<form class="ballot" method="post" action="/vote/review">'
                    '<input type="hidden" name="csrf_token" value="abc.def">'
                    f'<input type="hidden" name="poll" value="9">{BALLOT_FORMS[kind]}'
                    '<button type="submit">go</button></form>',
                ),
            )
            page.goto("http://congress.test/ballot")
            page.add_script_tag(content=script)
            for selector, value in chosen:
                if value is None:
                    page.check(selector)
                else:
                    page.fill(selector, value)
            with page.expect_request("http://congress.test/vote/review"):
                page.click("button")
    finally:
        context.close()
    return set(sent)


def test_the_ballot_request_has_one_length_whatever_is_chosen(chromium):
    """Issue 14.2: checked boxes add fields to the request; with JavaScript, pad.js fills
    the request up to the full ballot's length, so its size says nothing of the choice."""
    box = lambda v: (f"input[value='{v}']", None)  # noqa: E731
    rank = lambda c, r: (f"input[name='rank-{c}']", r)  # noqa: E731
    cases = {
        "block": [
            [],
            [box(7)],
            [box(4501)],
            [box(7), box(12)],
            [box(7), box(12), box(130), box(4501)],
        ],
        "ranked": [[], [rank(3, "1")], [rank(600, "1"), rank(45, "2"), rank(3, "3")]],
        "motion": [[], [box("y")], [box("n")], [box("a")]],
    }
    for kind, choices in cases.items():
        assert len(posted_lengths(chromium, kind, choices)) == 1, kind
