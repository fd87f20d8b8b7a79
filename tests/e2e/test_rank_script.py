"""Issue 15.7: rank.js, the ranked ballot's script, in Chromium on a 360x740 phone.

No server: the page is built like templates/voting/ballot.html's ranked branch and served
through page.route with the application's own Content-Security-Policy, with rank.js and
pad.js loaded from /static/ as the template loads them (defer, rank.js first). Typing and
dragging (and the move buttons) must agree in both directions; the line "not ranked below"
is always between the ranked and the unranked candidates; the form posts the same
rank-<id> fields as without JavaScript, numbered 1..n.
"""

from __future__ import annotations

import contextlib
import urllib.parse
from dataclasses import dataclass, field

import pytest

from congress.web.headers import CSP
from live_server import ROOT

from .e2e_support import PHONE

pytestmark = pytest.mark.e2e

SITE = "http://congress.test"
STATIC = ROOT / "congress" / "static"
# (id, Arabic name, English name, branch), in the ballot's order
CANDIDATES = [
    (3, "أحمد الحلبي Ahmad al-Halabi", "Ahmad al-Halabi", "SY-01"),
    (45, "فاطمة الزهراء", "Fatima al-Zahraa", "SY-02"),
    (600, "سامر خوري", "Samer Khoury", "SY-03"),
    (7, "ليلى حداد", "Layla Haddad", "SY-04"),
    (12, "يوسف العلي", "Youssef al-Ali", "SY-05"),
]
IDS = [c[0] for c in CANDIDATES]
TEXT = {
    "ar": {"dir": "rtl", "submit": "راجع ورقتي", "line": "بلا ترتيب", "up": "إلى الأعلى"},
    "en": {"dir": "ltr", "submit": "Review my ballot", "line": "not ranked", "up": " up"},
}

# The list as the voter sees it: "id=value" per candidate, "|" for the separator line.
STATE_JS = """() => Array.from(document.querySelectorAll('ol.rankable > li')).map(li =>
  li.classList.contains('separator') ? '|'
    : li.querySelector('input.rank').name.slice(5) + '=' + li.querySelector('input.rank').value)"""


def ballot_html(lang: str, ranks: dict[int, str] | None = None) -> str:
    """templates/voting/ballot.html's ranked branch, in base.html's frame."""
    ranks = ranks or {}
    rows = "\n".join(
        f'<li><label for="rank-{cid}"><bdi>{ar if lang == "ar" else en}</bdi> '
        f"<small>{branch}</small></label>\n"
        f'<input class="rank" type="number" inputmode="numeric" min="1" '
        f'max="{len(CANDIDATES)}" id="rank-{cid}" name="rank-{cid}" value="{ranks.get(cid, "")}"></li>'
        for cid, ar, en, branch in CANDIDATES
    )
    return f"""<!doctype html>
<html lang="{lang}" dir="{TEXT[lang]["dir"]}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>ballot</title><link rel="stylesheet" href="/static/style.css"></head>
<body><main id="main"><h1>Office</h1>
<form method="post" action="/vote/review" class="ballot">
<input type="hidden" name="csrf_token" value="abc.def"><input type="hidden" name="poll" value="9">
<p id="rank-help">Number the candidates in your order of preference.</p>
<ol class="rankable" aria-describedby="rank-help">
{rows}</ol>
<button type="submit">{TEXT[lang]["submit"]}</button>
</form></main>
<script src="/static/rank.js" defer></script>
<script src="/static/pad.js" defer></script>
</body></html>"""


