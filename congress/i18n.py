"""Language and time zone per user (or cookie before login); locale-aware formatting."""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_babel import format_datetime, format_decimal, format_timedelta, get_locale
from flask_login import current_user
from markupsafe import Markup

from congress.models_common import utcnow

RTL = {"ar", "fa", "he", "ur"}


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    cookie = request.cookies.get("lang") if request else None
    if cookie in languages:
        return cookie
    return current_app.config["DEFAULT_LANGUAGE"]


def select_timezone() -> str:
    if current_user and current_user.is_authenticated and current_user.timezone:
        return current_user.timezone
    return current_app.config["TIMEZONE"]


def isolate(text: object) -> str:
    """Typed text inside a plain-text message (a flash, a refusal): wrapped in Unicode's
    first-strong isolate, the plain-text <bdi>, so an override inside it stays inside."""
    return f"\u2068{text}\u2069"


def language() -> str:
    return str(get_locale() or current_app.config["DEFAULT_LANGUAGE"])


def direction() -> str:
    return "rtl" if language().split("_")[0] in RTL else "ltr"


def init_app(app: Flask) -> None:
    from .extensions import babel

    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories="translations",
    )

    @app.context_processor
    def _i18n_context() -> dict:
        return {"lang": language(), "dir": direction()}

    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": (
        (_medium(value) if fmt == "medium" else format_datetime(value, fmt)) if value else ""
    )
    app.jinja_env.filters["number"] = lambda value: format_decimal(value)
    app.jinja_env.filters["time_left"] = lambda at: format_timedelta(
        at - utcnow(), granularity="minute", threshold=1.5
    )
    # text someone typed, shown inline: isolated for direction, so that a right-to-left
    # override inside it cannot reorder the words around it (issue 14.11)
    app.jinja_env.filters["bdi"] = lambda value: Markup("<bdi>%s</bdi>") % value


# Where the organization's members live; any IANA zone is accepted from configuration.
COMMON_ZONES = (
    "Asia/Damascus",
    "Asia/Beirut",
    "Asia/Amman",
    "Europe/Istanbul",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Amsterdam",
    "Europe/Stockholm",
    "Europe/London",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "UTC",
)


def zone_label(zone: object) -> str:
    """A time zone as the reader says it: the city in Arabic ('دمشق'), the IANA name in
    English; a zone without an Arabic name is shown as its IANA name in both."""
    from congress.core.bylaws.wording import zone as bilingual

    return bilingual(str(zone)).get(language())


def zone_choices() -> list[tuple[str, str]]:
    return [(z, zone_label(z).replace("_", " ")) for z in COMMON_ZONES]


def _medium(value) -> str:
    """A date as "medium" and its time to the minute: seconds say nothing to a reader."""
    from babel.dates import get_datetime_format
    from flask_babel import format_date, format_time, get_locale

    pattern = get_datetime_format("medium", locale=get_locale())
    date, time = format_date(value, "medium"), format_time(value, "short")
    return pattern.replace("{1}", date).replace("{0}", time)
