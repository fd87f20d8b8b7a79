"""The General Conference from the bylaws to the certified results, in Arabic, on phones.

One scenario, each step a page checked by e2e_support (axe, width, console, requests) and
photographed into tests/e2e/artifacts/test_the_conference_on_phones/:

 1. the administrator uploads congress/bylaws/example.toml and imports a roll CSV
    (preview, then apply); 2. creates the conference 31 days ahead and convenes it;
 3. the credentials officer designates nine delegates and invites them (the link shown
    after "invite" is also in the outbox); 4. each delegate activates the account and
    is accredited; 5. three delegates stand for the Central Council, delegates endorse
    them, a committee member approves them; 6. a sitting opens, five delegates check in,
    the quorum panel goes from "not met" to "met"; 7. the Central Council ballot: a vote,
    a vote changed on the review page, a vote with JavaScript disabled, a vote with the
    keyboard only, a blank ballot; every receipt shows a tracker in groups of four;
 8. the committee closes and counts; three members sign, the third after the fresh-login
    prompt; 9. the officer sends a plain member an account link from the roll; the member
    reads the certified result, finds a tracker on the bulletin board, switches to
    English and reads the results; 10. the certified Central Council
    elects the Coordination Office by ranked ballot: number fields without JavaScript
    (a 2 the field refuses, an empty ballot the server refuses, then a 1), drag ordering
    (rank.js), and a number typed with JavaScript on; counted, certified, read in English.

What the example bylaws decide, and what this scenario does about it:

- Convening needs 30 days' notice (Article 11.1), so the conference is created 31 days
  ahead and convened. Nominations for the Central Council open 28 days before the
  conference (Article 20.1), which cannot be "now" for a conference that could still be
  convened; so, once convened, the test moves the conference date to 20 days ahead and
  the convening date 11 days back in the database, as if eleven days had passed (no page
  moves a convened conference); before the Central Council ballot opens, eleven more days
  pass the same way, closing its nominations (a ballot never opens while they are open).
- A Central Council candidacy needs 3 endorsements from delegates, one per delegate per
  body (Article 20.3), and a Coordination Office candidacy 2 from the certified Central
  Council (Article 16.5). One Coordination Office candidate with 2 endorsers needs a
  Central Council of 3, so 3 members stand for it, and 3 x 3 endorsements need 9
  delegates: 9 are designated, invited, activated and accredited, and 5 of them check in
  (quorum: half plus one of 9 is 5, Article 12.2).
- The Coordination Office is elected from the Central Council's certified composition:
  its nomination window opens when the Central Council result is certified.
- Accounts that no page creates are made in the database before the browser starts:
  the administrator, the credentials officer, three election committee members. The
  delegates and the plain member get account links from the credentials officer.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import pytest

from .e2e_support import PASSWORD, Phone

pytestmark = pytest.mark.e2e

EXAMPLE_BYLAWS = Path(__file__).resolve().parents[2] / "congress" / "bylaws" / "example.toml"

STAFF = {
    "admin": ("admin@e2e.test", "رهف المديرة", "administrator"),
    "officer": ("credentials@e2e.test", "مازن أمين الاعتماد", "credentials_officer"),
    "c1": ("committee1@e2e.test", "سلمى عضو اللجنة", "election_committee"),
    "c2": ("committee2@e2e.test", "نادر عضو اللجنة", "election_committee"),
    "c3": ("committee3@e2e.test", "وفاء عضو اللجنة", "election_committee"),
}

# number: (Arabic name, Latin name, birth date); the rest of the roll is generated.
PEOPLE = {
    "SY-001": ("ليلى الأحمد", "Layla Al-Ahmad", "1996-04-12"),
    "TR-016": ("سامي O'Brien", "Sami O'Brien", "1985-09-30"),
    "EU-026": ("ريم Nasser", "Reem Nasser", "1979-01-05"),
    "SY-002": ("محمد المصري", "Mohammad Al-Masri", "1990-02-14"),
    "TR-017": ("فاطمة الخطيب", "Fatima Al-Khatib", "1992-06-01"),
    "SY-003": ("عمر النابلسي", "Omar Al-Nabulsi", "1988-11-23"),
    "EU-027": ("هدى حداد", "Huda Haddad", "1994-03-17"),
    "US-036": ("خالد الزعبي", "Khaled Al-Zoubi", "1983-08-08"),
    "US-037": ("رنا يافاوي", "Rana Yafawi", "1997-12-30"),
    "SY-010": ("سلمى درويش", "Salma Darwish", "1991-05-05"),
}
FILLER = ["يوسف قاسم", "نور الشامي", "باسل الحلبي", "دينا عودة", "طارق سعيد", "مريم بكر"]
ROLL = {"SY": 15, "TR": 10, "EU": 10, "US": 10}  # 5 per delegate, at least 2: 3+2+2+2 = 9

# The nine delegates, in the order they are designated.
DELEGATES = [
    "SY-001",
    "TR-016",
    "EU-026",
    "SY-002",
    "TR-017",
    "SY-003",
    "EU-027",
    "US-036",
    "US-037",
]
CANDIDATES = DELEGATES[:3]  # stand for the Central Council; SY-001 then for the Office
ENDORSERS = {  # one endorsement per delegate for the body (Article 20.3)
    "SY-001": ["EU-026", "SY-002", "TR-017"],
    "TR-016": ["SY-003", "EU-027", "US-036"],
    "EU-026": ["SY-001", "TR-016", "US-037"],
}
PRESENT = DELEGATES[:5]
PLAIN_MEMBER = "SY-010"
ZONES = {
    "SY": "Asia/Damascus",
    "TR": "Europe/Istanbul",
    "EU": "Europe/Berlin",
    "US": "America/New_York",
}

CC, CO = "central_council", "coordination_office"
TITLES = {CC: "المجلس المركزي", CO: "المكتب التنسيقي"}
TRACKER_SHOWN = re.compile(r"^(?:[0-9a-f]{4} ){7}[0-9a-f]{4}$")


def name(number: str) -> str:
    return PEOPLE[number][0]


def email(number: str) -> str:
    return f"{number.lower()}@example.org"


def roll_csv() -> str:
    lines = [
        "member_number,name_ar,name_latin,email,phone,branch,birth_date,joined_on,gender,"
        "status,dues_paid"
    ]
    n = 0
    for code, count in ROLL.items():
        for _ in range(count):
            n += 1
            number = f"{code}-{n:03d}"
            ar, latin, born = PEOPLE.get(
                number,
                (
                    f"{FILLER[n % len(FILLER)]} {n}",
                    f"Member {n}",
                    f"19{70 + n % 28}-0{1 + n % 9}-1{n % 10}",
                ),
            )
            gender = (
                "f"
                if number in ("SY-001", "EU-026", "TR-017", "EU-027", "US-037", "SY-010")
                else "m"
            )
            lines.append(
                f"{number},{ar},{latin},{email(number)},+90 555 {n:04d},{code},{born},2019-03-01,"
                f"{gender},active,yes"
            )
    lines.append("SY-099,عضو موقوف,Suspended Member,,,SY,1980-01-01,2019-03-01,m,suspended,no")
    return "\n".join(lines) + "\n"


# --- the scenario -----------------------------------------------------------------------


def test_the_conference_on_phones(run, world, tmp_path):
    for mail, full_name, role in STAFF.values():
        world.create_user(mail, full_name, roles=(role,))
    world.start()

    staff = {key: run.phone(key) for key in STAFF}
    admin, officer, c1 = staff["admin"], staff["officer"], staff["c1"]
    admin.login(STAFF["admin"][0])

    # 1. The administrator loads the example bylaws and imports the member roll.
    admin.goto("/admin/bylaws", "bylaws-upload")
    admin.page.locator("input[type=file][name=file]").set_input_files(str(EXAMPLE_BYLAWS))
    admin.submit("main form.card button[type=submit]", "bylaws-stored")
    assert "20.1" in admin.text("main")

    csv = tmp_path / "roll.csv"
    csv.write_text(roll_csv(), encoding="utf-8")
    admin.goto("/members/import", "roll-import")
    admin.page.locator("input[type=file][name=file]").set_input_files(str(csv))
    admin.submit("main form[enctype] button[type=submit]", "roll-preview")
    assert "SY-001" in admin.text("main")
    admin.submit("form[action$='/members/import/apply'] button", "roll-applied")

    # 2. The conference: created 31 days ahead, convened, then eleven days pass.
    admin.goto("/conferences/new", "conference-form")
    when = datetime.now() + timedelta(days=31)
    form = admin.page.locator("main form")
    form.locator("[name=title_ar]").fill("المؤتمر العام الثالث 2026")
    form.locator("[name=title_en]").fill("Third General Conference 2026")
    form.locator("[name=starts_at]").fill(when.strftime("%Y-%m-%dT%H:%M"))
    form.locator("[name=place]").fill("عبر الإنترنت")
    admin.submit("main form button[type=submit]", "conference-draft")
    cid = int(re.search(r"/conferences/(\d+)", admin.page.url).group(1))
    admin.page.locator("form[action$='/convene'] [name=confirm]").check()
    admin.submit("form[action$='/convene'] button", "conference-convened")
    assert "20.1" in admin.text("main")
    eleven_days_pass(world, cid)
    admin.goto(f"/conferences/{cid}", "conference-eleven-days-later")

    # 3. The credentials officer designates and invites nine delegates.
    officer.login(STAFF["officer"][0])
    officer.goto(f"/conferences/{cid}/delegates", "delegates-apportionment")
    assert "9.1" in officer.text("main")
    if re.search(r"\bper_n\b", officer.text()):
        run.note("the apportionment names its method by its code: 'per_n'")
    for number in DELEGATES:
        officer.page.locator("input[name=member_number]").fill(number)
        officer.submit("form[action$='/delegates/designate'] button", f"designated-{number}")
    links = {}
    for number in DELEGATES:
        officer.submit(
            f"tr:has-text('{number}') form[action$='/invite'] button", f"invited-{number}"
        )
        links[number] = officer.page.locator("code.link").inner_text().strip()
    assert_in_outbox(world, links.values())

    # 4. Each delegate opens the link, chooses a password, and is accredited.
    delegates: dict[str, Phone] = {}
    for number in DELEGATES:
        phone = delegates[number] = run.phone(number)
        activate(phone, links[number].removeprefix(world.base), ZONES[number[:2]])
        assert phone.path() == f"/conferences/{cid}/me"
    for number in DELEGATES:
        officer.submit(
            f"tr:has-text('{number}') form[action$='/accredit'] button", f"accredited-{number}"
        )
    delegates["SY-001"].goto(f"/conferences/{cid}/me", "my-status-accredited")

    # 5. Three members stand for the Central Council; delegates endorse; the committee
    #    approves.
    for number in CANDIDATES:
        stand(delegates[number], cid, CC)
    for candidate, endorsers in ENDORSERS.items():
        for endorser in endorsers:
            endorse(delegates[endorser], cid, CC, candidate)
    c1.login(STAFF["c1"][0])
    approve_all(c1, cid, CC, CANDIDATES)

    # 6. A sitting opens; five delegates check in; the quorum panel shows quorum met.
    officer.goto(f"/conferences/{cid}/attendance", "attendance")
    officer.submit("button[name=action][value=open]", "sitting-open")
    officer.goto(f"/conferences/{cid}/quorum", "quorum-not-met")
    assert "النصاب غير مكتمل" in officer.text("main")
    officer.goto(f"/conferences/{cid}/attendance", "attendance-none-present")  # no refresh
    for number in PRESENT:
        delegates[number].goto(f"/conferences/{cid}/me", "sitting-open")
        delegates[number].submit("button[name=action][value=check_in]", "checked-in")
    officer.goto(f"/conferences/{cid}/quorum", "quorum-met")
    quorum = officer.text("main")
    assert "النصاب مكتمل" in quorum and "12.2" in quorum
    officer.goto(f"/conferences/{cid}/attendance", "attendance-five-present")

    # 7. The Central Council ballot, once its nominations have closed (Article 20.1).
    nominations_close(world, cid)
    cc_poll = create_and_open(c1, cid, CC)
    d1, d2, d3, d4, d5 = (delegates[n] for n in PRESENT)
    vote_marks(d1, cc_poll, [name(n) for n in CANDIDATES], "cc")
    tracker = d1.tracker
    vote_with_a_change(d2, cc_poll)
    nojs = run.phone("EU-026-nojs", javascript=False)
    nojs.login(email("EU-026"))
    vote_marks(nojs, cc_poll, [name("EU-026"), name("SY-001")], "cc-nojs")
    vote_by_keyboard(d4, cc_poll)
    vote_marks(d5, cc_poll, [], "cc-blank")  # a blank ballot (Article 15.1 allows it)
    assert poll_state(world, cc_poll) == ("open", 5, 5)

    # 8. The committee closes, counts and certifies (3 signatures, Article 30.1); the third
    #    member comes back with an hour-old login and is asked for the password again.
    close_and_count(c1, cc_poll)
    certify(world, staff, cc_poll)
    assert poll_state(world, cc_poll)[0] == "certified"
    assert composition(world, cid, CC) == set(CANDIDATES)

    # 9. A plain member reads the certified result and checks a tracker, in Arabic and in
    #    English.
    officer.goto(f"/members/?q={PLAIN_MEMBER}", "roll-search")
    officer.submit(f"tr:has-text('{PLAIN_MEMBER}') form[action$='/invite'] button", "account-link")
    link = officer.page.locator("code.link").inner_text().strip()
    assert_in_outbox(world, [link])
    member = run.phone("member")
    activate(member, link.removeprefix(world.base), "Asia/Damascus")
    member.goto(f"/polls/{cc_poll}", "cc-poll-certified")
    to_result = member.page.locator(f"main a[href$='/polls/{cc_poll}/result']")
    if to_result.count():
        member.submit(to_result.first, "cc-result")
    else:
        run.note("the certified poll's page does not link to its result")
        member.goto(f"/polls/{cc_poll}/result", "cc-result")
    result = member.text()
    assert name("SY-001") in result and "15.1" in result
    assert member.page.locator("button[name=decision]").count() == 0, "no committee controls"
    if re.search(r"\bNone\b", result):
        run.note(
            "the result's 'quotas and caps applied' line reads 'None: minimum-lowered "
            "(group-quota youth)': no name, and codes instead of words"
        )
    check_tracker(member, cc_poll, tracker, "cc")
    member.submit("form.lang button", "english")
    assert "Bulletin board" in member.text("main")
    member.goto(f"/polls/{cc_poll}/result", "cc-result-en")
    assert "Central Council" in member.text("main")
    member.goto(f"/polls/{cc_poll}/result?print=1", "cc-result-print-en")

    # 10. The Central Council elects the Coordination Office by ranked ballot.
    stand(d1, cid, CO)
    endorse(d2, cid, CO, "SY-001")
    endorse(d3, cid, CO, "SY-001")
    approve_all(c1, cid, CO, ["SY-001"])
    co_poll = create_and_open(c1, cid, CO)
    ranker = run.phone("SY-001-nojs", javascript=False)
    ranker.login(email("SY-001"))
    rank_with_numbers(ranker, co_poll)
    rank_by_drag(d2, co_poll)
    d3.goto(f"/polls/{co_poll}/ballot", "co-ballot")
    d3.page.locator("input.rank").first.fill("1")
    d3.submit("form.ballot button[type=submit]", "co-review")
    d3.submit("form[action$='/vote/cast'] button", "co-receipt")
    close_and_count(c1, co_poll)
    certify(world, staff, co_poll)
    assert poll_state(world, co_poll) == ("certified", 3, 3)
    assert composition(world, cid, CO) == {"SY-001"}
    member.goto(f"/polls/{co_poll}/result", "co-result-en")
    assert "Layla Al-Ahmad" in member.text("main")
    member.goto(f"/polls/{co_poll}/board", "co-board-en")

    assert not run.problems, "\n".join(run.problems)


# --- steps ------------------------------------------------------------------------------


def eleven_days_pass(world, conference_id: int) -> None:
    """As if eleven days had passed since convening: the conference is now 20 days ahead,
    inside the nomination window of Article 20.1 (no page changes a convened date)."""
    from congress.conference.models import Conference
    from congress.extensions import db
    from congress.models_common import utcnow

    def move():
        conference = db.session.get(Conference, conference_id)
        conference.convened_at -= timedelta(days=11)
        conference.starts_at = utcnow() + timedelta(days=20)

    world.write(move)


def nominations_close(world, conference_id: int) -> None:
    """As if eleven more days had passed: the conference is 9 days ahead, past the close of
    the Central Council's nominations (10 days before, Article 20.1), so its ballot can open
    (a ballot's list is frozen when it opens, never while nominations are open)."""
    from congress.conference.models import Conference
    from congress.extensions import db
    from congress.models_common import utcnow

    def move():
        conference = db.session.get(Conference, conference_id)
        conference.convened_at -= timedelta(days=11)
        conference.starts_at = utcnow() + timedelta(days=9)

    world.write(move)


def activate(phone: Phone, path: str, zone: str) -> None:
    """Open an account link, choose a password, the language and the time zone."""
    phone.goto(path, "activate")
    page = phone.page
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=confirm]").fill(PASSWORD)
    page.locator("select[name=language]").select_option("ar")
    page.locator("select[name=timezone]").select_option(zone)
    phone.submit("main form button[type=submit]", "activated")


