"""The conference's records: its sittings with who attended and when, and the CSV files of
the delegates and of each sitting's attendance that the officers and the committee keep.

A check-in time is the first time the delegate was marked present in that sitting. The
attendance row keeps only the latest state (a delegate who left shows "checked out" and
the time they left), so the first check-in is read from the audit trail, where every
change of presence is an entry (`attendance.set_presence`).

The CSV files open in a spreadsheet as they are: UTF-8 with a byte order mark (so the
Arabic reads right), and every cell through `csv_safe`, so a name that starts with `=`
is shown as text, never evaluated. Times are on the organization's official clock, the
bylaws' time zone, named in the column's heading.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from congress.audit import actions
from congress.audit.models import AuditEntry
from congress.core.roll.export import csv_safe
from congress.extensions import db
from congress.i18n import zone_label

from .facts import bylaws_of
from .forms import DELEGATE_LABELS, PRESENCE_LABELS
from .models import Attendance, Conference, Delegate, Sitting


@dataclass(frozen=True)
class AttendanceLine:
    """One delegate in one sitting: the latest state, since when, and the first check-in."""

    delegate: Delegate
    state: str | None  # None: nothing recorded for this delegate in this sitting
    since: datetime | None
    checked_in_at: datetime | None


def sittings(conference: Conference) -> list[Sitting]:
    return list(
        db.session.execute(
            select(Sitting).where(Sitting.conference_id == conference.id).order_by(Sitting.number)
        ).scalars()
    )


def sitting_by_number(conference: Conference, number: int | None) -> Sitting | None:
    """The sitting with this number, or the latest one when no number is given."""
    query = select(Sitting).where(Sitting.conference_id == conference.id)
    if number is None:
        query = query.order_by(Sitting.number.desc()).limit(1)
    else:
        query = query.where(Sitting.number == number)
    return db.session.execute(query).scalar_one_or_none()


def delegates_of(conference: Conference) -> list[Delegate]:
    """Every delegate and alternate ever designated, by branch, kind and designation."""
    return list(
        db.session.execute(
            select(Delegate)
            .where(Delegate.conference_id == conference.id)
            .order_by(Delegate.branch_id, Delegate.kind, Delegate.id)
        ).scalars()
    )


def _first_check_ins(conference: Conference, sitting: Sitting) -> dict[int, datetime]:
    """delegate id -> the first time they were marked present in this sitting."""
    first: dict[int, datetime] = {}
    rows = db.session.execute(
        select(AuditEntry.subject, AuditEntry.at, AuditEntry.data)
        .where(
            AuditEntry.action == actions.ATTENDANCE_CHANGED,
            AuditEntry.at >= sitting.opened_at,
        )
        .order_by(AuditEntry.seq)
    ).all()
    for subject, at, data in rows:
        facts = json.loads(data)
        if (
            facts.get("conference") != conference.id
            or facts.get("sitting") != sitting.number
            or facts.get("state") != "present"
            or not subject.startswith("delegate:")
        ):
            continue
        first.setdefault(int(subject.split(":", 1)[1]), at)
    return first


def attendance_of(sitting: Sitting) -> list[AttendanceLine]:
    """Who was recorded in the sitting, and every accredited delegate who was not."""
    conference = db.session.get(Conference, sitting.conference_id)
    rows = {
        a.delegate_id: a
        for a in db.session.execute(
            select(Attendance).where(Attendance.sitting_id == sitting.id)
        ).scalars()
    }
    check_ins = _first_check_ins(conference, sitting)
    lines = []
    for delegate in delegates_of(conference):
        row = rows.get(delegate.id)
        if row is None and delegate.status != "accredited":
            continue
        checked_in = check_ins.get(delegate.id)
        if checked_in is None and row is not None and row.state == "present":
            checked_in = row.changed_at  # no entry found: the row is the only witness
        lines.append(
            AttendanceLine(
                delegate,
                row.state if row else None,
                row.changed_at if row else None,
                checked_in,
            )
        )
    return lines


# --- CSV ---------------------------------------------------------------------------------


def _csv(headings: list[str], rows: Iterable[list[object]]) -> str:
    out = io.StringIO(newline="")
    out.write("\ufeff")  # so that a spreadsheet reads the file as UTF-8
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_safe(h) for h in headings])
    for row in rows:
        writer.writerow([csv_safe(value) for value in row])
    return out.getvalue()


def _clock(conference: Conference):
    zone = bylaws_of(conference).zone

    def at(value: datetime | None) -> str:
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S") if value else ""

    return str(zone), at


def delegates_csv(conference: Conference) -> str:
    """Name, number, branch, kind and status of every delegate, in the reader's language."""
    headings = [
        _("Name"),
        _("Name (Latin)"),
        _("Member number"),
        _("Branch code"),
        _("Branch"),
        _("As"),
        _("Status"),
        _("Replaces"),
    ]
    rows = delegates_of(conference)
    by_id = {d.id: d for d in rows}
    return _csv(
        headings,
        (
            [
                d.member.name_ar,
                d.member.name_latin,
                d.member.number,
                d.branch.code,
                d.branch.name_ar,
                str(DELEGATE_LABELS[d.kind]),
                str(DELEGATE_LABELS[d.status]),
                by_id[d.replaces_id].member.number if d.replaces_id in by_id else "",
            ]
            for d in rows
        ),
    )


def attendance_csv(sitting: Sitting) -> str:
    """One line per delegate of the sitting: presence, first check-in, latest change."""
    conference = db.session.get(Conference, sitting.conference_id)
    zone, at = _clock(conference)
    headings = [
        _("Sitting"),
        _("Name"),
        _("Name (Latin)"),
        _("Member number"),
        _("Branch code"),
        _("As"),
        _("Presence"),
        _("Checked in at (%(zone)s)", zone=zone_label(zone)),
        _("Last change at (%(zone)s)", zone=zone_label(zone)),
    ]
    return _csv(
        headings,
        (
            [
                sitting.number,
                line.delegate.member.name_ar,
                line.delegate.member.name_latin,
                line.delegate.member.number,
                line.delegate.branch.code,
                str(DELEGATE_LABELS[line.delegate.kind]),
                str(PRESENCE_LABELS[line.state]) if line.state else _("not recorded"),
                at(line.checked_in_at),
                at(line.since),
            ]
            for line in attendance_of(sitting)
        ),
    )
