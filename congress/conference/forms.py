from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, EqualTo, Length, NumberRange, Optional

from congress.web.local_time import existing_local_time
from congress.web.safety import DB_INT_MAX, sane_datetime

from .models import AGENDA_KINDS

AGENDA_LABELS = {
    "report": _l("Report"),
    "policy_paper": _l("Policy paper"),
    "election": _l("Election"),
    "other": _l("Other business"),
}
PRESENCE_LABELS = {
    "present": _l("present"),
    "excused": _l("absent with excuse"),
    "absent": _l("absent without excuse"),
    "checked_out": _l("checked out"),
}


class ConferenceForm(FlaskForm):
    title_ar = StringField(_l("Title (Arabic)"), validators=[DataRequired(), Length(max=300)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=300)])
    starts_at = DateTimeLocalField(
        _l("Date and time (your time zone)"),
        validators=[DataRequired(), sane_datetime, existing_local_time],
    )
    place = StringField(_l("Place"), validators=[Optional(), Length(max=300)])
    online_link = StringField(
        _l("Online meeting link"), validators=[Optional(), URL(require_tld=False), Length(max=500)]
    )
    bylaws_version = SelectField(_l("Bylaws version"), coerce=int)


class AgendaForm(FlaskForm):
    kind = SelectField(
        _l("Kind"), choices=[SelectChoice(k, AGENDA_LABELS[k]) for k in AGENDA_KINDS]
    )
    title_ar = StringField(_l("Title (Arabic)"), validators=[DataRequired(), Length(max=300)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=300)])


class DesignateForm(FlaskForm):
    member_number = StringField(_l("Member number"), validators=[DataRequired(), Length(max=40)])
    kind = SelectField(
        _l("As"),
        choices=[
            SelectChoice("delegate", _l("delegate")),
            SelectChoice("alternate", _l("alternate")),
        ],
    )


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=1000)])


class ReplaceForm(FlaskForm):
    alternate = IntegerField(
        _l("Alternate"), validators=[DataRequired(), NumberRange(1, DB_INT_MAX)]
    )


class PresenceForm(FlaskForm):
    state = SelectField(
        _l("Presence"), choices=[SelectChoice(k, v) for k, v in PRESENCE_LABELS.items()]
    )


class ActivationForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[Optional(), Length(max=254)])
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )
    language = SelectField(
        _l("Language"), choices=[SelectChoice("ar", "العربية"), SelectChoice("en", "English")]
    )
    timezone = SelectField(_l("Time zone"))


STATE_LABELS = {
    "draft": _l("draft"),
    "convened": _l("convened"),
    "registration_closed": _l("registration closed"),
    "in_session": _l("in session"),
    "closed": _l("closed"),
}
DELEGATE_LABELS = {
    "designated": _l("designated"),
    "accredited": _l("accredited"),
    "rejected": _l("rejected"),
    "withdrawn": _l("withdrawn"),
    "delegate": _l("delegate"),
    "alternate": _l("alternate"),
}