def assert_in_outbox(world, links) -> None:
    bodies = [
        message_from_bytes(f.read_bytes(), policy=default_policy).get_body(("plain",)).get_content()
        for f in world.outbox.glob("*.eml")
    ]
    for link in links:
        assert link.startswith(world.base + "/conferences/activate/"), link
        assert any(link in body for body in bodies), f"{link} is not in the outbox"


def stand(phone: Phone, cid: int, body: str) -> None:
    phone.goto(f"/conferences/{cid}/candidacy", f"candidacy-{body}")
    phone.submit(
        f"form[action$='/candidacy/stand']:has(input[name=body][value={body}]) button",
        f"stood-{body}",
    )


def endorse(phone: Phone, cid: int, body: str, candidate: str) -> None:
    phone.goto(f"/conferences/{cid}/endorsements", f"endorsements-{body}")
    section = phone.page.locator(f"section.card:has(h2:text-is('{TITLES[body]}'))")
    row = section.locator("li").filter(has_text=name(candidate))
    phone.submit(row.locator("button[type=submit]"), f"endorsed-{body}-{candidate}")


def approve_all(c1: Phone, cid: int, body: str, numbers) -> None:
    for number in numbers:
        c1.goto(f"/conferences/{cid}/review?body={body}", f"review-{body}-{number}")
        c1.submit(c1.page.locator("table a").filter(has_text=name(number)), f"candidate-{number}")
        c1.submit("form[action$='/approve'] button", f"approved-{body}-{number}")
    c1.goto(f"/conferences/{cid}/candidates/{body}", f"list-{body}")


