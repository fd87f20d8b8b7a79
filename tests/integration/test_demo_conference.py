"""The demo conference from first ballot to minutes, on SQLite and PostgreSQL.

The General Conference elects the Central Council by block vote with the youth quota
(Articles 15.1, 15.2); the certified Council elects the Coordination Office by Meek STV
(16.1) and appoints the Advisory Body by motion (17.1); a policy paper passes by simple
majority (26.2, 25.1) and a bylaw amendment fails at 60% against two thirds of those
present (26.3, 25.3). Every result is certified by three of the committee (30.1), and the
minutes record them all.
"""

from __future__ import annotations

import io
from collections import Counter

from demo_steps import (
    add_members,
    candidate_ids,
    cast_all,
    committee,
    count_and_certify,
    give_accounts,
    open_poll,
    seat_delegates,
)
from flask_babel import force_locale
from pypdf import PdfReader
from sqlalchemy import select

from congress.candidacy.models import BodyMember
from congress.database import write_intent
from congress.results import bodies, minutes
from congress.results.models import Tally
from congress.results.presenter import present
from congress.voting import polls
from congress.voting.models import PollCandidate
from scenario import approve_candidates, demo_conference

NON_YOUTH, YOUTH = 35, 15  # 50 candidates for 40 seats, of whom at least 10 must be youth


def planned_marks(targets: dict[str, int], voters: int, max_marks: int) -> list[list[str]]:
    """Ballots giving each candidate exactly its target number of marks, spread evenly."""
    ballots: list[list[str]] = [[] for _ in range(voters)]
    for cid, target in sorted(targets.items(), key=lambda kv: -kv[1]):
        for ballot in sorted(range(voters), key=lambda v: (len(ballots[v]), v))[:target]:
            ballots[ballot].append(cid)
    assert max(len(b) for b in ballots) <= max_marks
    return ballots


def answers(**counts: int) -> list[dict]:
    return [{"answer": a} for a, n in counts.items() for _ in range(n)]


