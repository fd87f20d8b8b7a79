"""Navigation by role: the layout shows the entries the person may use, each pointing at
the conference the site is about (the one in session, else the latest convened)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app, g, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from congress.auth import roles
from congress.i18n import language


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    label: object
    allowed: Callable[[object], bool]
    per_conference: bool = False  # the URL takes the current conference's id


def _any_role(*names: str) -> Callable[[object], bool]:
    return lambda user: user.is_authenticated and any(user.has_role(n) for n in names)


def _everyone(_user) -> bool:
    return True


def _logged_in(user) -> bool:
    return user.is_authenticated


STAFF = (roles.ADMIN, roles.CREDENTIALS, roles.COMMITTEE, roles.OBSERVER)

ENTRIES: list[NavEntry] = [
    NavEntry("web.home", _l("Home"), _everyone),
    NavEntry("conference.page", _l("Conference"), _everyone, per_conference=True),
    NavEntry("voting.index", _l("Polls"), _logged_in, per_conference=True),
    NavEntry("candidacy.index", _l("Candidates"), _logged_in, per_conference=True),
    NavEntry("minutes.bodies_page", _l("Results"), _logged_in, per_conference=True),
    NavEntry("delegates.index", _l("Delegates"), _any_role(*STAFF), per_conference=True),
    NavEntry("members.index", _l("Members"), _any_role(roles.CREDENTIALS, roles.ADMIN)),
    NavEntry(
        "audit.entries", _l("Audit log"), _any_role(roles.OBSERVER, roles.ADMIN, roles.COMMITTEE)
    ),
    NavEntry("auth.users", _l("Users"), _any_role(roles.ADMIN)),
    NavEntry("bylaws.page", _l("Bylaws"), _everyone),
]


def add(
    endpoint: str,
    label,
    allowed: Callable[[object], bool] = _everyone,
    *,
    before: str | None = None,
    per_conference: bool = False,
) -> None:
    """For a domain that brings its own top-level page."""
    entry = NavEntry(endpoint, label, allowed, per_conference)
    if before:
        for i, existing in enumerate(ENTRIES):
            if existing.endpoint == before:
                ENTRIES.insert(i, entry)
                return
    ENTRIES.append(entry)


def current_conference():
    """Once per request: the conference the navigation points at."""
    if "nav_conference" not in g:
        from congress.conference import operations

        g.nav_conference = operations.current(drafts=operations.sees_drafts(current_user))
    return g.nav_conference


def init_app(app: Flask) -> None:
    @app.context_processor
    def _nav_context() -> dict:
        def nav_items() -> list[dict]:
            if "nav_items" in g:  # once per request (a fixed-size page renders twice)
                return g.nav_items
            items = []
            conference = None
            for entry in ENTRIES:
                if entry.endpoint not in current_app.view_functions:
                    continue
                if not entry.allowed(current_user):
                    continue
                kwargs = {}
                if entry.per_conference:
                    conference = conference or current_conference()
                    if conference is None:
                        continue
                    kwargs["conference_id"] = conference.id
                here = request.endpoint == entry.endpoint and (
                    not entry.per_conference
                    or (request.view_args or {}).get("conference_id") == kwargs["conference_id"]
                )
                items.append(
                    {
                        "url": url_for(entry.endpoint, **kwargs),
                        "label": entry.label,
                        "current": here,
                    }
                )
            g.nav_items = items
            return items

        org = current_app.config["ORG_NAME_EN" if language() == "en" else "ORG_NAME_AR"]
        return {"nav_items": nav_items, "org_name": org, "role_labels": roles.LABELS}