def create_and_open(c1: Phone, cid: int, body: str) -> int:
    """The committee creates the ballot (confirming the bylaws' warnings) and opens it."""
    c1.goto(f"/conferences/{cid}/polls/new", f"new-poll-{body}")
    election = c1.page.locator("form:has(input[name=kind][value=election])")
    election.locator("select[name=e-body]").select_option(body)
    c1.submit(election.locator("button[type=submit]"), f"warnings-{body}", status=422)
    election = c1.page.locator("form:has(input[name=kind][value=election])")
    election.locator("input[name=e-confirm]").check()
    c1.submit(election.locator("button[type=submit]"), f"poll-draft-{body}")
    poll_id = int(re.search(r"/polls/(\d+)$", c1.path()).group(1))
    c1.page.check("form[action$='/open'] input[name=confirm]")
    c1.submit("form[action$='/open'] button", f"poll-open-{body}")
    return poll_id


def vote_marks(phone: Phone, poll_id: int, names: list[str], tag: str) -> None:
    """Poll page -> Vote -> tick -> review -> cast -> receipt with a tracker in groups of 4."""
    phone.goto(f"/polls/{poll_id}", f"{tag}-poll")
    phone.submit("main a.button[href$='/ballot']", f"{tag}-ballot")
    for n in names:
        phone.page.locator("label.choice").filter(has_text=n).locator("input").check()
    phone.shot(f"{tag}-ballot-marked")
    phone.submit("form.ballot button[type=submit]", f"{tag}-review")
    review = phone.text("main")
    for n in names:
        assert n in review
    if not names:
        assert "ورقة بيضاء" in review, review
    phone.submit("form[action$='/vote/cast'] button", f"{tag}-receipt")
    read_receipt(phone)


