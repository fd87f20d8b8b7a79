from flask import Blueprint, redirect, render_template, url_for
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


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for it whatever the page declares: the icon, not a 404."""
    return redirect(url_for("static", filename="favicon.svg"), 301)


@bp.route("/healthz")
def healthz():
    """Liveness for the reverse proxy; reveals nothing about the installation."""
    return "ok\n", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
