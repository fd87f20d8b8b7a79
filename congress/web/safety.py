"""Input that must never reach a query or a header: redirect targets, ids, dates, NULs."""

from urllib.parse import urlsplit

from flask import Flask, abort, request, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter
from wtforms.validators import ValidationError

DB_INT_MAX = 2**31 - 1


def db_int(value: object) -> int:
    """An id from a form or query string, within what every database stores; ValueError
    (so `request.form.get(..., type=db_int)` gives None) for anything else."""
    number = int(str(value))
    if not 0 < number <= DB_INT_MAX:
        raise ValueError(value)
    return number


def safe_next(target: str | None, default: str | None = None) -> str:
    """Only a local path is accepted: no scheme, no host, no backslash or control tricks."""
    default = default or url_for("web.home")
    if not target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return default
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
    ):
        return default
    return target


def sane_datetime(form, field) -> None:
    """A WTForms validator: dates a conference or a poll can really have (years 2000-2100);
    anything else would overflow time zone arithmetic."""
    value = field.data
    if value is not None and not 2000 <= value.year <= 2100:
        raise ValidationError(_l("Choose a date between the years 2000 and 2100."))


class BoundedInt(IntegerConverter):
    """`<int:...>` in every URL: an id beyond what the database stores is a 404, not an
    overflow deep in a query."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", DB_INT_MAX)
        super().__init__(url_map, *args, **kwargs)


def install_request_guards(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedInt

    @app.before_request
    def _refuse_nul() -> None:
        """PostgreSQL text cannot hold NUL: refuse it at the door, on every backend alike."""
        for values in (request.args, request.form):
            for key, value in values.items(multi=True):
                if "\x00" in key or "\x00" in value:
                    abort(400)
