"""Account forms. Validation of shape lives here; rules of the domain live in services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from matcher.i18n import LANGUAGES
from matcher.models import Role
from matcher.services.accounts import MIN_PASSWORD_LENGTH, SIGNUP_ROLES
from matcher.timezones import is_known_zone, zone_choices
from matcher.web.forms import AppForm, strip_spaces

_email = [DataRequired("Enter your email address."), Email("Enter a valid email address."), Length(max=254)]


def _new_password(label: str = "Password") -> PasswordField:
    return PasswordField(
        label,
        validators=[
            DataRequired("Choose a password."),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=256,
                message=f"Use between {MIN_PASSWORD_LENGTH} and 256 characters.",
            ),
        ],
        description=f"At least {MIN_PASSWORD_LENGTH} characters. A short sentence works well.",
    )


def _confirm(field: str) -> PasswordField:
    return PasswordField(
        "Repeat the password",
        validators=[DataRequired("Repeat the password."), EqualTo(field, "The passwords do not match.")],
    )


class SignupForm(AppForm):
    role = RadioField(
        "I am",
        choices=[SelectChoice(role.value, role.label) for role in SIGNUP_ROLES],
        validators=[DataRequired("Choose the kind of account.")],
    )
    name = StringField("Full name", validators=[DataRequired("Enter your name."), Length(max=120)])
    email = EmailField("Email", validators=_email, filters=[strip_spaces])
    organisation_name = StringField(
        "Organisation",
        validators=[Length(max=160)],
        description="The organisation you act for. "
        "A coordinator verifies it before its opportunities are published.",
    )
    password = _new_password()
    confirm = _confirm("password")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.for_organisation:
            # Students and trainees choose between their own two kinds; organisation contacts have their
            # own page (?as=org_member), the only one that asks for an organisation.
            self.role.choices = [SelectChoice(r.value, r.label) for r in SIGNUP_ROLES if r != Role.ORG_MEMBER]

    @property
    def for_organisation(self) -> bool:
        return self.role.data == Role.ORG_MEMBER

    def validate_organisation_name(self, field: StringField) -> None:
        if self.role.data == Role.ORG_MEMBER and not (field.data or "").strip():
            raise ValidationError("Name the organisation you act for.")


class LoginForm(AppForm):
    email = EmailField("Email", validators=_email, filters=[strip_spaces])
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")])
    remember = BooleanField("Remember me on this device")
    next = HiddenField()


class ForgotPasswordForm(AppForm):
    email = EmailField("Email", validators=_email, filters=[strip_spaces])


class ResetPasswordForm(AppForm):
    password = _new_password("New password")
    confirm = _confirm("password")


class ChangePasswordForm(AppForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password.")]
    )
    password = _new_password("New password")
    confirm = _confirm("password")


class ChangeEmailForm(AppForm):
    new_email = EmailField("New email", validators=_email, filters=[strip_spaces])
    password = PasswordField("Current password", validators=[DataRequired("Enter your current password.")])


class TimezoneForm(AppForm):
    # Checked below with a message of our own rather than WTForms' "Not a valid choice".
    timezone = SelectField(
        "Time zone",
        choices=zone_choices,
        validate_choice=False,
        description="Dates and times on this site are shown in this zone.",
    )

    def validate_timezone(self, field: SelectField) -> None:
        if not is_known_zone(field.data):
            raise ValidationError("Choose a time zone from the list.")


class LocaleForm(AppForm):
    # Each language is named in itself; "" leaves the choice to the switcher's cookie or the browser.
    locale = SelectField(
        _l("Language"),
        choices=lambda: [("", _l("The browser's language")), *LANGUAGES.items()],
        validate_choice=False,
        description=_l("Pages on this site are shown in this language."),
    )

    def validate_locale(self, field: SelectField) -> None:
        if field.data and field.data not in LANGUAGES:
            raise ValidationError(_l("Choose a language from the list."))
