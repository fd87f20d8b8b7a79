"""The roles of DESIGN.md. A delegate is not a role: it follows from the conference."""

from flask_babel import lazy_gettext as _l

ADMIN = "administrator"
CREDENTIALS = "credentials_officer"
COMMITTEE = "election_committee"
OBSERVER = "observer"

ALL = (ADMIN, CREDENTIALS, COMMITTEE, OBSERVER)

LABELS = {
    ADMIN: _l("Administrator"),
    CREDENTIALS: _l("Credentials officer"),
    COMMITTEE: _l("Election committee"),
    OBSERVER: _l("Observer"),
}
