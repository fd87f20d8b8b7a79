"""What the browser tests share: Debian's Chromium, a gunicorn on a fresh database, and
phones (one browser context per person) that check every page they reach.

Every page a phone arrives at is checked the same way; a problem is recorded with the
step, the person and the address, and the test fails at its end listing them all:

- the HTTP status is the one the step expects (a refusal or a form sent back says so:
  `status=409`, `status=422`);
- no console error, no uncaught exception, no failed request, no response of 400 or more
  but the page's own expected status, no request to a host other than the server (and
  Chromium resolves no name at all, so nothing could leave the machine);
- `document.documentElement.scrollWidth <= 360` and no text of a chart cut off: nothing
  runs off a phone's screen;
- an Arabic page shows no English outside what is marked as another language, code, a
  hash or a name (`LATIN_JS`);
- axe-core (axe-playwright-python): no violation of impact serious or critical. axe runs
  once per distinct page: a page with the same path and the same set of elements as one
  already audited is not audited again;
- a full-page screenshot, tests/e2e/artifacts/<test>/NNN-<person>-<step>.png.

A problem of the application that cannot be fixed at once can be listed in KNOWN, with a
strict xfail test that shows it: it is then a note of the summary, not a failure, until
that test turns red because the problem is fixed. Notes (`run.note`) report what a person
would trip over without failing the test.

Pages seen with JavaScript disabled cannot run axe or measure themselves, so their HTML is
replayed, with scripts blocked, in a JavaScript-enabled "mirror" context of the same size.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from live_server import SECRET, Server

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE / "artifacts"
CHROMIUM = os.environ.get("CONGRESS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # no name resolves: a request to another host fails here, whatever a page asks for
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
PHONE = {"width": 360, "height": 740}
BAD_IMPACTS = ("serious", "critical")
PASSWORD = "e2e-horse-battery-staple"
SUMMARIES: list[str] = []  # one per test, shown at the end of the pytest run


@dataclass(frozen=True)
class Known:
    """A known problem: where it shows (a regex on the path and query) and what it is."""

    where: str
    what: str
    test: str  # the strict xfail test that shows it

    def matches(self, url_path: str) -> bool:
        return re.search(self.where, url_path) is not None


# Known problems of the application that are not to fail the tests yet: a key ("axe:<rule>",
# "console:<path>", "width", "chart", "chart-bidi") -> Known(pages, what, the strict xfail
# test that shows it, in test_regressions.py). Remove the entry when that test turns red.
KNOWN: dict[str, Known] = {}


def browser_problem() -> str | None:
    """Why the browser tests cannot run here (None: they can)."""
    try:
        import axe_playwright_python  # noqa: F401
        import playwright  # noqa: F401
    except ImportError as missing:
        return f"{missing.name} is not installed (pip install -e '.[test]')"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
    return None


def launch(playwright):
    """Debian's Chromium, headless; Playwright gives it a fresh temporary profile."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


class E2EServer(Server):
    """tests/live_server.py's gunicorn, serving e2e_wsgi:app (its own instance folder)."""

    def __init__(self, database_url: str, instance: Path, **settings: str):
        super().__init__(
            database_url,
            instance,
            workers=2,
            threads=4,
            app="e2e_wsgi:app",
            env={
                "CONGRESS_E2E_INSTANCE": str(instance),
                **{f"CONGRESS_{k}": v for k, v in settings.items()},
            },
            pythonpath=(HERE,),
            start_timeout=60,
        )

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def session_cookie(user_id: str, *, age_seconds: int) -> str:
    """A session cookie as the server would have issued it `age_seconds` ago (logged in,
    not freshly): what a phone left logged in since then sends."""
    from flask import Flask

    signer = Flask("e2e-session")
    signer.secret_key = SECRET
    data = {
        "_user_id": user_id,
        "_fresh": False,
        "auth_at": int(time.time()) - age_seconds,
        "csrf_token": secrets.token_hex(20),
    }
    return signer.session_interface.get_signing_serializer(signer).dumps(data)


# --- what runs in the page ---------------------------------------------------------------

SHAPE_JS = """() => Array.from(new Set(Array.from(document.querySelectorAll('body *'), e =>
  e.tagName + '.' + (typeof e.className === 'string' ? e.className : '') + ':' +
  (e.getAttribute('type') || '') + ':' + (e.getAttribute('role') || '')))).sort().join('|')"""

WIDE_JS = """(limit) => Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > limit + 1 || e.getBoundingClientRect().left < -1)
  .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
  + ' ' + Math.round(e.getBoundingClientRect().left) + '..' + Math.round(e.getBoundingClientRect().right))"""