def test_the_demo_conference_from_first_ballot_to_the_minutes(app, db):
    conference = demo_conference()
    delegates = add_members("D", 60)
    seat_delegates(conference, delegates)
    voters = [m.id for m in delegates]
    admin = committee()[0]

    # --- Central Council: block vote, 40 seats, youth quota 25% (Article 15.2) -------------
    candidates = add_members("C", NON_YOUTH + YOUTH, youth=range(NON_YOUTH, NON_YOUTH + YOUTH))
    approve_candidates(conference, "central_council", candidates)
    council_poll = polls.create_election(conference, "central_council", actor=admin)
    open_poll(council_poll)
    on_ballot = candidate_ids(council_poll)
    targets = {}
    for i, member in enumerate(candidates):
        # the older candidates all outpoll the young: the top 40 by votes hold only 5 youth
        targets[on_ballot[member.id]] = 50 - i // 3 if i < NON_YOUTH else 25 - (i - NON_YOUTH)
    ballots = planned_marks(targets, len(voters), council_poll.max_marks or 40)
    assert cast_all(council_poll, [(v, {"marks": b}) for v, b in zip(voters, ballots, strict=True)])
    report = count_and_certify(council_poll)

    youth = {
        str(c.id)
        for c in db.session.execute(
            select(PollCandidate).where(PollCandidate.poll_id == council_poll.id)
        ).scalars()
        if "youth" in c.groups.split(",")
    }
    counts = {cid: int(v) for cid, v in report["rounds"][0]["counts"].items()}
    by_votes = sorted(counts, key=lambda c: -counts[c])[:40]
    assert sum(c in youth for c in by_votes) == 5  # without the quota
    assert len(report["winners"]) == 40
    assert sum(w in youth for w in report["winners"]) >= 10  # with it
    skipped = [a for a in report["adjustments"] if a["action"] == "skipped"]
    assert len(skipped) == 5
    assert {(a["rule"], a["subject"], a["article"]) for a in skipped} == {
        ("group-quota", "youth", "15.2")
    }
    tally = db.session.execute(select(Tally).where(Tally.poll_id == council_poll.id)).scalar_one()
    with force_locale("en"):
        lines = present(council_poll, tally, "en").adjustments
    assert len(lines) == 5
    assert all("passed over" in line and "Article 15.2" in line for line in lines), lines
    assert max(Counter(c.branch for c in _winners(db, council_poll, report)).values()) <= 16

    council = (
        db.session.execute(
            select(BodyMember)
            .where(BodyMember.conference_id == conference.id, BodyMember.body == "central_council")
            .order_by(BodyMember.position)
        )
        .scalars()
        .all()
    )
    assert len(council) == 40 and {b.source_poll_id for b in council} == {council_poll.id}
    council_members = [b.member for b in council]
    council_users = give_accounts(council_members)

    # --- Coordination Office: Meek STV by the certified Council (Article 16.1) -------------
    standing = council_members[:14]
    approve_candidates(conference, "coordination_office", standing)
    office_poll = polls.create_election(conference, "coordination_office", actor=admin)
    open_poll(office_poll)
    assert office_poll.electorate == "body" and office_poll.electorate_size == 40
    ranked = candidate_ids(office_poll)
    order = [ranked[m.id] for m in standing]
    office_ballots = []
    for v, user in enumerate(council_users):
        prefs = [order[(v + 3 * k) % len(order)] for k in range(5)]
        office_ballots.append(
            (user.member_id, {"ranks": {c: str(r) for r, c in enumerate(prefs, 1)}})
        )
    cast_all(office_poll, office_ballots)
    office = count_and_certify(office_poll)
    assert office["method"] == "stv-meek" and len(office["winners"]) == 9
    seated = set(
        db.session.execute(
            select(BodyMember.member_id).where(BodyMember.body == "coordination_office")
        ).scalars()
    )
    assert len(seated) == 9 and seated <= {m.id for m in council_members}

    # --- Policy paper: simple majority of those voting yes or no (Articles 26.2, 25.1) ----
    paper = polls.create_motion(
        conference,
        title_ar="ورقة التوجهات السياسية الجديدة",
        title_en="The new policy directions paper",
        text_ar="يقرّ المؤتمر العام ورقة التوجهات السياسية الجديدة.",
        text_en="The General Conference adopts the new policy directions paper.",
        category="policy_paper",
        actor=admin,
    )
    open_poll(paper)
    cast_all(paper, zip(voters, answers(yes=40, no=15, abstain=5), strict=True))
    paper_report = count_and_certify(paper)
    assert paper_report["passed"] and paper_report["article"] == "25.1"

    # --- Bylaw amendment: 36 of 60 present is 60%, short of two thirds (Article 25.3) -----
    amendment = polls.create_motion(
        conference,
        title_ar="تعديل المادة الخامسة عشرة من النظام الداخلي",
        title_en="Amendment of Article 15 of the bylaws",
        text_ar="يُرفع عدد مقاعد المجلس المركزي إلى خمسين.",
        text_en="The Central Council grows to fifty seats.",
        category="bylaw_amendment",
        actor=admin,
    )
    open_poll(amendment)
    cast_all(amendment, zip(voters, answers(yes=36, no=24), strict=True))
    amendment_report = count_and_certify(amendment)
    assert not amendment_report["passed"]
    assert (amendment_report["yes"], amendment_report["needed"]) == (36, 40)
    assert amendment_report["article"] == "25.3"

    # --- Advisory Body: appointed by a motion of the Council that lists them (17.1) -------
    outside = add_members("A", 7)
    with write_intent():
        motion = bodies.propose_appointment(
            conference,
            "advisory_body",
            [m.number for m in outside],
            title_ar="تعيين الهيئة الاستشارية",
            title_en="Appointment of the Advisory Body",
            actor=admin,
        )
        db.session.commit()
    open_poll(motion)
    assert motion.electorate_size == 40  # the Council votes, not the Conference
    cast_all(
        motion,
        zip([u.member_id for u in council_users], answers(yes=30, no=8, abstain=2), strict=True),
    )
    assert count_and_certify(motion)["passed"]
    with write_intent():
        bodies.record_appointment(motion, actor=admin)
        db.session.commit()

    # --- The bodies, and the minutes in both languages ------------------------------------
    sizes = {c.key: len(c.seats) for c in bodies.compositions(conference)}
    assert sizes == {
        "central_council": 40,
        "coordination_office": 9,
        "general_coordinator": 0,
        "deputy_general_coordinator": 0,
        "advisory_body": 7,
    }
    certified = minutes.certified_polls(conference)
    assert [p.id for p in certified] == [
        council_poll.id,
        office_poll.id,
        paper.id,
        amendment.id,
        motion.id,
    ]
    for lang, titles in {
        "ar": ["ورقة التوجهات السياسية الجديدة", "تعيين الهيئة الاستشارية", "المجلس المركزي"],
        "en": [
            "The new policy directions paper",
            "Amendment of Article 15 of the bylaws",
            "Appointment of the Advisory Body",
            "Central Council",
            "Coordination Office",
        ],
    }.items():
        pdf = minutes.build(conference, lang)
        assert pdf.startswith(b"%PDF-") and len(pdf) > 10_000
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        for title in titles:
            assert title in text, (lang, title)


def _winners(db, poll, report):
    rows = {
        str(c.id): c
        for c in db.session.execute(
            select(PollCandidate).where(PollCandidate.poll_id == poll.id)
        ).scalars()
    }
    return [rows[w] for w in report["winners"]]
