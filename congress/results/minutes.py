"""The conference minutes as a PDF: the agenda, each sitting with its attendance, every
certified result and motion with the objections to it, the bodies, and the signature
block of the chair and the election committee.

fpdf2 sets the text. With text shaping on, HarfBuzz (uharfbuzz) joins the Arabic
letters and fpdf2's bidirectional algorithm orders each paragraph, so Arabic reads
right to left with its numbers, hashes and Latin names in place. One typeface,
Amiri (SIL Open Font License, shipped in static/fonts), covers both scripts.
Only certified polls appear; times are on the organization's official clock
(the bylaws' time zone), so every reader gets the same document in their language.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from babel.dates import format_datetime
from babel.numbers import format_decimal
from flask_babel import force_locale, ngettext, pgettext
from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace
from sqlalchemy import select

from congress.auth.models import User
from congress.conference import records
from congress.conference.facts import bylaws_of
from congress.conference.forms import AGENDA_LABELS, DELEGATE_LABELS, PRESENCE_LABELS
from congress.conference.models import Conference
from congress.conference.operations import committee_of
from congress.core.bylaws.wording import zone as zone_text
from congress.extensions import db
from congress.members.models import Branch, Member
from congress.models_common import utcnow
from congress.voting import board, polls
from congress.voting.models import Poll

from . import bodies, objections
from .certify import signatures
from .forms import OUTCOME_LABELS
from .models import Tally
from .presenter import describe_adjustment, genders_of

FONTS = Path(__file__).resolve().parent.parent / "static" / "fonts"
FAMILY = "Amiri"
GREEN, GREY, RED = (11, 94, 60), (90, 100, 110), (164, 22, 26)


def certified_polls(conference: Conference) -> list[Poll]:
    """The polls the minutes record: certified ones only, in the order they were certified."""
    return list(
        db.session.execute(
            select(Poll)
            .where(Poll.conference_id == conference.id, Poll.state == "certified")
            .order_by(Poll.certified_at, Poll.id)
        ).scalars()
    )


class _Document(FPDF):
    """A4 pages in one direction: right-aligned text and mirrored tables in Arabic."""

    def __init__(self, lang: str, running_title: str):
        super().__init__(format="A4")
        self.lang, self.rtl, self.running_title = lang, lang != "en", running_title
        self.add_font(FAMILY, "", str(FONTS / "Amiri-Regular.ttf"))
        self.add_font(FAMILY, "B", str(FONTS / "Amiri-Bold.ttf"))
        self.set_text_shaping(True)  # uharfbuzz: Arabic joined, bidi applied per paragraph
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=18)
        self.set_lang(lang)
        self.set_creator("Congress")

    @property
    def align(self) -> str:
        return "R" if self.rtl else "L"

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(*GREY)
        self.cell(0, 5, self.running_title, align=self.align)
        self.set_x(self.l_margin)
        self.cell(0, 5, _("Page %(n)d", n=self.page_no()), align="L" if self.rtl else "R")
        self.set_text_color(0, 0, 0)

    def heading(self, text: str, size: int = 14, space: float = 4) -> None:
        if self.get_y() > self.h - 50:
            self.add_page()
        self.ln(space)
        self.set_font(FAMILY, "B", size)
        self.paragraph(text, height=size * 0.5)
        self.set_font(FAMILY, "", 11)

    def paragraph(self, text: str, height: float = 6, color=None) -> None:
        if color:
            self.set_text_color(*color)
        for line in [line for line in (text or "").splitlines() if line.strip()] or [""]:
            self.multi_cell(0, height, line, align=self.align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if color:
            self.set_text_color(0, 0, 0)

    def facts(self, pairs: list[tuple[str, str]]) -> None:
        for label, value in pairs:
            self.paragraph(f"{label}: {value}")

    def grid(self, headings: list[str], rows: list[list[str]], widths: list[int]) -> None:
        """A table whose first column sits on the right in Arabic."""

        def order(cells):
            return list(reversed(cells)) if self.rtl else list(cells)

        self.set_font(FAMILY, "", 10)
        align = "RIGHT" if self.rtl else "LEFT"
        with self.table(
            col_widths=order(widths),
            text_align=align,
            line_height=6,
            headings_style=FontFace(emphasis="BOLD", fill_color=(234, 240, 236)),
            padding=1,
        ) as table:
            for cells in [headings, *rows]:
                row = table.row()
                for cell in order(cells):
                    row.cell(cell)
        self.set_font(FAMILY, "", 11)
        self.ln(2)


@dataclass
class _Context:
    lang: str
    zone: object
    branches: dict[str, str]
    rules: object

    def when(self, value: datetime | None) -> str:
        if value is None:
            return ""
        return format_datetime(value, "medium", tzinfo=self.zone, locale=self.lang)

    def number(self, value) -> str:
        return format_decimal(value, locale=self.lang)


def build(conference: Conference, lang: str, *, now: datetime | None = None) -> bytes:
    """The minutes of `conference` in `lang` ("ar" or "en"), as PDF bytes."""
    now = now or utcnow()
    with force_locale(lang):
        rules = bylaws_of(conference)
        ctx = _Context(
            lang,
            rules.zone,
            {b.code: b.name(lang) for b in db.session.execute(select(Branch)).scalars()},
            rules,
        )
        title = _("Minutes of %(conference)s", conference=conference.title(lang))
        pdf = _Document(lang, title)
        pdf.set_title(title)
        pdf.set_author(rules.organization.name.get(lang))
        pdf.add_page()
        _front(pdf, ctx, conference, title, now)
        shown = certified_polls(conference)
        _agenda(pdf, ctx, conference)
        _sittings(pdf, ctx, conference, shown)
        pdf.heading(_("Certified results and motions"), size=16)
        if not shown:
            pdf.paragraph(_("No result has been certified yet."))
        for number, poll in enumerate(shown, start=1):
            _poll(pdf, ctx, poll, number, now)
        _bodies(pdf, ctx, conference, now)
        _signature_block(pdf, ctx, conference)
        return bytes(pdf.output())


def _front(pdf: _Document, ctx: _Context, conference: Conference, title: str, now) -> None:
    pdf.set_font(FAMILY, "B", 12)
    pdf.paragraph(ctx.rules.organization.name.get(ctx.lang), color=GREEN)
    pdf.set_font(FAMILY, "B", 20)
    pdf.paragraph(title, height=11)
    pdf.set_font(FAMILY, "", 11)
    version = conference.bylaws_version
    pdf.facts(
        [
            (_("Date"), ctx.when(conference.starts_at)),
            (_("Bylaws"), _("Version %(n)d", n=version.number)),
            (_("Bylaws SHA-256"), version.sha256),
            (_("Prepared on"), ctx.when(now)),
            (_("Times are given in"), zone_text(ctx.rules.organization.time_zone).get(ctx.lang)),
        ]
    )
    pdf.paragraph(
        _(
            "Only results certified by the election committee appear in these minutes. "
            "Each result can be recounted from its export (poll-N.json, from the result's "
            "page) with: congress verify poll-N.json"
        ),
        color=GREY,
    )


def _objections(poll: Poll, ctx: _Context, now: datetime) -> str:
    status = bodies.status_of(poll, now)
    until = ctx.when(poll.objections_until)
    if status == "final":
        return _("final: the objection window closed on %(when)s", when=until)
    if status == "pending":
        return _(
            "certified; the objection window closed on %(when)s and an objection awaits "
            "the committee's decision",
            when=until,
        )
    if status == "upheld":
        return _("not final: an objection was upheld")
    return _("certified, objections open until %(when)s", when=until)


def _objection_lines(pdf: _Document, ctx: _Context, poll: Poll) -> None:
    """Each objection to the result, by whom and when, and the committee's decision."""
    filed = objections.objections_of(poll)
    article = ctx.rules.certification.objections.article
    pdf.set_font(FAMILY, "B", 11)
    pdf.paragraph(f"{_('Objections')} — {_('Article %(n)s', n=article)}")
    pdf.set_font(FAMILY, "", 11)
    if not filed:
        pdf.paragraph(_("No objection has been filed."))
    for n, o in enumerate(filed, start=1):
        member = o.delegate.member
        pdf.paragraph(
            _(
                "Objection %(n)s by %(name)s (%(branch)s), filed on %(when)s:",
                n=ctx.number(n),
                name=member.display_name(ctx.lang),
                branch=o.delegate.branch.name(ctx.lang),
                when=ctx.when(o.filed_at),
            )
        )
        pdf.paragraph(o.reason, color=GREY)
        if o.outcome:
            pdf.paragraph(
                _(
                    "Decision of the election committee on %(when)s: %(outcome)s. %(reason)s",
                    when=ctx.when(o.decided_at),
                    outcome=OUTCOME_LABELS[o.outcome],
                    reason=o.answer,
                ),
                color=RED if o.outcome == "upheld" else None,
            )
        else:
            pdf.paragraph(_("awaiting the committee's decision"))


