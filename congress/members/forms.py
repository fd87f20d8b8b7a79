from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField
from wtforms.validators import DataRequired, Length


class ImportForm(FlaskForm):
    file = FileField(_l("Member roll (CSV, UTF-8)"))


class ApplyImportForm(FlaskForm):
    key = HiddenField(validators=[DataRequired(), Length(max=40)])
    sha256 = HiddenField(validators=[DataRequired(), Length(min=64, max=64)])
