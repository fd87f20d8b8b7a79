"""Published lists and candidate pages; the member and committee views register here too."""

from __future__ import annotations

from flask import Response, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from congress.conference import operations as conference_ops
from congress.conference.facts import bylaws_of
from congress.conference.operations import on_committee
from congress.extensions import db
from congress.models_common import utcnow

from . import committee_views, endorsement_views, listing, member_views, statements
from .blueprint import bp, get_conference, visible
from .common import active_delegate, elected_bodies, nomination_window
from .models import Candidacy
from .pages import render_candidate

__all__ = ["bp", "committee_views", "endorsement_views", "member_views"]


@bp.route("/candidates")
@login_required
def current():
    """The navigation's entry: the candidates of the conference the site is about."""
    conference = conference_ops.current(drafts=conference_ops.sees_drafts(current_user))
    if conference is None:
        abort(404)
    return redirect(url_for("candidacy.index", conference_id=conference.id))


@bp.route("/conferences/<int:conference_id>/candidates")
@login_required
def index(conference_id: int):
    conference = get_conference(conference_id)
    rules = bylaws_of(conference)
    counts = dict(
        db.session.execute(
            select(Candidacy.body, func.count(Candidacy.id))
            .where(Candidacy.conference_id == conference.id, Candidacy.status == "approved")
            .group_by(Candidacy.body)
        ).all()
    )
    now = utcnow()
    bodies = [
        (key, rules.body(key), counts.get(key, 0), nomination_window(conference, key, now))
        for key in elected_bodies(rules)
    ]
    return render_template(
        "candidacy/index.html",
        conference=conference,
        bodies=bodies,
        committee=on_committee(conference, current_user),
        delegate=active_delegate(conference, current_user.member_id) is not None,
    )


@bp.route("/conferences/<int:conference_id>/candidates/<body>")
@login_required
def published(conference_id: int, body: str):
    """Readable by every logged-in user: anonymous visitors are not shown who stands."""
    conference = get_conference(conference_id)
    rules = bylaws_of(conference)
    if body not in elected_bodies(rules):
        abort(404)
    rows = listing.ballot_list(conference, body)
    quota_groups = [q.group for q in rules.ballot_rules(body).quotas]
    return render_template(
        "candidacy/list.html",
        conference=conference,
        body=body,
        rules=rules,
        ballot=rules.ballot_rules(body),
        rows=[(c, listing.groups_of(conference, c)) for c in rows],
        quota_groups=quota_groups,
        excerpt=statements.excerpt,
        frozen=listing.ballot_opened(conference, body),
    )


@bp.route("/conferences/<int:conference_id>/candidacies/<int:candidacy_id>")
@login_required
def candidate(conference_id: int, candidacy_id: int):
    """The shareable page of one candidate."""
    conference = get_conference(conference_id)
    return render_candidate(conference, visible(conference, candidacy_id))


@bp.route("/conferences/<int:conference_id>/candidacies/<int:candidacy_id>/photo.jpg")
@login_required
def photo(conference_id: int, candidacy_id: int):
    """Served from our host, re-encoded at upload: no metadata, no third-party request."""
    conference = get_conference(conference_id)
    candidacy = visible(conference, candidacy_id)
    if candidacy.photo is None:
        abort(404)
    etag = candidacy.photo_sha256
    if request.if_none_match.contains(etag):
        return Response(status=304, headers={"ETag": f'"{etag}"'})
    response = Response(candidacy.photo, mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["ETag"] = f'"{etag}"'
    response.headers["Content-Disposition"] = "inline"
    return response
