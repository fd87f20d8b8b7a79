"""A tally report turned into what the result page shows: names, votes, rounds, a chart."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _
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
    winners: list[tuple[str, str]] = field(default_factory=list)  # (name, votes)
    round_columns: list[int] = field(default_factory=list)
    round_rows: list[tuple[str, list[str]]] = field(default_factory=list)
    chart: Markup = field(default_factory=Markup)


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
    rounds = report["rounds"]
    last = rounds[-1]["counts"] if rounds else {}
    view.winners = [(view.names[w], last.get(w, "")) for w in report["winners"]]
    if report["method"].startswith("stv") and rounds:
        view.round_columns = [r["number"] for r in rounds]
        view.round_rows = [
            (view.names[cid], [r["counts"].get(cid, "") for r in rounds])
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