def _poll(pdf: _Document, ctx: _Context, poll: Poll, number: int, now: datetime) -> None:
    lang = ctx.lang
    tally = db.session.get(Tally, poll.id)
    report = json.loads(tally.report)
    pdf.heading(f"{number}. {poll.title(lang)}", size=14)
    frozen = poll.frozen_rules
    article = frozen.get("majority_article") or frozen.get("method_article") or ""
    kind = _("Motion") if poll.kind == "motion" else _("Election")
    method = f"{kind} — {_('Article %(n)s', n=article)}" if article else kind
    signed = [s for s in signatures(poll) if s.decision == "signed"]
    refused = [s for s in signatures(poll) if s.decision != "signed"]
    certification = ctx.rules.certification_rules()
    voted, _ballots = polls.counts(poll)
    pdf.facts(
        [
            (_("Kind"), method),
            (_("Certified on"), ctx.when(poll.certified_at)),
            (_("Status"), _objections(poll, ctx, now)),
            (
                _("Turnout"),
                _(
                    "%(voted)s of %(electorate)s voted; %(valid)s valid, %(blank)s blank",
                    voted=ctx.number(voted),
                    electorate=ctx.number(poll.electorate_size),
                    valid=ctx.number(report["ballots"]["valid"]),
                    blank=ctx.number(report["ballots"]["blank"]),
                ),
            ),
        ]
    )
    if poll.kind == "motion":
        _motion(pdf, ctx, poll, report)
    else:
        _election(pdf, ctx, poll, report)
    names = ("، " if pdf.rtl else ", ").join(_signer(s.user_id) for s in signed)
    pdf.facts(
        [
            (
                _("Signed by"),
                ngettext(
                    "%(names)s (%(n)d of the %(num)d signature required, Article %(article)s)",
                    "%(names)s (%(n)d of the %(num)d signatures required, Article %(article)s)",
                    certification.signatures_required,
                    names=names,
                    n=len(signed),
                    article=certification.signatures_article,
                ),
            )
        ]
    )
    for s in refused:
        who = {"name": _signer(s.user_id), "reason": s.reason}
        pdf.paragraph(  # the Arabic verb agrees with the member named (رفضت فاطمة)
            pgettext("female", "%(name)s refused to sign: %(reason)s", **who)
            if _signer_gender(s.user_id) == "f"
            else _("%(name)s refused to sign: %(reason)s", **who)
        )
    _objection_lines(pdf, ctx, poll)
    pdf.set_font(FAMILY, "", 8)
    pdf.paragraph(f"{_('Report SHA-256')}: {tally.sha256}", height=4.5, color=GREY)
    pdf.paragraph(
        f"{_('Audit chain head at close')}: {poll.chain_head_at_close}", height=4.5, color=GREY
    )
    pdf.set_font(FAMILY, "", 11)


