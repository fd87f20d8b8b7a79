"""Forms: the shape of input only; the bylaws' rules are checked by the operations."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField

OUTCOME_LABELS = {"upheld": _l("upheld"), "rejected": _l("rejected")}


class ResultObjectionForm(FlaskForm):
    reason = TextAreaField(_l("Grounds of the objection"))
