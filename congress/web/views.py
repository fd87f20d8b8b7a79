from flask import Blueprint, render_template

bp = Blueprint("web", __name__)


@bp.route("/")
def home():
    return render_template("web/home.html")


@bp.route("/healthz")
def healthz():
    """Liveness for the reverse proxy; reveals nothing about the installation."""
    return "ok\n", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
