from __future__ import annotations

from wtforms import EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import URL, DataRequired, Email, EqualTo, Length, Optional

from matcher.formatting import language
from matcher.services.accounts import MIN_PASSWORD_LENGTH
from matcher.translate import lazy_gettext as _l
from matcher.web import choices
from matcher.web.forms import AppForm, CheckboxesField, strip_spaces


class OrganisationForm(AppForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(_l("Give the organisation's name.")), Length(max=160)]
    )
    description = TextAreaField(
        _l("Description"),
        validators=[Optional(), Length(max=5000)],
        description=_l("A few factual sentences: who you are and what you do in IR."),
    )
    written_in = SelectField(
        _l("Description written in"),
        default=language,
        validators=[DataRequired(_l("Choose the language the description is written in."))],
    )
    website = StringField(
        _l("Website"),
        validators=[
            Optional(),
            Length(max=300),
            URL(require_tld=True, message=_l("Give the full address, e.g. https://example.org")),
        ],
    )
    social_handle = StringField(_l("Social media handle"), validators=[Optional(), Length(max=100)])
    country_code = SelectField(_l("Based in"), validators=[Optional()])
    countries = CheckboxesField(
        _l("Countries you work in"),
        validators=[Optional()],
        description=_l("Tick every country where you run visits or electives."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.country_code.choices = choices.country_choices(blank="—")
        self.countries.choices = choices.country_choices(blank=None)
        self.written_in.choices = choices.content_language_choices()


class InviteForm(AppForm):
    email = EmailField(
        _l("Colleague's email"),
        filters=[strip_spaces],
        validators=[
            DataRequired(_l("Enter an email address.")),
            Email(_l("Enter a valid email address.")),
            Length(max=254),
        ],
    )


class AcceptInviteForm(AppForm):
    """For an invited person without an account: the email comes from the invitation."""

    name = StringField(_l("Full name"), validators=[DataRequired(_l("Enter your name.")), Length(max=120)])
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(_l("Choose a password.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=256,
                message=_l("Use between %(min)d and 256 characters.", min=MIN_PASSWORD_LENGTH),
            ),
        ],
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(_l("Repeat the password.")),
            EqualTo("password", _l("The passwords do not match.")),
        ],
    )


class RejectForm(AppForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(_l("Say why, so the contact can put it right.")), Length(max=2000)],
    )
