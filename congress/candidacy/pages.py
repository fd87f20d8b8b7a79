"""The candidate page, rendered by the public, member and committee views alike."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from congress.conference.facts import bylaws_of
from congress.conference.operations import on_committee
from congress.core.rules import RuleRefused
from congress.i18n import language
from congress.models_common import utcnow

from . import endorsements, listing, review, statements
from .blueprint import is_candidate, the_member
from .common import nomination_window
from .forms import ObjectionDecisionForm, ObjectionForm, ReasonForm, RejectForm


def render_candidate(conference, candidacy, *, refusal=None, error=None, status=200):
    """The candidate's page: the statement for everyone, the actions each reader may take."""
    rules = bylaws_of(conference)
    now = utcnow()
    committee = on_committee(conference, current_user)
    member = the_member()
    endorser_refusal = endorsements.endorser_refusal(conference, candidacy.body, member)
    mine = endorsements.given_by(conference, candidacy.body, member) if member else []
    reject_form = RejectForm()
    reject_form.article.choices = [
        (a.number, f"{a.number} · {a.title.get(language())}") for a in rules.articles()
    ]
    reject_form.article.data = reject_form.article.data or rules.candidacy.eligibility.article
    return render_template(
        "candidacy/candidate.html",
        conference=conference,
        c=candidacy,
        rules=rules,
        body_rule=rules.body(candidacy.body),
        groups=listing.groups_of(conference, candidacy),
        committee=committee,
        own=is_candidate(candidacy, current_user),
        facts=review.facts_of(candidacy)
        if committee or is_candidate(candidacy, current_user)
        else None,
        endorsers=endorsements.endorsers_of(candidacy) if committee else [],
        endorsement_rules=endorsements.rules_for(conference, candidacy.body),
        endorsement_count=endorsements.count_of(candidacy),
        may_endorse=member is not None
        and endorser_refusal is None
        and member.id != candidacy.member_id
        and candidacy.status in endorsements.OPEN_TO_ENDORSEMENT,
        endorsed=any(e.candidacy_id == candidacy.id for e in mine),
        editable=statements.editable(candidacy, conference, now),
        window=nomination_window(conference, candidacy.body, now),
        deadline=review.objection_deadline(candidacy),
        now=now,
        frozen=listing.ballot_opened(conference, candidacy.body),
        reason_form=ReasonForm(),
        reject_form=reject_form,
        objection_form=ObjectionForm(),
        decision_form=ObjectionDecisionForm(),
        refusal=refusal,
        error=error,
    ), status


def refused(conference, candidacy, problem: Exception, status: int = 409):
    """Re-render the candidate page with the refusal; the status rolls the request back."""
    if isinstance(problem, RuleRefused):
        return render_candidate(conference, candidacy, refusal=problem, status=status)
    return render_candidate(conference, candidacy, error=str(problem), status=status)
