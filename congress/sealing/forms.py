from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange


class PassphraseForm(FlaskForm):
    passphrase = PasswordField(
        _l("Key-holder passphrase"), validators=[DataRequired(), Length(max=1024)]
    )
    confirm = PasswordField(
        _l("Repeat the passphrase"),
        validators=[
            DataRequired(),
            EqualTo("passphrase", message=_l("The two passphrases differ.")),
        ],
    )


class RevealForm(FlaskForm):
    passphrase = PasswordField(
        _l("Your key-holder passphrase"), validators=[DataRequired(), Length(max=1024)]
    )


class ConfirmForm(FlaskForm):
    first_position = IntegerField(validators=[DataRequired(), NumberRange(1, 64)])
    second_position = IntegerField(validators=[DataRequired(), NumberRange(1, 64)])
    first_word = StringField(validators=[DataRequired(), Length(max=40)])
    second_word = StringField(validators=[DataRequired(), Length(max=40)])
    step = HiddenField(default="confirm")


class ShareForm(FlaskForm):
    words = TextAreaField(
        _l("Your share: the words as written, in order"),
        validators=[DataRequired(), Length(max=2000)],
    )
