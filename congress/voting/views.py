"""Polls for the committee, ballots for delegates, the bulletin board for everyone."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from congress.auth import roles
from congress.auth.decorators import fresh_login_required, requires
from congress.conference.models import Conference, InvalidTransition
from congress.conference.operations import on_committee
from congress.core.ballot import RANKED, InvalidBallot, tracker_groups
from congress.core.rules import RuleRefused
from congress.extensions import db
from congress.i18n import language
from congress.web.fixed_size import fixed_size
from congress.web.safety import db_int

from . import ballot_token, board, casting, polls
from .forms import ANSWER_LABELS, LEVEL_SHORT, METHOD_LABELS, POLL_STATES
from .models import Poll

bp = Blueprint("voting", __name__)


@bp.app_context_processor
def _labels() -> dict:
    return {
        "poll_states": POLL_STATES,
        "method_labels": METHOD_LABELS,
        "answer_labels": ANSWER_LABELS,
        "level_labels": LEVEL_SHORT,
    }


def get_poll(poll_id: int) -> Poll:
    return db.session.get(Poll, poll_id) or abort(404)


def committee_only(poll_or_conference) -> Conference:
    """Committee rights are per conference: the role alone is not enough."""
    conference_id = getattr(poll_or_conference, "conference_id", None) or poll_or_conference.id
    conference = db.session.get(Conference, conference_id)
    if not on_committee(conference, current_user):
        abort(403)
    return conference


class NotOnRoll(Exception):
    def __init__(self, poll: Poll):
        self.poll = poll


def _for_voter(poll_id: int) -> tuple[Poll, bool]:
    """The poll and whether the member has voted in it: 404 without such a poll; a member
    not on its roll gets no voting form but is told why, with the article (NotOnRoll)."""
    poll, voted = casting.poll_and_mark(poll_id, current_user.member_id)
    if poll is None:
        abort(404)
    if voted is None:
        raise NotOnRoll(poll)
    return poll, voted


@bp.errorhandler(NotOnRoll)
def _not_on_roll(refused: NotOnRoll):
    poll = refused.poll
    article = poll.frozen_rules.get("electorate_article", "")
    return render_template("voting/not_on_roll.html", poll=poll, article=article), 403


def _candidates(poll: Poll) -> dict:
    return board.candidates(poll) if poll.kind == "election" else {}


ANSWER_CODES = {"y": "yes", "n": "no", "a": "abstain"}  # the ballot form posts one letter


def _choices(poll: Poll | None = None) -> dict:
    """The voter's choices as posted: checkboxes, rank fields or a motion answer; or, from
    the review page, the sealed reviewed ballot (BadToken when it is not this poll's)."""
    token = request.form.get("ballot")
    if token and poll is not None:
        spec = casting.spec_of(poll.frozen_rules)
        return ballot_token.as_choices(ballot_token.open_choice(token[:4096], poll.id, spec))
    answer = request.form.get("answer")
    return {
        "marks": request.form.getlist("mark")[:500],
        "ranks": {k[5:]: v for k, v in list(request.form.items())[:600] if k.startswith("rank-")},
        "answer": ANSWER_CODES.get(answer, answer),
    }


def _ballot_page(poll: Poll, choices: dict, problems=(), status: int = 200):
    """The ballot form; shown again with choices (a change, a problem) it has one size
    whatever they are (web/fixed_size.py)."""

    def render(**worst):
        context = {
            "poll": poll,
            "candidates": _candidates(poll),
            "problems": problems,
            "chosen": set(choices["marks"]),
            "ranks": choices["ranks"],
            "answer": choices["answer"],
        }
        return render_template("voting/ballot.html", **{**context, **worst})

    if request.method == "GET":  # an empty ballot: nothing chosen, nothing to hide
        return render(), status
    everyone = [str(c) for c in casting.spec_of(poll.frozen_rules).candidates]
    worst = {
        "chosen": set(everyone),
        "ranks": {c: str(len(everyone)) for c in everyone},
        "answer": "abstain",
        "problems": (),
    }
    return fixed_size(render, worst, status)


# --- lists and the poll page -------------------------------------------------------------


@bp.route("/conferences/<int:conference_id>/polls")
@login_required
def index(conference_id: int):
    conference = db.session.get(Conference, conference_id) or abort(404)
    rows = (
        db.session.execute(
            select(Poll).where(Poll.conference_id == conference.id).order_by(Poll.id.desc())
        )
        .scalars()
        .all()
    )
    voted = {p.id: casting.has_voted(p.id, current_user.member_id) for p in rows}
    return render_template(
        "voting/index.html",
        conference=conference,
        polls=rows,
        voted=voted,
        committee=on_committee(conference, current_user),
    )


@bp.route("/polls/<int:poll_id>")
@login_required
def page(poll_id: int):
    poll = get_poll(poll_id)
    conference = db.session.get(Conference, poll.conference_id)
    voted, ballots = polls.counts(poll)
    return render_template(
        "voting/poll.html",
        poll=poll,
        conference=conference,
        voted=voted,
        ballots=ballots,
        my_vote=casting.has_voted(poll.id, current_user.member_id),
        committee=on_committee(conference, current_user),
        candidates=_candidates(poll),
        decryption=_decryption(poll),
    )


def _decryption(poll: Poll) -> dict | None:
    """A closed verifiable poll's decryption, for the committee: how many trustees of how
    many needed have sent theirs, and whether the totals are in (then it can be counted)."""
    if poll.level != "verifiable" or poll.state != "closed":
        return None
    from congress.verifiable import polls as verifiable
    from congress.verifiable.models import TrusteeSetup

    vp = verifiable.of(poll)
    setup = db.session.get(TrusteeSetup, poll.conference_id)
    return {
        "sent": len(verifiable.partial_owners(poll)),
        "needed": setup.threshold if setup else 0,
        "done": bool(vp and vp.result),
    }


# --- the committee moves polls ------------------------------------------------------------


@bp.route("/conferences/<int:conference_id>/polls/new", methods=["GET", "POST"])
@requires(roles.COMMITTEE)
@fresh_login_required
def create(conference_id: int):
    conference = committee_only(db.session.get(Conference, conference_id) or abort(404))
    from .creation import create_from_form

    return create_from_form(conference)


@bp.route("/polls/<int:poll_id>/<action>", methods=["POST"])
@requires(roles.COMMITTEE)
@fresh_login_required
def transition(poll_id: int, action: str):
    poll = get_poll(poll_id)
    committee_only(poll)
    if action not in ("open", "close", "annul"):
        abort(404)
    if request.form.get("confirm") != "yes":  # the box on the form: no change unconfirmed
        flash(_("Tick the box to confirm; nothing was changed."), "error")
        return redirect(url_for("voting.page", poll_id=poll.id), 303)
    try:
        if action == "open":
            polls.open_poll(poll, actor=current_user)
            flash(_("The poll is open."), "success")
        elif action == "close":
            polls.close_poll(poll, actor=current_user)
            flash(_("The poll is closed. The bulletin board is published."), "success")
        elif action == "annul":
            polls.annul(poll, request.form.get("reason", "")[:1000], actor=current_user)
            flash(_("The poll is annulled."), "success")
        else:
            abort(404)
    except RuleRefused as refused:
        conference = db.session.get(Conference, poll.conference_id)
        voted, ballots = polls.counts(poll)
        return render_template(
            "voting/poll.html",
            poll=poll,
            conference=conference,
            voted=voted,
            ballots=ballots,
            my_vote=None,
            committee=True,
            refusal=refused,
            candidates=_candidates(poll),
        ), 409
    except polls.PollError as refused:
        flash(str(refused), "error")
        return redirect(url_for("voting.page", poll_id=poll.id), 303)
    except InvalidTransition:
        flash(_("This poll cannot do that from its present state."), "error")
        return redirect(url_for("voting.page", poll_id=poll.id), 303)
    return redirect(url_for("voting.page", poll_id=poll.id))


# --- voting ------------------------------------------------------------------------------


@bp.route("/polls/<int:poll_id>/ballot", methods=["GET", "POST"])
@login_required
def ballot(poll_id: int):
    """GET: an empty ballot. POST (from "change my choices" on the review page): the same
    ballot with the voter's choices marked again; nothing is stored either way."""
    poll, state = _for_voter(poll_id)
    if poll.level == "verifiable":  # encrypted in the booth; a re-vote is allowed there
        return redirect(url_for("verifiable.booth", poll_id=poll.id), 303)
    if state:
        return render_template("voting/already.html", poll=poll), 409
    if poll.state != "open" or poll.casting_ended():
        return render_template("voting/not_open.html", poll=poll), 409
    empty = {"marks": [], "ranks": {}, "answer": None}
    try:
        choices = _choices(poll) if request.method == "POST" else empty
    except ballot_token.BadToken:
        choices = empty
    return _ballot_page(poll, choices)


@bp.route("/vote/review", methods=["POST"])
@login_required
def review():
    poll, _voted = _for_voter(request.form.get("poll", type=db_int) or 0)
    if poll.level == "verifiable":
        return redirect(url_for("verifiable.booth", poll_id=poll.id), 303)
    choices = _choices()
    try:
        content = casting.review(poll, **choices)
    except InvalidBallot as invalid:
        return _ballot_page(poll, choices, invalid.problems, 422)
    except casting.CastRefused as refused:
        return render_template("voting/refused.html", poll=poll, refused=refused), 409
    spec = casting.spec_of(poll.frozen_rules)

    def render(**worst):
        context = {
            "poll": poll,
            "content": content,
            "candidates": _candidates(poll),
            "token": ballot_token.seal_choice(poll.id, current_user.member_id, content, spec),
        }
        return render_template("voting/review.html", **{**context, **worst})

    largest = (
        {"answer": "abstain"}
        if spec.method == "motion"
        else (
            {"ranks": list(spec.candidates)}
            if spec.method in RANKED
            else {"marks": list(spec.candidates)}
        )
    )
    return fixed_size(render, {"content": largest})


@bp.route("/vote/cast", methods=["POST"])
@login_required
def cast():
    """The URL names no poll: an access log line shows only that someone voted."""
    poll_id = request.form.get("poll", type=db_int) or 0
    token = request.form.get("ballot", "")[:4096] or None
    try:
        receipt = casting.cast(
            poll_id, current_user.member_id, token=token, **({} if token else _choices())
        )
    except InvalidBallot as invalid:
        poll = get_poll(poll_id)
        return _ballot_page(poll, _choices(), invalid.problems, 422)
    except casting.CastRefused as refused:
        return render_template(
            "voting/refused.html", poll=None, poll_id=poll_id, refused=refused
        ), 409

    def render(**_worst):
        return render_template(
            "voting/receipt.html",
            receipt=receipt,
            tracker=tracker_groups(receipt.tracker),
            lang=language(),
        )

    return fixed_size(render, {})


# --- after the close ---------------------------------------------------------------------


@bp.route("/polls/<int:poll_id>/board", methods=["GET", "POST"])
@login_required
def bulletin(poll_id: int):
    """The tracker to check is posted, never put in the URL (an access log would keep it
    beside the voter's address)."""
    poll = get_poll(poll_id)
    if not board.is_public(poll):
        abort(404)
    voted, ballots = polls.counts(poll)
    query = request.form.get("tracker", "")[:200] if request.method == "POST" else ""
    found = board.has_tracker(poll, query) if query else None
    return render_template(
        "voting/board.html",
        poll=poll,
        trackers=board.trackers(poll),
        contents=board.contents(poll),
        candidates=_candidates(poll),
        voted=voted,
        ballots=ballots,
        query=query,
        found=found,
        groups=tracker_groups,
        verifiable=_verifiable_board(poll),
    )


def _verifiable_board(poll: Poll) -> dict | None:
    """What the board adds for a verifiable poll: its archive, how many ballots the server
    built for voters without JavaScript, and the decrypted totals once k trustees sent
    their partial decryptions."""
    if poll.level != "verifiable":
        return None
    from congress.results.views import sees_uncertified
    from congress.verifiable import polls as verifiable

    vp = verifiable.of(poll)
    return {
        "vp": vp,
        # the decrypted totals are a count: before certification, committee and observers
        "totals": verifiable.totals(poll) if vp.result and sees_uncertified(poll) else None,
        "totals_withheld": bool(vp.result) and not sees_uncertified(poll),
        "archive_sha256": verifiable.archive_sha256(vp),
    }


from . import draft_views  # noqa: E402, F401  (its routes are on this blueprint)
