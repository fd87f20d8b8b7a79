"""Times typed in a form are wall-clock times in the user's zone; stored in UTC.

`datetime.replace(tzinfo=...)` with a pytz zone (what Flask-Babel's `get_timezone()`
returns) takes the zone's first offset, Local Mean Time: Damascus' is +2:25, so 10:00
became 10:35. zoneinfo is right, with two cases to decide: a time skipped by a daylight
saving change does not exist (refused, with the hour that follows), and a time that
happens twice is taken at its first occurrence (summer time), as a clock would read it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError


def user_zone() -> ZoneInfo:
    from congress.i18n import select_timezone

    return ZoneInfo(select_timezone())


def exists(local: datetime, zone: ZoneInfo) -> bool:
    """False for a wall-clock time skipped by a daylight saving change."""
    aware = local.replace(tzinfo=zone, fold=0)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == local


def to_utc(local: datetime | None, zone: ZoneInfo | None = None) -> datetime | None:
    """A naive wall-clock time of `zone` (the user's by default) as an aware UTC time."""
    if local is None:
        return None
    zone = zone or user_zone()
    return local.replace(tzinfo=zone, fold=0).astimezone(UTC)


def to_local(at: datetime | None, zone: ZoneInfo | None = None) -> datetime | None:
    """The naive wall-clock time a form shows for a stored UTC time."""
    if at is None:
        return None
    return at.astimezone(zone or user_zone()).replace(tzinfo=None)


def existing_local_time(form, field) -> None:
    """A WTForms validator: refuse a time the user's clock never shows (the hour skipped
    when daylight saving time begins)."""
    if field.data is None or field.errors:  # a date out of range was refused already
        return
    try:
        real = exists(field.data, user_zone())
    except (OverflowError, ValueError):
        raise ValidationError(_l("Choose a date between the years 2000 and 2100.")) from None
    if not real:
        raise ValidationError(
            _l("This time does not exist in your time zone (the clocks skip it): choose another.")
        )
