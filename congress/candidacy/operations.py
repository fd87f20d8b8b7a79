"""The candidacy use cases in one place, for other domains and the views.

Each use case lives in its own module (nominations, endorsements, statements,
photos, review, withdrawal, listing); this module names the public entry points.
"""

from __future__ import annotations

from .common import (
    CandidacyError,
    NotAllowed,
    ballot_opened,
    check_eligibility,
    elected_bodies,
    members_of,
    nomination_window,
)
from .endorsements import endorse, withdraw_endorsement
from .listing import ballot_list, excluded, feasibility, freeze_list
from .nominations import accept, decline, nominate_self, propose
from .photos import PhotoRefused, remove_photo, set_photo
from .review import approve, decide_objection, file_objection, reject
from .statements import update_statement
from .withdrawal import mark_withdrawn_by_committee, withdraw

__all__ = [
    "CandidacyError",
    "NotAllowed",
    "PhotoRefused",
    "accept",
    "approve",
    "ballot_list",
    "ballot_opened",
    "check_eligibility",
    "decide_objection",
    "decline",
    "elected_bodies",
    "endorse",
    "excluded",
    "feasibility",
    "file_objection",
    "freeze_list",
    "mark_withdrawn_by_committee",
    "members_of",
    "nominate_self",
    "nomination_window",
    "propose",
    "reject",
    "remove_photo",
    "set_photo",
    "update_statement",
    "withdraw",
    "withdraw_endorsement",
]
