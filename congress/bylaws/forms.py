from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import TextAreaField
from wtforms.validators import Length

MAX_BYLAWS_BYTES = 512 * 1024


class UploadForm(FlaskForm):
    file = FileField(_l("Bylaws file (TOML)"))
    text = TextAreaField(_l("Or paste the text"), validators=[Length(max=MAX_BYLAWS_BYTES)])