def _signer(user_id: int) -> str:
    user = db.session.get(User, user_id)
    return (user.name or user.email) if user else str(user_id)


def _signer_gender(user_id: int) -> str:
    """The gender recorded for the signer's member, when their account is a member's."""
    user = db.session.get(User, user_id)
    member = db.session.get(Member, user.member_id) if user and user.member_id else None
    return member.gender if member is not None else ""


def _motion(pdf: _Document, ctx: _Context, poll: Poll, report: dict) -> None:
    text = poll.text(ctx.lang)
    if text:
        pdf.paragraph(text, color=GREY)
    verdict = _("The motion passed.") if report["passed"] else _("The motion failed.")
    pdf.set_font(FAMILY, "B", 12)
    pdf.paragraph(verdict, color=GREEN if report["passed"] else RED)
    pdf.set_font(FAMILY, "", 11)
    reason = report.get("reason", {})
    article = _("Article %(n)s", n=report["article"])
    pdf.paragraph(f"{reason.get(ctx.lang) or reason.get('ar', '')} — {article}")
    pdf.paragraph(
        " · ".join(
            [
                f"{_('Yes')}: {ctx.number(report['yes'])}",
                f"{_('No')}: {ctx.number(report['no'])}",
                f"{_('Abstain')}: {ctx.number(report['abstain'])}",
                f"{_('Needed')}: {ctx.number(report['needed'])}",
            ]
        )
    )