def read_receipt(phone: Phone) -> None:
    shown = phone.page.locator("p.tracker").inner_text().strip()
    assert TRACKER_SHOWN.match(shown), shown
    assert phone.page.locator("p.tracker").get_attribute("dir") == "ltr"
    phone.tracker = shown


def vote_with_a_change(phone: Phone, poll_id: int) -> None:
    """Ticks one name, reviews, goes back to change the choice, and casts."""
    phone.goto(f"/polls/{poll_id}/ballot", "cc-ballot")
    phone.page.locator("label.choice").filter(has_text=name("TR-016")).locator("input").check()
    phone.submit("form.ballot button[type=submit]", "cc-review-first")
    phone.submit("form[action$='/ballot'] button", "cc-ballot-again")
    # the ballot comes back with the first choice still marked
    marked = phone.page.locator("label.choice").filter(has_text=name("TR-016")).locator("input")
    assert marked.is_checked()
    phone.page.locator("label.choice").filter(has_text=name("SY-001")).locator("input").check()
    phone.submit("form.ballot button[type=submit]", "cc-review-changed")
    assert name("SY-001") in phone.text("main")
    phone.submit("form[action$='/vote/cast'] button", "cc-receipt")
    read_receipt(phone)


def vote_by_keyboard(phone: Phone, poll_id: int) -> None:
    """Only the keyboard, from the poll page to the receipt. The first Tab reaches the skip
    link, which leads into the page's content; every stop shows its focus ring; the boxes
    are reached in the order they are shown, each with its label."""
    phone.goto(f"/polls/{poll_id}", "cc-poll-keyboard")
    first = phone.tab_to(lambda f: True)[0]
    assert first["cls"] == "skip" and first["href"] == "#main", first
    phone.page.keyboard.press("Enter")
    after_skip = phone.tab_to(lambda f: True)[0]
    assert after_skip["inMain"], f"the skip link leads into <main>: {after_skip}"
    phone.tab_to(lambda f: f["href"].endswith(f"/polls/{poll_id}/ballot"))
    phone.submit(None, "cc-ballot-keyboard", key="Enter")

    boxes = phone.page.locator("input[name=mark]")
    shown = [boxes.nth(i).get_attribute("value") for i in range(boxes.count())]
    visited = []
    for _ in range(2):
        stop = phone.tab_to(lambda f: f["name"] == "mark")[-1]
        assert stop["label"], f"the box has a label: {stop}"
        visited.append(stop["text"])
        phone.page.keyboard.press("Space")
    assert visited == shown[:2], (visited, shown)
    phone.shot("cc-ballot-keyboard-marked")
    phone.tab_to(lambda f: f["tag"] == "button" and f["form"] == "ballot")
    phone.submit(None, "cc-review-keyboard", key="Enter")
    phone.tab_to(lambda f: f["tag"] == "button" and f["action"].endswith("/vote/cast"))
    phone.submit(None, "cc-receipt-keyboard", key="Enter")
    read_receipt(phone)


