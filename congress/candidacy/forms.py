"""Forms: the shape of input only; the bylaws' limits are checked by the operations."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

STATUS_LABELS = {
    "proposed": _l("awaiting the member's acceptance"),
    "submitted": _l("awaiting the committee's decision"),
    "approved": _l("approved"),
    "rejected": _l("rejected"),
    "withdrawn": _l("withdrawn"),
}
OUTCOME_LABELS = {"upheld": _l("upheld"), "dismissed": _l("dismissed")}


class BodyForm(FlaskForm):
    body = SelectField(_l("Body"))


class ProposeForm(FlaskForm):
    body = SelectField(_l("Body"))
    member_number = StringField(_l("Member number"), validators=[DataRequired(), Length(max=40)])


class StatementForm(FlaskForm):
    statement_ar = TextAreaField(_l("Statement in Arabic"), validators=[Optional()])
    statement_en = TextAreaField(_l("Statement in English"), validators=[Optional()])
    photo = FileField(_l("Photo (JPEG or PNG, optional)"))
    remove_photo = BooleanField(_l("Remove the current photo"))


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"))


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("Reason"))
    article = SelectField(_l("Article of the bylaws"))


class ObjectionForm(FlaskForm):
    text = TextAreaField(_l("Grounds of the objection"))


class ObjectionDecisionForm(FlaskForm):
    outcome = SelectField(
        _l("Decision"), choices=[SelectChoice(k, v) for k, v in OUTCOME_LABELS.items()]
    )
    answer = TextAreaField(_l("Reasons of the decision"))