@dataclass
class Ballot:
    """One phone on the ballot page; the posted forms and the page's errors are kept."""

    page: object
    lang: str
    posted: list[list[tuple[str, str]]] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)  # of the request bodies as sent
    errors: list[str] = field(default_factory=list)
    html: str = ""

    def open(self, ranks: dict[int, str] | None = None) -> None:
        self.html = ballot_html(self.lang, ranks)
        self.page.goto(f"{SITE}/ballot")

    def field(self, cid: int):
        return self.page.locator(f"input[name='rank-{cid}']")

    def row(self, cid: int):
        return self.page.locator("ol.rankable > li").filter(has=self.field(cid))

    def state(self) -> list[str]:
        return self.page.evaluate(STATE_JS)

    def expect(self, *expected: str) -> None:
        """Wait (briefly) for the list to be `expected`; check the invariant on the way."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        wanted = list(expected)
        with contextlib.suppress(PlaywrightTimeout):  # the assertions say what the list is
            self.page.wait_for_function(
                f"want => JSON.stringify(({STATE_JS})()) === JSON.stringify(want)",
                arg=wanted,
                timeout=3000,
            )
        state = self.state()
        assert state == wanted
        assert state.count("|") == 1, "one line"
        line = state.index("|")
        assert [s.split("=")[1] for s in state[:line]] == [str(n + 1) for n in range(line)]
        assert all(s.endswith("=") for s in state[line + 1 :]), "nothing ranked below the line"
        assert not self.errors, self.errors

    def type(self, cid: int, value: str, key: str = "Tab") -> None:
        self.field(cid).fill(value)
        self.field(cid).press(key)

    def drag(self, cid: int, onto: int | str, half: str = "top") -> None:
        """Drag a candidate with the mouse onto the top or bottom of a row ("|": the line)."""
        target = self.page.locator("ol.rankable > li.separator") if onto == "|" else self.row(onto)
        box = target.bounding_box()
        y = 2 if half == "top" else box["height"] - 2
        self.row(cid).drag_to(target, target_position={"x": box["width"] / 2, "y": y})

    def button(self, cid: int, kind: str):
        return self.row(cid).locator(f"button.move.{kind}")


@pytest.fixture(params=["ar", "en"])
def ballot(request, chromium):
    lang = request.param
    context = chromium.new_context(viewport=PHONE, locale=lang)
    page = context.new_page()
    b = Ballot(page, lang)
    page.on("console", lambda m: m.type in ("error", "warning") and b.errors.append(m.text))
    page.on("pageerror", lambda e: b.errors.append(str(e)))

    def serve(route):
        url = urllib.parse.urlsplit(route.request.url)
        if url.path == "/ballot":
            route.fulfill(
                status=200,
                content_type="text/html; charset=utf-8",
                headers={"Content-Security-Policy": CSP},
                body=b.html,
            )
        elif url.path.startswith("/static/"):
            name = url.path.removeprefix("/static/")
            kind = "text/css" if name.endswith(".css") else "text/javascript"
            route.fulfill(
                status=200,
                content_type=f"{kind}; charset=utf-8",
                body=(STATIC / name).read_text(encoding="utf-8"),
            )
        elif url.path == "/vote/review" and route.request.method == "POST":
            body = route.request.post_data_buffer or b""
            b.posted.append(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))
            b.lengths.append(len(body))
            route.fulfill(status=200, content_type="text/plain", body="review")
        else:
            route.fulfill(status=404, body="")

    page.route(f"{SITE}/**", serve)
    b.open()
    yield b
    context.close()


def test_the_line_and_the_buttons_are_drawn_in_the_page_language(ballot):
    """On load nothing is ranked: the line is first; each candidate has labelled move
    buttons in the page's language; nothing runs off a 360 px screen and axe finds no
    serious or critical violation."""
    ballot.expect("|", "3=", "45=", "600=", "7=", "12=")
    line = ballot.page.locator("ol.rankable > li.separator")
    assert TEXT[ballot.lang]["line"] in line.inner_text()
    for cid, ar, en, _ in CANDIDATES:
        up = ballot.button(cid, "up")
        name = ar if ballot.lang == "ar" else en
        label = up.get_attribute("aria-label")
        assert name in label and TEXT[ballot.lang]["up"] in label, label
        assert up.get_attribute("type") == "button"
        assert ballot.button(cid, "down").get_attribute("aria-disabled") == "true"
        for kind in ("up", "down"):
            box = ballot.button(cid, kind).bounding_box()
            assert box["width"] >= 44 and box["height"] >= 44, "a finger's target"
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    ballot.type(45, "1")
    ballot.type(7, "2")
    ballot.expect("45=1", "7=2", "|", "3=", "600=", "12=")
    width = ballot.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide"
    from axe_playwright_python.sync_playwright import Axe

    bad = [
        f"{v['id']}: {v['help']}"
        for v in Axe().run(ballot.page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, bad
    shots = ROOT / "tests" / "e2e" / "artifacts" / "rank-script"
    shots.mkdir(parents=True, exist_ok=True)
    ballot.page.screenshot(path=str(shots / f"ballot-{ballot.lang}.png"), full_page=True)


def test_typing_reorders_the_list(ballot):
    """Typed numbers (on leaving the field or on Enter) move the candidates above the line
    in rank order; Enter ranks and does not send the form, the focus stays on the field."""
    ballot.type(600, "2")
    ballot.expect("600=1", "|", "3=", "45=", "7=", "12=")  # a gap closes up
    ballot.type(7, "1", key="Enter")
    ballot.expect("7=1", "600=2", "|", "3=", "45=", "12=")
    assert ballot.page.evaluate("document.activeElement.name") == "rank-7"
    ballot.type(3, "3")
    ballot.expect("7=1", "600=2", "3=3", "|", "45=", "12=")
    ballot.type(3, "2", key="Enter")
    ballot.expect("7=1", "3=2", "600=3", "|", "45=", "12=")
    assert ballot.posted == [], "Enter in a rank field does not send the form"


def test_repeats_and_gaps_are_renumbered(ballot):
    """Insertion: a repeated number puts the new candidate there and shifts the others
    down; a number past the end (or 0, or nothing) closes up; 1..n without gaps."""
    ballot.type(3, "1")
    ballot.type(45, "1")
    ballot.expect("45=1", "3=2", "|", "600=", "7=", "12=")
    ballot.type(600, "2")
    ballot.expect("45=1", "600=2", "3=3", "|", "7=", "12=")
    ballot.type(12, "5")
    ballot.expect("45=1", "600=2", "3=3", "12=4", "|", "7=")
    ballot.type(7, "9")  # beyond the candidates: the last one ranked
    ballot.expect("45=1", "600=2", "3=3", "12=4", "7=5", "|")
    ballot.type(45, "5")  # the first moves to the end, the others move up
    ballot.expect("600=1", "3=2", "12=3", "7=4", "45=5", "|")
    ballot.type(3, "0")
    ballot.expect("600=1", "12=2", "7=3", "45=4", "|", "3=")


def test_clearing_a_field_unranks_the_candidate(ballot):
    """An emptied field: the candidate goes below the line (in the ballot's order there),
    the others close up."""
    ballot.type(12, "1")
    ballot.type(45, "2")
    ballot.type(3, "3")
    ballot.expect("12=1", "45=2", "3=3", "|", "600=", "7=")
    ballot.type(45, "")
    ballot.expect("12=1", "3=2", "|", "45=", "600=", "7=")
    ballot.type(12, "", key="Enter")
    ballot.expect("3=1", "|", "45=", "600=", "7=", "12=")
    ballot.type(3, "")
    ballot.expect("|", "3=", "45=", "600=", "7=", "12=")


def test_dragging_after_typing_keeps_the_typed_ranks(ballot):
    """The old bug: a drag renumbered from the page's order and wiped the typed ranks."""
    ballot.type(600, "1")
    ballot.type(12, "2")
    ballot.type(3, "3")
    ballot.expect("600=1", "12=2", "3=3", "|", "45=", "7=")
    ballot.drag(7, "|")  # onto the top of the line: ranked last
    ballot.expect("600=1", "12=2", "3=3", "7=4", "|", "45=")
    ballot.drag(3, 600)  # onto the top of the first: first
    ballot.expect("3=1", "600=2", "12=3", "7=4", "|", "45=")
    ballot.drag(600, 7, half="bottom")
    ballot.expect("3=1", "12=2", "7=3", "600=4", "|", "45=")
    ballot.drag(12, "|", half="bottom")  # below the line: not ranked
    ballot.expect("3=1", "7=2", "600=3", "|", "45=", "12=")
    ballot.drag(45, 7)  # from below the line onto a ranked one: ranked there
    ballot.expect("3=1", "45=2", "7=3", "600=4", "|", "12=")


def test_a_typed_number_not_yet_applied_is_kept_by_a_drag(ballot):
    """A number typed in a field that still has the focus counts before the drag."""
    ballot.type(45, "1")
    ballot.field(3).fill("1")  # the field is not left
    ballot.drag(7, "|")
    ballot.expect("3=1", "45=2", "7=3", "|", "600=", "12=")


def test_typing_after_dragging(ballot):
    """Drags set the numbers; a number typed afterwards moves from that order."""
    ballot.drag(600, "|")
    ballot.expect("600=1", "|", "3=", "45=", "7=", "12=")
    ballot.drag(45, "|")
    ballot.drag(12, 600)
    ballot.expect("12=1", "600=2", "45=3", "|", "3=", "7=")
    ballot.type(45, "1")
    ballot.expect("45=1", "12=2", "600=3", "|", "3=", "7=")
    ballot.type(7, "2", key="Enter")
    ballot.expect("45=1", "7=2", "12=3", "600=4", "|", "3=")
    ballot.type(12, "")
    ballot.expect("45=1", "7=2", "600=3", "|", "3=", "12=")
    ballot.drag(3, 45)
    ballot.expect("3=1", "45=2", "7=3", "600=4", "|", "12=")


def test_a_drag_from_the_middle_of_a_row(ballot):
    """As test_conference_on_phones drags: from the row's centre onto the line's top."""
    item = ballot.page.locator("ol.rankable li:not(.separator)").first
    separator = ballot.page.locator("ol.rankable li.separator")
    box = separator.bounding_box()
    item.drag_to(separator, target_position={"x": box["width"] / 2, "y": 2})
    assert ballot.page.locator("input.rank").first.input_value() == "1"
    ballot.expect("3=1", "|", "45=", "600=", "7=", "12=")


def test_move_buttons_by_touch_and_keyboard(ballot):
    """Up from below the line ranks last; up and down swap; down on the last ranked
    unranks; the ends are aria-disabled; the focus stays on the pressed button."""
    ballot.button(7, "up").click()
    ballot.expect("7=1", "|", "3=", "45=", "600=", "12=")
    assert ballot.button(7, "up").get_attribute("aria-disabled") == "true"
    assert ballot.button(7, "down").get_attribute("aria-disabled") == "false"
    ballot.button(3, "up").click()
    ballot.expect("7=1", "3=2", "|", "45=", "600=", "12=")
    ballot.button(3, "up").focus()
    ballot.page.keyboard.press("Enter")
    ballot.expect("3=1", "7=2", "|", "45=", "600=", "12=")
    focused = ballot.page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused == ballot.button(3, "up").get_attribute("aria-label")
    ballot.page.keyboard.press("Enter")  # already first: nothing moves
    ballot.expect("3=1", "7=2", "|", "45=", "600=", "12=")
    ballot.button(3, "down").focus()
    ballot.page.keyboard.press("Space")
    ballot.expect("7=1", "3=2", "|", "45=", "600=", "12=")
    ballot.page.keyboard.press("Space")  # the last ranked goes below the line
    ballot.expect("7=1", "|", "3=", "45=", "600=", "12=")
    ballot.page.keyboard.press("Space")  # not ranked: nothing below
    ballot.expect("7=1", "|", "3=", "45=", "600=", "12=")
    status = ballot.page.locator("[role=status]").inner_text()
    assert status.startswith(CANDIDATES[0][1 if ballot.lang == "ar" else 2]), status
    # buttons after typing, typing after buttons
    ballot.type(12, "1")
    ballot.expect("12=1", "7=2", "|", "3=", "45=", "600=")
    ballot.button(7, "up").click()
    ballot.expect("7=1", "12=2", "|", "3=", "45=", "600=")
    ballot.field(45).fill("1")  # not left: the button applies it first
    ballot.button(600, "up").click()
    ballot.expect("45=1", "7=2", "12=3", "600=4", "|", "3=")
    ballot.type(600, "2")
    ballot.expect("45=1", "600=2", "7=3", "12=4", "|", "3=")


def test_ranks_given_back_by_the_server_are_ordered(ballot):
    """The ballot shown again (after "change" on the review page, or a refused form):
    the numbers in the fields order the list on load, renumbered 1..n."""
    ballot.open({3: "2", 600: "2", 7: "5", 12: ""})
    ballot.expect("3=1", "600=2", "7=3", "|", "45=", "12=")
    ballot.open({12: "1", 45: "2", 3: "3", 600: "4", 7: "5"})
    ballot.expect("12=1", "45=2", "3=3", "600=4", "7=5", "|")


def posted_ranks(form: list[tuple[str, str]]) -> dict[str, str]:
    return {k: v for k, v in form if k.startswith("rank-")}


def test_the_form_posts_the_rank_fields_numbered_1_to_n(ballot):
    """With JavaScript the request holds the same rank-<id> fields as without, numbered
    1..n after the order on screen; a number typed just before sending counts (the field
    left by the click, or not left at all); pad.js still pads the request to one length."""
    submit = ballot.page.locator("form.ballot button[type=submit]")
    with ballot.page.expect_response(f"{SITE}/vote/review"):
        submit.click()
    ballot.open()
    ballot.type(45, "1")
    ballot.drag(7, 45)
    ballot.button(12, "up").click()
    ballot.field(3).fill("2")  # typed, then straight to the button
    with ballot.page.expect_response(f"{SITE}/vote/review"):
        submit.click()
    ballot.open({600: "1", 12: "2"})
    ballot.field(45).fill("1")  # the field keeps the focus: only the submit listener sees it
    with ballot.page.expect_response(f"{SITE}/vote/review"):
        ballot.page.evaluate("document.querySelector('form.ballot').requestSubmit()")
    assert not ballot.errors, ballot.errors
    empty, full, last = ballot.posted
    assert posted_ranks(empty) == {f"rank-{cid}": "" for cid in IDS}
    assert posted_ranks(full) == {
        "rank-7": "1",
        "rank-3": "2",
        "rank-45": "3",
        "rank-12": "4",
        "rank-600": "",
    }
    assert posted_ranks(last) == {
        "rank-45": "1",
        "rank-600": "2",
        "rank-12": "3",
        "rank-3": "",
        "rank-7": "",
    }
    for form in ballot.posted:
        names = [k for k, _ in form]
        assert names[:2] == ["csrf_token", "poll"] and names[-1] == "pad"
        assert sorted(n for n in names if n.startswith("rank-")) == sorted(
            f"rank-{cid}" for cid in IDS
        )
    assert len(set(ballot.lengths)) == 1, f"pad.js: one length whatever is ranked {ballot.lengths}"


def test_without_javascript_the_fields_are_left_alone(chromium):
    """No script: no line, no buttons, the numbers go as typed (the server checks them)."""
    context = chromium.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    posted: list[str] = []

    def serve(route):
        path = urllib.parse.urlsplit(route.request.url).path
        if path == "/ballot":
            route.fulfill(status=200, content_type="text/html", body=ballot_html("ar"))
        elif path == "/static/style.css":
            route.fulfill(
                status=200, content_type="text/css", body=(STATIC / "style.css").read_bytes()
            )
        elif path == "/vote/review":
            posted.append((route.request.post_data_buffer or b"").decode())
            route.fulfill(status=200, content_type="text/plain", body="review")
        else:
            route.fulfill(status=404, body="")

    try:
        page.route(f"{SITE}/**", serve)
        page.goto(f"{SITE}/ballot")
        assert page.locator("ol.rankable li.separator, button.move").count() == 0
        page.fill("input[name='rank-600']", "3")
        page.fill("input[name='rank-7']", "1")
        with page.expect_response(f"{SITE}/vote/review"):
            page.click("form.ballot button[type=submit]")
        sent = dict(urllib.parse.parse_qsl(posted[0], keep_blank_values=True))
        assert {k: v for k, v in sent.items() if k.startswith("rank-")} == {
            "rank-3": "",
            "rank-45": "",
            "rank-600": "3",
            "rank-7": "1",
            "rank-12": "",
        }
        assert "pad" not in sent
    finally:
        context.close()
