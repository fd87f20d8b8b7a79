"""The roles of DESIGN.md. A delegate is not a role: it follows from the conference."""

from flask_babel import lazy_gettext as _l

ADMIN = "administrator"
CREDENTIALS = "credentials_officer"
COMMITTEE = "election_committee"
OBSERVER = "observer"
# makes the voters' credentials of verifiable polls on their own computer; never an
# administrator (with the server, they could vote in the place of any delegate)
AUTHORITY = "credential_authority"

ALL = (ADMIN, CREDENTIALS, COMMITTEE, OBSERVER, AUTHORITY)

LABELS = {
    ADMIN: _l("Administrator"),
    CREDENTIALS: _l("Credentials officer"),
    COMMITTEE: _l("Election committee"),
    OBSERVER: _l("Observer"),
    AUTHORITY: _l("Credential authority"),
}