def close_and_count(c1: Phone, poll_id: int) -> None:
    c1.goto(f"/polls/{poll_id}", "poll-to-close")
    c1.page.check("form[action$='/close'] input[name=confirm]")
    c1.submit("form[action$='/close'] button", "poll-closed")
    tally = c1.page.locator(f"form[action$='/polls/{poll_id}/tally'] button")
    c1.submit(tally, "counted")
    assert c1.path() == f"/polls/{poll_id}/result"


def certify(world, staff: dict[str, Phone], poll_id: int) -> None:
    """Three committee members sign (Article 30.1). The second logs in now; the third comes
    back with a login of an hour ago, so signing asks for the password again."""
    sign = "button[name=decision][value=sign]"
    staff["c1"].submit(sign, "signed")
    c2, c3 = staff["c2"], staff["c3"]
    if c2.path() in ("", "/", "blank"):
        c2.login(STAFF["c2"][0])
    c2.goto(f"/polls/{poll_id}/result", "result-to-sign")
    c2.submit(sign, "signed")
    world.login_an_hour_ago(c3, STAFF["c3"][0])
    c3.goto(f"/polls/{poll_id}/result", "result-to-sign")
    c3.submit(sign, "signed-certified")


def poll_state(world, poll_id: int) -> tuple[str, int, int]:
    """(state, electorate, ballots in the box), from the database."""
    from congress.extensions import db
    from congress.voting import polls
    from congress.voting.models import Poll

    def read():
        poll = db.session.get(Poll, poll_id)
        return poll.state, poll.electorate_size, polls.counts(poll)[1]

    return world.read(read)


