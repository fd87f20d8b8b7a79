"""Dates derived from the conference date: notice, nomination window, objections.

Day counts are calendar days on the organization's wall clock (so a daylight
saving change never moves a deadline by an hour); the objection window is an
elapsed number of hours, measured in UTC.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from congress.core.bylaws.messages import render
from congress.core.bylaws.results import Cited, Timeline
from congress.core.bylaws.wording import count, moment
from congress.core.rules import Decision, Reason, Text

if TYPE_CHECKING:
    from congress.core.bylaws.model import Bylaws

LATE_NOTICE = Text(
    "وُجِّهت الدعوة في {convened}، ومهلة الإشعار المقررة ({days}) تقتضي توجيهها في موعد"
    " أقصاه {latest}",
    "convened on {convened}, but {days} of notice required convening by {latest}",
)
NOT_YET_OPEN = Text("يُفتح باب الترشّح في {opens}", "nominations open on {opens}")
CLOSED = Text("أُغلق باب الترشّح في {closes}", "nominations closed on {closes}")
OBJECTIONS_CLOSED = Text(
    "انقضت مهلة الطعن في هذه النتيجة في {closes}",
    "the time for objections to this result ended on {closes}",
)


def _aware(at: dt.datetime, name: str) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")


def days_before(at: dt.datetime, days: int, zone: ZoneInfo) -> dt.datetime:
    """The same wall-clock time `days` calendar days earlier in the organization's zone."""
    local = at.astimezone(zone).replace(tzinfo=None) - dt.timedelta(days=days)
    return local.replace(tzinfo=zone)


def timeline(b: Bylaws, conference_at: dt.datetime) -> Timeline:
    """Every date the bylaws derive from the conference date, each with its article."""
    _aware(conference_at, "conference_at")
    zone = b.zone
    notice, window = b.conference.notice, b.candidacy.window
    objections = b.certification.objections
    return Timeline(
        conference_at=conference_at.astimezone(zone),
        latest_convening=Cited(days_before(conference_at, notice.days, zone), notice.article),
        nominations_open=Cited(
            days_before(conference_at, window.opens_days_before, zone), window.article
        ),
        nominations_close=Cited(
            days_before(conference_at, window.closes_days_before, zone), window.article
        ),
        objection_window=Cited(dt.timedelta(hours=objections.hours), objections.article),
    )


def notice_check(b: Bylaws, convened_at: dt.datetime, conference_at: dt.datetime) -> Decision:
    """Was the conference convened early enough for the notice period?"""
    _aware(convened_at, "convened_at")
    rule = b.conference.notice
    latest = timeline(b, conference_at).latest_convening.value
    if convened_at <= latest:
        return Decision(True, rule.article)
    text = render(
        LATE_NOTICE,
        {
            "convened": moment(convened_at, b.zone),
            "days": count(rule.days, "day"),
            "latest": moment(latest, b.zone),
        },
    )
    return Decision(False, rule.article, (Reason(rule.article, text),))


def nominations_open(b: Bylaws, at: dt.datetime, conference_at: dt.datetime) -> Decision:
    """Is the nomination window open at this instant (open inclusive, close exclusive)?"""
    _aware(at, "at")
    line = timeline(b, conference_at)
    article = line.nominations_open.article
    opens, closes = line.nominations_open.value, line.nominations_close.value
    if at < opens:
        text = render(NOT_YET_OPEN, {"opens": moment(opens, b.zone)})
        return Decision(False, article, (Reason(article, text),))
    if at >= closes:
        text = render(CLOSED, {"closes": moment(closes, b.zone)})
        return Decision(False, article, (Reason(article, text),))
    return Decision(True, article)


def objection_deadline(b: Bylaws, certified_at: dt.datetime) -> Cited[dt.datetime]:
    """Objections close a fixed number of elapsed hours (UTC) after certification."""
    _aware(certified_at, "certified_at")
    rule = b.certification.objections
    end = certified_at.astimezone(dt.UTC) + dt.timedelta(hours=rule.hours)
    return Cited(end.astimezone(b.zone), rule.article)


def objections_open(b: Bylaws, at: dt.datetime, closes: dt.datetime) -> Decision:
    """May an objection be filed at this instant, the window closing at `closes` (the
    `objection_deadline` of the certification)? Open until `closes`, exclusive."""
    _aware(at, "at")
    _aware(closes, "closes")
    article = b.certification.objections.article
    if at >= closes:
        text = render(OBJECTIONS_CLOSED, {"closes": moment(closes, b.zone)})
        return Decision(False, article, (Reason(article, text),))
    return Decision(True, article)