def _election(pdf: _Document, ctx: _Context, poll: Poll, report: dict) -> None:
    people = {str(pid): c for pid, c in board.candidates(poll).items()}
    rounds = report.get("rounds") or []
    last = rounds[-1]["counts"] if rounds else {}
    if report["winners"]:
        pdf.paragraph(
            ngettext(
                "Elected: %(n)d of %(num)d seat",
                "Elected: %(n)d of %(num)d seats",
                report["seats"],
                n=len(report["winners"]),
            )
        )
        pdf.grid(
            ["#", _("Name"), _("Branch"), _("Votes")],
            [
                [
                    ctx.number(i),
                    people[w].name(ctx.lang),
                    ctx.branches.get(people[w].branch, people[w].branch),
                    str(last.get(w, "")),
                ]
                for i, w in enumerate(report["winners"], start=1)
            ],
            [8, 44, 32, 16],
        )
    else:
        pdf.paragraph(_("Nobody was elected."))
    if report.get("vacancies"):
        pdf.paragraph(
            ngettext(
                "%(num)d seat remains vacant.", "%(num)d seats remain vacant.", report["vacancies"]
            )
        )
    if report.get("runoff_needed"):
        names = ("، " if pdf.rtl else ", ").join(
            people[c].name(ctx.lang) for c in report["runoff_candidates"]
        )
        pdf.paragraph(_("A runoff is needed between: %(names)s", names=names), color=RED)
    if report.get("quota"):
        pdf.paragraph(_("Quota: %(q)s", q=report["quota"]))
    adjustments = report.get("adjustments") or []
    if adjustments:
        pdf.paragraph(_("Quotas and caps applied:"))
        for a in adjustments:
            pdf.paragraph("• " + _adjustment(ctx, a, people))


def _adjustment(ctx: _Context, a: dict, people: dict) -> str:
    names = {cid: p.name(ctx.lang) for cid, p in people.items()}
    genders = genders_of(people.values())
    return describe_adjustment(a, names, ctx.rules, ctx.branches, ctx.lang, genders)


def _bodies(pdf: _Document, ctx: _Context, conference: Conference, now: datetime) -> None:
    pdf.heading(_("Composition of the bodies"), size=16, space=8)
    for comp in bodies.compositions(conference, now=now):
        pdf.heading(comp.rule.title.get(ctx.lang), size=13, space=2)
        if not comp.seats:
            pdf.paragraph(_("No certified composition yet."), color=GREY)
            continue
        groups: dict[int | None, list[bodies.Seat]] = {}
        for seat in comp.seats:
            groups.setdefault(seat.poll.id if seat.poll else None, []).append(seat)
        for seats in groups.values():
            poll = seats[0].poll
            source = _("From: %(poll)s", poll=poll.title(ctx.lang)) if poll else _("recorded")
            pdf.paragraph(f"{source} — {_seat_status(ctx, seats[0])}")
            pdf.grid(
                ["#", _("Name"), _("Branch")],
                [
                    [
                        ctx.number(seat.position),
                        seat.member.display_name(ctx.lang),
                        seat.member.branch.name(ctx.lang),
                    ]
                    for seat in seats
                ],
                [8, 50, 42],
            )


def _seat_status(ctx: _Context, seat: bodies.Seat) -> str:
    if seat.status == "final":
        return _("final")
    if seat.status == "objections":
        return _("certified, objections open until %(when)s", when=ctx.when(seat.objections_until))
    if seat.status == "pending":
        return _("an objection awaits the committee’s decision")
    if seat.status == "upheld":
        return _("not final: an objection was upheld")
    return _("recorded")


