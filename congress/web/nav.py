"""Navigation by role: each domain adds its entries here, the layout shows those allowed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from congress.auth import roles
from congress.i18n import language


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    label: object
    allowed: Callable[[object], bool]


def _any_role(*names: str) -> Callable[[object], bool]:
    return lambda user: user.is_authenticated and any(user.has_role(n) for n in names)


def _everyone(_user) -> bool:
    return True


def _logged_in(user) -> bool:
    return user.is_authenticated


ENTRIES: list[NavEntry] = [
    NavEntry("web.home", _l("Home"), _everyone),
    NavEntry("candidacy.current", _l("Candidates"), _logged_in),
    NavEntry(
        "audit.entries", _l("Audit log"), _any_role(roles.OBSERVER, roles.ADMIN, roles.COMMITTEE)
    ),
    NavEntry("auth.users", _l("Users"), _any_role(roles.ADMIN)),
    NavEntry("bylaws.upload", _l("Upload bylaws"), _any_role(roles.ADMIN)),
]


def add(
    endpoint: str,
    label,
    allowed: Callable[[object], bool] = _everyone,
    *,
    before: str | None = None,
) -> None:
    entry = NavEntry(endpoint, label, allowed)
    if before:
        for i, existing in enumerate(ENTRIES):
            if existing.endpoint == before:
                ENTRIES.insert(i, entry)
                return
    ENTRIES.append(entry)


def init_app(app: Flask) -> None:
    @app.context_processor
    def _nav_context() -> dict:
        def nav_items() -> list[dict]:
            items = []
            for entry in ENTRIES:
                if entry.endpoint in current_app.view_functions and entry.allowed(current_user):
                    items.append(
                        {
                            "url": url_for(entry.endpoint),
                            "label": entry.label,
                            "current": request.endpoint == entry.endpoint,
                        }
                    )
            return items

        org = current_app.config["ORG_NAME_EN" if language() == "en" else "ORG_NAME_AR"]
        return {"nav_items": nav_items, "org_name": org, "role_labels": roles.LABELS}
