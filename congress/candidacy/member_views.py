"""The member's side: standing, proposals to accept, statement and photo, withdrawal,
objection; and the delegates' side: nominating a member and endorsing."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import pgettext
from flask_login import current_user, login_required
from sqlalchemy import select

from congress.conference.facts import bylaws_of
from congress.core.rules import RuleRefused
from congress.extensions import db
from congress.i18n import isolate, language
from congress.members.models import Member
from congress.models_common import utcnow

from . import endorsements, nominations, photos, review, statements, withdrawal
from .blueprint import bp, get_conference, the_member, visible
from .common import CandidacyError, NotAllowed, active_delegate, elected_bodies, nomination_window
from .forms import STATUS_LABELS, BodyForm, ObjectionForm, ProposeForm, ReasonForm, StatementForm
from .models import Candidacy
from .pages import refused


def _body_choices(conference) -> list[tuple[str, str]]:
    rules = bylaws_of(conference)
    return [(key, rules.body(key).title.get(language())) for key in elected_bodies(rules)]


def render_mine(conference, *, refusal=None, error=None, status=200):
    member = the_member()
    rules = bylaws_of(conference)
    now = utcnow()
    rows = []
    mine: dict[str, Candidacy] = {}
    if member is not None:
        mine = {
            c.body: c
            for c in db.session.execute(
                select(Candidacy).where(
                    Candidacy.conference_id == conference.id, Candidacy.member_id == member.id
                )
            ).scalars()
        }
    for key in elected_bodies(rules):
        c = mine.get(key)
        rows.append(
            (
                key,
                rules.body(key),
                nomination_window(conference, key, now),
                c,
                endorsements.count_of(c) if c else 0,
                endorsements.rules_for(conference, key),
            )
        )
    stand_form, propose_form = BodyForm(), ProposeForm()
    stand_form.body.choices = propose_form.body.choices = _body_choices(conference)
    return render_template(
        "candidacy/mine.html",
        conference=conference,
        member=member,
        rows=rows,
        delegate=active_delegate(conference, getattr(member, "id", None)) is not None,
        stand_form=stand_form,
        propose_form=propose_form,
        refusal=refusal,
        error=error,
    ), status


def mine_refused(conference, problem: Exception, status: int = 409):
    if isinstance(problem, NotAllowed):
        abort(403)
    if isinstance(problem, RuleRefused):
        return render_mine(conference, refusal=problem, status=status)
    return render_mine(conference, error=str(problem), status=status)


def back_to(conference, candidacy=None):
    if candidacy is not None:
        return redirect(
            url_for("candidacy.candidate", conference_id=conference.id, candidacy_id=candidacy.id)
        )
    return redirect(url_for("candidacy.mine", conference_id=conference.id))


@bp.route("/conferences/<int:conference_id>/candidacy")
@login_required
def mine(conference_id: int):
    return render_mine(get_conference(conference_id))


@bp.route("/conferences/<int:conference_id>/candidacy/stand", methods=["POST"])
@login_required
def stand(conference_id: int):
    conference = get_conference(conference_id)
    member = the_member()
    form = BodyForm()
    form.body.choices = _body_choices(conference)
    if member is None:
        return render_mine(conference, error=_("Only members of the roll can stand."), status=403)
    if not form.validate_on_submit():
        return render_mine(conference, error=_("Choose a body."), status=422)
    try:
        nominations.nominate_self(conference, member, form.body.data, actor=current_user)
    except (RuleRefused, CandidacyError) as problem:
        return mine_refused(conference, problem)
    flash(_("Your candidacy is submitted to the election committee."), "success")
    return back_to(conference)


@bp.route("/conferences/<int:conference_id>/candidacy/propose", methods=["POST"])
@login_required
def propose(conference_id: int):
    conference = get_conference(conference_id)
    form = ProposeForm()
    form.body.choices = _body_choices(conference)
    if not form.validate_on_submit():
        return render_mine(
            conference, error=_("Choose a body and enter a member number."), status=422
        )
    number = form.member_number.data.strip()
    member = db.session.execute(select(Member).where(Member.number == number)).scalar_one_or_none()
    if member is None:
        return render_mine(
            conference, error=_("No member has the number %(n)s.", n=number), status=422
        )
    try:
        nominations.propose(conference, member, form.body.data, actor=current_user)
    except (RuleRefused, CandidacyError) as problem:
        return mine_refused(conference, problem)
    # the Arabic verb and pronoun agree with the member named (رُشِّحت فاطمة)
    flash(
        pgettext(
            "female",
            "%(name)s is nominated; the nomination counts once they accept it.",
            name=isolate(member.name_ar),
        )
        if member.gender == "f"
        else _(
            "%(name)s is nominated; the nomination counts once they accept it.",
            name=isolate(member.name_ar),
        ),
        "success",
    )
    return back_to(conference)


ACTIONS = {
    "accept": lambda c, form: nominations.accept(c, actor=current_user),
    "decline": lambda c, form: nominations.decline(c, actor=current_user),
    "withdraw": lambda c, form: withdrawal.withdraw(
        c, (form.reason.data or "").strip(), actor=current_user
    ),
}
DONE = {
    "accept": lambda: _("You have accepted the nomination: it is submitted to the committee."),
    "decline": lambda: _("You have declined the nomination."),
    "withdraw": lambda: _("Your candidacy is withdrawn."),
}


@bp.route(
    "/conferences/<int:conference_id>/candidacies/<int:candidacy_id>/<any(accept, decline, "
    "withdraw):action>",
    methods=["POST"],
)
@login_required
def answer(conference_id: int, candidacy_id: int, action: str):
    conference = get_conference(conference_id)
    candidacy = visible(conference, candidacy_id)
    try:
        if action == "withdraw" and request.form.get("confirm") != "yes":
            raise CandidacyError(_("Tick the box to confirm; nothing was changed."))
        ACTIONS[action](candidacy, ReasonForm())
    except NotAllowed:
        abort(403)
    except (RuleRefused, CandidacyError) as problem:
        return refused(conference, candidacy, problem)
    flash(DONE[action](), "success")
    return back_to(conference, candidacy)


@bp.route(
    "/conferences/<int:conference_id>/candidacies/<int:candidacy_id>/objection", methods=["POST"]
)
@login_required
def object_to(conference_id: int, candidacy_id: int):
    conference = get_conference(conference_id)
    candidacy = visible(conference, candidacy_id)
    form = ObjectionForm()
    try:
        review.file_objection(candidacy, form.text.data or "", actor=current_user)
    except NotAllowed:
        abort(403)
    except (RuleRefused, CandidacyError) as problem:
        return refused(conference, candidacy, problem, 422)
    flash(_("Your objection is filed; the committee's decision on it will be final."), "success")
    return back_to(conference, candidacy)


@bp.route(
    "/conferences/<int:conference_id>/candidacies/<int:candidacy_id>/statement",
    methods=["GET", "POST"],
)
@login_required
def statement(conference_id: int, candidacy_id: int):
    conference = get_conference(conference_id)
    candidacy = visible(conference, candidacy_id)  # 404 whether missing or not shown
    if current_user.member_id != candidacy.member_id:
        abort(403)
    form = StatementForm()
    if request.method == "GET":
        form.statement_ar.data, form.statement_en.data = (
            candidacy.statement_ar,
            candidacy.statement_en,
        )
    limit = bylaws_of(conference).statement_max_chars()

    def page(status=200, refusal=None, error=None):
        return render_template(
            "candidacy/statement.html",
            conference=conference,
            c=candidacy,
            form=form,
            limit=limit,
            max_kb=photos.max_bytes() // 1024,
            editable=statements.editable(candidacy, conference, utcnow()),
            refusal=refusal,
            error=error,
        ), status

    if request.method == "GET":
        return page()
    if not form.validate_on_submit():
        return page(400, error=_("The form could not be read. Please try again."))
    try:
        statements.update_statement(
            candidacy,
            form.statement_ar.data or "",
            form.statement_en.data or "",
            actor=current_user,
        )
        upload = form.photo.data
        if upload and getattr(upload, "filename", ""):
            photos.set_photo(candidacy, upload.read(photos.max_bytes() + 1), actor=current_user)
        elif form.remove_photo.data:
            photos.remove_photo(candidacy, actor=current_user)
    except NotAllowed:
        abort(403)
    except RuleRefused as problem:
        return page(422, refusal=problem)
    except CandidacyError as problem:
        return page(422, error=str(problem))
    flash(_("Your statement is saved."), "success")
    return back_to(conference, candidacy)


@bp.route(
    "/conferences/<int:conference_id>/candidacies/<int:candidacy_id>/reinstate", methods=["POST"]
)
@login_required
def reinstate(conference_id: int, candidacy_id: int):
    """The candidate undoes their own withdrawal while nominations are open."""
    conference = get_conference(conference_id)
    candidacy = visible(conference, candidacy_id)
    try:
        withdrawal.reinstate(candidacy, actor=current_user)
    except NotAllowed:
        abort(403)
    except (RuleRefused, CandidacyError) as problem:
        return refused(conference, candidacy, problem)
    flash(
        _(
            "Your withdrawal is undone: your candidacy stands again (%(status)s).",
            status=STATUS_LABELS[candidacy.status],
        ),
        "success",
    )
    return back_to(conference, candidacy)
