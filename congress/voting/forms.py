from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from congress.web.local_time import existing_local_time
from congress.web.safety import sane_datetime

CATEGORY_LABELS = {
    "ordinary": _l("Ordinary motion"),
    "policy_paper": _l("Policy paper"),
    "bylaw_amendment": _l("Bylaw amendment"),
    "dissolution": _l("Dissolving a body"),
}


LEVELS = ("plain", "sealed", "verifiable")
LEVEL_LABELS = {
    "plain": _l("Plain: the server counts the ballots; you trust whoever runs it"),
    "sealed": _l(
        "Sealed: ballots are encrypted to a key that only the required number of "
        "committee members together can open after the close"
    ),
    "verifiable": _l(
        "Verifiable: ballots are encrypted on the voter's device, the trustees decrypt only "
        "the total, and anyone can check the count with Belenios"
    ),
}
LEVEL_SHORT = {
    "plain": _l("plain"),
    "sealed": _l("sealed box"),
    "verifiable": _l("verifiable (Belenios)"),
}


def _level_field():
    return RadioField(
        _l("Secrecy of the ballot"),
        choices=[SelectChoice(k, LEVEL_LABELS[k]) for k in LEVELS],
        default="plain",
    )


class ElectionForm(FlaskForm):
    body = SelectField(_l("Body"))
    level = _level_field()
    closes_at = DateTimeLocalField(
        _l("Voting ends at (optional, in your time zone)"),
        validators=[Optional(), sane_datetime, existing_local_time],
    )
    confirm = BooleanField(
        _l("I have read the warnings and the committee proceeds as the bylaws provide")
    )


class MotionForm(FlaskForm):
    title_ar = StringField(_l("Title (Arabic)"), validators=[DataRequired(), Length(max=300)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=300)])
    text_ar = TextAreaField(_l("Text (Arabic)"), validators=[DataRequired(), Length(max=20000)])
    text_en = TextAreaField(_l("Text (English)"), validators=[Optional(), Length(max=20000)])
    category = SelectField(
        _l("Category"), choices=[SelectChoice(k, v) for k, v in CATEGORY_LABELS.items()]
    )
    level = _level_field()
    closes_at = DateTimeLocalField(
        _l("Voting ends at (optional, in your time zone)"),
        validators=[Optional(), sane_datetime, existing_local_time],
    )


class PollEditForm(FlaskForm):
    """A draft's texts (a motion's) and closing time; the body and the seal stay as created."""

    title_ar = StringField(_l("Title (Arabic)"), validators=[DataRequired(), Length(max=300)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=300)])
    text_ar = TextAreaField(_l("Text (Arabic)"), validators=[Optional(), Length(max=20000)])
    text_en = TextAreaField(_l("Text (English)"), validators=[Optional(), Length(max=20000)])
    category = SelectField(
        _l("Category"), choices=[SelectChoice(k, v) for k, v in CATEGORY_LABELS.items()]
    )
    closes_at = DateTimeLocalField(
        _l("Voting ends at (optional, in your time zone)"),
        validators=[Optional(), sane_datetime, existing_local_time],
    )


POLL_STATES = {
    "draft": _l("draft"),
    "open": _l("open"),
    "ended": _l("voting ended, awaiting the committee's close"),
    "closed": lazy_pgettext("poll", "closed"),  # a ballot box is closed, a conference ends
    "tallied": _l("counted"),
    "certified": _l("certified"),
    "annulled": _l("annulled"),
}
METHOD_LABELS = {
    "block": _l("block vote"),
    "approval": _l("approval vote"),
    "single": _l("absolute majority, runoff if needed"),
    "stv-scottish": _l("single transferable vote (Scottish rules)"),
    "stv-meek": _l("single transferable vote (Meek method)"),
    "motion": _l("yes / no / abstain"),
}
ANSWER_LABELS = {"yes": _l("Yes"), "no": _l("No"), "abstain": _l("Abstain")}
