"""The committee's turnout by name and its reminders (when the bylaws allow them)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import ngettext
from flask_login import current_user

from congress.auth import roles
from congress.auth.decorators import fresh_login_required, requires
from congress.core.rules import RuleRefused
from congress.i18n import language

from . import polls, turnout
from .views import committee_only, get_poll

bp = Blueprint("turnout", __name__)


@bp.route("/polls/<int:poll_id>/turnout")
@requires(roles.COMMITTEE)
def names(poll_id: int):
    poll = get_poll(poll_id)
    conference = committee_only(poll)
    voted, _ballots = polls.counts(poll)
    try:
        groups = turnout.not_yet_voted(poll)
    except RuleRefused as refused:
        return render_template(
            "voting/turnout.html",
            poll=poll,
            conference=conference,
            refusal=refused,
            groups=[],
            voted=voted,
            rule=None,
        ), 409
    return render_template(
        "voting/turnout.html",
        poll=poll,
        conference=conference,
        groups=groups,
        voted=voted,
        rule=turnout.rule_of(poll),
        refusal=None,
    )


@bp.route("/polls/<int:poll_id>/remind", methods=["POST"])
@requires(roles.COMMITTEE)
@fresh_login_required
def remind(poll_id: int):
    poll = get_poll(poll_id)
    committee_only(poll)
    try:
        sent = turnout.remind(poll, actor=current_user)
    except RuleRefused as refused:
        flash(f"{refused.text(language())} — {refused.article}", "error")
        return redirect(url_for("turnout.names", poll_id=poll.id), 303)
    flash(
        ngettext("%(num)d reminder sent.", "%(num)d reminders sent.", sent),
        "success",
    )
    return redirect(url_for("turnout.names", poll_id=poll.id))