def composition(world, conference_id: int, body: str) -> set[str]:
    """Member numbers of a body's certified composition."""
    from sqlalchemy import select

    from congress.candidacy.models import BodyMember
    from congress.extensions import db
    from congress.members.models import Member

    return set(
        world.read(
            lambda: (
                db.session.execute(
                    select(Member.number)
                    .join(BodyMember, BodyMember.member_id == Member.id)
                    .where(BodyMember.conference_id == conference_id, BodyMember.body == body)
                )
                .scalars()
                .all()
            )
        )
    )


def check_tracker(member: Phone, poll_id: int, tracker: str, tag: str) -> None:
    member.goto(f"/polls/{poll_id}/board", f"{tag}-board")
    board = member.text("main")
    assert tracker in board, "the board lists trackers in groups of four"
    member.page.locator("form[role=search] input[name=tracker]").fill(tracker)
    member.submit("form[role=search] button", f"{tag}-tracker-found")
    assert member.page.locator("main p.flash.success[role=status]").count() == 1


def rank_with_numbers(phone: Phone, poll_id: int) -> None:
    """Without JavaScript, with the number field, and two things to fix on the way: a rank
    of 2 with one candidate is stopped by the field itself (max 1), and an empty ballot is
    refused by the server (a blank ballot is not valid for the Office, Article 16.1)."""
    phone.goto(f"/polls/{poll_id}", "co-poll")
    phone.submit("main a.button[href$='/ballot']", "co-ballot")
    field = phone.page.locator("input.rank").first
    field.fill("2")
    phone.page.locator("form.ballot button[type=submit]").click()
    assert phone.page.locator("input.rank:invalid").count() == 1, "the browser stops a 2"
    assert phone.path() == f"/polls/{poll_id}/ballot"
    field.fill("")
    phone.submit("form.ballot button[type=submit]", "co-ballot-empty-refused", status=422)
    assert phone.page.locator("main .flash.error[role=alert]").count() == 1
    phone.page.locator("input.rank").first.fill("1")
    phone.submit("form.ballot button[type=submit]", "co-review-fixed")
    assert name("SY-001") in phone.text("main ol")
    phone.submit("form[action$='/vote/cast'] button", "co-receipt")
    read_receipt(phone)


def rank_by_drag(phone: Phone, poll_id: int) -> None:
    """rank.js: drag the candidate above the separator line; the number field follows."""
    phone.goto(f"/polls/{poll_id}/ballot", "co-ballot-drag")
    separator = phone.page.locator("ol.rankable li.separator")
    assert separator.count() == 1, "rank.js draws the separator"
    item = phone.page.locator("ol.rankable li:not(.separator)").first
    box = separator.bounding_box()
    item.drag_to(separator, target_position={"x": box["width"] / 2, "y": 2})
    assert phone.page.locator("input.rank").first.input_value() == "1"
    phone.shot("co-ballot-dragged")
    phone.submit("form.ballot button[type=submit]", "co-review-drag")
    phone.submit("form[action$='/vote/cast'] button", "co-receipt-drag")
    read_receipt(phone)
