"""The candidacy blueprint and what its views share: lookups, visibility, refusals."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from congress.conference.models import Conference
from congress.conference.operations import on_committee
from congress.extensions import db

from .common import active_delegate
from .forms import OUTCOME_LABELS, STATUS_LABELS
from .models import Candidacy
from .statements import paragraphs

bp = Blueprint("candidacy", __name__)


@bp.app_template_filter("paragraphs")
def _paragraphs(text: str) -> list[list[str]]:
    return paragraphs(text or "")


@bp.app_context_processor
def _labels() -> dict:
    return {"candidacy_labels": STATUS_LABELS, "outcome_labels": OUTCOME_LABELS}


def get_conference(conference_id: int) -> Conference:
    return db.session.get(Conference, conference_id) or abort(404)


def get_candidacy(conference: Conference, candidacy_id: int) -> Candidacy:
    candidacy = db.session.get(Candidacy, candidacy_id)
    if candidacy is None or candidacy.conference_id != conference.id:
        abort(404)
    return candidacy


def is_candidate(candidacy: Candidacy, user) -> bool:
    return user.is_authenticated and user.member_id == candidacy.member_id


def can_see(conference: Conference, candidacy: Candidacy, user) -> bool:
    """Approved candidacies are published to every logged-in user; the others are seen by
    the candidate, the committee, and delegates (who endorse them)."""
    if not user.is_authenticated:
        return False
    if candidacy.status == "approved" or is_candidate(candidacy, user):
        return True
    if on_committee(conference, user):
        return True
    if candidacy.status not in ("proposed", "submitted"):
        return False
    if active_delegate(conference, user.member_id) is not None:
        return True
    # whoever may endorse candidacies for this body (e.g. the Central Council's members
    # for the Coordination Office) sees the pending ones
    from congress.members.models import Member

    from .endorsements import endorser_refusal

    member = db.session.get(Member, user.member_id) if user.member_id else None
    return member is not None and endorser_refusal(conference, candidacy.body, member) is None


def visible(conference: Conference, candidacy_id: int) -> Candidacy:
    candidacy = get_candidacy(conference, candidacy_id)
    if not can_see(conference, candidacy, current_user):
        abort(404)  # existence is not revealed either
    return candidacy


def the_member():
    """The member record of the logged-in user, if the account is linked to one."""
    from congress.members.models import Member

    member_id = getattr(current_user, "member_id", None)
    return db.session.get(Member, member_id) if member_id else None