CLIPPED_JS = """() => Array.from(document.querySelectorAll('svg text')).filter(t => {
  const box = t.ownerSVGElement.getBoundingClientRect(), r = t.getBoundingClientRect();
  return r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1);
}).map(t => t.textContent.slice(0, 30))"""

# In a right-to-left page, a label mixing Arabic and Latin (ريم Nasser) must show the part
# that comes first on the right; a label laid out left to right reverses the name.
BIDI_JS = """() => document.documentElement.dir !== 'rtl' ? [] :
  Array.from(document.querySelectorAll('svg text')).filter(t => {
    const s = t.textContent, ar = s.search(/[\\u0600-\\u06FF]/), lat = s.search(/[A-Za-z]/);
    if (ar < 0 || lat < 0) return false;
    const xa = t.getStartPositionOfChar(ar).x, xl = t.getStartPositionOfChar(lat).x;
    return ar < lat ? xa < xl : xl < xa;
  }).map(t => t.textContent)"""

# An Arabic page shows no English: Latin words are allowed only inside what is marked as
# another language or as code (lang="en", dir="ltr", code, a hash, a name in <bdi>, a
# chart, a select's options, a screen reader's label), as codes in capitals (SY-001,
# UTF-8) and in the names of tools and standards a person types or looks up as such.
LATIN_WORDS_OK = [
    *("Belenios", "belenios", "tool", "Congress", "congress", "verify", "audit", "ballot"),
    *("export", "trustee", "credentials", "election", "SLIP", "SHA", "CSV", "TOML", "JSON"),
    *("PDF", "UTC", "GMT", "https", "http", "JavaScript", "TOTP", "QR", "SVG", "BLT", "STV"),
    *("Meek", "Chromium", "Debian", "Ubuntu", "apt", "install", "XXX"),
]
LATIN_JS = """(allowed) => {
  if (document.documentElement.lang !== 'ar') return [];
  const skip = 'script,style,noscript,textarea,code,pre,kbd,samp,bdi,.hash,.tracker,' +
    'svg,option,.visually-hidden,[lang]:not([lang=ar]),[dir=ltr],[translate=no],[hidden]';
  const found = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest(skip) || !el.getClientRects().length) continue;
    // text isolated by U+2068..U+2069 (isolate() in a flash or refusal) is a name
    const text = n.textContent.replace(/\u2068[^\u2069]*\u2069/g, ' ');
    for (const w of text.match(/[A-Za-z][A-Za-z-]{2,}/g) || []) {
      const word = w.replace(/-+$/, '');
      if (/^[A-Z]{1,4}$/.test(word)) continue;  // a code: a branch, SY-001, UTF-8, CSV
      if (!allowed.includes(word) && !allowed.includes(word.split('-')[0])) found.add(w);
    }
  }
  return Array.from(found).slice(0, 10);
}"""

