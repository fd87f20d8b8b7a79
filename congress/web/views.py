from flask import Blueprint, render_template
from flask_login import current_user

from congress.conference import operations as conference_ops

from . import dashboard

bp = Blueprint("web", __name__)


@bp.route("/")
def home():
    """Each person's work, found from here by clicking: what waits for them, by role."""
    conference = conference_ops.current(drafts=conference_ops.sees_drafts(current_user))
    return render_template(
        "web/home.html",
        conference=conference,
        sections=dashboard.sections(current_user, conference),
        certified=dashboard.certified(conference),
    )


@bp.route("/healthz")
def healthz():
    """Liveness for the reverse proxy; reveals nothing about the installation."""
    return "ok\n", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
