"""A tally report turned into what the result page shows: names, votes, rounds, a chart."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from markupsafe import Markup

from congress.voting import board
from congress.voting.models import Poll

from . import charts
from .models import Tally


@dataclass
class ResultView:
    report: dict
    sha256: str
    names: dict[str, str] = field(default_factory=dict)
    genders: dict[str, str] = field(default_factory=dict)  # "f" picks the Arabic feminine
    round_actions: dict[int, str] = field(default_factory=dict)  # round number: its label
    winners: list[tuple[str, str]] = field(default_factory=list)  # (name, votes)
    round_columns: list[int] = field(default_factory=list)
    round_rows: list[tuple[str, list[str]]] = field(default_factory=list)
    chart: Markup = field(default_factory=Markup)
    adjustments: list[str] = field(default_factory=list)
    round_decimals: int | None = None  # the rounds' values shortened to this (None: as counted)


def present(poll: Poll, tally: Tally, lang: str) -> ResultView:
    report = json.loads(tally.report)
    view = ResultView(report, tally.sha256)
    rtl = lang != "en"
    if report["method"] == "motion":
        rows = [
            (_("Yes"), report["yes"], report["passed"]),
            (_("No"), report["no"], False),
            (_("Abstain"), report["abstain"], False),
        ]
        view.chart = Markup(  # noqa: S704 (charts.bars escapes every text it draws)
            charts.bars(
                rows,
                rtl=rtl,
                title=poll.title(lang),
                marker=Decimal(report["needed"]),
                marker_label=_("needed: %(n)d", n=report["needed"]),
            )
        )
        return view
    people = board.candidates(poll)
    view.names = {str(pid): c.name(lang) for pid, c in people.items()}
    view.genders = genders_of(people.values())
    if report.get("adjustments"):
        from congress.conference.facts import bylaws_of
        from congress.conference.models import Conference
        from congress.extensions import db
        from congress.members.models import Branch

        conference = db.session.get(Conference, poll.conference_id)
        branches = {b.code: b.name(lang) for b in db.session.execute(db.select(Branch)).scalars()}
        view.adjustments = [
            describe_adjustment(a, view.names, bylaws_of(conference), branches, lang, view.genders)
            for a in report["adjustments"]
        ]
    rounds = report["rounds"]
    last = rounds[-1]["counts"] if rounds else {}
    view.winners = [(view.names[w], last.get(w, "")) for w in report["winners"]]
    view.round_actions = {
        r["number"]: str(ROUND_ACTIONS.get(r["action"], r["action"])) for r in rounds
    }
    if report["method"].startswith("stv") and rounds:
        view.round_columns = [r["number"] for r in rounds]
        columns = [r["counts"] for r in rounds]
        if report["method"] == "stv-meek":  # nine decimals: more than a reader compares
            view.round_decimals = readable_decimals(columns)
            columns = [
                {c: shorten(v, view.round_decimals) for c, v in counts.items()}
                for counts in columns
            ]
        view.round_rows = [
            (view.names[cid], [counts.get(cid, "") for counts in columns])
            for cid in report["candidates"]
        ]
    first = rounds[0]["counts"] if rounds else {}
    shown = first if report["method"].startswith("stv") else last
    ordered = sorted(shown.items(), key=lambda kv: -Decimal(kv[1]))[:40]
    winners = set(report["winners"])
    quota = Decimal(report["quota"]) if report.get("quota") else None
    view.chart = Markup(  # noqa: S704 (charts.bars escapes every text it draws)
        charts.bars(
            [(view.names[cid], Decimal(value), cid in winners) for cid, value in ordered],
            rtl=rtl,
            title=poll.title(lang),
            marker=quota,
            marker_label=_("quota: %(q)s", q=report.get("quota") or ""),
        )
    )
    return view


def shorten(value: str, decimals: int) -> str:
    """A count cut (never rounded up) to `decimals` places, as Scottish STV cuts its own."""
    if not value or "." not in value:
        return value
    whole, fraction = value.split(".", 1)
    return f"{whole}.{fraction[:decimals]}" if decimals else whole


def readable_decimals(columns: list[dict[str, str]], least: int = 2, most: int = 9) -> int:
    """The fewest places (at least `least`) at which no two different values of a round look
    equal: a reader compares candidates within a round, and a tie shown must be a tie."""
    for places in range(least, most):
        if all(
            len({Decimal(shorten(v, places)) for v in counts.values() if v})
            == len({Decimal(v) for v in counts.values() if v})
            for counts in columns
        ):
            return places
    return most


def genders_of(candidates) -> dict[str, str]:
    """The recorded gender of each candidate who is a member, by candidate id (as a string)."""
    from congress.extensions import db
    from congress.members.models import Member

    by_member = {c.member_id: str(c.id) for c in candidates if c.member_id is not None}
    if not by_member:
        return {}
    rows = db.session.execute(
        db.select(Member.id, Member.gender).where(Member.id.in_(by_member))
    ).all()
    return {by_member[member_id]: gender or "" for member_id, gender in rows}


def describe_adjustment(
    a: dict,
    names: dict[str, str],
    rules,
    branches: dict[str, str],
    lang: str,
    genders: dict[str, str] | None = None,
) -> str:
    """One quota or cap adjustment of a count, in words (the page and the minutes)."""
    groups = rules.membership.groups
    if a["rule"] == "group-quota":
        group = groups[a["subject"]].title.get(lang) if a["subject"] in groups else a["subject"]
        rule = _("minimum for the group “%(group)s”", group=group)
    else:
        rule = _("cap for the branch %(branch)s", branch=branches.get(a["subject"], a["subject"]))
    article = _("Article %(n)s", n=a["article"])
    if a["action"] == "minimum-lowered":
        return _(
            "%(rule)s lowered to %(n)d: not enough candidates — %(article)s",
            rule=rule,
            n=a.get("minimum", 0),
            article=article,
        )
    who = {"name": names.get(a.get("candidate"), ""), "rule": rule, "article": article}
    # the Arabic verb agrees with the candidate named (استُبعدت فاطمة)
    female = (genders or {}).get(a.get("candidate")) == "f"
    if a["action"] == "excluded":
        if female:
            return pgettext(
                "female", "%(name)s was excluded to respect the %(rule)s — %(article)s", **who
            )
        return _("%(name)s was excluded to respect the %(rule)s — %(article)s", **who)
    if a["action"] == "kept":
        if female:
            return pgettext(
                "female",
                "%(name)s was kept in the count to respect the %(rule)s — %(article)s",
                **who,
            )
        return _("%(name)s was kept in the count to respect the %(rule)s — %(article)s", **who)
    if female:
        return pgettext(
            "female", "%(name)s was passed over to respect the %(rule)s — %(article)s", **who
        )
    return _("%(name)s was passed over to respect the %(rule)s — %(article)s", **who)


# What each round of a count did (the action names of the count's report).
ROUND_ACTIONS = {
    "count": _l("count"),
    "first count": _l("first count"),
    "surplus": _l("transfer of a surplus"),
    "exclusion": _l("exclusion"),
    "election": _l("election"),
    "last vacancies": _l("the last vacancies filled"),
}