FOCUS_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const label = el.labels && el.labels.length ? el.labels[0].innerText : '';
  return {tag: el.tagName.toLowerCase(), type: el.type || '', name: el.name || '',
          cls: typeof el.className === 'string' ? el.className : '',
          href: el.getAttribute('href') || '',
          action: el.form ? el.form.getAttribute('action') || '' : '',
          form: el.form ? el.form.className : '', inMain: !!el.closest('main'),
          text: (el.innerText || el.value || '').trim().slice(0, 60), label: label.trim(),
          visible: el.matches(':focus-visible'),
          outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2};
}"""


def page_kind(path: str) -> str:
    """/polls/12/ballot -> /polls/N/ballot; an activation token -> T."""
    return re.sub(r"\d+", "N", re.sub(r"/activate/[^/]+", "/activate/T", path))


# --- a test's phones ---------------------------------------------------------------------


class FlowBroken(AssertionError):
    """The scenario cannot go on: the page is not the one the step leads to."""


class KnownProblem(AssertionError):
    """Raised by a test that shows a problem listed in KNOWN, marked
    xfail(strict=True, raises=KnownProblem): red once the problem is fixed."""


@dataclass
class Run:
    """One test's browser session: the phones, the step counter, what went wrong."""

    browser: object
    base: str
    folder: Path
    step: int = 0
    problems: list[str] = field(default_factory=list)
    pages: list[dict] = field(default_factory=list)
    phones: list[Phone] = field(default_factory=list)
    known: set[str] = field(default_factory=set)  # known problems met, notes
    audited: dict[tuple, int] = field(default_factory=dict)  # page shape -> step audited
    started: float = field(default_factory=time.monotonic)
    _mirror: object = None

    def phone(self, who: str, *, javascript: bool = True) -> Phone:
        p = Phone(self, who, javascript)
        self.phones.append(p)
        return p

    def problem(self, text: str) -> None:
        self.problems.append(f"[step {self.step:03d}] {text}")

    def is_known(self, kind: str, url_path: str) -> bool:
        known = KNOWN.get(kind)
        if known is None or not known.matches(url_path):
            return False
        self.known.add(f"{known.what} ({known.test})")
        return True

    def note(self, text: str) -> None:
        """Something a person would trip over, reported without failing the test."""
        self.known.add(f"noted: {text}")

    def mirror(self, url: str, html: str):
        """The HTML a no-script phone received, in a script-enabled page of the same size
        whose own scripts are blocked: axe and the width check can run there."""
        if self._mirror is None:
            context = self.browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
            context.route("**/*.js", lambda route: route.abort())
            self._mirror = context.new_page()
        page = self._mirror

        def serve(route):
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

        def this(u: str) -> bool:
            return u == url

        page.route(this, serve)
        try:
            page.goto(url, wait_until="load")
        finally:
            page.unroute(this)
        return page

    def close(self) -> None:
        for p in self.phones:
            p.context.close()
        if self._mirror is not None:
            self._mirror.context.close()
        (self.folder / "pages.json").write_text(
            json.dumps(self.pages, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        if self.pages:
            summary = self.summary()
            (self.folder / "summary.txt").write_text(summary + "\n", encoding="utf-8")
            SUMMARIES.append(summary)

    def summary(self) -> str:
        audited = [p for p in self.pages if isinstance(p["axe"], list)]
        counts: dict[str, int] = {}
        for page in audited:
            for v in page["axe"]:
                key = f"{v['id']} ({v['impact']})"
                counts[key] = counts.get(key, 0) + 1
        seconds = time.monotonic() - self.started
        lines = [
            f"e2e: {len(self.pages)} pages checked in {seconds:.0f} s, {len(audited)} distinct "
            f"pages audited by axe; screenshots in {self.folder}",
            "e2e: axe violations (pages with them): "
            + (", ".join(f"{k}: {n}" for k, n in sorted(counts.items())) or "none"),
        ]
        lines += [f"e2e: known: {k}" for k in sorted(self.known)]
        return "\n".join(lines)


class Phone:
    """One person's browser context on a 360x740 phone, in Arabic, on Damascus time."""

    def __init__(self, run: Run, who: str, javascript: bool):
        self.run, self.who, self.javascript = run, who, javascript
        self.context = run.browser.new_context(
            viewport=PHONE,
            is_mobile=True,
            has_touch=True,
            device_scale_factor=1,
            java_script_enabled=javascript,
            locale="ar",
            timezone_id="Asia/Damascus",
        )
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.console: list[tuple[str, str]] = []
        self.failed: list[str] = []
        self.bad: list[tuple[str, int, str]] = []
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda e: self.console.append((f"uncaught exception: {e}", "")))
        self.page.on("request", self._only_the_server)
        self.page.on(
            "requestfailed", lambda r: self.failed.append(f"{r.method} {r.url}: {r.failure}")
        )
        self.page.on(
            "response",
            lambda r: (
                r.status >= 400 and self.bad.append((r.url, r.status, r.request.resource_type))
            ),
        )
        self.password = PASSWORD
        self.tracker = ""

    def _only_the_server(self, request) -> None:
        if not request.url.startswith((self.run.base + "/", "data:", "blob:", "about:")):
            self.run.problem(f"{self.who}: request to another host: {request.url}")

    def _on_failed(self, request) -> None:
        if request.failure == "net::ERR_ABORTED" and request.resource_type in ("fetch", "xhr"):
            return  # a script's request cancelled because the page moved on (quorum.js)
        self.failed.append(f"{request.method} {request.url}: {request.failure}")

    def _on_console(self, message) -> None:
        if message.type == "error":
            self.console.append((message.text, (message.location or {}).get("url", "")))

    # --- moving around ------------------------------------------------------------------

    def path(self) -> str:
        return urllib.parse.urlsplit(self.page.url).path

    def path_and_query(self) -> str:
        parts = urllib.parse.urlsplit(self.page.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def goto(self, path: str, shot: str, *, status: int = 200):
        response = self.page.goto(self.run.base + path, wait_until="load")
        if self.path() == "/reauthenticate" and not path.startswith("/reauthenticate"):
            self._arrived(response, f"{shot}-reauthenticate", 200)
            response = self.reauthenticate()
        return self._arrived(response, shot, status)

    def submit(self, target, shot: str, *, status: int = 200, key: str | None = None):
        """Click a submit button (or press `key` on the focused element); check where it
        leads. A fresh-login prompt (/reauthenticate) is answered with the password, and
        the action is taken again from the page of the form, as a person would."""
        locator = self.page.locator(target) if isinstance(target, str) else target
        before = self.page.url
        with self.page.expect_navigation(wait_until="load") as nav:
            if key:
                self.page.keyboard.press(key)
            else:
                locator.click()
        response = nav.value
        if self.path() == "/reauthenticate":
            self._arrived(response, f"{shot}-reauthenticate", 200)
            self._arrived(self.reauthenticate(), f"{shot}-reauthenticated", 200)
            if self.page.url != before:
                raise FlowBroken(
                    f"{self.who}/{shot}: after /reauthenticate the page is {self.page.url}, "
                    f"not the page of the form, {before}"
                )
            return self.submit(target, shot, status=status, key=key)
        return self._arrived(response, shot, status)

    def reauthenticate(self):
        self.page.locator("input[name=password]").fill(self.password)
        with self.page.expect_navigation(wait_until="load") as nav:
            self.page.locator("main form button[type=submit]").click()
        if self.path() == "/reauthenticate":
            raise FlowBroken(f"{self.who}: the password was not accepted on /reauthenticate")
        return nav.value

    def login(self, email: str, password: str | None = None, shot: str = "login"):
        self.password = password or self.password
        self.goto("/login", f"{shot}-form")
        self.page.locator("input[name=email]").fill(email)
        self.page.locator("input[name=password]").fill(self.password)
        return self.submit("main form button[type=submit]", shot)

    def text(self, selector: str = "main") -> str:
        loc = self.page.locator(selector)
        return loc.first.inner_text() if loc.count() else ""

    # --- checks -------------------------------------------------------------------------

    def _arrived(self, response, shot: str, status: int):
        if response is None:
            raise FlowBroken(f"{self.who}/{shot}: no response for {self.page.url}")
        if response.status != status:
            self.check(shot)
            raise FlowBroken(
                f"{self.who}/{shot}: {response.url} answered {response.status}, "
                f"expected {status}.\n{self.text()[:1500]}"
            )
        self.check(shot, document=(response.url, status), response=response)
        return response

    def shot(self, shot: str) -> None:
        """Check the page as it is now (after typing, ticking, dragging) and photograph it."""
        self.check(shot)

    def check(self, shot: str, *, document=None, response=None) -> None:
        run = self.run
        run.step += 1
        name = f"{run.step:03d}-{self.who}-{shot}"
        where = f"{self.who}/{shot} ({self.path()})"
        record = {"step": run.step, "who": self.who, "shot": name, "url": self.path(), "axe": None}
        self._events(where, document)

        target = self.page
        if not self.javascript:
            target = run.mirror(self.page.url, response.text()) if response is not None else None
        if target is not None:
            self._measure(target, where, record)
        self.page.screenshot(path=str(run.folder / f"{name}.png"), full_page=True)
        run.pages.append(record)

    def _events(self, where: str, document) -> None:
        run = self.run
        for url, status, kind in self.bad:
            if not (document and (url, status) == document):
                run.problem(f"{where}: {kind} {url} answered {status}")
        for text, url in self.console:
            if document and url == document[0] and "Failed to load resource" in text:
                continue  # the page's own expected status (a 409 refusal, a 422 form)
            path = urllib.parse.urlsplit(url).path
            if "status of 404" in text and run.is_known(f"console:{path}", path):
                continue
            run.problem(f"{where}: console error: {text} {url}")
        for failure in self.failed:
            run.problem(f"{where}: request failed: {failure}")
        self.bad.clear()
        self.console.clear()
        self.failed.clear()

    def _measure(self, target, where: str, record: dict) -> None:
        run, here = self.run, self.path_and_query()
        width = target.evaluate("document.documentElement.scrollWidth")
        record["scroll_width"] = width
        if width > PHONE["width"] and not run.is_known("width", here):
            wide = target.evaluate(WIDE_JS, PHONE["width"])
            run.problem(f"{where}: scrollWidth {width} > {PHONE['width']}: {wide}")
        clipped = target.evaluate(CLIPPED_JS)
        if clipped and not run.is_known("chart", here):
            run.problem(f"{where}: chart text cut off: {clipped}")
        reversed_names = target.evaluate(BIDI_JS)
        if reversed_names and not run.is_known("chart-bidi", here):
            run.problem(f"{where}: chart labels in the wrong order right to left: {reversed_names}")
        english = target.evaluate(LATIN_JS, LATIN_WORDS_OK)
        if english and not run.is_known("english", here):
            run.problem(f"{where}: English on an Arabic page: {english}")
        shape = (page_kind(self.path()), target.evaluate(SHAPE_JS))
        if shape in run.audited:
            record["axe"] = f"same page as step {run.audited[shape]}"
            return
        run.audited[shape] = run.step
        record["axe"] = self._axe(target, where)

    def _axe(self, page, where: str) -> list[dict]:
        from axe_playwright_python.sync_playwright import Axe

        found = []
        for v in Axe().run(page).response["violations"]:
            targets = [" ".join(map(str, n["target"])) for n in v["nodes"]][:5]
            found.append(
                {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": targets}
            )
            if v["impact"] in BAD_IMPACTS and not self.run.is_known(f"axe:{v['id']}", self.path()):
                self.run.problem(f"{where}: axe {v['impact']} {v['id']}: {v['help']} at {targets}")
        return found

    # --- the keyboard -------------------------------------------------------------------

    def focus(self) -> dict | None:
        return self.page.evaluate(FOCUS_JS)

    def tab_to(self, predicate, *, limit: int = 40) -> list[dict]:
        """Press Tab until the focused element satisfies `predicate`; every stop must show a
        visible focus ring. Returns the stops, in order."""
        stops = []
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            info = self.focus()
            stops.append(info)
            if info is not None and not (info["visible"] and info["outline"]):
                self.run.problem(f"{self.who}: no visible focus ring on {info}")
            if info is not None and predicate(info):
                return stops
        raise FlowBroken(f"{self.who}: {limit} Tab presses did not reach the target: {stops}")


# --- the server and its database -----------------------------------------------------------


class World:
    """The server and a direct line to its database, for what no page does: seeding
    accounts before the browser starts, and moving the conference in time."""

    def __init__(self, app, server: E2EServer):
        self.app, self.server = app, server

    @property
    def base(self) -> str:
        return self.server.base

    def start(self) -> None:
        self.server.start()

    @property
    def outbox(self) -> Path:
        return self.server.instance / "outbox"

    def write(self, fn):
        """Run fn() in one committed transaction of the test process."""
        from congress.database import write_intent
        from congress.extensions import db

        with self.app.app_context(), write_intent():
            try:
                result = fn()
                db.session.commit()
                return result
            finally:
                db.session.remove()

    def read(self, fn):
        from congress.extensions import db

        with self.app.app_context():
            try:
                return fn()
            finally:
                db.session.remove()

    def create_user(self, email: str, name: str, *, roles=(), member_number=None, language="ar"):
        from sqlalchemy import select

        from congress.auth.operations import create_user
        from congress.extensions import db
        from congress.members.models import Member

        def make():
            member_id = None
            if member_number:
                member_id = db.session.execute(
                    select(Member.id).where(Member.number == member_number)
                ).scalar_one()
            user = create_user(
                email,
                name,
                PASSWORD,
                roles=tuple(roles),
                member_id=member_id,
                language=language,
            )
            return user.id

        return self.write(make)

    def login_an_hour_ago(self, phone, email: str) -> None:
        """Give the phone the session of a login an hour old: still logged in, but every
        election action asks for the password again (FRESH_LOGIN_SECONDS)."""
        from sqlalchemy import select

        from congress.auth.models import User
        from congress.extensions import db

        user_id = self.read(
            lambda: (
                db.session.execute(select(User).where(User.email == email)).scalar_one().get_id()
            )
        )
        phone.context.clear_cookies()
        phone.context.add_cookies(
            [
                {
                    "name": "session",
                    "value": session_cookie(user_id, age_seconds=3600),
                    "url": self.base,
                }
            ]
        )


def new_world(sqlite_template, folder: Path) -> World:
    """A fresh copy of the migrated database, and a gunicorn for it (not started yet)."""
    from congress import create_app

    path = folder / "e2e.sqlite3"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "SECRET_KEY": SECRET,
            "INSTANCE_PATH": str(folder / "instance-tests"),
            "PASSWORD_HASH_PROFILE": "test",
            "SERVER_NAME": None,
        }
    )
    server = E2EServer(
        url,
        folder / "instance",
        # every person of the scenario logs in from 127.0.0.1 within a minute or two
        LOGIN_LIMIT_PER_ADDRESS="1000 per minute",
    )
    return World(app, server)


def end_world(world: World) -> None:
    from congress.extensions import db

    world.server.stop()
    with world.app.app_context():
        db.engine.dispose()


def new_run(request, chromium, world: World) -> Run:
    return Run(chromium, world.base, fresh_artifacts(request.node.name))


def fresh_artifacts(name: str) -> Path:
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "-", name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder
