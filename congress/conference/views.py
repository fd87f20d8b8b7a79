"""The conference page, its setup by the administrator, sittings and the quorum panel."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from congress.auth import roles
from congress.auth.decorators import fresh_login_required, requires
from congress.bylaws.models import BylawsVersion
from congress.core.rules import RuleRefused
from congress.extensions import db
from congress.i18n import isolate, language
from congress.web.local_time import to_local, to_utc

from . import attendance, operations
from .delegates import DelegateError, delegate_of
from .facts import bylaws_of
from .forms import AGENDA_LABELS, DELEGATE_LABELS, STATE_LABELS, AgendaForm, ConferenceForm
from .models import Conference, InvalidTransition

bp = Blueprint("conference", __name__, url_prefix="/conferences")
STAFF = (roles.ADMIN, roles.CREDENTIALS, roles.COMMITTEE, roles.OBSERVER)


@bp.app_context_processor
def _labels() -> dict:
    return {"state_labels": STATE_LABELS, "delegate_labels": DELEGATE_LABELS}


def get_conference(conference_id: int) -> Conference:
    return db.session.get(Conference, conference_id) or abort(404)


def in_conference(conference: Conference, user) -> bool:
    """Staff, observers and the conference's delegates see its internal pages."""
    if not user.is_authenticated:
        return False
    return any(user.has_role(r) for r in STAFF) or delegate_of(conference, user) is not None


@bp.route("/")
def index():
    query = select(Conference).order_by(Conference.starts_at.desc())
    if not operations.sees_drafts(current_user):  # a draft is the administrator's work
        query = query.where(Conference.state != "draft")
    conferences = db.session.execute(query).scalars().all()
    return render_template("conference/index.html", conferences=conferences)


@bp.route("/<int:conference_id>")
def page(conference_id: int):
    conference = get_conference(conference_id)
    if conference.state == "draft" and not operations.sees_drafts(current_user):
        abort(404)
    rules = bylaws_of(conference)
    return render_template(
        "conference/page.html",
        conference=conference,
        timeline=rules.timeline(conference.starts_at),
        rules=rules,
        agenda_labels=AGENDA_LABELS,
        agenda_form=AgendaForm(),
        delegate=delegate_of(conference, current_user),
        member_view=in_conference(conference, current_user),
    )


def _version_choices(form: ConferenceForm) -> None:
    versions = (
        db.session.execute(select(BylawsVersion).order_by(BylawsVersion.number.desc()))
        .scalars()
        .all()
    )
    form.bylaws_version.choices = [(v.id, _("Version %(n)d", n=v.number)) for v in versions]


@bp.route("/new", methods=["GET", "POST"])
@requires(roles.ADMIN)
def create():
    form = ConferenceForm()
    _version_choices(form)
    if not form.bylaws_version.choices:
        flash(_("Upload the bylaws before creating a conference."), "error")
        return redirect(url_for("bylaws.upload"))
    if form.validate_on_submit():
        starts_at = to_utc(form.starts_at.data)
        conference = operations.create(
            title_ar=form.title_ar.data.strip(),
            title_en=(form.title_en.data or "").strip(),
            starts_at=starts_at,
            place=(form.place.data or "").strip(),
            online_link=(form.online_link.data or "").strip(),
            bylaws_version=db.session.get(BylawsVersion, form.bylaws_version.data),
            actor=current_user,
        )
        operations.add_committee_from_role(conference, actor=current_user)
        flash(_("Conference created as a draft."), "success")
        return redirect(url_for("conference.page", conference_id=conference.id))
    status = 422 if request.method == "POST" else 200
    return render_template("conference/form.html", form=form), status


@bp.route("/<int:conference_id>/edit", methods=["GET", "POST"])
@requires(roles.ADMIN)
@fresh_login_required
def edit(conference_id: int):
    """The administrator fixes a draft: titles, date, place, link, bylaws version."""
    conference = get_conference(conference_id)
    try:
        operations.require_draft(conference)
    except RuleRefused as refused:
        return _refuse(conference, refused)
    form = ConferenceForm(obj=conference if request.method == "GET" else None)
    _version_choices(form)
    if request.method == "GET":
        form.starts_at.data = to_local(conference.starts_at)
        form.bylaws_version.data = conference.bylaws_version_id
    if form.validate_on_submit():
        try:
            changed = operations.update_draft(
                conference,
                actor=current_user,
                title_ar=form.title_ar.data.strip(),
                title_en=(form.title_en.data or "").strip(),
                starts_at=to_utc(form.starts_at.data),
                place=(form.place.data or "").strip(),
                online_link=(form.online_link.data or "").strip(),
                bylaws_version_id=form.bylaws_version.data,
            )
        except operations.DraftInUse as busy:
            flash(
                _(
                    "The election committee has prepared work under the present bylaws "
                    "version: %(what)s. The version can change once the committee has "
                    "deleted it; nothing was changed.",
                    what=_joined(busy.what),
                ),
                "error",
            )
            return render_template("conference/form.html", form=form, conference=conference), 409
        flash(_("The draft is saved.") if changed else _("Nothing was changed."), "success")
        return redirect(url_for("conference.page", conference_id=conference.id))
    status = 422 if request.method == "POST" else 200
    return render_template("conference/form.html", form=form, conference=conference), status


@bp.route("/<int:conference_id>/delete", methods=["POST"])
@requires(roles.ADMIN)
@fresh_login_required
def delete(conference_id: int):
    """A draft deleted, once the box is ticked; refused once convened."""
    conference = get_conference(conference_id)
    try:
        operations.require_draft(conference)
    except RuleRefused as refused:
        return _refuse(conference, refused)
    if request.form.get("confirm") != "yes":
        flash(_("Tick the box to confirm; nothing was changed."), "error")
        return redirect(url_for("conference.page", conference_id=conference.id), 303)
    try:
        operations.delete_draft(conference, actor=current_user)
    except operations.DraftInUse as busy:
        flash(
            _(
                "This draft holds the election committee's work: %(what)s. The committee "
                "deletes it first; nothing was changed.",
                what=_joined(busy.what),
            ),
            "error",
        )
        return _refuse(conference, None)
    flash(_("The draft conference is deleted."), "success")
    return redirect(url_for("conference.index"))


def _joined(titles: list[str]) -> str:
    return ("، " if language() == "ar" else ", ").join(isolate(t) for t in titles)


@bp.route("/<int:conference_id>/agenda", methods=["POST"])
@requires(roles.ADMIN)
def add_agenda(conference_id: int):
    conference = get_conference(conference_id)
    form = AgendaForm()
    if not form.validate_on_submit():
        flash(_("The agenda item needs a kind and an Arabic title."), "error")
        return redirect(url_for("conference.page", conference_id=conference.id)), 303
    try:
        operations.add_agenda_item(
            conference,
            form.kind.data,
            form.title_ar.data.strip(),
            (form.title_en.data or "").strip(),
            actor=current_user,
        )
    except InvalidTransition:
        abort(409)
    return redirect(url_for("conference.page", conference_id=conference.id))


@bp.route("/<int:conference_id>/convene", methods=["POST"])
@requires(roles.ADMIN)
@fresh_login_required
def convene(conference_id: int):
    conference = get_conference(conference_id)
    if request.form.get("confirm") != "yes":  # the notice cannot be called back
        flash(_("Tick the box to confirm; nothing was changed."), "error")
        return redirect(url_for("conference.page", conference_id=conference.id), 303)
    try:
        operations.convene(conference, actor=current_user)
    except RuleRefused as refused:
        return _refuse(conference, refused)
    except InvalidTransition:
        flash(_("The conference has already been convened."), "error")
        return redirect(url_for("conference.page", conference_id=conference.id)), 303
    flash(_("The conference is convened."), "success")
    return redirect(url_for("conference.page", conference_id=conference.id))


@bp.route("/<int:conference_id>/close", methods=["POST"])
@requires(roles.ADMIN)
@fresh_login_required
def close(conference_id: int):
    conference = get_conference(conference_id)
    try:
        operations.close(conference, actor=current_user)
    except operations.PollsStillOpen as still:
        flash(
            _(
                "The conference cannot close while polls are open: %(titles)s. The election "
                "committee closes them first.",
                titles=("، " if language() == "ar" else ", ").join(
                    isolate(t) for t in still.titles
                ),
            ),
            "error",
        )
        return redirect(url_for("conference.page", conference_id=conference.id)), 303
    except InvalidTransition:
        flash(_("The conference cannot be closed from its present state."), "error")
        return redirect(url_for("conference.page", conference_id=conference.id)), 303
    flash(_("The conference is closed."), "success")
    return redirect(url_for("conference.page", conference_id=conference.id))


def _refuse(conference: Conference, refused: RuleRefused | None):
    """The conference page again, with the refusal (or a flashed error), as a 409."""
    rules = bylaws_of(conference)
    return render_template(
        "conference/page.html",
        conference=conference,
        timeline=rules.timeline(conference.starts_at),
        rules=rules,
        agenda_labels=AGENDA_LABELS,
        agenda_form=AgendaForm(),
        refusal=refused,
        delegate=delegate_of(conference, current_user),
        member_view=in_conference(conference, current_user),
    ), 409


# --- sittings and quorum --------------------------------------------------------------


@bp.route("/<int:conference_id>/quorum")
@login_required
def quorum(conference_id: int):
    """The live panel: plain HTML that reloads itself, no script needed."""
    conference = get_conference(conference_id)
    if not in_conference(conference, current_user):
        abort(403)
    return render_template(
        "conference/quorum.html",
        conference=conference,
        quorum=attendance.quorum(conference),
        sitting=attendance.open_sitting(conference),
    )


@bp.route("/<int:conference_id>/sitting", methods=["POST"])
@requires(roles.CREDENTIALS, roles.ADMIN)
def sitting(conference_id: int):
    conference = get_conference(conference_id)
    try:
        if request.form.get("action") == "close":
            from congress.voting.models import Poll

            still = (
                db.session.execute(
                    select(Poll).where(Poll.conference_id == conference.id, Poll.state == "open")
                )
                .scalars()
                .all()
            )
            if still:
                raise DelegateError(
                    _(
                        "The sitting cannot close while polls are open: %(titles)s.",
                        titles="، ".join(isolate(p.title(language())) for p in still),
                    )
                )
            attendance.end_sitting(conference, actor=current_user)
            flash(_("The sitting is closed."), "success")
        else:
            attendance.start_sitting(conference, actor=current_user)
            flash(_("The sitting is open: delegates can check in."), "success")
    except (DelegateError, InvalidTransition) as refused:
        flash(str(refused), "error")
        return redirect(url_for("delegates.attendance_page", conference_id=conference.id)), 303
    return redirect(url_for("delegates.attendance_page", conference_id=conference.id))