def _agenda(pdf: _Document, ctx: _Context, conference: Conference) -> None:
    pdf.heading(_("Agenda"), size=16)
    if not conference.agenda:
        pdf.paragraph(_("No agenda item yet."))
    for item in conference.agenda:
        kind = AGENDA_LABELS.get(item.kind, item.kind)
        pdf.paragraph(f"{ctx.number(item.position)}. {item.title(ctx.lang)} ({kind})")


def _sittings(pdf: _Document, ctx: _Context, conference: Conference, shown: list[Poll]) -> None:
    """Each sitting: when it opened and closed, the votes opened in it, and who attended
    (with the time of each delegate's first check-in)."""
    pdf.heading(_("Sittings and attendance"), size=16)
    held = records.sittings(conference)
    if not held:
        pdf.paragraph(_("No sitting has been held yet."))
    numbers = {poll.id: n for n, poll in enumerate(shown, start=1)}
    for sitting in held:
        pdf.heading(_("Sitting %(n)d", n=sitting.number), size=13, space=2)
        closed = ctx.when(sitting.closed_at) if sitting.closed_at else _("still open")
        lines = records.attendance_of(sitting)
        present = sum(1 for line in lines if line.state == "present")
        checked_in = sum(1 for line in lines if line.checked_in_at is not None)
        pdf.facts(
            [
                (_("Opened"), ctx.when(sitting.opened_at)),
                (_("Closed"), closed),
                (
                    _("Attendance"),
                    _(
                        "checked in during the sitting: %(checked_in)s; present at its end: "
                        "%(present)s",
                        checked_in=ctx.number(checked_in),
                        present=ctx.number(present),
                    ),
                ),
            ]
        )
        voted = [
            f"{numbers[p.id]}. {p.title(ctx.lang)}"
            for p in shown
            if p.opened_at
            and p.opened_at >= sitting.opened_at
            and (sitting.closed_at is None or p.opened_at <= sitting.closed_at)
        ]
        if voted:
            joined = ("؛ " if pdf.rtl else "; ").join(voted)
            pdf.paragraph(_("Votes in this sitting: %(polls)s", polls=joined))
        if not lines:
            continue
        pdf.grid(
            ["#", _("Name"), _("Branch"), _("Presence"), _("Checked in at")],
            [
                [
                    ctx.number(i),
                    _delegate_name(ctx, line.delegate),
                    ctx.branches.get(line.delegate.branch.code, line.delegate.branch.code),
                    str(PRESENCE_LABELS[line.state]) if line.state else _("not recorded"),
                    ctx.when(line.checked_in_at),
                ]
                for i, line in enumerate(lines, start=1)
            ],
            [7, 37, 18, 18, 20],
        )


def _delegate_name(ctx: _Context, delegate) -> str:
    name = delegate.member.display_name(ctx.lang)
    if delegate.kind == "alternate":
        return f"{name} ({DELEGATE_LABELS['alternate']})"
    return name


def _signature_block(pdf: _Document, ctx: _Context, conference: Conference) -> None:
    """Where the chair and each member of the election committee sign the printed minutes."""
    pdf.heading(_("Signatures"), size=16, space=8)
    pdf.paragraph(_("We certify that these minutes are a true record of the General Conference."))
    chair = ctx.rules.conference.chair.article
    signers = [(f"{_('Chair of the conference')} — {_('Article %(n)s', n=chair)}", "")]
    committee = ctx.rules.certification.signatures.article
    signers += [
        (f"{_('Election committee')} — {_('Article %(n)s', n=committee)}", user.name or user.email)
        for user in committee_of(conference)
    ]
    line = "_" * 28
    for role, name in signers:
        if pdf.get_y() > pdf.h - 45:
            pdf.add_page()
        pdf.ln(4)
        pdf.set_font(FAMILY, "B", 11)
        pdf.paragraph(role)
        pdf.set_font(FAMILY, "", 11)
        pdf.paragraph(f"{_('Name')}: {name or line}")
        pdf.paragraph(f"{_('Signature')}: {line}    {_('Date')}: {'_' * 14}")
